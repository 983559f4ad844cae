"""The room clock and the room snapshot.

The server owns the clock. The formula, which clients repeat locally from a snapshot:

    elapsed   = elapsed_before_pause + (0 if paused else now - phase_started_at)
    remaining = plan[phase_index].seconds + extra_seconds - elapsed    (negative: overtime)

A client estimates `now` as its own clock plus (server_now - the moment the snapshot
arrived), so every screen shows the same countdown without per-second messages.
There is a phase only while the room is running or paused and someone is in the seat.

The warning ("1 min left", the clock's warning colour) begins when the remaining time is at
most warn_seconds(phase total): the last quarter of the phase, and never more than the last
60 seconds. So a phase of 5 minutes or more warns for its last minute, and a 1-minute phase
warns for its last 15 seconds instead of opening already warning. The snapshot carries the
figure (phase_warn_seconds), so no client has its own rule.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Protocol

from . import rows
from .models import RoomStatus, Roundtable
from .seats import RoomId


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


WARN_MAX_SECONDS = 60
WARN_FRACTION = 0.25


def warn_seconds(total_seconds: float) -> int:
    """How many seconds before the end of a phase of this length the warning begins."""
    return int(min(WARN_MAX_SECONDS, total_seconds * WARN_FRACTION))


def phase_warn_seconds(state: ClockState) -> int | None:
    total = phase_total_seconds(state)
    return warn_seconds(total) if total is not None else None


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


def _turn_block(turn: dict[str, Any], seat: list[Any], previous: rows.Previous | None) -> dict[str, Any]:
    """The turn in the seat, from the seat's reads (suggestions, commitments, shared status)."""
    suggestions, commitments, shared = seat
    return {
        "id": turn["id"],
        "user_id": turn["user_id"],
        "name": turn["name"],
        "challenge": turn["challenge"],
        "suggestions": suggestions,
        "commitments": commitments,
        "previous_challenge": previous.challenge if previous is not None else "",
        "previous_commitments": previous.commitments if previous is not None else [],
        "shared_status": shared,
    }


# The order turns happen in: done, in the seat, waiting (or, after the end, never reached),
# then those a facilitator skipped.
STATUS_RANK = {"done": 0, "active": 1, "pending": 2, "not_reached": 2, "skipped": 3}


def in_turn_order(turns: list[dict[str, Any]], here: set[int], live: bool) -> list[dict[str, Any]]:
    """The turns as the room lists them: the order they happen. While the room runs, the
    people waiting who are here come before those who are not, since the seat goes to them
    first (services._start_next_turn); each side keeps its positions."""

    def key(t: dict[str, Any]) -> tuple[int, bool, int, int]:
        away = live and t["status"] == "pending" and t["user_id"] not in here
        return (STATUS_RANK.get(t["status"], 4), away, t["position"], t["id"])

    return sorted(turns, key=key)


def snapshot(roundtable: Roundtable, now: datetime) -> dict[str, Any]:
    """The whole room as every client sees it: the same for every viewer, so it can be
    broadcast as is. Only display names identify people; a member who goes by a pseudonym in
    the group is identified by a handle, never by their account's id (seats.py). Two to six queries whatever the
    room's size (rows.py), in at most two round trips on PostgreSQL (rows.read_all)."""
    rt = roundtable
    # Everything the room and its seat hold, read together (one round trip on PostgreSQL);
    # then the previous turn of the member in the seat, whom the first reads name.
    reads = [rows.turns(rt.pk), rows.present(rt.pk), rows.questions(rt.pk) if rt.mode == "questions" else None]
    if rt.current_turn_id is not None:
        seat_id = rt.current_turn_id
        reads += [rows.suggestions(seat_id), rows.commitments(seat_id), rows.shared_status(seat_id)]
    found = rows.read_all([r for r in reads if r is not None])
    turns, present = found[0], found[1]
    questions = found[2] if rt.mode == "questions" else []
    seat = found[-3:] if rt.current_turn_id is not None else []
    here = {p["user_id"] for p in present}
    turns = in_turn_order(turns, here, rt.is_live)
    current = next((t for t in turns if t["id"] == rt.current_turn_id), None)
    phase = current_phase(rt)
    remaining = remaining_seconds(rt, now)
    # The seat is empty while turns still wait: everyone waiting is away (services._start_next_turn).
    waiting = rt.is_live and current is None and any(t["status"] == "pending" for t in turns)
    previous = None
    if current is not None:
        previous = rows.read_all([rows.previous_turn(current["uid"], rt.pk, rt.meeting_id)])[0]
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
        "phase_warn_seconds": phase_warn_seconds(rt),
        "phase_started_at": iso(rt.phase_started_at) if phase is not None else None,
        "paused": rt.status == RoomStatus.PAUSED,
        "elapsed_before_pause": rt.elapsed_before_pause if phase is not None else 0.0,
        "extra_seconds": rt.extra_seconds if phase is not None else 0,
        "remaining_seconds": round(remaining, 3) if remaining is not None else None,
        "overtime": remaining is not None and remaining < 0,
        "open_discussion": rt.is_live and current is None and rt.mode != "questions" and not waiting,
        "waiting_for_arrivals": waiting,
        "turns": [
            {
                "user_id": t["user_id"],
                "name": t["name"],
                "position": t["position"],
                "status": t["status"],
                "current": t["id"] == rt.current_turn_id,
                "here": t["user_id"] in here,
            }
            for t in turns
        ],
        "participants": present,
        "turn": _turn_block(current, seat, previous) if current is not None else None,
        "questions": questions,
    }


def dumps(room: dict[str, Any]) -> str:
    """A snapshot as the JSON text sent to sockets (built once per change, not per socket)."""
    return json.dumps(room, separators=(",", ":"))


def short_names(names: Iterable[str]) -> dict[str, str]:
    """Each full name as a room's screen shows it: the first name, unless another name in the
    room starts with the same one; then as much of the last name as tells them apart, "Aisha
    D." and "Aisha W." (second tester on issue 10: two "Aisha" in "Up next" were one)."""
    by_first: dict[str, set[str]] = defaultdict(set)
    for name in names:
        parts = (name or "").split()
        by_first[parts[0].casefold() if parts else ""].add(" ".join(parts))
    out: dict[str, str] = {}
    for full_names in by_first.values():
        for full in full_names:
            parts = full.split()
            first = parts[0] if parts else "Someone"
            last = parts[-1] if len(parts) > 1 else ""
            short = first
            if len(full_names) > 1 and last:
                others = [n.split()[-1].casefold() for n in full_names if n != full and len(n.split()) > 1]
                k = 1
                while k < len(last) and any(o[:k] == last[:k].casefold() for o in others):
                    k += 1
                short = f"{first} {last[:k]}." if k < len(last) else f"{first} {last}"
            out[full] = short
    return out


def _room_names(snap: dict[str, Any]) -> list[str]:
    names = [t["name"] for t in snap["turns"]] + [p["name"] for p in snap["participants"]]
    names += [q["name"] for q in snap["questions"]]
    if snap["turn"] is not None:
        names.append(snap["turn"]["name"])
        names += [s["author"] for s in snap["turn"]["suggestions"]]
    return names


def without_authors(snap: dict[str, Any], authors: frozenset[RoomId]) -> dict[str, Any]:
    """The snapshot without the suggestions of these authors (people its viewer is kept apart
    from: accounts.blocks, as the room knows them: seats.with_handles gives both forms of each,
    since a pseudonymous author's id in the snapshot is a handle); the rest is shared with the
    original, not copied."""
    turn = snap.get("turn")
    if turn is None:
        return snap
    kept = [s for s in turn["suggestions"] if s["author_id"] not in authors]
    return {**snap, "turn": {**turn, "suggestions": kept}}


def for_display(snap: dict[str, Any]) -> dict[str, Any]:
    """The snapshot a projector shows: first names (with a last initial where two share one,
    `short_names`), and nothing personal beyond them."""
    shorts = short_names(_room_names(snap))

    def _first_name(name: str) -> str:
        return shorts[" ".join((name or "").split())]

    out = dict(snap)
    out["turns"] = [{**t, "name": _first_name(t["name"])} for t in snap["turns"]]
    out["participants"] = [{**p, "name": _first_name(p["name"])} for p in snap["participants"]]
    out["questions"] = [{**q, "name": _first_name(q["name"])} for q in snap["questions"]]
    turn = snap["turn"]
    if turn is not None:
        out["turn"] = {
            "id": turn["id"],
            "user_id": turn["user_id"],
            "name": _first_name(turn["name"]),
            "challenge": "",
            "suggestions": [
                {
                    "id": s["id"],
                    "text": s["text"],
                    "author": _first_name(s["author"]),
                    "author_id": s["author_id"],
                    "contact": "",
                    "link": "",
                    "starred": s["starred"],
                    "starred_for": s["starred_for"],
                }
                for s in turn["suggestions"]
            ],
            "commitments": [],
            "previous_challenge": "",
            "previous_commitments": [],
            "shared_status": _display_status(turn.get("shared_status")),
        }
    return out


def _display_status(shared: dict[str, Any] | None) -> dict[str, Any] | None:
    from roundtable.journal.readiness import for_display

    return for_display(shared)
