"""rows.room reads the room, its meeting, group and seat in one fixed statement (services._lock
and consumers.Ctx.rt): the same objects, field by field, as the ORM's select_related, on both
engines; nothing for a room that does not exist; a lock only inside a transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Model
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from roundtable.live import rows, services
from roundtable.live.models import Roundtable

from .conftest import Room, at


def _values(obj: Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _orm(pk: int) -> Roundtable:
    return Roundtable.objects.select_related("meeting__group", "current_turn").get(pk=pk)


def _same(pk: int) -> Roundtable:
    read, orm = rows.room(pk), _orm(pk)
    assert read is not None
    assert _values(read) == _values(orm)
    assert _values(read.meeting) == _values(orm.meeting)
    assert _values(read.meeting.group) == _values(orm.meeting.group)
    if orm.current_turn is None:
        assert read.current_turn is None
    else:
        assert read.current_turn is not None
        assert _values(read.current_turn) == _values(orm.current_turn)
    return read


def test_the_room_in_its_lobby_is_the_orms(room: Room, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1):
        read = rows.room(room.rt.pk)
    assert read is not None
    # Related objects came with it: no query to reach them.
    with django_assert_num_queries(0):
        assert read.meeting.group.name == room.group.name
        assert read.current_turn is None
    _same(room.rt.pk)


def test_a_live_room_with_someone_in_the_seat_is_the_orms(room: Room) -> None:
    for i, u in enumerate([room.ann, room.ben]):
        services.participant_join(roundtable=room.rt, user=u, now=at(i + 1))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(5))
    services.clock_pause(roundtable=room.rt, by=room.fac, now=at(70))
    read = _same(room.rt.pk)
    assert read.current_turn is not None
    assert read.current_turn.user_id == room.ann.pk
    assert read.started_at == at(5)  # a real, aware datetime on both engines
    assert read.plan == _orm(room.rt.pk).plan  # JSON decoded as the ORM decodes it
    assert read.is_live


@pytest.mark.django_db
def test_no_room_is_none() -> None:
    assert rows.room(987_654) is None


@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused(room: Room) -> None:
    with pytest.raises(TransactionManagementError):
        rows.room(room.rt.pk, lock=True)
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        locked = rows.room(room.rt.pk, lock=True)
    assert locked is not None
    assert locked.pk == room.rt.pk
    [query] = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    # PostgreSQL locks the room's row alone; SQLite's write transaction locks the database.
    assert query.endswith("FOR UPDATE OF r") == (connection.vendor == "postgresql")
