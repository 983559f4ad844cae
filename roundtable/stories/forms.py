"""The stories app's forms: a story (phone friendly: one column, the long answers optional but
"what worked"), a lesson, and the anonymous-sharing choice. The groups a story may name come
from journal.landing.creditable_groups, so a tampered value is a form error, never a write."""

from __future__ import annotations

from typing import Any

from django import forms

from roundtable.core.text import MultiLineField, SingleLineField
from roundtable.groups.forms import OneMessagePerField
from roundtable.groups.models import Group, GroupVisibility

from .models import Audience, LessonKind, Story, StoryField
from .services import ADVICE_MAX, LESSON_MAX, LONG_MAX, TITLE_MAX, LessonData, StoryData

AUDIENCE_HELP = "Anonymous: your name shows nowhere, not even to your groups. You can still edit or delete it."


def secret_groups_help(groups: list[Group]) -> str:
    """Says, before the story is shared, what naming a secret group does (stories.permissions):
    its members see the group's name; everyone else in the audience sees only what kind of
    group it is. "" when none of `groups` is secret."""
    names = [g.name for g in groups if g.visibility == GroupVisibility.SECRET]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb, whose, name = ("is", "its", "its name") if len(names) == 1 else ("are", "their", "the group's name")
    return (
        f"{listed} {verb} secret: only {whose} members see {name} on your story. "
        "Everyone else who may read it sees only what kind of group helped you."
    )


class StoryForm(OneMessagePerField):
    title = SingleLineField(label="A title", max_length=TITLE_MAX, help_text="For example: “Six months, one referral”.")
    field = forms.ChoiceField(label="Your field", choices=StoryField.choices, initial=StoryField.OTHER)
    what_worked = MultiLineField(label="What worked", max_length=LONG_MAX, widget=forms.Textarea(attrs={"rows": 5}))
    what_did_not = MultiLineField(
        label="What did not (optional)", max_length=LONG_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    advice = MultiLineField(
        label="Your advice to someone starting out (optional)",
        max_length=ADVICE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    group = forms.ChoiceField(label="Which group helped (optional)", required=False)
    audience = forms.ChoiceField(
        label="Who may read it", choices=Audience.choices, initial=Audience.MEMBERS, widget=forms.RadioSelect
    )
    anonymous = forms.BooleanField(label="Stay anonymous", required=False, help_text=AUDIENCE_HELP)

    def __init__(self, *args: Any, groups: list[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._groups = {g.slug: g for g in groups}
        choices = [("", "None in particular")] + [(g.slug, g.name) for g in groups]
        self.fields["group"].choices = choices  # type: ignore[attr-defined]
        self.fields["group"].help_text = secret_groups_help(groups)

    @classmethod
    def initial_for(cls, story: Story) -> dict[str, object]:
        return {
            "title": story.title,
            "field": story.field,
            "what_worked": story.what_worked,
            "what_did_not": story.what_did_not,
            "advice": story.advice,
            "group": story.group.slug if story.group else "",
            "audience": story.audience,
            "anonymous": story.anonymous,
        }

    def data_object(self) -> StoryData:
        d = self.cleaned_data
        return StoryData(
            title=d["title"],
            what_worked=d["what_worked"],
            field=d["field"],
            what_did_not=d.get("what_did_not") or "",
            advice=d.get("advice") or "",
            group=self._groups.get(d.get("group") or ""),
            audience=d["audience"],
            anonymous=bool(d.get("anonymous")),
        )


class LessonForm(OneMessagePerField):
    kind = forms.ChoiceField(
        label="It is", choices=LessonKind.choices, initial=LessonKind.TIP, widget=forms.RadioSelect
    )
    text = MultiLineField(label="In a few lines", max_length=LESSON_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    audience = forms.ChoiceField(
        label="Who may read it", choices=Audience.choices, initial=Audience.MEMBERS, widget=forms.RadioSelect
    )
    anonymous = forms.BooleanField(label="Stay anonymous", required=False, help_text=AUDIENCE_HELP)

    def data_object(self) -> LessonData:
        d = self.cleaned_data
        return LessonData(text=d["text"], kind=d["kind"], audience=d["audience"], anonymous=bool(d.get("anonymous")))


class LikeYoursForm(OneMessagePerField):
    text = MultiLineField(label="Your challenge", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
