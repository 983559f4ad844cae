"""Backups and the restore drill (issue 12, item 7), on the engine the suite runs on: the drill
restores a copy that is the same table by table; a changed, lost or added row, or a moved
sequence, in the restored copy is found; the commands fail with a message, not a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from roundtable.core import backup
from roundtable.groups.models import Group, Membership
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the backup reads committed rows


def _some_data() -> Group:
    group = GroupFactory(name="Harbor Roundtable")
    for i in range(3):
        MembershipFactory(group=group, user=UserFactory(name=f"Member {i}"))
    MeetingFactory(group=group)
    return group


def _table(model: type) -> str:
    name = model._meta.db_table  # type: ignore[attr-defined]
    return name if connection.vendor == "sqlite" else f"public.{name}"


def test_the_drill_restores_a_copy_that_is_the_same() -> None:
    _some_data()
    out = io.StringIO()
    call_command("restore_drill", stdout=out)
    text = out.getvalue()
    assert text.startswith(f"Restore drill on {backup.engine()}: backup ")
    assert "The restored copy is the same as the database." in text
    line = next(row for row in text.splitlines() if row.strip().startswith(_table(Group) + " "))
    assert line.split()[1:3] == ["1", "rows"]
    assert line.rstrip().endswith("ok")


def test_a_difference_in_the_restored_copy_is_found(tmp_path: Path) -> None:
    group = _some_data()
    path = tmp_path / "backup.bin"
    assert backup.backup(path) == path.stat().st_size > 0
    live = backup.live_fingerprint()
    kind = backup.engine()
    table = _table(Group)
    with backup.restored(path) as conn:
        assert backup.compare(live, backup.fingerprint(conn, kind)) == []
        cur = conn.cursor()
        cur.execute(f"UPDATE {Group._meta.db_table} SET name = 'Changed' WHERE id = {group.pk}")  # noqa: S608
        conn.commit()
        [changed] = backup.compare(live, backup.fingerprint(conn, kind))
        assert changed.what == f"table {table}"
        assert changed.live.startswith("1 rows, ")
        assert changed.restored.startswith("1 rows, ")
        assert changed.live != changed.restored
        members = _table(Membership)
        cur.execute(f"DELETE FROM {Membership._meta.db_table} WHERE group_id = {group.pk}")  # noqa: S608
        conn.commit()
        lost = next(d for d in backup.compare(live, backup.fingerprint(conn, kind)) if d.what == f"table {members}")
        assert lost.live.startswith("3 rows, ")
        assert lost.restored == "0 rows, 000000000000"
        if kind == "postgresql":
            cur.execute("SELECT setval('groups_group_id_seq', 900000)")
            seqs = [d for d in backup.compare(live, backup.fingerprint(conn, kind)) if d.what.startswith("sequence")]
            assert [d.what for d in seqs] == ["sequence public.groups_group_id_seq"]
            assert seqs[0].restored == "900000"
        cur.close()


def test_the_backup_command_writes_one_file(tmp_path: Path) -> None:
    _some_data()
    out = io.StringIO()
    target = tmp_path / "nightly" / "roundtable.backup"
    call_command("backup", str(target), stdout=out)
    assert target.is_file()
    size = target.stat().st_size
    assert out.getvalue() == f"Backed up the {backup.engine()} database to {target} ({size:,} bytes).\n"


def test_a_backup_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CommandError, match=r"Cannot write"):
        call_command("backup", str(blocker / "inside" / "backup.bin"))
