"""Every write to experts and invitations goes through here. Access is checked by the caller
through speakers.permissions (who may see what); these services check the rules of the
write itself and raise SpeakerError with a reason for the person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.core import dates
from roundtable.core.errors import ServiceError
from roundtable.groups.models import Group, Kind, Topic
from roundtable.groups.services import topics_from_names
from roundtable.meetings import services as meeting_services
from roundtable.meetings.models import Meeting, MeetingStatus, Talk

from . import events
from .models import Expert, Invitation, InvitationStatus
from .permissions import has_public_name

# A facilitator may send this many invitations in any 24 hours: enough to fill a season of
# talks in an afternoon, too few to spam the directory.
INVITATIONS_PER_DAY = 10
MAX_TOPICS = 8
RATE_TEXT = (
    f"You have sent {INVITATIONS_PER_DAY} invitations in the last 24 hours, the most for one day. "
    "Wait for some answers, then invite again tomorrow."
)
HAS_TALK = "That meeting already has a talk: pick another meeting, or propose a date."
NEEDS_NAME = (
    "Add your name to your profile first: the directory lists experts by name, and facilitators "
    "need to know whom they are inviting."
)


class SpeakerError(ServiceError):
    """An expert or invitation change that cannot be carried out."""


@dataclass
class ExpertData:
    bio: str
    speaks_about: str
    topics: tuple[str, ...] = field(default_factory=tuple)
    in_person: bool = False
    online: bool = True
    region: str = ""
    listed: bool = True


def _search_text(user: User, data: ExpertData, topics: list[Topic]) -> str:
    parts = [user.display_name, data.bio, data.speaks_about, data.region, *(t.name for t in topics)]
    return " ".join(" ".join(parts).split()).casefold()


@transaction.atomic
def expert_save(*, user: User, data: ExpertData) -> Expert:
    """Volunteer as an expert, or edit one's offer (one per person). Topics are names, made
    as needed (groups.services.topics_from_names), at most MAX_TOPICS. SpeakerError (400)
    before the person has chosen the name others see (permissions.has_public_name:
    NEEDS_NAME), without a bio or subjects, without a way to speak, or in person without a
    region."""
    if not has_public_name(user):
        raise SpeakerError(NEEDS_NAME)
    if not data.bio.strip():
        raise SpeakerError("Write a short bio: a line or two on who you are.", field="bio")
    if not data.speaks_about.strip():
        raise SpeakerError("Say what you can speak about.", field="speaks_about")
    if not (data.in_person or data.online):
        raise SpeakerError("Choose in person, online, or both.", field="online")
    if data.in_person and not data.region.strip():
        raise SpeakerError("Say where you can speak in person (a city or region).", field="region")
    names = [n for n in dict.fromkeys(" ".join(t.split()) for t in data.topics) if n]
    if len(names) > MAX_TOPICS:
        raise SpeakerError(f"Pick at most {MAX_TOPICS} topics.", field="topics")
    topics = topics_from_names(names)
    expert = Expert.objects.select_for_update().filter(user=user).first() or Expert(user=user)
    expert.bio, expert.speaks_about = data.bio.strip(), data.speaks_about.strip()
    expert.in_person, expert.online = data.in_person, data.online
    expert.region = data.region.strip()
    expert.listed = data.listed
    expert.search_text = _search_text(user, data, topics)
    expert.save()
    expert.topics.set(topics)
    return expert


def expert_list_set(*, expert: Expert, listed: bool) -> Expert:
    """List or unlist one's expert profile (the directory and its page; invitations stay)."""
    expert.listed = listed
    expert.save(update_fields=["listed", "updated_at"])
    return expert


def _check_rate(by: User, now: datetime) -> None:
    if Invitation.objects.filter(invited_by=by, created_at__gte=now - timedelta(days=1)).count() >= INVITATIONS_PER_DAY:
        raise SpeakerError(RATE_TEXT, status=429)


@transaction.atomic
def invitation_create(
    *, by: User, expert: Expert, group: Group, meeting: Meeting | None = None, proposed_on: date | None = None,
    topic: Topic | None = None, note: str = "", now: datetime | None = None,
) -> Invitation:  # fmt: skip
    """Invite `expert` to speak to `group` (a speakers group `by` facilitates: the caller
    checked it with permissions.group_for_inviting) at `meeting` (one of the group's, not
    cancelled, not started, without a talk) or, without one, on `proposed_on` (a future day
    in the product's range). Tells the expert after commit.
    SpeakerError: 400 for a bad meeting or day, 409 while one of the group's invitations to
    this expert waits for an answer, 429 past INVITATIONS_PER_DAY in 24 hours."""
    now = now or timezone.now()
    if group.kind != Kind.SPEAKERS:
        raise SpeakerError("Only speakers groups invite speakers.", field="group")
    if expert.user_id == by.pk:
        raise SpeakerError("You can't invite yourself.", status=409)
    if meeting is not None and proposed_on is not None:
        raise SpeakerError("Pick a meeting or propose a date, not both.", field="proposed_on")
    if meeting is None and proposed_on is None:
        raise SpeakerError("Pick one of the group's meetings, or propose a date.", field="meeting")
    if meeting is not None:
        if meeting.group_id != group.pk:
            raise SpeakerError("Pick one of this group's meetings.", field="meeting")
        if meeting.status == MeetingStatus.CANCELLED or meeting.has_started(now):
            raise SpeakerError("That meeting is cancelled or has started: pick another.", field="meeting")
        if Talk.objects.filter(meeting=meeting).exists():
            raise SpeakerError(HAS_TALK, field="meeting")
    if proposed_on is not None:
        if not dates.in_range(proposed_on):
            raise SpeakerError(f"Pick a date {dates.RANGE_TEXT}.", field="proposed_on")
        if proposed_on <= now.date():
            raise SpeakerError("Propose a date after today.", field="proposed_on")
    _check_rate(by, now)
    if Invitation.objects.filter(expert=expert, group=group, status=InvitationStatus.PENDING).exists():
        raise SpeakerError("Your group's earlier invitation to this expert is still waiting for an answer.", status=409)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                expert=expert, group=group, meeting=meeting, proposed_on=proposed_on, topic=topic,
                note=note.strip(), invited_by=by, created_at=now,
            )  # fmt: skip
    except IntegrityError:  # a second facilitator's invitation at the same moment
        raise SpeakerError(
            "Your group's earlier invitation to this expert is still waiting for an answer.", status=409
        ) from None
    events.invitation_sent(invitation)
    return invitation


def _answerable(invitation: Invitation, by: User) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.expert.user_id != by.pk:  # the callers checked it: a second line of defence
        raise SpeakerError("No such invitation.", status=404)
    if locked.status != InvitationStatus.PENDING:
        raise SpeakerError("You have answered this invitation already.", status=409)
    return locked


@transaction.atomic
def invitation_accept(
    *, by: User, invitation: Invitation, title: str, abstract: str = "", note: str = "",
    now: datetime | None = None,
) -> Invitation:  # fmt: skip
    """The invited person says yes, with the talk's title and abstract. Where the invitation
    names a meeting, its talk is created through meetings.services.talk_set, linked to them
    (their name, bio and the invitation's topic); with a proposed date the facilitator
    schedules the meeting and picks them as its speaker. Tells the inviter after commit.
    SpeakerError: 400 without a title; 409 when already answered, or when the meeting was
    cancelled, has started or got a talk meanwhile (the invitation stays pending)."""
    now = now or timezone.now()
    locked = _answerable(invitation, by)
    if not title.strip():
        raise SpeakerError("Give your talk a title.", field="title")
    if locked.meeting_id is not None:
        meeting = Meeting.objects.select_for_update().get(pk=locked.meeting_id)
        if meeting.status == MeetingStatus.CANCELLED or meeting.has_started(now):
            raise SpeakerError("That meeting is cancelled or has started, so it can't take your talk.", status=409)
        if Talk.objects.filter(meeting=meeting).exists():
            raise SpeakerError(
                "That meeting has a talk already: the facilitator will be in touch about another date.", status=409
            )
        expert = locked.expert
        meeting_services.talk_set(
            meeting=meeting,
            talk=meeting_services.TalkData(
                speaker_name=by.display_name, title=title.strip(), bio=expert.bio, abstract=abstract.strip(),
                topics=(locked.topic.name,) if locked.topic else (), speaker=by,
            ),
        )  # fmt: skip
    locked.status = InvitationStatus.ACCEPTED
    locked.title, locked.abstract, locked.answer_note = title.strip(), abstract.strip(), note.strip()
    locked.answered_at = now
    locked.save(update_fields=["status", "title", "abstract", "answer_note", "answered_at"])
    events.invitation_answered(locked)
    return locked


@transaction.atomic
def invitation_decline(*, by: User, invitation: Invitation, note: str = "", now: datetime | None = None) -> Invitation:
    """The invited person says no, with an optional note. Tells the inviter after commit.
    SpeakerError 409 when already answered."""
    locked = _answerable(invitation, by)
    locked.status = InvitationStatus.DECLINED
    locked.answer_note = note.strip()
    locked.answered_at = now or timezone.now()
    locked.save(update_fields=["status", "answer_note", "answered_at"])
    events.invitation_answered(locked)
    return locked
