"""What meetings holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, exclude, register

from .models import CalendarFeed, DigestSent, MeetingSeries, ReminderSent, Rsvp, Talk

register(
    MeetingSeries, area="Meetings", label="Meeting series you scheduled", mine=("created_by",),
    deletion=Deletion.ANONYMISE, fields=("group", "title", "rule", "time_zone"),
    note="Meetings you scheduled stay on their groups' calendars, naming nobody as their author.",
)  # fmt: skip
register(
    Talk, area="Meetings", label="Talks you gave", mine=("speaker",), deletion=Deletion.ANONYMISE,
    fields=("meeting", "speaker_name", "title", "organisation", "bio", "abstract", "slides_url", "recording_url"),
    scrub=("speaker_name", "bio"), many=("topics",),
    note="Talks you gave stay on their meetings; your name and bio are taken off them.",
)  # fmt: skip
register(
    Rsvp, area="Meetings", label="Your RSVPs", mine=("user",), deletion=Deletion.ERASE,
    note="Your RSVPs are erased; a seat you held goes to the next person waiting.",
)  # fmt: skip
register(
    CalendarFeed, area="Meetings", label="Calendar feed", mine=("user",), deletion=Deletion.ERASE,
    secret=("token_hash",), note="Your calendar feed address stops working at once.",
)  # fmt: skip
register(
    ReminderSent, area="Meetings", label="Meeting reminders sent to you", mine=("user",), deletion=Deletion.ERASE,
)  # fmt: skip
register(DigestSent, area="Meetings", label="Weekly digests sent to you", mine=("user",), deletion=Deletion.ERASE)
exclude("meetings.Meeting", "One occurrence of a group's meeting; names no person (talks, RSVPs and series do).")
