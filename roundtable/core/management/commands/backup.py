"""`manage.py backup FILE`: a backup of the database in one file (core/backup.py says how each
engine's is made and docs/operations.md "Backups" how to restore it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.core import backup


class Command(BaseCommand):
    help = "Write a backup of the database to FILE (PostgreSQL: pg_dump's custom format; SQLite: a copy)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="where to write the backup (replaced if it exists)")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["file"]
        try:
            size = backup.backup(out)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backed up the {backup.engine()} database to {out} ({size:,} bytes).")
