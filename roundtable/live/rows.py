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

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.transaction import TransactionManagementError

from roundtable.accounts.models import Profile, User
from roundtable.core import rawrows
from roundtable.groups.models import Group, Membership
from roundtable.journal.models import SharedStatus
from roundtable.meetings.models import Meeting
from roundtable.safety.hiding import HIDDEN_SUGGESTION_SQL

from . import seats
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
MEMBERSHIP = Membership._meta.db_table

# A person's name as User.display_name gives it: the profile's display name, else the part
# of the email before the @.
# Issue 12, item 4: a member who goes by a pseudonym in the room's group is named by it
# (groups/identity.py): the membership of the room's group joins on {room}, the row's room.
# The third column is the group's id when the person goes by a pseudonym there, else NULL:
# such a person is identified by a handle scoped to the group, never by their account's id
# (seats.py; parsed with the name below).
NAME_COLUMNS = (
    "u.email, COALESCE(NULLIF(gm.pseudonym, ''), p.display_name), CASE WHEN gm.pseudonym <> '' THEN gm.group_id END"
)
# Only table names from the models go in; {fk} and {room} are filled with column names below.
PEOPLE = (
    f"LEFT JOIN {USER} u ON u.id = {{fk}} LEFT JOIN {PROFILE} p ON p.user_id = u.id "  # noqa: S608
    f"LEFT JOIN {MEMBERSHIP} gm ON gm.user_id = u.id AND gm.group_id = "
    f"(SELECT rm.group_id FROM {ROOM} rr JOIN {MEETING} rm ON rm.id = rr.meeting_id WHERE rr.id = {{room}})"
)


def display_name(email: str | None, name: str | None) -> str:
    if name:
        return name
    return email.split("@", 1)[0] if email else "Someone"  # "Someone": an account since deleted


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Read:
    """One query and what makes its answer out of its rows: reads are run together by read_all."""

    sql: str
    params: list[Any]
    parse: Callable[[list[tuple[Any, ...]]], Any]


def read_all(reads: list[Read]) -> list[Any]:
    """Each read's answer, in order. On PostgreSQL the queries go in one round trip (psycopg's
    pipeline mode: all are sent, then all answers read), since under load each round trip
    waits for the database's process to be scheduled, and a snapshot made six of them on every
    change; SQLite, in the process, has no round trips to save."""
    if connection.vendor != "postgresql" or len(reads) < 2:
        return [read.parse(_rows(read.sql, read.params)) for read in reads]
    connection.ensure_connection()
    cursors = [connection.cursor() for _ in reads]
    try:
        with connection.connection.pipeline():
            for cursor, read in zip(cursors, reads, strict=True):
                cursor.execute(read.sql, read.params)
        return [read.parse(cursor.fetchall()) for cursor, read in zip(cursors, reads, strict=True)]
    finally:
        for cursor in cursors:
            cursor.close()


def _date(value: Any) -> str | None:
    # A date on both engines (Django's SQLite adapter converts DATE columns): ISO text.
    return str(value) if value else None


# Only table names from the models are put into these strings; every value is a parameter.
TURNS_SQL = (
    f"SELECT t.id, t.user_id, t.position, t.status, c.text, {NAME_COLUMNS} FROM {TURN} t "  # noqa: S608
    f"LEFT JOIN {CHALLENGE} c ON c.turn_id = t.id {PEOPLE.format(fk='t.user_id', room='t.roundtable_id')} "
    "WHERE t.roundtable_id = %s ORDER BY t.position, t.id"
)
PRESENT_SQL = (
    f"SELECT pa.user_id, {NAME_COLUMNS}, pa.checked_in_by_id FROM {PARTICIPANT} pa "  # noqa: S608
    f"{PEOPLE.format(fk='pa.user_id', room='pa.roundtable_id')} "
    "WHERE pa.roundtable_id = %s AND pa.left_at IS NULL ORDER BY pa.joined_at, pa.id"
)
SUGGESTIONS_SQL = (
    f"SELECT s.id, s.text, s.author_id, s.contact, s.link, s.starred, {NAME_COLUMNS}, s.starred_by_id, st.user_id "  # noqa: S608
    f"FROM {SUGGESTION} s JOIN {TURN} st ON st.id = s.turn_id "
    f"{PEOPLE.format(fk='s.author_id', room='st.roundtable_id')} "
    f"WHERE s.turn_id = %s AND {HIDDEN_SUGGESTION_SQL} ORDER BY s.created_at, s.id"
)
COMMITMENTS_SQL = f"SELECT id, text, due_on, status FROM {COMMITMENT} WHERE turn_id = %s ORDER BY created_at, id"  # noqa: S608
QUESTIONS_SQL = (
    f"SELECT q.id, q.user_id, q.text, q.status, {NAME_COLUMNS} FROM {QUESTION} q "  # noqa: S608
    f"{PEOPLE.format(fk='q.user_id', room='q.roundtable_id')} WHERE q.roundtable_id = %s AND q.status IN (%s, %s) "
    "ORDER BY q.created_at, q.id"
)
# selectors.previous_turns(...).values("id", "challenge__text").first(): the member's latest turn
# taken (done) at an earlier meeting of the same group, the meeting `cur` being this room's;
# with that turn's commitments (one row each, or one row of NULLs when it has none).
PREVIOUS_SQL = (
    f"SELECT p.id, p.text, cm.id, cm.text, cm.due_on, cm.status FROM ("  # noqa: S608
    f"SELECT t.id, c.text FROM {TURN} t JOIN {ROOM} r ON r.id = t.roundtable_id "
    f"JOIN {MEETING} m ON m.id = r.meeting_id JOIN {MEETING} cur ON cur.id = %s "
    f"LEFT JOIN {CHALLENGE} c ON c.turn_id = t.id "
    "WHERE t.user_id = %s AND t.status = %s AND m.group_id = cur.group_id AND m.starts_at < cur.starts_at "
    "AND t.roundtable_id <> %s ORDER BY m.starts_at DESC, t.id DESC LIMIT 1"
    f") p LEFT JOIN {COMMITMENT} cm ON cm.turn_id = p.id ORDER BY cm.created_at, cm.id"
)
SHARED_SQL = f"SELECT figures FROM {SHARED} WHERE turn_id = %s"  # noqa: S608


def _turns(found: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {"id": r[0], "user_id": seats.room_id(r[1], r[7]), "position": r[2], "status": r[3],
         "challenge": r[4] or "", "name": display_name(r[5], r[6]), "uid": r[1]}
        for r in found
    ]  # fmt: skip


def turns(roundtable_id: int) -> Read:
    """The room's turns; "user_id" as the room's clients know the person (seats.room_id), "uid"
    their account's id, for the server alone (clock.snapshot never sends it)."""
    return Read(TURNS_SQL, [roundtable_id], _turns)


def _present(found: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {"user_id": seats.room_id(r[0], r[3]), "name": display_name(r[1], r[2]), "marked": r[4] is not None}
        for r in found
    ]


def present(roundtable_id: int) -> Read:
    """Who is here; "marked": here on a facilitator's word (no device in the room)."""
    return Read(PRESENT_SQL, [roundtable_id], _present)


def _suggestions(found: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {"id": r[0], "text": r[1], "author": display_name(r[6], r[7]), "author_id": seats.room_id(r[2], r[8]),
         "contact": r[3], "link": r[4], "starred": bool(r[5]), "starred_for": bool(r[5]) and r[9] not in (None, r[10])}
        for r in found
    ]  # fmt: skip


def suggestions(turn_id: int) -> Read:
    """The turn's suggestions; "starred_for": starred by a facilitator on behalf of the turn's
    owner, rather than by the owner themselves."""
    return Read(SUGGESTIONS_SQL, [turn_id], _suggestions)


def _commitments(found: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [{"id": r[0], "text": r[1], "due_on": _date(r[2])} for r in found]


def commitments(turn_id: int) -> Read:
    return Read(COMMITMENTS_SQL, [turn_id], _commitments)


def _questions(found: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {
            "id": r[0],
            "user_id": seats.room_id(r[1], r[6]),
            "name": display_name(r[4], r[5]),
            "text": r[2],
            "status": r[3],
        }
        for r in found
    ]


def questions(roundtable_id: int) -> Read:
    """The queue: questions waiting or being answered, in the order hands went up."""
    return Read(QUESTIONS_SQL, [roundtable_id, QuestionStatus.WAITING.value, QuestionStatus.TAKEN.value], _questions)


@dataclass(frozen=True)
class Previous:
    turn_id: int
    challenge: str
    commitments: list[dict[str, Any]]  # with their review status


def _previous(found: list[tuple[Any, ...]]) -> Previous | None:
    if not found:
        return None
    done = [{"id": r[2], "text": r[3], "due_on": _date(r[4]), "status": r[5]} for r in found if r[2] is not None]
    return Previous(turn_id=found[0][0], challenge=found[0][1] or "", commitments=done)


def previous_turn(user_id: int, roundtable_id: int, meeting_id: int) -> Read:
    """The member's previous turn in the group with its commitments (Previous), or None."""
    return Read(PREVIOUS_SQL, [meeting_id, user_id, TurnStatus.DONE.value, roundtable_id], _previous)


def _shared(found: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    if not found:
        return None
    figures = found[0][0]
    # JSON text on both engines as Django reads it (its PostgreSQL loader leaves jsonb as text).
    return json.loads(figures) if isinstance(figures, str) else figures


def shared_status(turn_id: int) -> Read:
    """The status the member shared for this turn (journal/readiness.py), or None."""
    return Read(SHARED_SQL, [turn_id], _shared)


# ---------------------------------------------------------------- the room itself


@functools.cache
def _room_read() -> tuple[str, tuple[rawrows.Columns, ...]]:
    """The room, its meeting, the meeting's group and the turn in the seat, in one SELECT:
    what services._lock and consumers.Ctx.rt read as
    `Roundtable.objects.select_related("meeting__group", "current_turn")`."""
    parts = (
        rawrows.columns(Roundtable, "r"),
        rawrows.columns(Meeting, "m"),
        rawrows.columns(Group, "g"),
        rawrows.columns(Turn, "t"),
    )
    sql = (
        f"SELECT {', '.join(p.sql for p in parts)} FROM {Roundtable._meta.db_table} r "  # noqa: S608
        f"JOIN {Meeting._meta.db_table} m ON m.id = r.meeting_id "
        f"JOIN {Group._meta.db_table} g ON g.id = m.group_id "
        f"LEFT JOIN {Turn._meta.db_table} t ON t.id = r.current_turn_id "
        "WHERE r.id = %s"
    )
    return sql, parts


def room(roundtable_id: int, *, lock: bool = False) -> Roundtable | None:
    """The room with its meeting, group and seat (current_turn, or None) set as the ORM's
    select_related sets them, or None when there is no such room. lock: inside a transaction,
    the room's row is locked until it ends (FOR UPDATE OF the room alone, on PostgreSQL; SQLite's
    write transactions lock the whole database when they begin: settings' IMMEDIATE mode).
    The same objects as the ORM's query, read with a fixed statement: building that query was
    about a sixth of every change's CPU on a socket server (bench/live.py)."""
    if lock and connection.get_autocommit():
        raise TransactionManagementError("rows.room(lock=True) outside a transaction locks nothing.")
    sql, parts = _room_read()
    if lock and connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF r"
    found = _rows(sql, [roundtable_id])
    if not found:
        return None
    row, at, made = found[0], 0, []
    for part in parts:
        made.append(rawrows.instance(part, row[at : at + len(part)]))
        at += len(part)
    rt, meeting, group, turn = made
    meeting.group = group
    rt.meeting = meeting
    rt.current_turn = turn
    return rt  # type: ignore[no-any-return]
