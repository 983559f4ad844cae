"""The journal's forms: a goal (two taps on a phone: a reason chip and Save), a reflection
(under 30 seconds: a value, and the rest optional) and "I landed". Choices of people come from
journal.selectors, so a tampered value is an invalid choice (a form error), never a write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import F

from roundtable.core import dates
from roundtable.core.text import MultiLineField, SingleLineField
from roundtable.groups.forms import OneMessagePerField
from roundtable.groups.models import Group
from roundtable.meetings.models import Meeting
from roundtable.tracker.models import Contact, Source

from .landing import LandingData
from .models import GoalMet, GoalReason
from .selectors import Candidate
from .services import FollowUp, GoalPick

VALUE_LABELS = {
    1: "Not worth my time",
    2: "A little useful",
    3: "Useful",
    4: "Very useful",
    5: "One of the best",
}
FOLLOW_UP_ROWS = 3


def _in_range(day: date | None) -> None:
    if day is not None and not dates.in_range(day):
        raise forms.ValidationError(dates.PICK_TEXT)


class DayField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(_in_range)
        self.error_messages["invalid"] = "Enter a date as YYYY-MM-DD."


class GoalForm(OneMessagePerField):
    reasons = forms.MultipleChoiceField(
        label="Why are you going?",
        choices=GoalReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one reason."},
    )
    note = SingleLineField(label="In a line (optional)", max_length=300, required=False)
    meet = forms.MultipleChoiceField(label="Whom do you want to meet?", required=False,
                                     widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args: Any, meeting: Meeting, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        talk = getattr(meeting, "talk", None)
        choices = [("speaker", f"{talk.speaker_name} (the speaker)")] if talk is not None else []
        choices += [(c.public_id, c.name) for c in candidates]
        self.fields["meet"].choices = choices  # type: ignore[attr-defined]
        self.why_names: list[tuple[str, str]] = []
        for value, label in choices:
            name = f"why_{value}"
            self.fields[name] = SingleLineField(label=f"Why {label}?", max_length=200, required=False)
            self.why_names.append((value, name))

    def picks(self) -> list[GoalPick]:
        chosen = self.cleaned_data.get("meet") or []
        return [GoalPick(who=v, why=self.cleaned_data.get(n, "")) for v, n in self.why_names if v in chosen]

    def people_rows(self) -> list[dict[str, Any]]:
        """For the template: each choice's checkbox and its "why" field, side by side."""
        boxes = {str(b.data["value"]): b for b in self["meet"]}
        return [{"box": boxes[v], "why": self[n]} for v, n in self.why_names]


class ReflectionForm(OneMessagePerField):
    value = forms.TypedChoiceField(
        label="How much was it worth your time?",
        choices=[(k, f"{k} · {v}") for k, v in VALUE_LABELS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a value from 1 to 5."},
    )
    goal_met = forms.ChoiceField(label="Did you get what you came for?", choices=GoalMet.choices,
                                 widget=forms.RadioSelect, required=False)  # fmt: skip
    takeaways = MultiLineField(label="Takeaways (optional)", max_length=3000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    met = forms.MultipleChoiceField(label="People I met", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["met"].choices = [(c.public_id, c.name) for c in candidates]  # type: ignore[attr-defined]
        for i in range(1, FOLLOW_UP_ROWS + 1):
            self.fields[f"follow_up_{i}"] = SingleLineField(label=f"Follow-up {i}", max_length=200, required=False)
            self.fields[f"due_{i}"] = DayField(label=f"Due (follow-up {i})", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, FOLLOW_UP_ROWS + 1):
            if data.get(f"due_{i}") and not (data.get(f"follow_up_{i}") or "").strip():
                self.add_error(f"follow_up_{i}", "Say what to do by that day.")
        return data

    def follow_ups(self) -> list[FollowUp]:
        d = self.cleaned_data
        return [
            FollowUp(title=d[f"follow_up_{i}"], due_on=d.get(f"due_{i}"))
            for i in range(1, FOLLOW_UP_ROWS + 1)
            if (d.get(f"follow_up_{i}") or "").strip()
        ]

    def follow_up_rows(self) -> list[dict[str, Any]]:
        return [{"title": self[f"follow_up_{i}"], "due": self[f"due_{i}"]} for i in range(1, FOLLOW_UP_ROWS + 1)]


class LandingForm(OneMessagePerField):
    company_name = SingleLineField(label="Where?", max_length=160)
    role = SingleLineField(label="Which role?", max_length=160)
    source = forms.ChoiceField(label="Through which channel?", choices=Source.choices, widget=forms.RadioSelect)
    group = forms.ChoiceField(label="Which group helped, if one did?", required=False)
    # A name typed or picked from a list of recent contacts (a <datalist>, as the tracker's
    # forms do), never a <select> of every contact: 10,000 contacts made a 525 KB page
    # (tester's finding 13 on issue 10).
    contact = SingleLineField(
        label="Which contact, if one did?", max_length=160, required=False,
        widget=forms.TextInput(attrs={"list": "landed-contact-names", "autocomplete": "off"}),
    )  # fmt: skip
    landed_on = DayField(label="When?")
    search_started_on = DayField(label="When did your search start? (optional)", required=False)
    thank_groups = forms.BooleanField(
        label="Tell the facilitators of my groups that I landed (your name only: never where or which role)",
        required=False,
    )
    will_help_others = forms.BooleanField(label="I'll stay on to help others in their search", required=False)

    def __init__(self, *args: Any, groups: list[Group], owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.groups = {g.slug: g for g in groups}
        self.contact_found: Contact | None = None
        self.fields["group"].choices = [("", "None")] + [(g.slug, g.name) for g in groups]  # type: ignore[attr-defined]

    def clean_contact(self) -> str:
        """The owner's contact of that name (the most recently touched, if several share it)."""
        name: str = self.cleaned_data.get("contact") or ""
        if name:
            self.contact_found = (
                Contact.objects.filter(owner=self.owner, name__iexact=name)
                .order_by(F("last_touch_on").desc(nulls_last=True), "-pk")
                .first()
            )
            if self.contact_found is None:
                raise forms.ValidationError(
                    "None of your contacts has that name: pick one from the list, or leave it empty."
                )
        return name

    def landing_data(self) -> LandingData:
        d = self.cleaned_data
        return LandingData(
            company_name=d["company_name"],
            role=d["role"],
            source=d["source"],
            landed_on=d["landed_on"],
            group=self.groups.get(d.get("group") or ""),
            contact=self.contact_found,
            search_started_on=d.get("search_started_on"),
            will_help_others=bool(d.get("will_help_others")),
            thank_groups=bool(d.get("thank_groups")),
        )
