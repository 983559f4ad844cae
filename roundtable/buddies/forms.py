"""The buddy page's forms: joining the pool with preferences, a check-in, a reply. Choices
come from the models and the viewer's own groups and activities, so a tampered value is a
form error, never a write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import pluralize

from roundtable.core.text import MultiLineField
from roundtable.groups.forms import OneMessagePerField
from roundtable.groups.models import Group
from roundtable.tracker.models import Activity

from .models import FieldWish, Language, PoolEntry, Progress, Reaction, SearchStage, Weekday, WorkField
from .services import MAX_LANGUAGES, Preferences

PLATFORM = "everyone"
WINDOWS = [
    (h, "The same time zone only" if h == 0 else f"Up to {h} hour{pluralize(h)} apart")
    for h in (0, 1, 2, 3, 4, 6, 8, 12)
]


class PoolForm(OneMessagePerField):
    pool = forms.ChoiceField(label="Find a buddy among")
    checkin_day = forms.TypedChoiceField(label="Check-in day", choices=Weekday.choices, coerce=int)
    max_offset_hours = forms.TypedChoiceField(label="Time zones", choices=WINDOWS, coerce=int, initial=3)
    field = forms.ChoiceField(label="Your field", choices=WorkField.choices)
    field_wish = forms.ChoiceField(label="Your buddy", choices=FieldWish.choices, initial=FieldWish.ANY,
                                   widget=forms.RadioSelect)  # fmt: skip
    stage = forms.TypedChoiceField(label="Where your search is", choices=SearchStage.choices, coerce=int,
                                   initial=SearchStage.APPLYING)  # fmt: skip
    languages = forms.MultipleChoiceField(
        label="Languages you're happy to check in in",
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["en"],
        error_messages={"required": "Pick at least one language."},
    )

    def __init__(self, *args: Any, groups: list[Group], entry: PoolEntry | None = None, **kwargs: Any) -> None:
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "pool": entry.group.slug if entry.group else PLATFORM, "checkin_day": entry.checkin_day,
                "max_offset_hours": entry.max_offset_hours, "field": entry.field, "field_wish": entry.field_wish,
                "stage": entry.stage, "languages": entry.languages,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        self.groups = {g.slug: g for g in groups}
        self.fields["pool"].choices = [(PLATFORM, "Everyone on Roundtable")] + [  # type: ignore[attr-defined]
            (g.slug, f"Members of {g.name}") for g in groups
        ]

    def clean_languages(self) -> list[str]:
        langs: list[str] = self.cleaned_data["languages"]
        if len(langs) > MAX_LANGUAGES:
            raise forms.ValidationError(f"Pick at most {MAX_LANGUAGES} languages.")
        return langs

    def group(self) -> Group | None:
        return self.groups.get(self.cleaned_data["pool"])

    def preferences(self) -> Preferences:
        d = self.cleaned_data
        return Preferences(d["max_offset_hours"], d["checkin_day"], d["field"], d["field_wish"], d["stage"],
                           d["languages"])  # fmt: skip


class CheckInForm(OneMessagePerField):
    commitments = MultiLineField(
        label="This week I will", max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write at least one thing you'll do this week."},
        help_text="One per line: say what, and how many (\"3 coffee chats\").",
    )  # fmt: skip
    last_week = forms.ChoiceField(label="Last week's commitments", required=False,
                                  choices=[("", "No commitments last week"), *Progress.choices],
                                  widget=forms.RadioSelect)  # fmt: skip
    last_week_note = MultiLineField(label="How it went (optional)", max_length=1000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    activities = forms.MultipleChoiceField(label="Link work from your tracker (optional)", required=False,
                                           widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args: Any, activities: list[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activities"].choices = [  # type: ignore[attr-defined]
            (a.public_id, f"{a.get_kind_display()}, {a.occurred_on:%b} {a.occurred_on.day}"
             + (f": {a.note[:40]}" if a.note else "")) for a in activities
        ]  # fmt: skip


class ReplyForm(OneMessagePerField):
    reaction = forms.ChoiceField(label="React", required=False, choices=[("", "No reaction"), *Reaction.choices],
                                 widget=forms.RadioSelect)  # fmt: skip
    text = MultiLineField(label="Reply (optional)", max_length=1000, required=False,
                          widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("reaction") and not data.get("text") and not self.errors:
            raise forms.ValidationError("Pick a reaction or write a reply.")
        return data
