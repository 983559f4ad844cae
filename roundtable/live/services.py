"""Every write to a live room. Each service is atomic, locks the room row, bumps its
version by one when anything changed, and broadcasts "room.changed" after commit.

Refusals raise LiveError with a message for the person and an HTTP-like status:
403 not allowed, 404 no such thing, 409 not now (the room's state forbids it), 400 bad input.
Services take `now` so tests (and replays) control the clock.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from roundtable.accounts.models import User
from roundtable.core.errors import ServiceError
from roundtable.core.text import TextError, clean_text
from roundtable.groups import identity
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Kind, Membership, MembershipRole, MembershipState
from roundtable.meetings.models import Meeting, Rsvp, RsvpStatus
from roundtable.meetings.tasks import zone_of
from roundtable.meetings.templatetags.meeting_time import day_text

from . import broadcast, notifications, rows
from .models import (
    BRAINSTORM,
    STRATEGIC_PLAN,
    SUPPORT_PLAN,
    Challenge,
    Commitment,
    CommitmentStatus,
    HistorySharing,
    Mode,
    Participant,
    Question,
    QuestionStatus,
    RoomStatus,
    Roundtable,
    Suggestion,
    Turn,
    TurnStatus,
)
from .permissions import can_control, may_enter

MAX_PHASES = 8
# Plans are whole minutes (what the plan says is what the clock counts down): 1 to 60.
PHASE_MIN_MINUTES = 1
PHASE_MAX_MINUTES = 60
# A commitment is due from today (in the writer's time zone) to a year ahead: the next
# meeting's follow-up is what it is for.
DUE_MAX_DAYS = 365
LABEL_MAX = 40
MAX_COMMITMENTS = 5
# A turn's suggestions ride in every snapshot while it is in the seat: capped, so no one (or
# no crowd) can make each broadcast of the room grow without end (issue 8).
MAX_SUGGESTIONS_PER_TURN = 40
MAX_SUGGESTIONS_PER_PERSON = 5
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class LiveError(ServiceError):
    """A request the room refuses."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message, status=status)


# ---------------------------------------------------------------- helpers


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _lock(roundtable_id: int) -> Roundtable:
    """The room with its meeting, group and seat, its row locked until the transaction ends
    (rows.room: one fixed statement, not the ORM's query built again for every change)."""
    rt = rows.room(roundtable_id, lock=True)
    if rt is None:
        raise LiveError("This roundtable no longer exists.", 404)
    return rt


def _changed(rt: Roundtable, *fields: str) -> Roundtable:
    """Save the room's changed fields with the next version and broadcast it after commit.
    The broadcast is built from this object: callers must not change `rt` afterwards, and
    services are not combined inside one outer transaction."""
    rt.version += 1
    rt.save(update_fields=[*fields, "version"])
    # The locked row, as saved, is what committed: the broadcast builds on it without reading it again.
    transaction.on_commit(lambda: broadcast.room_changed(rt.pk, rt))
    return rt


def _require_control(rt: Roundtable, by: User) -> None:
    if not can_control(by, rt):
        raise LiveError("Only a facilitator of this group can do that.", 403)


def _require_not_ended(rt: Roundtable) -> None:
    if rt.is_ended:
        raise LiveError("This roundtable has ended.", 409)


def _require_live(rt: Roundtable) -> None:
    _require_not_ended(rt)
    if not rt.is_live:
        raise LiveError("Start the roundtable first.", 409)


def _require_turn(rt: Roundtable) -> Turn:
    _require_live(rt)
    if rt.mode == Mode.QUESTIONS:
        raise LiveError("This room has a question queue, not turns.", 409)
    if rt.current_turn is None:
        if Turn.objects.filter(roundtable=rt, status=TurnStatus.PENDING).exists():
            raise LiveError(
                "Nobody is in the seat: the members still waiting are not here yet. "
                "Bring one forward when they arrive.",
                409,
            )
        raise LiveError("Nobody is in the seat: everyone has had a turn.", 409)
    return rt.current_turn


def _text(value: str, *, limit: int, what: str, multiline: bool = False, required: bool = True) -> str:
    """Text from the room under the shared rule (core.text): a refused character answers
    400 with its reason, as a form or the API would."""
    try:
        value = clean_text((value or "").strip(), multiline=multiline)
    except TextError as exc:
        raise LiveError(f"The {what}: {exc.reason}") from None
    if required and not value:
        raise LiveError(f"Write the {what} first.")
    if len(value) > limit:
        raise LiveError(f"Keep the {what} to {limit} characters or fewer.")
    return value


# "status": an empty seat unpauses the room (_seat), since nothing is left to pause.
STATE_FIELDS = (
    "status",
    "current_turn",
    "phase_index",
    "phase_started_at",
    "paused_at",
    "elapsed_before_pause",
    "extra_seconds",
)


def _reset_phase(rt: Roundtable, now: datetime, index: int) -> None:
    """Start a phase from zero. A paused room stays paused: the clock waits for resume."""
    rt.phase_index = index
    rt.phase_started_at = now
    rt.elapsed_before_pause = 0
    rt.extra_seconds = 0
    rt.paused_at = now if rt.status == RoomStatus.PAUSED else None


def _end_current_turn(rt: Roundtable, now: datetime, status: str = TurnStatus.DONE) -> None:
    turn = rt.current_turn
    if turn is not None:
        Turn.objects.filter(pk=turn.pk).update(status=status, ended_at=now)
    rt.current_turn = None


def _present_ids(rt: Roundtable) -> set[int]:
    """Who is here (models.Participant says how presence is known)."""
    return set(Participant.objects.filter(roundtable=rt, left_at__isnull=True).values_list("user_id", flat=True))


def _here_first(rt: Roundtable, ordered: list[Turn]) -> list[Turn]:
    """The waiting turns with those of people who are here before those of people who are not,
    each side keeping its order."""
    here = _present_ids(rt)
    return [t for t in ordered if t.user_id in here] + [t for t in ordered if t.user_id not in here]


def _order_pending(rt: Roundtable, pending: list[Turn], ordered: list[Turn]) -> None:
    """Give the waiting turns this order. While the room runs, the turns of people who are
    here always come before those of people who are not: the order shown is the order turns
    happen, since the seat goes to the first waiting member who is here."""
    _reorder(rt, pending, _here_first(rt, ordered) if rt.is_live else ordered)


def _away_to_the_back(rt: Roundtable) -> list[Turn]:
    """Move the waiting turns of people who are not here behind those of people who are,
    each side keeping its order, and return the waiting turns in their new order. Nobody's
    turn is lost: it waits at the end until they arrive (or a facilitator brings it forward)."""
    pending = _pending_turns(rt)
    ordered = _here_first(rt, pending)
    _reorder(rt, pending, ordered)
    return ordered


def _seat(rt: Roundtable, turn: Turn | None, now: datetime) -> None:
    """Put this waiting turn in the seat at phase 0, or leave the seat empty (turn None).

    The seated turn takes the first waiting position, so positions follow the order in which
    turns happen (done, in the seat, waiting). An empty seat has no clock: a paused room runs
    again (a Pause or Resume then would do nothing), and the next member seated starts at once."""
    if turn is not None:
        pending = _pending_turns(rt)
        _reorder(rt, pending, [t for t in pending if t.pk == turn.pk] + [t for t in pending if t.pk != turn.pk])
        turn.status, turn.started_at = TurnStatus.ACTIVE, now
        turn.save(update_fields=["status", "started_at"])
    elif rt.status == RoomStatus.PAUSED:
        rt.status = RoomStatus.RUNNING
    rt.current_turn = turn
    _reset_phase(rt, now, 0)
    if turn is None:
        rt.phase_started_at = None
        rt.paused_at = None


def _seat_if_empty(rt: Roundtable, now: datetime) -> bool:
    """Someone has arrived: while the room runs with the seat empty, the seat goes to the first
    waiting member who is here (at once: nobody has to press anything). True if someone sat."""
    if not rt.is_live or rt.mode == Mode.QUESTIONS or rt.current_turn is not None:
        return False
    _start_next_turn(rt, now)
    return rt.current_turn is not None


def _start_next_turn(rt: Roundtable, now: datetime) -> None:
    """Seat the first waiting member who is here, at phase 0. Members who are not here wait at
    the end of the order (_away_to_the_back). When nobody waiting is here the seat stays empty:
    an open discussion if no turn waits, otherwise "waiting for arrivals" until someone
    waiting arrives (_arrive seats them at once) or a facilitator brings someone forward
    (turn_bring_forward)."""
    ordered = _away_to_the_back(rt)
    here = _present_ids(rt)
    _seat(rt, next((t for t in ordered if t.user_id in here), None), now)


def _next_position(rt: Roundtable) -> int:
    top = Turn.objects.filter(roundtable=rt).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def _gets_a_turn(rt: Roundtable, user: User) -> bool:
    return rt.mode != Mode.QUESTIONS and not group_perms.is_facilitator(user, rt.meeting.group)


def _in_whole_minutes(plan: Sequence[dict[str, Any]], minutes: int) -> list[dict[str, Any]]:
    """The plan scaled to a turn of `minutes` whole minutes, every phase a whole number of
    minutes and at least one, in the plan's proportions (largest remainders: each phase gets
    the whole minutes of its share, and the minutes left over go to the phases that lost the
    most in rounding, earlier phases first on a tie).

    Whole minutes, so that what the plan says ("Update 2 min") is what the clock counts down
    (2:00), and the phases add up to the turn length the meeting states. A turn shorter than
    one minute per phase gets one minute per phase."""
    current = sum(int(p["seconds"]) for p in plan)
    shares = [int(p["seconds"]) * minutes / current for p in plan]
    whole = [max(1, math.floor(share)) for share in shares]
    by_loss = sorted(range(len(plan)), key=lambda i: (-(shares[i] - whole[i]), i))
    for i in by_loss[: max(0, minutes - sum(whole))]:
        whole[i] += 1
    return [{**p, "seconds": m * 60} for p, m in zip(plan, whole, strict=True)]


def default_plan(meeting: Meeting, mode: str) -> list[dict[str, Any]]:
    """The mode's plan, fitted to the meeting's turn length when it states one (whole minutes)."""
    if mode == Mode.QUESTIONS:
        return []
    plan = [dict(p) for p in (STRATEGIC_PLAN if mode == Mode.TURNS else SUPPORT_PLAN)]
    if meeting.turn_minutes:
        plan = _in_whole_minutes(plan, meeting.turn_minutes)
    return plan


MODE_OF_KIND = {Kind.STRATEGIC: Mode.TURNS, Kind.SUPPORT: Mode.CIRCLE, Kind.SPEAKERS: Mode.QUESTIONS}


# ---------------------------------------------------------------- the room


@transaction.atomic
def roundtable_open(*, meeting: Meeting, by: User, now: datetime | None = None) -> Roundtable:
    """Open the meeting's room (the lobby). The members who are going get turns in the
    order they said yes; facilitators run the room and take no turn. Opening an open room
    again returns it unchanged."""
    now = _now(now)
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    if not group_perms.is_facilitator(by, meeting.group):
        raise LiveError("Only a facilitator of this group can open the roundtable.", 403)
    if meeting.is_cancelled:
        raise LiveError("This meeting was cancelled.", 409)
    existing = Roundtable.objects.filter(meeting=meeting).first()
    if existing is not None:
        _require_not_ended(existing)
        return existing
    mode = MODE_OF_KIND[Kind(meeting.group.kind)]
    rt = Roundtable.objects.create(
        meeting=meeting, mode=mode, plan=default_plan(meeting, mode), opened_by=by, created_at=now
    )
    Participant.objects.create(roundtable=rt, user=by, joined_at=now)
    if mode != Mode.QUESTIONS:
        members = Membership.objects.filter(
            group=meeting.group, state=MembershipState.ACTIVE, role=MembershipRole.MEMBER
        ).values("user_id")
        going = Rsvp.objects.filter(meeting=meeting, status=RsvpStatus.GOING, user_id__in=members).order_by(
            "created_at", "id"
        )
        Turn.objects.bulk_create(
            Turn(roundtable=rt, user_id=r.user_id, position=i) for i, r in enumerate(going, start=1)
        )
    rid = rt.pk
    transaction.on_commit(lambda: broadcast.room_changed(rid))
    return rt


def _arrive(
    rt: Roundtable, user: User, now: datetime, admitted_by: User | None, checked_in_by: User | None = None
) -> Participant:
    """Put a person in the room: from their own device (both None), let in by a facilitator
    (admitted_by) or marked here by one (checked_in_by). Rejoining (a reload, a dropped
    connection) changes nothing, except that joining from a device after a "Mark here" makes
    the presence their own; someone arriving for the first time after the start goes behind
    the others who are here (ahead of those still away), and takes the seat at once when it is
    empty because everyone waiting was away (_seat_if_empty)."""
    participant = Participant.objects.filter(roundtable=rt, user=user).first()
    if participant is not None:
        fields = []
        if participant.left_at is not None:
            participant.left_at = None
            participant.checked_in_by = checked_in_by
            fields += ["left_at", "checked_in_by"]
        elif checked_in_by is None and admitted_by is None and participant.checked_in_by_id is not None:
            participant.checked_in_by = None
            fields.append("checked_in_by")
        if admitted_by is not None and participant.admitted_by_id is None:
            participant.admitted_by = admitted_by
            fields.append("admitted_by")
        if not fields:
            return participant
        participant.save(update_fields=fields)
        _arrived(rt, now)
        return participant
    participant = Participant.objects.create(
        roundtable=rt, user=user, joined_at=now, admitted_by=admitted_by, checked_in_by=checked_in_by
    )
    if _gets_a_turn(rt, user):
        turn = Turn.objects.filter(roundtable=rt, user=user).first()
        if turn is None:
            Turn.objects.create(roundtable=rt, user=user, position=_next_position(rt))
        elif rt.is_live and turn.status in (TurnStatus.PENDING, TurnStatus.SKIPPED):
            turn.position, turn.status = _next_position(rt), TurnStatus.PENDING
            turn.save(update_fields=["position", "status"])
    _arrived(rt, now)
    return participant


def _arrived(rt: Roundtable, now: datetime) -> None:
    """Someone is here now: keep the people who are here ahead of those who are not, seat the
    first of them if the seat waited for an arrival, and save and broadcast the room."""
    if rt.is_live and rt.mode != Mode.QUESTIONS:
        _away_to_the_back(rt)
        _seat_if_empty(rt, now)
        _changed(rt, *STATE_FIELDS)
    else:
        _changed(rt)


@transaction.atomic
def participant_join(*, roundtable: Roundtable, user: User, now: datetime | None = None) -> Participant:
    """A member who is going (or a facilitator, or someone already let in) joins the room."""
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_not_ended(rt)
    if not may_enter(user, rt):
        raise LiveError("You're not on the list for this meeting: a facilitator can let you in.", 403)
    return _arrive(rt, user, now, None)


ADMIT_MEMBERS_ONLY = "Only members of the group can be let in: ask them to join it first."


@transaction.atomic
def participant_admit(*, roundtable: Roundtable, user: User, by: User, now: datetime | None = None) -> Participant:
    """A facilitator lets in a walk-in: an active member of the group who was not going.
    Only members: room access always rests on an active membership (issue 8), so a
    non-member, or someone whose request is pending, must join the group first (409)."""
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_not_ended(rt)
    if not user.is_active:
        raise LiveError("This account is closed.", 409)
    if not group_perms.is_member(user, rt.meeting.group):
        raise LiveError(ADMIT_MEMBERS_ONLY, 409)
    return _arrive(rt, user, now, by)


@transaction.atomic
def participant_leave(*, roundtable: Roundtable, user: User, now: datetime | None = None) -> Participant | None:
    """Leave the room. The turn stays in the order; the facilitator may skip it."""
    now = _now(now)
    rt = _lock(roundtable.pk)
    participant = Participant.objects.filter(roundtable=rt, user=user, left_at__isnull=True).first()
    if participant is None:
        return None
    participant.left_at = now
    participant.save(update_fields=["left_at"])
    _changed(rt)
    return participant


@transaction.atomic
def rsvp_declined(*, meeting_id: int, user_id: int, now: datetime | None = None) -> bool:
    """A member said they are not going after the room opened: their waiting turn is
    withdrawn, as losing access withdraws it, unless they are in the room (a walk-in's or a
    present member's turn stays; they are here). Runs inside the RSVP's transaction
    (LiveConfig connects it to Rsvp saves). True when the room changed."""
    room_id = (
        Roundtable.objects.filter(meeting_id=meeting_id).exclude(status=RoomStatus.ENDED).values_list("pk", flat=True)
    ).first()
    if room_id is None:
        return False
    rt = _lock(room_id)
    if rt.is_ended or Participant.objects.filter(roundtable=rt, user_id=user_id, left_at__isnull=True).exists():
        return False
    deleted, _ = Turn.objects.filter(
        roundtable=rt, user_id=user_id, status__in=[TurnStatus.PENDING, TurnStatus.SKIPPED]
    ).delete()
    if not deleted:
        return False
    _changed(rt)
    return True


def _waiting_turn(rt: Roundtable, user_id: int) -> Turn:
    turn = Turn.objects.filter(roundtable=rt, user_id=user_id).select_related("user").first()
    if turn is None or turn.status not in (TurnStatus.PENDING, TurnStatus.SKIPPED):
        raise LiveError("Only members still waiting for their turn can be marked here or brought forward.", 409)
    return turn


def _control_turns(roundtable: Roundtable, by: User) -> Roundtable:
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_not_ended(rt)
    if rt.mode == Mode.QUESTIONS:
        raise LiveError("This room has a question queue, not turns.", 409)
    return rt


@transaction.atomic
def presence_set(
    *, roundtable: Roundtable, by: User, user_id: int, present: bool, now: datetime | None = None
) -> Participant | None:
    """A facilitator says a member waiting for a turn is here ("Mark here": at the table or on
    the video call without the room open on a device) or takes that back ("Not here"). Marked
    here, their turn is given like anyone's who joined from a device, and they get the summary
    email; after the start they go to the end of the order, as any late arrival does. Only a
    facilitator's own mark can be taken back: someone who joined from their device is here
    until they lose access (skip or move their turn instead)."""
    now = _now(now)
    rt = _control_turns(roundtable, by)
    turn = _waiting_turn(rt, user_id)
    if present:
        if not turn.user.is_active or not may_enter(turn.user, rt):
            raise LiveError("This member can no longer be in the room.", 409)
        if turn.status == TurnStatus.SKIPPED:
            # A skipped member who turns up waits again, at the end (as turn_skip promises).
            turn.position, turn.status = _next_position(rt), TurnStatus.PENDING
            turn.save(update_fields=["position", "status"])
        return _arrive(rt, turn.user, now, None, checked_in_by=by)
    participant = Participant.objects.filter(roundtable=rt, user_id=user_id, left_at__isnull=True).first()
    if participant is None:
        return None
    if participant.checked_in_by_id is None:
        # Named as the room names them: by their pseudonym if they go by one (groups/identity.py).
        name = identity.pseudonyms(rt.meeting.group_id, [turn.user_id]).get(turn.user_id) or turn.user.display_name
        raise LiveError(f"{name} joined from their own device: skip or move their turn instead.", 409)
    participant.left_at, participant.checked_in_by = now, None
    participant.save(update_fields=["left_at", "checked_in_by"])
    if rt.is_live:
        _away_to_the_back(rt)
    _changed(rt)
    return participant


@transaction.atomic
def turn_bring_forward(*, roundtable: Roundtable, by: User, user_id: int, now: datetime | None = None) -> Roundtable:
    """A member who was away has arrived: their turn comes next. They count as here (marked
    by the facilitator unless they joined from a device); their waiting turn moves to the front
    of the order, or takes the seat at once when the seat is empty because everyone waiting was
    away. A skipped turn waits again."""
    now = _now(now)
    rt = _control_turns(roundtable, by)
    turn = _waiting_turn(rt, user_id)
    if not turn.user.is_active or not may_enter(turn.user, rt):
        raise LiveError("This member can no longer be in the room.", 409)
    participant = Participant.objects.filter(roundtable=rt, user_id=user_id).first()
    if participant is None:
        Participant.objects.create(roundtable=rt, user_id=user_id, joined_at=now, checked_in_by=by)
    elif participant.left_at is not None:
        participant.left_at, participant.checked_in_by = None, by
        participant.save(update_fields=["left_at", "checked_in_by"])
    if turn.status == TurnStatus.SKIPPED:
        turn.status = TurnStatus.PENDING
        turn.save(update_fields=["status"])
    pending = _pending_turns(rt)
    if rt.is_live and rt.current_turn is None:
        _seat(rt, next(t for t in pending if t.pk == turn.pk), now)
        return _changed(rt, *STATE_FIELDS)
    _order_pending(rt, pending, [t for t in pending if t.pk == turn.pk] + [t for t in pending if t.pk != turn.pk])
    return _changed(rt)


@transaction.atomic
def access_end(*, user: User, group_id: int | None = None, now: datetime | None = None) -> list[int]:
    """Someone lost the right to be in rooms: they left, were removed or banned from the group
    `group_id`, or (group_id None) their account was closed, which ends every group.

    In every room concerned that has not ended they stop being present (the room's snapshot
    changes, so no later broadcast lists them), their waiting turns are dropped, a turn of
    theirs in the seat ends and their questions close (_out_of_room), a facilitator's earlier admission is forgotten
    in every room concerned, ended ones too (only a new admission lets them back: issue 8,
    "never was once a participant"), and after commit their sockets get "access.revoked".
    Safe inside the caller's transaction. Returns the ids of the rooms whose snapshot changed.
    """
    now = _now(now)
    mine = Participant.objects.filter(user=user)
    if group_id is not None:
        mine = mine.filter(roundtable__meeting__group_id=group_id)
    mine.filter(admitted_by__isnull=False).update(admitted_by=None)
    if group_id is not None:
        broadcast.access_revoked(group_id, user.pk)
    else:
        open_rooms = mine.exclude(roundtable__status=RoomStatus.ENDED).values_list("roundtable_id", flat=True)
        broadcast.access_revoked_in(list(open_rooms), user.pk)
    # Every room not ended where they are present, wait for a turn, sit in the seat or have a
    # hand up: turns are built at the opening from the RSVPs, before anyone joins.
    rooms = Roundtable.objects.exclude(status=RoomStatus.ENDED).filter(
        Q(participants__user=user, participants__left_at__isnull=True)
        | Q(turns__user=user, turns__status__in=[TurnStatus.PENDING, TurnStatus.ACTIVE])
        | Q(questions__user=user, questions__status__in=[QuestionStatus.WAITING, QuestionStatus.TAKEN])
    )
    if group_id is not None:
        rooms = rooms.filter(meeting__group_id=group_id)
    changed = []
    # Rooms locked in id order, so two of these running at once cannot deadlock.
    for roundtable_id in sorted(set(rooms.values_list("pk", flat=True))):
        rt = _lock(roundtable_id)
        if _out_of_room(rt, user, now):
            _changed(rt, *STATE_FIELDS)
            changed.append(roundtable_id)
    return changed


def _out_of_room(rt: Roundtable, user: User, now: datetime) -> bool:
    """Take someone who lost access out of a room that has not ended (access_end): they stop
    being present; their waiting turns are dropped, so the seat never passes to them and the
    room never shows their previous challenge or commitments; a turn of theirs in the seat
    ends (done) and the next member is seated, as turn_next does; their raised hand is
    withdrawn and a question of theirs being answered is closed. True when anything changed."""
    changed = bool(Participant.objects.filter(roundtable=rt, user=user, left_at__isnull=True).update(left_at=now))
    deleted, _ = Turn.objects.filter(roundtable=rt, user=user, status=TurnStatus.PENDING).delete()
    changed = changed or bool(deleted)
    if rt.current_turn is not None and rt.current_turn.user_id == user.pk:
        _end_current_turn(rt, now)
        if rt.is_live:
            _start_next_turn(rt, now)
        changed = True
    questions = Question.objects.filter(roundtable=rt, user=user)
    changed = bool(questions.filter(status=QuestionStatus.WAITING).update(status=QuestionStatus.WITHDRAWN)) or changed
    changed = bool(questions.filter(status=QuestionStatus.TAKEN).update(status=QuestionStatus.ANSWERED)) or changed
    return changed


# ---------------------------------------------------------------- order of turns


def _pending_turns(rt: Roundtable) -> list[Turn]:
    return list(Turn.objects.filter(roundtable=rt, status=TurnStatus.PENDING).order_by("position", "id"))


def _reorder(rt: Roundtable, pending: list[Turn], ordered: list[Turn]) -> None:
    """Give the waiting turns the positions they already hold, in the new order; turns that
    are done or in the seat keep theirs."""
    slots = sorted(t.position for t in pending)
    changed = []
    for turn, position in zip(ordered, slots, strict=True):
        if turn.position != position:
            turn.position = position
            changed.append(turn)
    Turn.objects.bulk_update(changed, ["position"])


def _control_order(roundtable: Roundtable, by: User) -> tuple[Roundtable, list[Turn]]:
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_not_ended(rt)
    if rt.mode == Mode.QUESTIONS:
        raise LiveError("This room has a question queue, not turns.", 409)
    return rt, _pending_turns(rt)


@transaction.atomic
def order_set(*, roundtable: Roundtable, by: User, user_ids: Sequence[int]) -> Roundtable:
    """Set the order of the members still waiting: user_ids must list each exactly once."""
    rt, pending = _control_order(roundtable, by)
    by_user = {t.user_id: t for t in pending}
    if len(user_ids) != len(by_user) or set(user_ids) != set(by_user):
        raise LiveError("List every member still waiting for a turn exactly once.")
    _order_pending(rt, pending, [by_user[u] for u in user_ids])
    return _changed(rt)


@transaction.atomic
def order_move(*, roundtable: Roundtable, by: User, user_id: int, delta: int) -> Roundtable:
    """Move a waiting member up (negative delta) or down the order; the ends stop it. While the
    room runs, the people who are here and those who are not are each moved among themselves
    (the seat goes to people who are here first, whatever the order says)."""
    rt, pending = _control_order(roundtable, by)
    index = next((i for i, t in enumerate(pending) if t.user_id == user_id), None)
    if index is None:
        raise LiveError("Only members still waiting for their turn can be moved.", 409)
    low, high = 0, len(pending) - 1
    if rt.is_live:
        here = _present_ids(rt)
        side = [i for i, t in enumerate(pending) if (t.user_id in here) == (user_id in here)]
        low, high = side[0], side[-1]
    ordered = list(pending)
    turn = ordered.pop(index)
    ordered.insert(max(low, min(high, index + delta)), turn)
    _order_pending(rt, pending, ordered)
    return _changed(rt)


@transaction.atomic
def order_shuffle(*, roundtable: Roundtable, by: User, seed: int | None = None) -> Roundtable:
    """Shuffle the members still waiting. A seed makes it repeatable."""
    rt, pending = _control_order(roundtable, by)
    ordered = list(pending)
    random.Random(seed).shuffle(ordered)
    _order_pending(rt, pending, ordered)
    return _changed(rt)


@transaction.atomic
def order_by_arrival(*, roundtable: Roundtable, by: User) -> Roundtable:
    """Order the members still waiting by when they joined the room; those not here yet last."""
    rt, pending = _control_order(roundtable, by)
    joined = dict(Participant.objects.filter(roundtable=rt).values_list("user_id", "joined_at"))

    def arrival(t: Turn) -> tuple[bool, float, int, int]:
        moment = joined.get(t.user_id)
        return (moment is None, moment.timestamp() if moment else 0.0, t.position, t.pk)

    ordered = sorted(pending, key=arrival)
    _reorder(rt, pending, ordered)
    return _changed(rt)


# ---------------------------------------------------------------- the plan


def _validate_plan(phases: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A plan as sent: each phase a name, a length and optionally its key. A phase keeps its key
    when renamed (the key "brainstorm" is when suggestions open); a new phase gets one made
    from its name, made unique among the others."""
    if not isinstance(phases, list | tuple) or not 1 <= len(phases) <= MAX_PHASES:
        raise LiveError(f"A turn has between 1 and {MAX_PHASES} phases.")
    if not all(isinstance(phase, dict) for phase in phases):
        number = next(i for i, phase in enumerate(phases, start=1) if not isinstance(phase, dict))
        raise LiveError(f"Phase {number} needs a label and a length.")
    sent_keys = [str(phase["key"]) for phase in phases if phase.get("key")]
    out: list[dict[str, Any]] = []
    for number, phase in enumerate(phases, start=1):
        label = _text(str(phase.get("label", "")), limit=1000, what=f"name of phase {number}", required=False)
        if not label:
            raise LiveError(f"Give phase {number} a name.")
        if len(label) > LABEL_MAX:
            raise LiveError(f"Keep the name of phase {number} to {LABEL_MAX} characters or fewer.")
        seconds = phase.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds % 60:
            raise LiveError(
                f"Give phase {number} a length in whole minutes, from {PHASE_MIN_MINUTES} to {PHASE_MAX_MINUTES}."
            )
        if not PHASE_MIN_MINUTES * 60 <= seconds <= PHASE_MAX_MINUTES * 60:
            raise LiveError(f"Phase {number} must last between {PHASE_MIN_MINUTES} and {PHASE_MAX_MINUTES} minutes.")
        if any(p["label"].casefold() == label.casefold() for p in out):
            raise LiveError(f"Two phases are called {label!r}: give each its own name.")
        if phase.get("key"):
            key = str(phase["key"])[:40]
            if any(p["key"] == key for p in out):
                raise LiveError(f"Phase {number} has the same key as another phase.")
        else:
            base = (slugify(label) or f"phase-{number}")[:36]
            taken = set(sent_keys) | {p["key"] for p in out}
            key = next(k for k in [base, *(f"{base}-{n}" for n in range(2, MAX_PHASES + 2))] if k not in taken)
        if not KEY_RE.match(key):
            raise LiveError(f"Phase {number} has a key that is not a simple word.")
        out.append({"key": key, "label": label, "seconds": seconds})
    return out


def _apply_plan(rt: Roundtable, plan: list[dict[str, Any]]) -> Roundtable:
    rt.plan = plan
    fields = ["plan"]
    if rt.phase_index >= len(plan):
        rt.phase_index = len(plan) - 1
        fields.append("phase_index")
    return _changed(rt, *fields)


@transaction.atomic
def plan_set(*, roundtable: Roundtable, by: User, phases: Sequence[dict[str, Any]]) -> Roundtable:
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_not_ended(rt)
    if rt.mode == Mode.QUESTIONS:
        raise LiveError("This room has a question queue, not turns.", 409)
    return _apply_plan(rt, _validate_plan(phases))


@dataclass(frozen=True)
class PlanCheck:
    available_seconds: int  # until the main part ends (networking after is kept)
    needed_seconds: int  # turns not yet done x the plan's length
    turns_left: int

    @property
    def overrun_seconds(self) -> int:
        return max(0, self.needed_seconds - self.available_seconds)

    @property
    def overruns(self) -> bool:
        return self.overrun_seconds > 0


def plan_check(roundtable: Roundtable, now: datetime | None = None) -> PlanCheck:
    """Does the plan fit in the time left? Every turn not done (the one in the seat too)
    counts as a whole turn of the plan."""
    now = _now(now)
    meeting = roundtable.meeting
    main_ends = meeting.ends_at - timedelta(minutes=meeting.networking_after_minutes)
    available = max(0, math.floor((main_ends - now).total_seconds()))
    turns_left = Turn.objects.filter(roundtable=roundtable, status__in=[TurnStatus.PENDING, TurnStatus.ACTIVE]).count()
    per_turn = sum(int(p["seconds"]) for p in roundtable.plan or [])
    return PlanCheck(available_seconds=available, needed_seconds=turns_left * per_turn, turns_left=turns_left)


@transaction.atomic
def plan_fit(*, roundtable: Roundtable, by: User, now: datetime | None = None) -> list[dict[str, Any]]:
    """Shrink the plan so the turns left fit the time left: each turn gets the whole minutes
    the time left allows per turn, shared among the phases in the plan's proportions
    (_in_whole_minutes: whole minutes, each phase at least one). Returns the plan; unchanged
    if it fits."""
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_not_ended(rt)
    check = plan_check(rt, now)
    if not check.overruns:
        return list(rt.plan)
    per_turn = check.available_seconds // check.turns_left // 60
    plan = _in_whole_minutes(rt.plan, per_turn)
    _apply_plan(rt, plan)
    return plan


# ---------------------------------------------------------------- the clock


@transaction.atomic
def roundtable_start(*, roundtable: Roundtable, by: User, now: datetime | None = None) -> Roundtable:
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_not_ended(rt)
    if rt.status != RoomStatus.OPEN:
        raise LiveError("The roundtable is already running.", 409)
    rt.status, rt.started_at = RoomStatus.RUNNING, now
    if rt.mode != Mode.QUESTIONS:
        _start_next_turn(rt, now)
    return _changed(rt, "status", "started_at", *STATE_FIELDS)


@transaction.atomic
def clock_pause(*, roundtable: Roundtable, by: User, now: datetime | None = None) -> Roundtable:
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_live(rt)
    if rt.status == RoomStatus.PAUSED:
        raise LiveError("The clock is already paused.", 409)
    if rt.mode != Mode.QUESTIONS and rt.current_turn_id is None:
        raise LiveError("No clock is running: nobody is in the seat.", 409)
    if rt.phase_started_at is not None:
        rt.elapsed_before_pause += (now - rt.phase_started_at).total_seconds()
    rt.status, rt.paused_at = RoomStatus.PAUSED, now
    return _changed(rt, "status", "paused_at", "elapsed_before_pause")


@transaction.atomic
def clock_resume(*, roundtable: Roundtable, by: User, now: datetime | None = None) -> Roundtable:
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_live(rt)
    if rt.status != RoomStatus.PAUSED:
        raise LiveError("The clock is already running.", 409)
    rt.status, rt.paused_at = RoomStatus.RUNNING, None
    if rt.current_turn_id is not None:
        rt.phase_started_at = now
    return _changed(rt, "status", "paused_at", "phase_started_at")


@transaction.atomic
def clock_add_minute(*, roundtable: Roundtable, by: User, now: datetime | None = None) -> Roundtable:
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_turn(rt)
    rt.extra_seconds += 60
    return _changed(rt, "extra_seconds")


@transaction.atomic
def phase_next(*, roundtable: Roundtable, by: User, now: datetime | None = None) -> Roundtable:
    """The next phase; after the last one the turn is done and the next member takes the seat
    at its first phase; after the last turn the seat stays empty (open discussion)."""
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_turn(rt)
    if rt.phase_index + 1 < len(rt.plan):
        _reset_phase(rt, now, rt.phase_index + 1)
    else:
        _end_current_turn(rt, now)
        _start_next_turn(rt, now)
    return _changed(rt, *STATE_FIELDS)


@transaction.atomic
def turn_next(*, roundtable: Roundtable, by: User, now: datetime | None = None) -> Roundtable:
    """End the turn in the seat now (it counts as done) and seat the next member."""
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_turn(rt)
    _end_current_turn(rt, now)
    _start_next_turn(rt, now)
    return _changed(rt, *STATE_FIELDS)


@transaction.atomic
def turn_skip(*, roundtable: Roundtable, by: User, user_id: int, now: datetime | None = None) -> Roundtable:
    """Pass over a member still waiting (not here). If they arrive later they go to the end."""
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_not_ended(rt)
    done = Turn.objects.filter(roundtable=rt, user_id=user_id, status=TurnStatus.PENDING).update(
        status=TurnStatus.SKIPPED
    )
    if not done:
        raise LiveError("Only members still waiting for their turn can be skipped.", 409)
    return _changed(rt)


@transaction.atomic
def roundtable_end(*, roundtable: Roundtable, by: User, now: datetime | None = None) -> Roundtable:
    """End the room: the turn in the seat is done; turns still waiting didn't come round
    (NOT_REACHED: only a facilitator's turn_skip makes a turn "skipped")."""
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_not_ended(rt)
    _end_current_turn(rt, now)
    Turn.objects.filter(roundtable=rt, status=TurnStatus.PENDING).update(status=TurnStatus.NOT_REACHED)
    Question.objects.filter(roundtable=rt, status=QuestionStatus.TAKEN).update(status=QuestionStatus.ANSWERED)
    rt.status, rt.ended_at = RoomStatus.ENDED, now
    rt.phase_started_at = rt.paused_at = None
    rt.phase_index, rt.elapsed_before_pause, rt.extra_seconds = 0, 0, 0
    rt = _changed(rt, "status", "ended_at", *STATE_FIELDS)
    # The summary emails, enqueued once: a room that has ended cannot be ended again (above).
    rid = rt.pk
    transaction.on_commit(lambda: notifications.roundtable_ended(roundtable_id=rid), robust=True)
    return rt


@transaction.atomic
def nudge_send(*, roundtable: Roundtable, by: User, now: datetime | None = None) -> Roundtable:
    """ "Back to solutions": the room shows it (clients show it when nudge_at changes)."""
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_live(rt)
    rt.nudge_at = now
    return _changed(rt, "nudge_at")


# ---------------------------------------------------------------- what a turn produces


def _lock_for_turn(turn: Turn) -> tuple[Roundtable, Turn]:
    rt = _lock(turn.roundtable_id)
    fresh = Turn.objects.filter(pk=turn.pk).first()
    if fresh is None:
        raise LiveError("This turn no longer exists.", 404)
    return rt, fresh


def _require_in_room(rt: Roundtable, by: User) -> None:
    """Every write by a person checks, here too, that they may still be in the room: the
    consumer asks before each message, and a service must not rely on that (issue 8)."""
    if not may_enter(by, rt):
        raise LiveError("You no longer have access to this room.", 403)


def _require_not_muted(rt: Roundtable, by: User, now: datetime) -> None:
    """A person a facilitator muted in the group (safety.mutes) may not post suggestions or
    questions; asked on every such action, so a mute reaches sockets already open."""
    from roundtable.safety.mutes import mute_in_force, muted_message

    mute = mute_in_force(rt.meeting.group_id, by.pk, now)
    if mute is not None:
        raise LiveError(muted_message(mute, rt.meeting.group.time_zone), 403)


@transaction.atomic
def room_refresh(*, roundtable_id: int) -> None:
    """What the room shows changed outside it (a moderator hid or unhid a suggestion:
    safety.services): every socket gets the room again, with the next version."""
    rt = _lock(roundtable_id)
    _changed(rt)


def _is_present(rt: Roundtable, user: User) -> bool:
    return Participant.objects.filter(roundtable=rt, user=user, left_at__isnull=True).exists()


@transaction.atomic
def challenge_set(*, turn: Turn, by: User, text: str, now: datetime | None = None) -> Challenge:
    """The member writes their challenge (or a facilitator writes it for them)."""
    now = _now(now)
    rt, turn = _lock_for_turn(turn)
    _require_in_room(rt, by)
    if by.pk != turn.user_id and not can_control(by, rt):
        raise LiveError("Only the member whose turn it is, or a facilitator, can write the challenge.", 403)
    _require_not_ended(rt)
    text = _text(text, limit=1000, what="challenge", multiline=True)
    challenge, _ = Challenge.objects.update_or_create(
        turn=turn, defaults={"text": text, "written_by": by, "updated_at": now}
    )
    _changed(rt)
    return challenge


@transaction.atomic
def suggestion_add(
    *, turn: Turn, by: User, text: str, contact: str = "", link: str = "", now: datetime | None = None
) -> Suggestion:
    """Anyone in the room adds a suggestion, during the brainstorm of the turn in the seat."""
    now = _now(now)
    rt, turn = _lock_for_turn(turn)
    _require_in_room(rt, by)
    if not (_is_present(rt, by) or can_control(by, rt)):
        raise LiveError("Join the room to add suggestions.", 403)
    _require_not_ended(rt)
    _require_not_muted(rt, by, now)
    phase = rt.plan[rt.phase_index] if rt.plan and rt.phase_index < len(rt.plan) else None
    brainstorming = (
        rt.mode == Mode.TURNS
        and rt.is_live
        and rt.current_turn_id == turn.pk
        and phase is not None
        and phase["key"] == BRAINSTORM
    )
    if not brainstorming:
        raise LiveError("Suggestions are open during the brainstorm of the turn in the seat.", 409)
    text = _text(text, limit=500, what="suggestion", multiline=True)
    made = Suggestion.objects.filter(turn=turn)
    if made.filter(author=by).count() >= MAX_SUGGESTIONS_PER_PERSON:
        raise LiveError(
            f"You've made {MAX_SUGGESTIONS_PER_PERSON} suggestions for this turn: leave room for others.", 409
        )
    if made.count() >= MAX_SUGGESTIONS_PER_TURN:
        raise LiveError(f"This turn has {MAX_SUGGESTIONS_PER_TURN} suggestions already: plenty to work on.", 409)
    contact = _text(contact, limit=200, what="contact", required=False)
    link = _text(link, limit=500, what="link", required=False)
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise LiveError("The link must be a web address starting with https://") from None
    suggestion = Suggestion.objects.create(turn=turn, author=by, text=text, contact=contact, link=link, created_at=now)
    _changed(rt)
    return suggestion


@transaction.atomic
def suggestion_star(*, suggestion: Suggestion, by: User, starred: bool, now: datetime | None = None) -> Suggestion:
    """The member whose turn it was stars the suggestions they will use. A facilitator may
    star for them while their turn is in the seat (a member without a device, at the table or
    on the video call): the star is the member's all the same (their summary, their history,
    their next turn), and starred_by says who pressed it, so the room can say "starred for"."""
    fresh = Suggestion.objects.select_related("turn").filter(pk=suggestion.pk).first()
    if fresh is None:
        raise LiveError("This suggestion no longer exists.", 404)
    rt = _lock(fresh.turn.roundtable_id)
    _require_in_room(rt, by)
    if by.pk != fresh.turn.user_id:
        if not can_control(by, rt):
            raise LiveError("Only the member whose turn it is, or a facilitator for them, can star suggestions.", 403)
        if rt.is_ended or rt.current_turn_id != fresh.turn_id:
            raise LiveError("A facilitator can star for a member only during their turn.", 409)
    if fresh.starred != starred:
        fresh.starred = starred
        fresh.starred_by = by if starred else None
        fresh.save(update_fields=["starred", "starred_by"])
        _changed(rt)
    return fresh


@transaction.atomic
def commitment_add(
    *, turn: Turn, by: User, text: str, due_on: date | None = None, now: datetime | None = None
) -> Commitment:
    now = _now(now)
    rt, turn = _lock_for_turn(turn)
    _require_in_room(rt, by)
    if by.pk != turn.user_id and not can_control(by, rt):
        raise LiveError("Only the member whose turn it is, or a facilitator, can write commitments.", 403)
    _require_not_ended(rt)
    text = _text(text, limit=300, what="commitment")
    if due_on is not None:
        _check_due(rt, by, due_on, now)
    if Commitment.objects.filter(turn=turn).count() >= MAX_COMMITMENTS:
        raise LiveError(f"Keep it to {MAX_COMMITMENTS} commitments: fewer, done, beats many.", 409)
    commitment = Commitment.objects.create(turn=turn, user_id=turn.user_id, text=text, due_on=due_on, created_at=now)
    _changed(rt)
    return commitment


def due_range(rt: Roundtable, by: User, now: datetime) -> tuple[date, date]:
    """The days a commitment written by `by` may be due: from today, in their time zone (the
    meeting's when their profile names none), to DUE_MAX_DAYS ahead."""
    today = now.astimezone(ZoneInfo(zone_of(by, rt.meeting.time_zone))).date()
    return today, today + timedelta(days=DUE_MAX_DAYS)


def _check_due(rt: Roundtable, by: User, due_on: date, now: datetime) -> None:
    first, last = due_range(rt, by, now)
    if due_on < first:
        raise LiveError(
            f"That day has passed: choose a day from today ({day_text(first)}) on, or leave the date empty."
        )
    if due_on > last:
        raise LiveError(f"Choose a day within a year, by {day_text(last)}, or leave the date empty.")


REVIEW_STATUSES = (CommitmentStatus.DONE, CommitmentStatus.PARTLY, CommitmentStatus.NOT_DONE)


@transaction.atomic
def commitment_review(
    *, commitment: Commitment, by: User, status: str, roundtable: Roundtable, now: datetime | None = None
) -> Commitment:
    """At a later roundtable of the same group, the owner says how a commitment went, or a
    facilitator says it for them while their turn is in the seat (a member without a device)."""
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_in_room(rt, by)
    fresh = Commitment.objects.select_related("turn__roundtable__meeting").filter(pk=commitment.pk).first()
    if fresh is None:
        raise LiveError("This commitment no longer exists.", 404)
    if by.pk != fresh.user_id:
        if not can_control(by, rt):
            raise LiveError(
                "Only the member who made a commitment, or a facilitator for them, can say how it went.", 403
            )
        seat = rt.current_turn
        if rt.is_ended or seat is None or seat.user_id != fresh.user_id:
            raise LiveError("A facilitator can review a member's commitments only during their turn.", 409)
    if status not in REVIEW_STATUSES:
        raise LiveError("Say whether it is done, partly done or not done.")
    origin = fresh.turn.roundtable
    if origin.meeting.group_id != rt.meeting.group_id or origin.meeting.starts_at >= rt.meeting.starts_at:
        raise LiveError("Commitments are reviewed at a later meeting of the same group.", 409)
    fresh.status, fresh.reviewed_at, fresh.reviewed_in = status, now, rt
    fresh.save(update_fields=["status", "reviewed_at", "reviewed_in"])
    _changed(rt)
    return fresh


# ---------------------------------------------------------------- questions (speakers)


def _require_questions(rt: Roundtable) -> None:
    _require_not_ended(rt)
    if rt.mode != Mode.QUESTIONS:
        raise LiveError("Questions are for speakers meetings; this room runs turns.", 409)


@transaction.atomic
def question_raise(*, roundtable: Roundtable, by: User, text: str, now: datetime | None = None) -> Question:
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_in_room(rt, by)
    if not _is_present(rt, by):
        raise LiveError("Join the room to ask a question.", 403)
    _require_questions(rt)
    _require_not_muted(rt, by, now)
    text = _text(text, limit=300, what="question")
    if Question.objects.filter(roundtable=rt, user=by, status=QuestionStatus.WAITING).exists():
        raise LiveError("Your hand is already up: wait for your question to be taken.", 409)
    question = Question.objects.create(roundtable=rt, user=by, text=text, created_at=now)
    _changed(rt)
    return question


@transaction.atomic
def question_take_next(*, roundtable: Roundtable, by: User, now: datetime | None = None) -> Question | None:
    """The question being answered is done; the longest-waiting hand is taken. None when no
    hand is up."""
    now = _now(now)
    rt = _lock(roundtable.pk)
    _require_control(rt, by)
    _require_questions(rt)
    Question.objects.filter(roundtable=rt, status=QuestionStatus.TAKEN).update(status=QuestionStatus.ANSWERED)
    question = (
        Question.objects.filter(roundtable=rt, status=QuestionStatus.WAITING).order_by("created_at", "id").first()
    )
    if question is not None:
        question.status, question.taken_at = QuestionStatus.TAKEN, now
        question.save(update_fields=["status", "taken_at"])
    _changed(rt)
    return question


@transaction.atomic
def question_done(*, question: Question, by: User, now: datetime | None = None) -> Question:
    """A facilitator marks a question answered; the asker may withdraw their own."""
    rt = _lock(question.roundtable_id)
    _require_in_room(rt, by)
    fresh = Question.objects.filter(pk=question.pk).first()
    if fresh is None:
        raise LiveError("This question no longer exists.", 404)
    if by.pk != fresh.user_id and not can_control(by, rt):
        raise LiveError("Only a facilitator can close someone else's question.", 403)
    if fresh.status != QuestionStatus.ANSWERED:
        fresh.status = QuestionStatus.ANSWERED
        fresh.save(update_fields=["status"])
        _changed(rt)
    return fresh


@transaction.atomic
def question_withdraw(*, question: Question, by: User) -> Question:
    """The asker lowers their hand while the question is still waiting."""
    rt = _lock(question.roundtable_id)
    _require_in_room(rt, by)
    fresh = Question.objects.filter(pk=question.pk).first()
    if fresh is None or fresh.user_id != by.pk:
        raise LiveError("You have no such question waiting.", 404)
    if fresh.status != QuestionStatus.WAITING:
        raise LiveError("This question is no longer waiting: it is being answered or done.", 409)
    fresh.status = QuestionStatus.WITHDRAWN
    fresh.save(update_fields=["status"])
    _changed(rt)
    return fresh


# ---------------------------------------------------------------- the member's choice


@transaction.atomic
def history_sharing_set(*, user: User, share_with_facilitators: bool, now: datetime | None = None) -> HistorySharing:
    sharing, _ = HistorySharing.objects.update_or_create(
        user=user, defaults={"share_with_facilitators": share_with_facilitators, "updated_at": _now(now)}
    )
    return sharing
