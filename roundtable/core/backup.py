"""Backups of the database, and the restore drill that proves one can be restored.

A backup is one file:
- PostgreSQL: `pg_dump --format=custom` (schema, rows, sequences; restored by `pg_restore`),
  taken from a consistent snapshot while the site runs.
- SQLite: SQLite's online backup (the same pages as the live file, taken under the database's
  own lock, so a write in progress is never half in it), as `sqlite3 FILE ".backup OUT"` does.

The drill (`manage.py restore_drill`, docs/operations.md "Backups") takes a backup, restores it
into a scratch copy (a new PostgreSQL database, or a new SQLite file), and compares the two table
by table: the number of rows and a checksum of their contents that does not depend on the order
rows come back in; on PostgreSQL also every sequence's position, so the restored site would not
hand out a key that is taken. Anything different fails the drill. The scratch copy is dropped
afterwards unless asked to keep it.

What is compared are the live database's tables as they are when the drill runs; rows written
between the backup and the fingerprint of the live side would show as a difference, so run the
drill where writes are quiet (a staging copy, or at a quiet hour), or read its report knowing that.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class BackupError(Exception):
    """A backup or restore step failed; the message says which and why."""


@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    checksum: str  # hex, of the multiset of the rows' contents


@dataclass
class Fingerprint:
    """What the drill compares: each table's rows and checksum, and (PostgreSQL) each
    sequence's last value."""

    tables: dict[str, TableFingerprint] = field(default_factory=dict)
    sequences: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Difference:
    what: str  # "table x" or "sequence y"
    live: str
    restored: str


@dataclass
class DrillReport:
    engine: str
    backup_bytes: int
    live: Fingerprint
    restored: Fingerprint
    differences: list[Difference]

    @property
    def ok(self) -> bool:
        return not self.differences


def _db() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(f"Backups know PostgreSQL and SQLite, not {db['ENGINE']}.")
    return dict(db)


def engine() -> str:
    """ "postgresql" or "sqlite"."""
    return "postgresql" if _db()["ENGINE"].endswith("postgresql") else "sqlite"


# ---------------------------------------------------------------- PostgreSQL


def _pg_args(db: dict[str, Any], name: str | None = None) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", name or db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=3600)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{cmd[0]} is not installed (PostgreSQL's client programs).") from None
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _pg_connect(db: dict[str, Any], name: str) -> Any:
    import psycopg

    return psycopg.connect(
        dbname=name,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


# ---------------------------------------------------------------- backup


def backup(out: Path) -> int:
    """Write a backup of the default database to `out` (created or replaced). Returns its
    size in bytes. Raises BackupError when the dump fails."""
    db = _db()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Cannot write to {out.parent}: {exc.strerror or exc}.") from None
    if engine() == "postgresql":
        args, env = _pg_args(db)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(out), *args], env)
    else:
        try:
            source = sqlite3.connect(str(db["NAME"]))
            target = sqlite3.connect(str(out))
        except sqlite3.Error as exc:
            raise BackupError(f"Cannot write the backup to {out}: {exc}.") from None
        try:
            with target:
                source.backup(target)
        except sqlite3.Error as exc:
            raise BackupError(f"The backup to {out} failed: {exc}.") from None
        finally:
            target.close()
            source.close()
    return out.stat().st_size


@contextmanager
def restored(path: Path, *, keep: bool = False, into: str = "") -> Iterator[Any]:
    """Restore the backup at `path` into a scratch copy and yield a DB-API connection to it:
    a new PostgreSQL database (`into`, which must exist and be empty, or one created and named
    roundtable_restore_drill_<random>), or a new SQLite file (beside the backup, or under var/
    when kept). Dropped at the end unless keep."""
    db = _db()
    if engine() == "sqlite":
        # Restoring a SQLite backup is copying the file into place; kept under var/ if asked.
        where = Path(settings.VAR_DIR) if keep else path.parent
        copy = where / f"restore-drill-{uuid.uuid4().hex[:12]}.sqlite3"
        shutil.copyfile(path, copy)
        conn = sqlite3.connect(str(copy))
        try:
            yield conn
        finally:
            conn.close()
            if not keep:
                copy.unlink(missing_ok=True)
        return
    name = into or f"roundtable_restore_drill_{uuid.uuid4().hex[:12]}"
    admin = _pg_connect(db, db["NAME"])
    try:
        if not into:
            admin.execute(f'CREATE DATABASE "{name}"')
        args, env = _pg_args(db, name)
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args, str(path)], env)
        conn = _pg_connect(db, name)
        try:
            yield conn
        finally:
            conn.close()
    finally:
        if not keep and not into:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


# ---------------------------------------------------------------- fingerprints


def _value(v: Any) -> bytes:
    if isinstance(v, memoryview):
        v = v.tobytes()
    if isinstance(v, bytes):
        return b"b" + v
    return repr(v).encode()


def _tables(conn: Any, kind: str) -> list[str]:
    if kind == "sqlite":
        found = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
        return [r[0] for r in found]
    with conn.cursor() as cur:
        cur.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        )
        return [r[0] for r in cur.fetchall()]


def fingerprint(conn: Any, kind: str) -> Fingerprint:
    """Every table's row count and checksum (and PostgreSQL's sequences) over a DB-API
    connection of `kind` ("postgresql" or "sqlite"). The checksum is the sum, modulo 2**128, of
    each row's SHA-256 (its values' reprs in column order), so row order does not matter and a
    changed, added, lost or duplicated row changes it."""
    found = Fingerprint()
    for table in _tables(conn, kind):
        quoted = f'"{table}"' if kind == "sqlite" else table
        total, rows = 0, 0
        cur = conn.cursor()
        try:
            cur.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - names from the catalogue
            while batch := cur.fetchmany(2000):
                for row in batch:
                    digest = hashlib.sha256(b"\x1f".join(_value(v) for v in row)).digest()
                    total = (total + int.from_bytes(digest[:16], "big")) % (1 << 128)
                    rows += 1
        finally:
            cur.close()
        found.tables[table] = TableFingerprint(rows=rows, checksum=f"{total:032x}")
    if kind == "postgresql":
        with conn.cursor() as cur:
            cur.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences ORDER BY 1")
            found.sequences = dict(cur.fetchall())
    return found


def compare(live: Fingerprint, restored: Fingerprint) -> list[Difference]:
    """What differs between the two, table by table and sequence by sequence."""
    out = []
    for name in sorted(set(live.tables) | set(restored.tables)):
        a, b = live.tables.get(name), restored.tables.get(name)
        if a != b:
            show = lambda t: "missing" if t is None else f"{t.rows} rows, {t.checksum[:12]}"  # noqa: E731
            out.append(Difference(f"table {name}", show(a), show(b)))
    for name in sorted(set(live.sequences) | set(restored.sequences)):
        if live.sequences.get(name, "missing") != restored.sequences.get(name, "missing"):
            out.append(
                Difference(
                    f"sequence {name}",
                    str(live.sequences.get(name, "missing")),
                    str(restored.sequences.get(name, "missing")),
                )
            )
    return out


def live_fingerprint() -> Fingerprint:
    """The fingerprint of the default database, over a connection of its own (committed rows)."""
    db = _db()
    if engine() == "sqlite":
        conn = sqlite3.connect(str(db["NAME"]))
        try:
            return fingerprint(conn, "sqlite")
        finally:
            conn.close()
    conn = _pg_connect(db, db["NAME"])
    try:
        return fingerprint(conn, "postgresql")
    finally:
        conn.close()


def drill(*, keep: bool = False, into: str = "", directory: Path | None = None) -> DrillReport:
    """Back up, restore into a scratch copy, and compare (see the module notes)."""
    kind = engine()
    with tempfile.TemporaryDirectory(prefix="roundtable-drill-", dir=directory) as tmp:
        path = Path(tmp) / ("backup.dump" if kind == "postgresql" else "backup.sqlite3")
        size = backup(path)
        live = live_fingerprint()
        with restored(path, keep=keep, into=into) as conn:
            copy = fingerprint(conn, kind)
    return DrillReport(engine=kind, backup_bytes=size, live=live, restored=copy, differences=compare(live, copy))
