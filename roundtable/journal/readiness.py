"""Ready for the roundtable (issue 10, item 5): when a member's turn starts in a live room they
are offered their status since their last meeting of that group, and they choose whether to
share it with the room.

- `status_for(user, roundtable)`: the figures, from the member's tracker activities since the
  local day of their previous meeting of the group (one they were going to or came to, not
  cancelled), and the live Commitments of their previous turn in the group;
- `status_share(turn=, by=, share=)`: the member in the seat shares it (or takes it back);
  the room's snapshot then carries it at room.turn.shared_status (live/clock.py), on every
  screen, the display mode with the numbers only (`for_display`).

Shape of a status: {"since": "YYYY-MM-DD" | None (no earlier meeting: the last
NO_MEETING_DAYS days), "outreach": int, "conversations": int (networking conversations and
informational interviews), "interviews": int, "applications": int, "commitments_done": int,
"commitments": int, "text": "6 outreach, 2 conversations, 1 interview; 2 of 3 commitments done"}.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.live import services as live_services
from roundtable.live.models import Commitment, CommitmentStatus, Roundtable, Turn
from roundtable.live.selectors import previous_turns
from roundtable.live.services import LiveError
from roundtable.meetings.models import MeetingStatus, Rsvp, went_q
from roundtable.tracker.models import ActivityKind
from roundtable.tracker.selectors import done_activities, zone_of

from .models import SharedStatus

NO_MEETING_DAYS = 30
NUMBERS = ("outreach", "conversations", "interviews", "applications", "commitments_done", "commitments")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def status_text(s: dict[str, Any]) -> str:
    text = (
        f"{s['outreach']} outreach, {_plural(s['conversations'], 'conversation')}, "
        f"{_plural(s['interviews'], 'interview')}"
    )
    if s["commitments"]:
        text += f"; {s['commitments_done']} of {_plural(s['commitments'], 'commitment')} done"
    return text


def status_for(user: User, roundtable: Roundtable, *, now: datetime | None = None) -> dict[str, Any]:
    """The member's status since their previous meeting of the room's group. Three queries."""
    meeting = roundtable.meeting
    zone = zone_of(user)
    previous = (
        Rsvp.objects.filter(went_q(), user=user)
        .filter(meeting__group_id=meeting.group_id, meeting__starts_at__lt=meeting.starts_at)
        .filter(meeting__status=MeetingStatus.SCHEDULED)
        .order_by("-meeting__starts_at")
        .values_list("meeting__starts_at", flat=True)
        .first()
    )
    if previous is not None:
        since = previous.astimezone(zone).date()
    else:
        since = (now or timezone.now()).astimezone(zone).date() - timedelta(days=NO_MEETING_DAYS)
    counts = dict(
        done_activities(user, now=now)  # upcoming ones count once they happen
        .filter(occurred_on__gte=since)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    turn = previous_turns(user.pk, meeting.group_id, roundtable).values_list("pk", flat=True).first()
    statuses = list(Commitment.objects.filter(turn_id=turn).values_list("status", flat=True)) if turn else []
    status: dict[str, Any] = {
        "since": since.isoformat() if previous is not None else None,
        "outreach": counts.get(ActivityKind.OUTREACH, 0),
        "conversations": counts.get(ActivityKind.CONVERSATION, 0) + counts.get(ActivityKind.INFORMATIONAL, 0),
        "interviews": counts.get(ActivityKind.INTERVIEW, 0),
        "applications": counts.get(ActivityKind.APPLICATION, 0),
        "commitments_done": sum(1 for s in statuses if s == CommitmentStatus.DONE),
        "commitments": len(statuses),
    }
    status["text"] = status_text(status)
    return status


def offer_for(user: User, roundtable: Roundtable) -> dict[str, Any] | None:
    """The status offered to `user` if their turn is in the seat of a running room, else None."""
    if roundtable.is_ended or roundtable.current_turn_id is None:
        return None
    seat = Turn.objects.filter(pk=roundtable.current_turn_id).values_list("user_id", flat=True).first()
    if seat != user.pk:
        return None
    return status_for(user, roundtable)


def shared_for_turn(turn_id: int) -> dict[str, Any] | None:
    """The status shared for this turn, or None. One query."""
    return SharedStatus.objects.filter(turn_id=turn_id).values_list("figures", flat=True).first()


def for_display(shared: dict[str, Any] | None) -> dict[str, Any] | None:
    """The numbers only, for a screen the whole room sees."""
    return None if shared is None else {k: shared[k] for k in NUMBERS if k in shared}


@transaction.atomic
def status_share(*, turn: Turn, by: User, share: bool, now: datetime | None = None) -> Roundtable | None:
    """The member in the seat shares their status with the room (share=True: computed now
    and kept with the turn) or takes it back (False). Only the member whose turn is in the seat
    may (LiveError 403 for anyone else, facilitators included: it is theirs to choose; 409
    when the turn is not in the seat). Answers the room, or None when nothing changed."""
    rt, turn = live_services._lock_for_turn(turn)
    live_services._require_in_room(rt, by)
    if turn.user_id != by.pk:
        raise LiveError("Only the member in the seat can share their status.", 403)
    if rt.is_ended or rt.current_turn_id != turn.pk:
        raise LiveError("Your turn isn't in the seat right now.", 409)
    if share:
        figures = status_for(by, rt, now=now)
        SharedStatus.objects.update_or_create(turn=turn, defaults={"figures": figures})
    elif not SharedStatus.objects.filter(turn=turn).delete()[0]:
        return None
    return live_services._changed(rt)
