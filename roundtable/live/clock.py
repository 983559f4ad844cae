"""The room clock and the room snapshot.

The server owns the clock. The formula, which clients repeat locally from a snapshot:

    elapsed   = elapsed_before_pause + (0 if paused else now - phase_started_at)
    remaining = plan[phase_index].seconds + extra_seconds - elapsed    (negative: overtime)

A client estimates `now` as its own clock plus (server_now - the moment the snapshot
arrived), so every screen shows the same countdown without per-second messages.
There is a phase only while the room is running or paused and someone is in the seat.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from .models import (
    Commitment,
    Participant,
    Question,
    QuestionStatus,
    RoomStatus,
    Roundtable,
    Suggestion,
    Turn,
)


class ClockState(Protocol):
    status: str
    plan: Any
    phase_index: int
    phase_started_at: datetime | None
    elapsed_before_pause: float
    extra_seconds: int
    current_turn_id: int | None


def current_phase(state: ClockState) -> dict[str, Any] | None:
    if state.status not in (RoomStatus.RUNNING, RoomStatus.PAUSED) or state.current_turn_id is None:
        return None
    plan = state.plan or []
    if not plan:
        return None
    return dict(plan[min(state.phase_index, len(plan) - 1)])


def phase_total_seconds(state: ClockState) -> int | None:
    """The current phase's length including minutes added to it."""
    phase = current_phase(state)
    if phase is None:
        return None
    return int(phase["seconds"]) + state.extra_seconds


def elapsed_seconds(state: ClockState, now: datetime) -> float:
    if current_phase(state) is None:
        return 0.0
    running = 0.0
    if state.status == RoomStatus.RUNNING and state.phase_started_at is not None:
        running = (now - state.phase_started_at).total_seconds()
    return state.elapsed_before_pause + running


def remaining_seconds(state: ClockState, now: datetime) -> float | None:
    total = phase_total_seconds(state)
    if total is None:
        return None
    return total - elapsed_seconds(state, now)


def is_overtime(state: ClockState, now: datetime) -> bool:
    remaining = remaining_seconds(state, now)
    return remaining is not None and remaining < 0


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _name(user: Any) -> str:
    return str(user.display_name) if user is not None else "Someone"


def _turn_block(roundtable: Roundtable, turn: Turn) -> dict[str, Any]:
    from .selectors import previous_turn

    challenge = getattr(turn, "challenge", None)
    suggestions = Suggestion.objects.filter(turn=turn).select_related("author__profile").order_by("created_at", "id")
    commitments = Commitment.objects.filter(turn=turn).order_by("created_at", "id")
    before = previous_turn(turn.user, roundtable.meeting.group, roundtable)
    previous: list[Commitment] = list(before.commitments.all()) if before is not None else []
    previous_challenge = getattr(before, "challenge", None) if before is not None else None
    return {
        "id": turn.pk,
        "user_id": turn.user_id,
        "name": _name(turn.user),
        "challenge": challenge.text if challenge is not None else "",
        "suggestions": [
            {
                "id": s.pk,
                "text": s.text,
                "author": _name(s.author),
                "author_id": s.author_id,
                "contact": s.contact,
                "link": s.link,
                "starred": s.starred,
            }
            for s in suggestions
        ],
        "commitments": [
            {"id": c.pk, "text": c.text, "due_on": c.due_on.isoformat() if c.due_on else None} for c in commitments
        ],
        "previous_challenge": previous_challenge.text if previous_challenge is not None else "",
        "previous_commitments": [
            {
                "id": c.pk,
                "text": c.text,
                "due_on": c.due_on.isoformat() if c.due_on else None,
                "status": c.status,
            }
            for c in previous
        ],
    }


def snapshot(roundtable: Roundtable, now: datetime) -> dict[str, Any]:
    """The whole room as every client sees it: the same for every viewer, so it can be
    broadcast as is. Only display names identify people. Five or six queries whatever the
    room's size, given a roundtable with meeting__group loaded (roundtable_for_viewer and the
    services return one)."""
    rt = roundtable
    turns = list(
        Turn.objects.filter(roundtable=rt).select_related("user__profile", "challenge").order_by("position", "id")
    )
    present = list(
        Participant.objects.filter(roundtable=rt, left_at__isnull=True)
        .select_related("user__profile")
        .order_by("joined_at", "id")
    )
    current = next((t for t in turns if t.pk == rt.current_turn_id), None)
    phase = current_phase(rt)
    remaining = remaining_seconds(rt, now)
    questions: list[dict[str, Any]] = []
    if rt.mode == "questions":
        queue = (
            Question.objects.filter(roundtable=rt, status__in=[QuestionStatus.WAITING, QuestionStatus.TAKEN])
            .select_related("user__profile")
            .order_by("created_at", "id")
        )
        questions = [
            {"id": q.pk, "user_id": q.user_id, "name": _name(q.user), "text": q.text, "status": q.status} for q in queue
        ]
    return {
        "id": rt.pk,
        "meeting_id": rt.meeting_id,
        "mode": rt.mode,
        "status": rt.status,
        "version": rt.version,
        "server_now": iso(now),
        "started_at": iso(rt.started_at),
        "ended_at": iso(rt.ended_at),
        "nudge_at": iso(rt.nudge_at),
        "phases": [dict(p) for p in (rt.plan or [])],
        "phase_index": rt.phase_index if phase is not None else None,
        "phase_key": phase["key"] if phase is not None else None,
        "phase_label": phase["label"] if phase is not None else None,
        "phase_seconds": phase_total_seconds(rt),
        "phase_started_at": iso(rt.phase_started_at) if phase is not None else None,
        "paused": rt.status == RoomStatus.PAUSED,
        "elapsed_before_pause": rt.elapsed_before_pause if phase is not None else 0.0,
        "extra_seconds": rt.extra_seconds if phase is not None else 0,
        "remaining_seconds": round(remaining, 3) if remaining is not None else None,
        "overtime": remaining is not None and remaining < 0,
        "open_discussion": rt.is_live and current is None and rt.mode != "questions",
        "turns": [
            {
                "user_id": t.user_id,
                "name": _name(t.user),
                "position": t.position,
                "status": t.status,
                "current": t.pk == rt.current_turn_id,
            }
            for t in turns
        ],
        "participants": [{"user_id": p.user_id, "name": _name(p.user)} for p in present],
        "turn": _turn_block(rt, current) if current is not None else None,
        "questions": questions,
    }
