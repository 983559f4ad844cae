from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from roundtable.core.text import MultiLineField, SingleLineField

from .models import ReportKind, ReportReason
from .services import MAX_DETAILS, MAX_REASON


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label="What's wrong?", choices=ReportReason.choices, widget=forms.RadioSelect)
    details = MultiLineField(
        label="Anything the moderators should know (optional; needed for “Something else”)",
        required=False,
        max_length=MAX_DETAILS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=(("actioned", "Action taken"), ("dismissed", "No breach found")))
    outcome = MultiLineField(label="Note for the log (optional)", required=False, max_length=MAX_REASON,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ContentForm(forms.Form):
    kind = forms.ChoiceField(choices=ReportKind.choices)
    ref = SingleLineField(max_length=64)
    do = forms.ChoiceField(choices=(("hide", "Hide"), ("unhide", "Unhide")))
    reason = MultiLineField(label="Why (optional)", required=False, max_length=MAX_REASON)


GROUP_ACTIONS = (
    ("warn", "Warn"),
    ("mute", "Mute in live rooms"),
    ("unmute", "Unmute"),
    ("remove", "Remove from the group"),
    ("ban", "Ban"),
    ("unban", "Lift the ban"),
)
SITE_ACTIONS = (("warn", "Warn"), ("suspend", "Suspend the account"), ("restore", "Restore the account"))


class ActionForm(forms.Form):
    action = forms.ChoiceField(label="Action", choices=GROUP_ACTIONS)
    reason = MultiLineField(
        label="Reason (told to the person; required to warn, mute, remove, ban or suspend)",
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    until = forms.DateField(
        label="Until (for a mute or a ban; empty: until lifted)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: object, site: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if site:
            self.fields["action"].choices = SITE_ACTIONS  # type: ignore[attr-defined]
            del self.fields["until"]

    def until_in(self, zone: str) -> datetime | None:
        """The end as the start of the day after the date given, in the group's time zone (a
        ban "until Dec 3" lasts through Dec 3)."""
        day: date | None = self.cleaned_data.get("until")
        if day is None:
            return None
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))


class DayInput(forms.DateInput):
    """<input type=date> that shows only a valid day: an invalid one typed into the address
    (?since=someday) is refused by the form with its error, and not written back as the
    input's value, where HTML allows only a date."""

    input_type = "date"

    def format_value(self, value: Any) -> str | None:
        shown = super().format_value(value)
        if isinstance(shown, str) and shown:
            try:
                date.fromisoformat(shown)
            except ValueError:
                return None
        return shown


class AuditFilterForm(forms.Form):
    action = SingleLineField(
        required=False, max_length=64, label="Action (moderation.ban, or a whole area: moderation)"
    )
    group = forms.SlugField(required=False, max_length=60, label="Group (its address name)")
    person = SingleLineField(required=False, max_length=12, label="Person (their public id)")
    since = forms.DateField(required=False, label="From", widget=DayInput)
    until = forms.DateField(required=False, label="To", widget=DayInput)
