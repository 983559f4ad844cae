"""Importing contacts and opportunities from CSV files, and LinkedIn's Connections.csv.

The columns (a header row first; names in any case, any order; unknown columns are refused,
so a misspelt one is never silently dropped):

contacts.csv
    name (required), company, role, email, phone, linkedin_url, how_met, notes,
    last_touch_on, next_touch_on (dates as YYYY-MM-DD), meeting (the public id of a meeting
    the person went to), group (the slug of a group they are or were in)
opportunities.csv
    company (required), role (required), stage (researching, networking, applied,
    interviewing, offer, accepted, rejected, withdrawn; default researching), source
    (networking, referral, recruiter, direct_outreach, application, group; may be blank),
    link, notes, source_group (a group's slug, as for contacts)
LinkedIn's Connections.csv
    a few lines of notes, then the header First Name, Last Name, URL, Email Address,
    Company, Position, Connected On (dates like "15 Mar 2024").

Rows already in the tracker are skipped, not added twice, and reported ("3 already in your
tracker, skipped"), so an export imports again without change, a file can be imported again
as it grows, and a double submit adds nothing: a contact is already there when one has the
same email (any case) or, where either has no email, the same name and company; a LinkedIn
connection also when one has its profile address; an opportunity when one has the same
company and role. Rows repeated within the file are skipped the same way. The check is made
again inside the writing transaction, with the owner's row locked, so two imports at once
cannot both add a row.

Every row is checked by the same rules as the forms and the API (services' field rules).
Errors are reported row by row with the file's own line number and the reason; nothing is
imported while any row is bad, unless the person asks for the good rows only. The good rows
go in one transaction with bulk inserts (10,000 rows in a few seconds).

The file is UTF-8 (with or without the byte-order mark Excel writes) or UTF-16 with its
byte-order mark; anything else is refused with a sentence that says how to save it.
A cell that a spreadsheet would run as a formula is written by the export with a leading
apostrophe; the apostrophe is taken off again here, so an export imports unchanged.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import pluralize
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.core import dates
from roundtable.groups.models import Group
from roundtable.meetings.models import Meeting

from . import selectors, services
from .models import Company, Contact, Opportunity, Source, Stage, StageChange

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
KINDS = ("contacts", "opportunities", "linkedin")

CONTACT_COLUMNS = (
    "name", "company", "role", "email", "phone", "linkedin_url", "how_met", "notes", "last_touch_on", "next_touch_on",
    "meeting", "group",
)  # fmt: skip
OPPORTUNITY_COLUMNS = ("company", "role", "stage", "source", "link", "notes", "source_group")
LINKEDIN_COLUMNS = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


SEMICOLONS = (
    "Line {line}: this file uses semicolons between its columns: save it as comma-separated "
    "(\u201cCSV UTF-8 (comma delimited)\u201d in your spreadsheet) and import it again."
)


class ImportRefusedError(Exception):
    """The file as a whole cannot be read (size, encoding, header): one sentence why."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class Parsed:
    kind: str
    rows: list[tuple[int, Any]] = field(default_factory=list)  # (line, cleaned data)
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)  # not errors: already there

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.errors) + len(self.skipped)


@dataclass(frozen=True)
class Outcome:
    imported: int
    parsed: Parsed


SHOWN = 80  # characters of a refused value quoted back in a row's error


def _shown(value: str) -> str:
    """A refused cell quoted in its row's error: up to SHOWN characters, an ellipsis when cut
    (a real group slug runs past 40, and a cut one looked wrong)."""
    return repr(value if len(value) <= SHOWN else value[:SHOWN] + "\u2026")


def decode(data: bytes) -> str:
    """The file's text. Raises ImportRefusedError for a file too big, empty, or not UTF-8/UTF-16."""
    if len(data) > MAX_BYTES:
        raise ImportRefusedError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB: the limit is {MAX_BYTES // 1024 // 1024} MB "
            f"({MAX_ROWS:,} rows). Split it into smaller files."
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise ImportRefusedError(
            "The file is not UTF-8 text. In your spreadsheet, save it as \u201cCSV UTF-8\u201d and try again."
        ) from None
    if "\x00" in text:
        raise ImportRefusedError("The file holds NUL characters: it is not a CSV text file.")
    if not text.strip():
        raise ImportRefusedError("The file is empty.")
    return text


def _unescape(cell: str) -> str:
    cell = cell.strip()
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_START:
        return cell[1:]
    return cell


def _iso_day(text: str, column: str) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise services.TrackerError(f"{column}: {_shown(text)} is not a date: write it as YYYY-MM-DD.") from None
    if not dates.in_range(day):
        raise services.TrackerError(f"{column}: {dates.PICK_TEXT}")
    return day


def _linkedin_day(text: str) -> date | None:
    if not text:
        return None
    for fmt in ("%d %b %Y", "%Y-%m-%d", "%d-%b-%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise services.TrackerError(f"Connected On: {_shown(text)} is not a date like 15 Mar 2024.")


def _csv_problem(line: int, error: str) -> str:
    """The csv module's complaint, said for a person, with the line where the record began."""
    if "unexpected end of data" in error or "EOF" in error:
        return (
            f'Line {line}: a quote (") opens a cell that is never closed, so the rest of the file reads as '
            "one cell. Close the quote, or take it out, and import again."
        )
    if "expected after" in error:
        return (
            f'Line {line}: a quote (") in the middle of a cell. Put the whole cell in quotes and write '
            'the quote inside it twice (""), or take it out.'
        )
    return f"Line {line}: this line cannot be read as CSV. Check its quotes and commas."


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record in the file, its cells), blank lines left out. A quote left
    open runs to the end of the file: csv.Error names the line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportRefusedError(_csv_problem(line, str(exc))) from None
        start, line = line, reader.line_num + 1
        if any(c.strip() for c in cells):
            yield start, cells


def _header_map(cells: list[str], expected: tuple[str, ...], required: tuple[str, ...], line: int) -> list[str]:
    names = [c.strip().lower() for c in cells]
    wanted = {e.lower(): e for e in expected}
    unknown = [c for c in names if c not in wanted]
    if unknown and any(";" in c for c in unknown):
        raise ImportRefusedError(SEMICOLONS.format(line=line))
    if unknown:
        raise ImportRefusedError(
            f"Line {line}: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)}. "
            f"The columns are: {', '.join(expected)}."
        )
    missing = [r for r in required if r.lower() not in names]
    if missing:
        raise ImportRefusedError(f"Line {line}: the header has no {', '.join(missing)} column.")
    if len(set(names)) != len(names):
        raise ImportRefusedError(f"Line {line}: a column is named twice.")
    return [wanted[n] for n in names]


class _Links:
    """Resolves the meeting and group columns against what the owner may name (the same
    selectors as the forms and the API), each value once per file."""

    def __init__(self, owner: User) -> None:
        self.owner = owner
        self.found: dict[tuple[str, str], object] = {}  # (kind, cell) -> the object, or None

    def _find(self, kind: str, value: str, lookup: Callable[[User, str], object], refusal: str) -> Any:
        """The object a non-empty cell names (looked up once per file), or a TrackerError with
        `refusal`; None for an empty cell."""
        if not value:
            return None
        if (kind, value) not in self.found:
            try:
                self.found[kind, value] = lookup(self.owner, value)
            except Http404:
                self.found[kind, value] = None
        if self.found[kind, value] is None:
            raise services.TrackerError(refusal)
        return self.found[kind, value]

    def meeting(self, value: str) -> Meeting | None:
        return self._find("meeting", value, selectors.meeting_went_to, f"meeting: {_shown(value)} is not a meeting you "
                          "went to. Leave the cell empty to import without it.")  # fmt: skip

    def group(self, value: str, column: str = "group") -> Group | None:
        return self._find("group", value, selectors.group_for_owner, f"{column}: {_shown(value)} is not a group "
                          "you are or were in. Leave the cell empty to import without it.")  # fmt: skip


def _contact_row(v: dict[str, str], links: _Links) -> services.ContactData:
    data = services.ContactData(
        name=v.get("name", ""), company_name=v.get("company", ""), role=v.get("role", ""),
        email=v.get("email", ""), phone=v.get("phone", ""), linkedin_url=v.get("linkedin_url", ""),
        how_met=v.get("how_met", ""), notes=v.get("notes", ""),
        last_touch_on=_iso_day(v.get("last_touch_on", ""), "last_touch_on"),
        next_touch_on=_iso_day(v.get("next_touch_on", ""), "next_touch_on"),
        meeting=links.meeting(v.get("meeting", "")), group=links.group(v.get("group", "")),
    )  # fmt: skip
    return data.cleaned()


def _stage(text: str) -> str:
    if not text:
        return Stage.RESEARCHING
    for value, label in Stage.choices:
        if text.lower() in (value, str(label).lower()):
            return value
    raise services.TrackerError(f"stage: {_shown(text)} is not a stage. Use one of: {', '.join(Stage.values)}.")


def _source(text: str) -> str:
    if not text:
        return ""
    for value, label in Source.choices:
        if text.lower() in (value, str(label).lower(), value.replace("_", " ")):
            return value
    raise services.TrackerError(f"source: {_shown(text)} is not a source. Use one of: {', '.join(Source.values)}.")


def _opportunity_row(v: dict[str, str], links: _Links) -> services.OpportunityData:
    data = services.OpportunityData(
        company_name=v.get("company", ""), role=v.get("role", ""), stage=_stage(v.get("stage", "")),
        source=_source(v.get("source", "")), link=v.get("link", ""), notes=v.get("notes", ""),
        source_group=links.group(v.get("source_group", ""), "source_group"),
    )  # fmt: skip
    return data.cleaned()


def _linkedin_row(v: dict[str, str], _links: _Links) -> services.ContactData:
    name = " ".join(p for p in (v.get("First Name", ""), v.get("Last Name", "")) if p)
    data = services.ContactData(
        name=name, company_name=v.get("Company", ""), role=v.get("Position", ""),
        email=v.get("Email Address", ""), linkedin_url=v.get("URL", ""), how_met="LinkedIn connection",
        last_touch_on=_linkedin_day(v.get("Connected On", "")),
    )  # fmt: skip
    return data.cleaned()


def _reason(exc: services.TrackerError) -> str:
    names = {"name": "name", "company": "company", "linkedin_url": "linkedin_url", "how_met": "how_met"}
    if exc.field and not exc.message.startswith(f"{exc.field}:"):
        return f"{names.get(exc.field, exc.field)}: {exc.message}"
    return exc.message


# ---------------------------------------------------------------- rows already there


class _Present:
    """What the owner's tracker already holds, as the keys that make a row a repeat (see the
    module docstring), with the rows added so far from the same file."""

    def __init__(self, owner: User, kind: str) -> None:
        self.kind = kind
        self.emails: set[str] = set()
        self.urls: set[str] = set()
        self.people: dict[tuple[str, str], bool] = {}  # (name, company) -> one of them has no email
        self.roles: set[tuple[str, str]] = set()
        if kind == "opportunities":
            for company, role in Opportunity.objects.filter(owner=owner).values_list("company__name", "role"):
                self.roles.add((company.casefold(), role.casefold()))
            return
        rows = Contact.objects.filter(owner=owner).values_list("name", "company__name", "email", "linkedin_url")
        for name, company, email, url in rows:
            self._add_person(name, company or "", email, url)

    def _add_person(self, name: str, company: str, email: str, url: str) -> None:
        if email:
            self.emails.add(email.casefold())
        if url:
            self.urls.add(url.casefold())
        key = (name.casefold(), company.casefold())
        self.people[key] = self.people.get(key, False) or not email

    def repeat(self, row: Any) -> bool:
        """True when the row is already there; else it is counted as there from now on."""
        if self.kind == "opportunities":
            key = (row.company_name.casefold(), row.role.casefold())
            if key in self.roles:
                return True
            self.roles.add(key)
            return False
        email, url = row.email.casefold(), row.linkedin_url.casefold()
        person = (row.name.casefold(), row.company_name.casefold())
        if (email and email in self.emails) or (self.kind == "linkedin" and url and url in self.urls):
            return True
        if person in self.people and (not email or self.people[person]):
            return True
        self._add_person(row.name, row.company_name, row.email, row.linkedin_url)
        return False

    @staticmethod
    def reason(row: Any) -> str:
        what = row.name if hasattr(row, "name") else f"{row.role} at {row.company_name}"
        return f"{what} is already in your tracker."


def parse(owner: User, data: bytes, kind: str) -> Parsed:
    """Reads and checks every row; writes nothing. Rows already in the tracker (or earlier in
    the file) go to `skipped`. Raises ImportRefusedError for a file that cannot be read at all
    (size, encoding, header, more than MAX_ROWS rows)."""
    if kind not in KINDS:
        raise ImportRefusedError(f"Import contacts, opportunities or linkedin, not {_shown(kind)}.")
    records = _records(decode(data))
    out = Parsed(kind)
    header: list[str] | None = None
    make: Callable[[dict[str, str], _Links], Any]
    if kind == "linkedin":
        make = _linkedin_row
        # The notes above the header: everything before the row that starts First Name, Last Name.
        for line, cells in records:
            first_cells = [c.strip().lower() for c in cells[:2]]
            if first_cells == ["first name", "last name"]:
                header = _header_map(cells, LINKEDIN_COLUMNS, ("First Name", "Last Name"), line)
                break
            if first_cells and first_cells[0].startswith("first name;last name"):
                raise ImportRefusedError(SEMICOLONS.format(line=line))
        if header is None:
            raise ImportRefusedError("This is not LinkedIn's Connections.csv: no row starts First Name, Last Name.")
    else:
        make = _contact_row if kind == "contacts" else _opportunity_row
        first = next(records, None)
        if first is None:
            raise ImportRefusedError("The file is empty.")
        expected = CONTACT_COLUMNS if kind == "contacts" else OPPORTUNITY_COLUMNS
        required = ("name",) if kind == "contacts" else ("company", "role")
        header = _header_map(first[1], expected, required, first[0])
    present = _Present(owner, kind)
    links = _Links(owner)
    for line, cells in records:
        if out.total >= MAX_ROWS:
            raise ImportRefusedError(f"The file has more than {MAX_ROWS:,} rows: split it into smaller files.")
        if len(cells) > len(header):
            out.errors.append(
                RowError(
                    line, f"{len(cells)} cells, but the header names {len(header)} column{pluralize(len(header))}."
                )
            )
            continue
        values = {h: _unescape(c) for h, c in zip(header, cells, strict=False)}
        row: Any
        try:
            row = make(values, links)
        except services.TrackerError as exc:
            out.errors.append(RowError(line, _reason(exc)))
            continue
        if present.repeat(row):
            out.skipped.append(RowError(line, present.reason(row)))
            continue
        out.rows.append((line, row))
    return out


def _companies(owner: User, names: set[str]) -> dict[str, Company]:
    """The owner's companies by lower-case name, the missing ones created (one bulk insert)."""
    wanted = {n.lower(): n for n in names if n}
    have = {c.name.lower(): c for c in Company.objects.filter(owner=owner)}
    new = [Company(owner=owner, name=name) for key, name in wanted.items() if key not in have]
    Company.objects.bulk_create(new, batch_size=1000)
    have.update({c.name.lower(): c for c in new})
    return have


def _contact(owner: User, r: services.ContactData, companies: dict[str, Company], now: datetime) -> Contact:
    group = r.group if r.group is not None or r.meeting is None else r.meeting.group
    return Contact(
        owner=owner, name=r.name, company=companies.get(r.company_name.lower()), role=r.role,
        email=r.email, phone=r.phone, linkedin_url=r.linkedin_url, how_met=r.how_met, notes=r.notes,
        last_touch_on=r.last_touch_on, next_touch_on=r.next_touch_on, meeting=r.meeting, group=group,
        created_at=now,
    )  # fmt: skip


def _opportunity(
    owner: User, r: services.OpportunityData, company: Company, position: int, now: datetime
) -> Opportunity:
    return Opportunity(
        owner=owner, company=company, role=r.role, link=r.link, stage=r.stage, source=r.source,
        source_group=r.source_group, notes=r.notes, position=position, stage_changed_at=now, created_at=now,
    )  # fmt: skip


def write(owner: User, parsed: Parsed, *, good_rows_only: bool = False) -> Outcome:
    """Imports the parsed rows in one transaction. With any bad row and not `good_rows_only`,
    imports nothing (imported == 0). Rows that reached the tracker since `parse` (a second
    submit of the same file) are skipped too: the owner's row is locked while checking, so
    two imports of one person's run one after the other."""
    if parsed.errors and not good_rows_only:
        return Outcome(0, parsed)
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=owner.pk).first()
        present = _Present(owner, parsed.kind)
        fresh: list[tuple[int, Any]] = []
        for line, r in parsed.rows:
            if present.repeat(r):
                parsed.skipped.append(RowError(line, present.reason(r)))
            else:
                fresh.append((line, r))
        parsed.skipped.sort(key=lambda e: e.line)
        parsed.rows = fresh
        rows = [r for _line, r in fresh]
        companies = _companies(owner, {r.company_name for r in rows})
        if parsed.kind in ("contacts", "linkedin"):
            contacts = [_contact(owner, r, companies, now) for r in rows]
            Contact.objects.bulk_create(contacts, batch_size=1000)
        else:
            ends: dict[str, int] = {}
            for stage, position in Opportunity.objects.filter(owner=owner).values_list("stage", "position"):
                ends[stage] = max(ends.get(stage, -1), position)
            opportunities = []
            for r in rows:
                ends[r.stage] = ends.get(r.stage, -1) + 1
                opportunities.append(_opportunity(owner, r, companies[r.company_name.lower()], ends[r.stage], now))
            Opportunity.objects.bulk_create(opportunities, batch_size=1000)
            StageChange.objects.bulk_create(
                [StageChange(opportunity=o, from_stage="", to_stage=o.stage, changed_at=now) for o in opportunities],
                batch_size=1000,
            )
    return Outcome(len(rows), parsed)


def import_file(owner: User, data: bytes, kind: str, *, good_rows_only: bool = False) -> Outcome:
    """parse then write. Raises ImportRefusedError for an unreadable file."""
    return write(owner, parse(owner, data, kind), good_rows_only=good_rows_only)


def _rows(n: int) -> str:
    return f"{n:,} row{'' if n == 1 else 's'}"


def summary(outcome: Outcome) -> str:
    """What happened, in one sentence for the page and the API: "Imported 3 rows; 2 already in
    your tracker, skipped." """
    parsed = outcome.parsed
    bad, skipped = len(parsed.errors), len(parsed.skipped)
    if bad and not outcome.imported and (parsed.rows or not skipped):
        return f"Nothing imported: {_rows(bad)} to fix."
    parts = [f"Imported {_rows(outcome.imported)}" if outcome.imported else "Nothing new to import"]
    if skipped:
        parts.append(f"{skipped:,} already in your tracker, skipped")
    if bad:
        parts.append(f"{_rows(bad)} with problems left out")
    return "; ".join(parts) + "."
