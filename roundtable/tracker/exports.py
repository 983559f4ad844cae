"""Everything in a person's tracker, as a zip of CSV files or as one JSON document.

contacts.csv and opportunities.csv have exactly the columns the importer reads
(imports.CONTACT_COLUMNS, imports.OPPORTUNITY_COLUMNS), in the same order, so an export
imports again unchanged (into the same tracker: every row is already there and skipped). A
contact's `meeting` is the public id of the meeting where the owner met them and `group` the
slug of the group; an opportunity's `source_group` the slug of the group it came through;
each only while the owner may still see it (as on the pages). The other files:
companies.csv (name, website, industry, notes), stage_changes.csv (company, role,
from_stage, to_stage, changed_at: an opportunity's history, oldest first), activities.csv
(day, kind, starts_at, duration_minutes, contact, company, opportunity, meeting, note),
tasks.csv (title, due_on, done_at, contact, opportunity), targets.csv (kind, per_week),
goals.csv (meeting, meeting_title, meeting_day, group, reasons, note, people: whom the owner
wanted to meet, "name (why)" joined by "; "), reflections.csv (meeting, meeting_title,
meeting_day, group, value, takeaways, goal_met, people_met, dismissed) and landing.csv
(company, role, source, group, contact, landed_on, search_started_on, will_help_others).
Moments are ISO 8601 in UTC; a meeting's day is the owner's local day.

Every cell that a spreadsheet would run as a formula (starting =, +, -, @, tab or CR) gets
a leading apostrophe (OWASP, "CSV injection"), phone numbers ("+1-617-555-0100") too: Excel
reads those as formulas; the importer takes the apostrophe off again.

The JSON has the same data, nested: each opportunity carries its `stage_history`, each goal
its `people`, each reflection its `people_met`, and `landing` is a list of none or one.
Queries: one per kind of row, whatever their number (the owner's rows only).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch

from roundtable.accounts.models import User
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group
from roundtable.meetings.models import Meeting

from .imports import CONTACT_COLUMNS, FORMULA_START, OPPORTUNITY_COLUMNS
from .models import Activity, Company, Contact, Landing, Opportunity, StageChange, Task, WeeklyTarget
from .selectors import zone_of

MEETING_COLUMNS = ("meeting", "meeting_title", "meeting_day", "group")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _name(row: Any) -> str:
    return "" if row is None else str(row)


def collect(owner: User) -> dict[str, list[dict[str, Any]]]:
    """The owner's tracker and journal as plain rows, by kind (the JSON export's shape)."""
    contact_rows = list(
        Contact.objects.filter(owner=owner).select_related("company", "meeting__group", "group").order_by("name", "pk")
    )
    opportunity_rows = list(
        Opportunity.objects.filter(owner=owner)
        .select_related("company", "source_group")
        .order_by("company__name", "role", "pk")
    )
    journal = _journal_rows(owner)
    groups = [g for c in contact_rows for g in (c.group, c.meeting and c.meeting.group) if g]
    groups += [o.source_group for o in opportunity_rows if o.source_group]
    groups += journal.groups
    seen = group_perms.visible_to(owner, groups)

    def slug(group: Group | None) -> str:
        return group.slug if group is not None and group.pk in seen else ""

    def met_at(meeting: Meeting | None) -> str:
        return meeting.public_id if meeting is not None and meeting.group_id in seen else ""

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
            "meeting": met_at(c.meeting),
            "group": slug(c.group),
        }
        for c in contact_rows
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
            "source_group": slug(o.source_group),
            "stage_history": history.get(o.pk, []),
        }
        for o in opportunity_rows
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
        "tasks": tasks, "targets": targets, **journal.rows(owner, seen),
    }  # fmt: skip


class _Journal:
    """The owner's goals, reflections and landing (journal data the tracker's export carries:
    "everything" in one place). Four queries."""

    def __init__(self, owner: User) -> None:
        from roundtable.journal.models import Goal, GoalPerson, Reflection, ReflectionPerson

        self.goals = list(
            Goal.objects.filter(owner=owner)
            .select_related("meeting__group")
            .prefetch_related(Prefetch("people", GoalPerson.objects.select_related("person__profile")))
            .order_by("meeting__starts_at", "pk")
        )
        self.reflections = list(
            Reflection.objects.filter(owner=owner)
            .select_related("meeting__group")
            .prefetch_related(Prefetch("people", ReflectionPerson.objects.select_related("person__profile", "contact")))
            .order_by("meeting__starts_at", "pk")
        )
        self.landing = Landing.objects.filter(owner=owner).select_related("group", "contact").first()
        self.groups = [g.meeting.group for g in self.goals] + [r.meeting.group for r in self.reflections]
        if self.landing is not None and self.landing.group is not None:
            self.groups.append(self.landing.group)

    def rows(self, owner: User, seen: set[int]) -> dict[str, list[dict[str, Any]]]:
        from roundtable.journal.models import GoalReason

        zone = zone_of(owner)
        reasons = dict(GoalReason.choices)

        def meeting(m: Meeting) -> dict[str, Any]:
            if m.group_id not in seen:  # no longer theirs to see: the row stays, unnamed
                return {"meeting": "", "meeting_title": "", "meeting_day": m.starts_at.astimezone(zone).date(),
                        "group": ""}  # fmt: skip
            return {"meeting": m.public_id, "meeting_title": m.title,
                    "meeting_day": m.starts_at.astimezone(zone).date(), "group": m.group.name}  # fmt: skip

        def person(p: Any) -> str:
            return p.contact.name if getattr(p, "contact", None) else p.person.display_name if p.person else ""

        goals = [
            {
                **meeting(g.meeting),
                "reasons": [str(reasons.get(r, r)) for r in g.reasons],
                "note": g.note,
                "people": [
                    {"name": "The speaker" if p.is_speaker else person(p), "why": p.why} for p in g.people.all()
                ],
            }
            for g in self.goals
        ]
        reflections = [
            {
                **meeting(r.meeting),
                "value": r.value,
                "takeaways": r.takeaways,
                "goal_met": r.goal_met,
                "people_met": [person(p) for p in r.people.all()],
                "dismissed": r.value is None,
            }
            for r in self.reflections
        ]
        landing = []
        if (ld := self.landing) is not None:
            landing.append({
                "company": ld.company_name, "role": ld.role, "source": ld.source,
                "group": ld.group.name if ld.group is not None and ld.group.pk in seen else "",
                "contact": ld.contact.name if ld.contact else "", "landed_on": ld.landed_on,
                "search_started_on": ld.search_started_on, "will_help_others": ld.will_help_others,
            })  # fmt: skip
        return {"goals": goals, "reflections": reflections, "landing": landing}


def _journal_rows(owner: User) -> _Journal:
    return _Journal(owner)


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
        "goals.csv": _csv(
            (*MEETING_COLUMNS, "reasons", "note", "people"),
            [
                {
                    **g,
                    "reasons": "; ".join(g["reasons"]),
                    "people": "; ".join(f"{p['name']} ({p['why']})" if p["why"] else p["name"] for p in g["people"]),
                }
                for g in data["goals"]
            ],
        ),
        "reflections.csv": _csv(
            (*MEETING_COLUMNS, "value", "takeaways", "goal_met", "people_met", "dismissed"),
            [{**r, "people_met": "; ".join(r["people_met"])} for r in data["reflections"]],
        ),
        "landing.csv": _csv(
            ("company", "role", "source", "group", "contact", "landed_on", "search_started_on", "will_help_others"),
            data["landing"],
        ),
    }


def as_zip(owner: User) -> bytes:
    """A zip of the CSV files, each UTF-8 with a byte-order mark (so spreadsheets read
    accents right; the importer accepts it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in csv_files(owner).items():
            archive.writestr(name, "\ufeff" + text)
    return buffer.getvalue()
