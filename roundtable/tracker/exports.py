"""Everything in a person's tracker, as a zip of CSV files or as one JSON document.

contacts.csv and opportunities.csv have exactly the columns the importer reads
(imports.CONTACT_COLUMNS, imports.OPPORTUNITY_COLUMNS), in the same order, so an export
imports again unchanged. The other files: companies.csv (name, website, industry, notes),
stage_changes.csv (company, role, from_stage, to_stage, changed_at: an opportunity's
history, oldest first), activities.csv (day, kind, starts_at, duration_minutes, contact,
company, opportunity, meeting, note), tasks.csv (title, due_on, done_at, contact,
opportunity) and targets.csv (kind, per_week). Moments are ISO 8601 in UTC.

Cells that a spreadsheet would run as a formula (starting =, +, -, @, tab or CR) get a
leading apostrophe (OWASP, "CSV injection"), unless they are only a number or a phone number
("+1 555 0100"); the importer takes the apostrophe off again.

The JSON has the same data, nested: each opportunity carries its `stage_history`.
Queries: one per kind of row, whatever their number (the owner's rows only).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from roundtable.accounts.models import User

from .imports import CONTACT_COLUMNS, FORMULA_START, OPPORTUNITY_COLUMNS
from .models import Activity, Company, Contact, Opportunity, StageChange, Task, WeeklyTarget

# A number or phone number ("+1 555 0100", "-3") cannot call anything: left as it is.
_NUMBER_LIKE = re.compile(r"[+-]?[\d\s().+-]*")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) and not _NUMBER_LIKE.fullmatch(text) else text


def _name(row: Any) -> str:
    return "" if row is None else str(row)


def collect(owner: User) -> dict[str, list[dict[str, Any]]]:
    """The owner's tracker as plain rows, by kind (the JSON export's shape)."""
    contacts = [
        {
            "name": c.name,
            "company": _name(c.company),
            "role": c.role,
            "email": c.email,
            "phone": c.phone,
            "linkedin_url": c.linkedin_url,
            "how_met": c.how_met,
            "notes": c.notes,
            "last_touch_on": c.last_touch_on,
            "next_touch_on": c.next_touch_on,
        }
        for c in Contact.objects.filter(owner=owner).select_related("company").order_by("name", "pk")
    ]
    companies = [
        {"name": c.name, "website": c.website, "industry": c.industry, "notes": c.notes}
        for c in Company.objects.filter(owner=owner).order_by("name", "pk")
    ]
    history: dict[int, list[dict[str, Any]]] = {}
    for s in StageChange.objects.filter(opportunity__owner=owner).order_by("changed_at", "pk"):
        history.setdefault(s.opportunity_id, []).append(
            {"from_stage": s.from_stage, "to_stage": s.to_stage, "changed_at": s.changed_at}
        )
    opportunities = [
        {
            "company": o.company.name,
            "role": o.role,
            "stage": o.stage,
            "source": o.source,
            "link": o.link,
            "notes": o.notes,
            "stage_history": history.get(o.pk, []),
        }
        for o in Opportunity.objects.filter(owner=owner)
        .select_related("company")
        .order_by("company__name", "role", "pk")
    ]
    activities = [
        {
            "day": a.occurred_on,
            "kind": a.kind,
            "starts_at": a.starts_at,
            "duration_minutes": a.duration_minutes,
            "contact": _name(a.contact),
            "company": _name(a.company),
            "opportunity": a.opportunity.role if a.opportunity else "",
            "meeting": a.meeting.title if a.meeting else "",
            "note": a.note,
        }
        for a in Activity.objects.filter(owner=owner)
        .select_related("contact", "company", "opportunity", "meeting")
        .order_by("occurred_on", "pk")
    ]
    tasks = [
        {
            "title": t.title,
            "due_on": t.due_on,
            "done_at": t.done_at,
            "contact": _name(t.contact),
            "opportunity": t.opportunity.role if t.opportunity else "",
        }
        for t in Task.objects.filter(owner=owner).select_related("contact", "opportunity").order_by("pk")
    ]
    targets = [
        {"kind": t.kind, "per_week": t.per_week} for t in WeeklyTarget.objects.filter(owner=owner).order_by("kind")
    ]
    return {
        "contacts": contacts, "companies": companies, "opportunities": opportunities, "activities": activities,
        "tasks": tasks, "targets": targets,
    }  # fmt: skip


def as_json(owner: User) -> bytes:
    return json.dumps(collect(owner), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


def _csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def csv_files(owner: User) -> dict[str, str]:
    """File name -> CSV text, for each kind."""
    data = collect(owner)
    stage_rows = [
        {"company": o["company"], "role": o["role"], **change}
        for o in data["opportunities"]
        for change in o["stage_history"]
    ]
    return {
        "contacts.csv": _csv(CONTACT_COLUMNS, data["contacts"]),
        "companies.csv": _csv(("name", "website", "industry", "notes"), data["companies"]),
        "opportunities.csv": _csv(OPPORTUNITY_COLUMNS, data["opportunities"]),
        "stage_changes.csv": _csv(("company", "role", "from_stage", "to_stage", "changed_at"), stage_rows),
        "activities.csv": _csv(
            ("day", "kind", "starts_at", "duration_minutes", "contact", "company", "opportunity", "meeting", "note"),
            data["activities"],
        ),
        "tasks.csv": _csv(("title", "due_on", "done_at", "contact", "opportunity"), data["tasks"]),
        "targets.csv": _csv(("kind", "per_week"), data["targets"]),
    }


def as_zip(owner: User) -> bytes:
    """A zip of the CSV files, each UTF-8 with a byte-order mark (so spreadsheets read
    accents right; the importer accepts it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in csv_files(owner).items():
            archive.writestr(name, "\ufeff" + text)
    return buffer.getvalue()
