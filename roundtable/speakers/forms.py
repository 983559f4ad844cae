from __future__ import annotations

from typing import Any, cast

from django import forms

from roundtable.core import dates
from roundtable.core.text import MultiLineField, SingleLineField
from roundtable.groups.models import Group, Topic
from roundtable.meetings.models import Meeting

from .models import Expert
from .services import MAX_TOPICS, ExpertData

FORMAT_CHOICES = [("", "In person or online"), ("in_person", "In person"), ("online", "Online")]


class DirectoryFilters(forms.Form):
    """The directory's filters, from its query string; each message sits beside its field."""

    q = SingleLineField(label="Search", max_length=100, required=False)
    topic = SingleLineField(label="Topic", max_length=60, required=False)
    format = forms.ChoiceField(label="How", choices=FORMAT_CHOICES, required=False)
    region = SingleLineField(label="Region (in person)", max_length=120, required=False)


class ExpertForm(forms.Form):
    bio = MultiLineField(
        label="Short bio",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who you are, in a line or two. Anyone can read it while you are listed.",
    )
    speaks_about = MultiLineField(
        label="What you can speak about",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Talks you could give, questions you like answering.",
    )
    topics = SingleLineField(
        label="Topics",
        max_length=600,
        required=False,
        help_text=f"Comma-separated, up to {MAX_TOPICS}: LinkedIn, resumes, interviewing...",
    )
    in_person = forms.BooleanField(label="I can speak in person", required=False)
    region = SingleLineField(
        label="Where, in person", max_length=120, required=False, help_text="A city or region, for example Boston, MA."
    )
    online = forms.BooleanField(label="I can speak online, from anywhere", required=False, initial=True)
    listed = forms.BooleanField(
        label="List me in the directory",
        required=False,
        initial=True,
        help_text="Unlisted, nobody finds or invites you; what you wrote is kept.",
    )

    def clean_topics(self) -> list[str]:
        names = [n for n in dict.fromkeys(" ".join(t.split()) for t in self.cleaned_data["topics"].split(",")) if n]
        if len(names) > MAX_TOPICS:
            raise forms.ValidationError(f"Pick at most {MAX_TOPICS} topics.")
        if any(len(n) > 60 for n in names):
            raise forms.ValidationError("Keep each topic to 60 characters or fewer.")
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("in_person") and not data.get("online"):
            self.add_error("online", "Choose in person, online, or both.")
        if data.get("in_person") and not data.get("region"):
            self.add_error("region", "Say where you can speak in person (a city or region).")
        return data

    def expert_data(self) -> ExpertData:
        d = self.cleaned_data
        return ExpertData(
            bio=d["bio"],
            speaks_about=d["speaks_about"],
            topics=tuple(d["topics"]),
            in_person=d["in_person"],
            online=d["online"],
            region=d["region"] if d["in_person"] else "",
            listed=d["listed"],
        )

    @staticmethod
    def initial_for(expert: Expert | None) -> dict[str, Any]:
        if expert is None:
            return {"online": True, "listed": True}
        return {
            "bio": expert.bio,
            "speaks_about": expert.speaks_about,
            "topics": ", ".join(t.name for t in expert.topics.all()),
            "in_person": expert.in_person,
            "region": expert.region,
            "online": expert.online,
            "listed": expert.listed,
        }


class InviteForm(forms.Form):
    """A facilitator's invitation: the group (one of those they facilitate), one of its
    meetings without a talk or a proposed date, a topic of the expert's, a note."""

    group = forms.ChoiceField(label="For which group")
    meeting = forms.ChoiceField(
        label="At which meeting",
        required=False,
        help_text="Meetings without a talk yet. Or leave it and propose a date below.",
    )
    proposed_on = forms.DateField(
        label="Or propose a date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="You schedule the meeting once they accept.",
    )
    topic = forms.ChoiceField(label="Topic", required=False)
    note = MultiLineField(
        label="A note to them",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who comes to the group, and what they would value hearing.",
    )

    def __init__(
        self, *args: Any, groups: list[Group], meetings: list[Meeting], topics: list[Topic], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {g.slug: g for g in groups}
        self.meetings = {m.public_id: m for m in meetings}
        self.topics = {t.slug: t for t in topics}
        cast(forms.ChoiceField, self.fields["group"]).choices = [(g.slug, g.name) for g in groups]
        by_group: dict[str, list[tuple[str, str]]] = {}
        for m in meetings:
            by_group.setdefault(m.group.name, []).append((m.public_id, m.title))
        cast(forms.ChoiceField, self.fields["meeting"]).choices = [
            ("", "No meeting yet: I propose a date"),
            *by_group.items(),
        ]
        cast(forms.ChoiceField, self.fields["topic"]).choices = [
            ("", "Any of their topics"),
            *((t.slug, t.name) for t in topics),
        ]

    def clean_proposed_on(self) -> Any:
        day = self.cleaned_data.get("proposed_on")
        if day is not None and not dates.in_range(day):
            raise forms.ValidationError(dates.PICK_TEXT)
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        group = self.groups.get(data.get("group") or "")
        meeting = self.meetings.get(data.get("meeting") or "")
        if meeting is not None and group is not None and meeting.group_id != group.pk:
            self.add_error("meeting", f"That meeting is not one of {group.name}'s: pick one of its meetings.")
        if meeting is not None and data.get("proposed_on"):
            self.add_error("proposed_on", "Pick a meeting or propose a date, not both.")
        if meeting is None and not data.get("proposed_on") and "proposed_on" not in self.errors:
            self.add_error("meeting", "Pick one of the group's meetings, or propose a date.")
        return data

    def picked(self) -> tuple[Group, Meeting | None, Topic | None]:
        d = self.cleaned_data
        return self.groups[d["group"]], self.meetings.get(d.get("meeting") or ""), self.topics.get(d.get("topic") or "")


class AcceptForm(forms.Form):
    title = SingleLineField(label="Your talk's title", max_length=200)
    abstract = MultiLineField(
        label="What the talk covers",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown on the meeting's page.",
    )
    note = MultiLineField(
        label="A note to the facilitator", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(forms.Form):
    """Beside AcceptForm on one page: its own ids ("decline_note"), the field names the same."""

    note = MultiLineField(
        label="A note to the facilitator (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decline_%s")
        super().__init__(*args, **kwargs)
