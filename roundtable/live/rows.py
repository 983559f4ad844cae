"""The snapshot's reads, as plain SQL.

clock.snapshot runs after every change of every room, for the whole room at once. Through the
ORM its five small queries cost about 5 ms, nearly all of it building and compiling the
queries (the SQL itself runs in under 0.2 ms); written out here they cost a tenth of that, and
that was the difference between missing and meeting the live room's latency budget
(bench/live.py). The SQL is portable between SQLite and PostgreSQL, takes only parameters,
and names tables through the models, so a renamed table cannot go unnoticed. Each function
returns plain dicts; tests/live/test_snapshot.py checks the results exactly on both engines.

The member's previous turn is selectors.previous_turns written out (previous_turn; a test in
tests/live/test_continuity.py holds the two to the same answers), and the status shared for the
turn is journal.readiness.shared_for_turn's: both are asked on every change while someone is in
the seat, where the ORM's building was again most of their cost.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from roundtable.accounts.models import Profile, User
from roundtable.journal.models import SharedStatus
from roundtable.meetings.models import Meeting

from .models import (
    Challenge,
    Commitment,
    Participant,
    Question,
    QuestionStatus,
    Roundtable,
    Suggestion,
    Turn,
    TurnStatus,
)

USER = User._meta.db_table
PROFILE = Profile._meta.db_table
TURN = Turn._meta.db_table
CHALLENGE = Challenge._meta.db_table
PARTICIPANT = Participant._meta.db_table
SUGGESTION = Suggestion._meta.db_table
COMMITMENT = Commitment._meta.db_table
QUESTION = Question._meta.db_table
ROOM = Roundtable._meta.db_table
MEETING = Meeting._meta.db_table
SHARED = SharedStatus._meta.db_table

# A person's name as User.display_name gives it: the profile's display name, else the part
# of the email before the @.
NAME_COLUMNS = "u.email, p.display_name"
PEOPLE = f"LEFT JOIN {USER} u ON u.id = {{fk}} LEFT JOIN {PROFILE} p ON p.user_id = u.id"


def display_name(email: str | None, name: str | None) -> str:
    if name:
        return name
    return email.split("@", 1)[0] if email else "Someone"  # "Someone": an account since deleted


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value: Any) -> str | None:
    # A date on both engines (Django's SQLite adapter converts DATE columns): ISO text.
    return str(value) if value else None


# Only table names from the models are put into these strings; every value is a parameter.
TURNS_SQL = (
    f"SELECT t.id, t.user_id, t.position, t.status, c.text, {NAME_COLUMNS} FROM {TURN} t "  # noqa: S608
    f"LEFT JOIN {CHALLENGE} c ON c.turn_id = t.id {PEOPLE.format(fk='t.user_id')} "
    "WHERE t.roundtable_id = %s ORDER BY t.position, t.id"
)
PRESENT_SQL = (
    f"SELECT pa.user_id, {NAME_COLUMNS}, pa.checked_in_by_id FROM {PARTICIPANT} pa "  # noqa: S608
    f"{PEOPLE.format(fk='pa.user_id')} "
    "WHERE pa.roundtable_id = %s AND pa.left_at IS NULL ORDER BY pa.joined_at, pa.id"
)
SUGGESTIONS_SQL = (
    f"SELECT s.id, s.text, s.author_id, s.contact, s.link, s.starred, {NAME_COLUMNS}, s.starred_by_id "  # noqa: S608
    f"FROM {SUGGESTION} s {PEOPLE.format(fk='s.author_id')} WHERE s.turn_id = %s ORDER BY s.created_at, s.id"
)
COMMITMENTS_SQL = f"SELECT id, text, due_on, status FROM {COMMITMENT} WHERE turn_id = %s ORDER BY created_at, id"  # noqa: S608
QUESTIONS_SQL = (
    f"SELECT q.id, q.user_id, q.text, q.status, {NAME_COLUMNS} FROM {QUESTION} q "  # noqa: S608
    f"{PEOPLE.format(fk='q.user_id')} WHERE q.roundtable_id = %s AND q.status IN (%s, %s) "
    "ORDER BY q.created_at, q.id"
)
# selectors.previous_turns(...).values("id", "challenge__text").first(): the member's latest turn
# taken (done) at an earlier meeting of the same group, the meeting `cur` being this room's.
PREVIOUS_SQL = (
    f"SELECT t.id, c.text FROM {TURN} t JOIN {ROOM} r ON r.id = t.roundtable_id "  # noqa: S608
    f"JOIN {MEETING} m ON m.id = r.meeting_id JOIN {MEETING} cur ON cur.id = %s "
    f"LEFT JOIN {CHALLENGE} c ON c.turn_id = t.id "
    "WHERE t.user_id = %s AND t.status = %s AND m.group_id = cur.group_id AND m.starts_at < cur.starts_at "
    "AND t.roundtable_id <> %s ORDER BY m.starts_at DESC, t.id DESC LIMIT 1"
)
SHARED_SQL = f"SELECT figures FROM {SHARED} WHERE turn_id = %s"  # noqa: S608


def turns(roundtable_id: int) -> list[dict[str, Any]]:
    return [
        {"id": r[0], "user_id": r[1], "position": r[2], "status": r[3], "challenge": r[4] or "",
         "name": display_name(r[5], r[6])}
        for r in _rows(TURNS_SQL, [roundtable_id])
    ]  # fmt: skip


def present(roundtable_id: int) -> list[dict[str, Any]]:
    """Who is here; "marked": here on a facilitator's word (no device in the room)."""
    return [
        {"user_id": r[0], "name": display_name(r[1], r[2]), "marked": r[3] is not None}
        for r in _rows(PRESENT_SQL, [roundtable_id])
    ]


def suggestions(turn_id: int, owner_id: int) -> list[dict[str, Any]]:
    """The turn's suggestions; "starred_for": starred by a facilitator on behalf of the turn's
    owner (`owner_id`), rather than by the owner themselves."""
    return [
        {"id": r[0], "text": r[1], "author": display_name(r[6], r[7]), "author_id": r[2], "contact": r[3],
         "link": r[4], "starred": bool(r[5]), "starred_for": bool(r[5]) and r[8] not in (None, owner_id)}
        for r in _rows(SUGGESTIONS_SQL, [turn_id])
    ]  # fmt: skip


def commitments(turn_id: int, *, with_status: bool = False) -> list[dict[str, Any]]:
    out = []
    for r in _rows(COMMITMENTS_SQL, [turn_id]):
        row = {"id": r[0], "text": r[1], "due_on": _date(r[2])}
        if with_status:
            row["status"] = r[3]
        out.append(row)
    return out


def questions(roundtable_id: int) -> list[dict[str, Any]]:
    """The queue: questions waiting or being answered, in the order hands went up."""
    params = [roundtable_id, QuestionStatus.WAITING.value, QuestionStatus.TAKEN.value]
    return [
        {"id": r[0], "user_id": r[1], "name": display_name(r[4], r[5]), "text": r[2], "status": r[3]}
        for r in _rows(QUESTIONS_SQL, params)
    ]


def previous_turn(user_id: int, roundtable_id: int, meeting_id: int) -> tuple[int, str] | None:
    """(id, challenge text or "") of the member's previous turn in the group, or None."""
    found = _rows(PREVIOUS_SQL, [meeting_id, user_id, TurnStatus.DONE.value, roundtable_id])
    return (found[0][0], found[0][1] or "") if found else None


def shared_status(turn_id: int) -> dict[str, Any] | None:
    """The status the member shared for this turn (journal/readiness.py), or None."""
    found = _rows(SHARED_SQL, [turn_id])
    if not found:
        return None
    figures = found[0][0]
    # JSON text on both engines as Django reads it (its PostgreSQL loader leaves jsonb as text).
    return json.loads(figures) if isinstance(figures, str) else figures
