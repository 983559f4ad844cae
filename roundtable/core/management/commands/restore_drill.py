"""`manage.py restore_drill`: back up, restore into a scratch copy, compare every table's rows
and checksum (and PostgreSQL's sequences); exit 1 on any difference (core/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.core import backup


class Command(BaseCommand):
    help = (
        "Prove a backup restores: back up the database, restore it into a scratch copy, and compare "
        "row counts and checksums of every table (and PostgreSQL's sequences)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep", action="store_true", help="keep the restored copy (its name is printed)")
        parser.add_argument(
            "--into", default="", help="PostgreSQL: restore into this existing, empty database instead of a new one"
        )
        parser.add_argument("--dir", type=Path, default=None, help="where the backup file is written for the drill")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.drill(keep=options["keep"], into=options["into"], directory=options["dir"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        tables = report.live.tables
        rows = sum(t.rows for t in tables.values())
        self.stdout.write(
            f"Restore drill on {report.engine}: backup {report.backup_bytes:,} bytes; "
            f"{len(tables)} tables, {rows:,} rows"
            + (f", {len(report.live.sequences)} sequences" if report.engine == "postgresql" else "")
            + " compared."
        )
        for name in sorted(tables):
            mark = "ok" if tables[name] == report.restored.tables.get(name) else "DIFFERENT"
            self.stdout.write(f"  {name:<48} {tables[name].rows:>9,} rows  {tables[name].checksum[:16]}  {mark}")
        if report.ok:
            self.stdout.write(self.style.SUCCESS("The restored copy is the same as the database."))
            return
        for d in report.differences:
            self.stderr.write(f"  {d.what}: live {d.live}, restored {d.restored}")
        raise CommandError(f"The restored copy differs in {len(report.differences)} places.", returncode=1)
