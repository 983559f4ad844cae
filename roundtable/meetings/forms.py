from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.db.models import Q

from roundtable.accounts.models import User
from roundtable.core import dates
from roundtable.core.text import LinkField, MultiLineField, SingleLineField
from roundtable.core.zones import ZoneField, canonical_zone
from roundtable.groups.models import Format, Group, Kind, Membership, MembershipState
from roundtable.groups.places import resolve
from roundtable.groups.templates_of_kind import TEMPLATES

from . import recurrence
from .models import Meeting
from .services import MeetingData, TalkData

REPEAT_CHOICES = [
    ("none", "Does not repeat"),
    ("weekly", "Every week"),
    ("biweekly", "Every other week"),
    ("monthly", "Monthly on the same weekday (for example the second Tuesday)"),
    ("custom", "A rule I write myself (advanced)"),
]
END_CHOICES = [
    ("never", "Keeps going"),
    ("until", "Until a date"),
    ("count", "After a number of meetings"),
]
# Help for the words people asked about (issue 9, item 9).
MAIN_HELP = {
    Kind.SPEAKERS: "The talk and questions, between the open networking before and after.",
    Kind.STRATEGIC: "The roundtable itself, between the open networking before and after.",
    Kind.SUPPORT: "The circle itself, between the open networking before and after.",
}


class MeetingForm(forms.Form):
    title = SingleLineField(max_length=140)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Starts at", widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = ZoneField(label="Time zone")
    networking_before_minutes = forms.IntegerField(label="Open networking before (minutes)", min_value=0,
                                                   max_value=240, initial=0)  # fmt: skip
    main_minutes = forms.IntegerField(label="Main part (minutes)", min_value=1, max_value=600, initial=60)
    networking_after_minutes = forms.IntegerField(label="Open networking after (minutes)", min_value=0,
                                                  max_value=240, initial=0)  # fmt: skip
    capacity = forms.IntegerField(required=False, min_value=1, max_value=100000,
                                  help_text="Leave empty for no limit. When full, people join a waitlist.")  # fmt: skip
    format = forms.ChoiceField(choices=Format.choices)
    venue = SingleLineField(max_length=200, required=False)
    address = SingleLineField(max_length=300, required=False,
                              help_text="Groups not listed: only members going see it.")  # fmt: skip
    accessibility_notes = SingleLineField(max_length=500, required=False,
                                          help_text="Step-free entrance, parking, hearing loop...")  # fmt: skip
    video_url = LinkField(label="Video meeting link", max_length=500, required=False,
                               assume_scheme="https",
                               help_text="Only members who are going (and facilitators) see it.")  # fmt: skip
    description = MultiLineField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    repeat = forms.ChoiceField(choices=REPEAT_CHOICES, initial="none")
    ends = forms.ChoiceField(label="Ends", choices=END_CHOICES, initial="never", required=False,
                             widget=forms.RadioSelect)  # fmt: skip
    until = forms.DateField(label="Last date", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="The series stops after this day.")  # fmt: skip
    count = forms.IntegerField(label="Number of meetings", required=False, min_value=2,
                               max_value=recurrence.MAX_OCCURRENCES, help_text="Counting the first one.",
                               error_messages={"max_value": recurrence.COUNT_TEXT,
                                               "min_value": "A series has at least 2 meetings: for one, "
                                                            "choose Does not repeat."})  # fmt: skip
    rule = SingleLineField(label="Rule (RFC 5545 RRULE)", max_length=300, required=False,
                           help_text="RFC 5545, for example FREQ=MONTHLY;BYDAY=-1TH for the last Thursday of "
                                     "each month.")  # fmt: skip
    # Strategic planning and support
    roundtable_minutes = forms.IntegerField(label="Roundtable length (minutes)", required=False, min_value=5,
                                            max_value=600,
                                            help_text="All the timed turns together, within the main part. "
                                                      "Divided by the turn length, it says how many people get a "
                                                      "turn: 60 minutes of 10-minute turns is 6 people.")  # fmt: skip
    turn_minutes = forms.IntegerField(label="Default turn length (minutes)", required=False, min_value=1,
                                      max_value=120)  # fmt: skip
    circle_minutes = forms.IntegerField(label="Circle length (minutes)", required=False, min_value=5, max_value=600)
    # Speakers
    speaker_person = forms.ChoiceField(
        label="Speaker's account", required=False,
        help_text="A member of the group or a listed expert: the talk then shows among their past talks. "
                  "Or keep only a name below.",
    )  # fmt: skip
    speaker_name = SingleLineField(max_length=120, required=False,
                                   help_text="Left empty with a speaker picked above: their name.")  # fmt: skip
    talk_title = SingleLineField(max_length=200, required=False)
    organisation = SingleLineField(max_length=160, required=False)
    bio = MultiLineField(label="Speaker bio", max_length=2000, required=False,
                          widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    abstract = MultiLineField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    talk_topics = SingleLineField(label="Talk topics", max_length=600, required=False,
                                  help_text="Comma-separated: LinkedIn, resume, interviewing...")  # fmt: skip
    slides_url = LinkField(label="Slides link", max_length=500, required=False, assume_scheme="https")
    recording_url = LinkField(label="Recording link", max_length=500, required=False, assume_scheme="https")

    def __init__(self, *args: Any, group: Group, editing: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["main_minutes"].help_text = MAIN_HELP.get(Kind(group.kind), "")
        if editing is not None:
            for name in ("repeat", "ends", "until", "count", "rule"):
                self.fields.pop(name)
        self._speakers: dict[str, User] = {}
        if group.kind == Kind.SPEAKERS:
            self._speakers = speaker_candidates(group, self.initial.get("speaker_person") or "")
            cast(forms.ChoiceField, self.fields["speaker_person"]).choices = [("", "Nobody picked: a name only")] + [
                (u.public_id, u.display_name) for u in self._speakers.values()
            ]
        if group.kind != Kind.SPEAKERS:
            for name in ("speaker_person", "speaker_name", "talk_title", "organisation", "bio", "abstract",
                         "talk_topics", "slides_url", "recording_url"):  # fmt: skip
                self.fields.pop(name)
        if group.kind != Kind.STRATEGIC:
            self.fields.pop("roundtable_minutes")
            self.fields.pop("turn_minutes")
        if group.kind != Kind.SUPPORT:
            self.fields.pop("circle_minutes")

    def clean_time_zone(self) -> str:
        tz: str = self.cleaned_data["time_zone"]
        # Editing a meeting stored under an alias ("US/Eastern") shows it as its place; sent
        # back unchanged, it stays as stored rather than reading as a move to another zone.
        stored = self.initial.get("time_zone")
        if stored and stored != tz and canonical_zone(stored) == tz:
            return str(stored)
        return tz

    def clean_until(self) -> Any:
        until = self.cleaned_data.get("until")
        if until is not None and not dates.in_range(until):
            raise forms.ValidationError(dates.PICK_TEXT)
        return until

    def _ignore(self, *names: str) -> None:
        # Fields the choices above them leave unused are ignored, errors and all: without
        # the stylesheet that hides them (site.css) they are still on the page.
        for name in names:
            self.errors.pop(name, None)
            self.cleaned_data[name] = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        repeat = data.get("repeat")
        if "repeat" in self.fields:
            if repeat not in ("weekly", "biweekly", "monthly"):
                self._ignore("ends", "until", "count")
            else:
                ends = data.get("ends") or "never"
                self._ignore(*(name for name in ("until", "count") if name != ends))
        if repeat == "custom" and not data.get("rule"):
            self.add_error("rule", "Write the rule, or choose how often from the list.")
        ends = data.get("ends") or "never"
        if repeat in ("weekly", "biweekly", "monthly"):
            if ends == "until" and not data.get("until") and "until" not in self.errors:
                self.add_error("until", "Choose the last date, or let the series keep going.")
            elif ends == "until" and data.get("date") and data.get("until") and data["until"] < data["date"]:
                self.add_error("until", "The last date is before the first meeting.")
            if ends == "count" and not data.get("count") and "count" not in self.errors:
                self.add_error("count", "Say how many meetings, or let the series keep going.")
        picked = self._speakers.get(data.get("speaker_person") or "") if self.group.kind == Kind.SPEAKERS else None
        if picked is not None and not data.get("speaker_name"):
            data["speaker_name"] = picked.display_name
        if self.group.kind == Kind.SPEAKERS and (data.get("speaker_name") or data.get("talk_title")):
            if not data.get("speaker_name"):
                self.add_error("speaker_name", "Who is speaking?")
            if not data.get("talk_title"):
                self.add_error("talk_title", "What is the talk called?")
        return data

    def start_local(self) -> datetime:
        d = self.cleaned_data
        return datetime.combine(d["date"], d["start_time"]).replace(second=0, microsecond=0)

    def rrule(self) -> str | None:
        """The RFC 5545 rule the plain choices say ("every other week, 6 meetings" is
        FREQ=WEEKLY;INTERVAL=2;COUNT=6), the written rule for "custom", or None."""
        d = self.cleaned_data
        repeat = d.get("repeat", "none")
        if repeat == "custom":
            return d.get("rule") or None
        base = {
            "weekly": lambda: recurrence.weekly(1),
            "biweekly": lambda: recurrence.weekly(2),
            "monthly": lambda: recurrence.monthly_nth_weekday(self.start_local()),
        }.get(repeat)
        if base is None:
            return None
        rule = base()
        ends = d.get("ends") or "never"
        if ends == "until" and d.get("until"):
            # A DATE end includes every meeting on that day (recurrence.parse).
            rule += f";UNTIL={d['until']:%Y%m%d}"
        elif ends == "count" and d.get("count"):
            rule += f";COUNT={d['count']}"
        return rule

    def meeting_data(self) -> MeetingData:
        d = self.cleaned_data
        return MeetingData(
            title=d["title"], start_local=self.start_local(), time_zone=d["time_zone"],
            main_minutes=d["main_minutes"], networking_before_minutes=d.get("networking_before_minutes") or 0,
            networking_after_minutes=d.get("networking_after_minutes") or 0, description=d.get("description", ""),
            capacity=d.get("capacity"), format=d["format"], venue=d.get("venue", ""), address=d.get("address", ""),
            accessibility_notes=d.get("accessibility_notes", ""), video_url=d.get("video_url", ""),
            roundtable_minutes=d.get("roundtable_minutes"), turn_minutes=d.get("turn_minutes"),
            circle_minutes=d.get("circle_minutes"),
        )  # fmt: skip

    def talk_data(self) -> TalkData | None:
        d = self.cleaned_data
        if self.group.kind != Kind.SPEAKERS or not d.get("speaker_name"):
            return None
        topics = tuple(t.strip() for t in (d.get("talk_topics") or "").split(",") if t.strip())
        return TalkData(
            speaker_name=d["speaker_name"], title=d["talk_title"], organisation=d.get("organisation", ""),
            bio=d.get("bio", ""), abstract=d.get("abstract", ""), topics=topics,
            slides_url=d.get("slides_url", ""), recording_url=d.get("recording_url", ""),
            speaker=self._speakers.get(d.get("speaker_person") or ""),
        )  # fmt: skip

    @classmethod
    def initial_for(cls, group: Group, meeting: Meeting | None = None) -> dict[str, Any]:
        if meeting is None:
            defaults: dict[str, Any] = {
                "title": f"{group.name} meeting", "time_zone": group.time_zone, "format": group.format,
                "main_minutes": group.meeting_minutes, "venue": group.venue, "ends": "never",
                # A group's first meeting suggests its kind's usual rhythm; later ones repeat nothing.
                "repeat": TEMPLATES[Kind(group.kind)].repeat if not group.series.exists() else "none",
            }  # fmt: skip
            if group.kind == Kind.SPEAKERS:
                defaults.update(networking_before_minutes=15, main_minutes=60, networking_after_minutes=15)
            if group.kind == Kind.STRATEGIC:
                defaults.update(roundtable_minutes=max(30, group.meeting_minutes - 20), turn_minutes=10)
            if group.kind == Kind.SUPPORT:
                defaults.update(circle_minutes=group.meeting_minutes)
            return defaults
        from zoneinfo import ZoneInfo

        local = meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone))
        out: dict[str, Any] = {
            name: getattr(meeting, name)
            for name in ("title", "time_zone", "networking_before_minutes", "main_minutes", "networking_after_minutes",
                         "capacity", "format", "venue", "address", "accessibility_notes", "video_url", "description",
                         "roundtable_minutes", "turn_minutes", "circle_minutes")
        }  # fmt: skip
        out["date"], out["start_time"] = local.date(), local.time().replace(tzinfo=None)
        talk = getattr(meeting, "talk", None)
        if talk is not None:
            out.update(
                speaker_name=talk.speaker_name, talk_title=talk.title, organisation=talk.organisation, bio=talk.bio,
                abstract=talk.abstract, talk_topics=", ".join(t.name for t in talk.topics.all()),
                slides_url=talk.slides_url, recording_url=talk.recording_url,
                speaker_person=talk.speaker.public_id if talk.speaker is not None else "",
            )  # fmt: skip
        return out


def speaker_candidates(group: Group, current: str = "") -> dict[str, User]:
    """The people a facilitator may pick as a talk's speaker, by public id, in name order:
    the group's active members, listed experts (roundtable/speakers: they chose to be found
    and invited), and the talk's current speaker (`current`, a public id) so that editing
    the meeting keeps them. Active accounts only; one query."""
    active = Membership.objects.filter(group=group, state=MembershipState.ACTIVE).values("user_id")
    q = Q(pk__in=active) | Q(expert__listed=True)
    if current:
        q |= Q(public_id=current)
    people = User.objects.filter(q, is_active=True).select_related("profile")
    return dict(sorted(((u.public_id, u) for u in people), key=lambda kv: (kv[1].display_name.casefold(), kv[0])))


class MessageForm(forms.Form):
    subject = SingleLineField(max_length=150)
    body = MultiLineField(label="Message", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class TalkLinksForm(forms.Form):
    slides_url = LinkField(label="Slides link", max_length=500, required=False, assume_scheme="https")
    recording_url = LinkField(label="Recording link", max_length=500, required=False, assume_scheme="https")


class TalkFilters(forms.Form):
    """The talks page's filters, from its query string. Each message is for the person and
    sits beside its field; "from" and "to" are the parameter names links already carry."""

    # Not stripped before the text check: a topic of only a line break is refused, as the API does.
    topic = SingleLineField(label="Topic", max_length=60, required=False, strip=False)
    near = SingleLineField(label="Near (city or ZIP)", max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two are added here rather than declared above.
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.DateField(
                label=label, required=False, input_formats=["%Y-%m-%d"],
                error_messages={"invalid": "Enter a real date, for example 2027-03-02."},
            )  # fmt: skip

    def clean_near(self) -> Any:
        text = self.cleaned_data.get("near", "").strip()
        if not text:
            return None
        place = resolve(text)
        if place is None:
            raise forms.ValidationError("We couldn't find that place. Try a US ZIP code or a city such as Denver, CO.")
        return place

    def _in_range(self, name: str) -> Any:
        day = self.cleaned_data.get(name)
        if day is not None and not dates.in_range(day):
            raise forms.ValidationError(dates.PICK_TEXT)
        return day

    def clean_from(self) -> Any:
        return self._in_range("from")

    def clean_to(self) -> Any:
        return self._in_range("to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start is not None and end is not None and end < start:
            self.add_error("to", "Pick an end date on or after the start date.")
        return data
