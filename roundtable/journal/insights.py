"""Insights: the figures behind the owner's charts, computed from `selectors.insight_rows`.

Pure computation (no queries): `compute(rows, today=..., zone=...)` answers one JSON-ready dict,
the same on the page and at `GET /api/v1/me/insights`. Weeks run Monday to Sunday in the
owner's own time zone: a meeting belongs to the week of its local start day, an activity to the
week of its local day (`occurred_on`), so a week that straddles a daylight-saving change is still
seven local days. Hours are real elapsed hours (ends_at - starts_at on aware moments).

Shape (every list of weekly figures has one number per entry of `weeks`, oldest first):

    {"weeks": ["2026-09-07", ...],            # Mondays, WEEKS of them, the current week last
     "week_labels": ["7 Sep", ...],
     "empty": bool,                           # no meeting, no activity at all
     "meeting_hours": {"total": [float hours], "groups": [
         {"slug", "name", "kind", "kind_label", "hours": [float], "avg_value": float|None, "n_rated": int}]},
     "activity_mix": {"networking": [int], "applications": [int],
                      "networking_target": int, "applications_target": int},
     "funnel": {"networking": int, "applications": int, "interviews": int, "offers": int},
     "interview_sources": [{"label": str, "n": int}],      # most first
     "worth": {"months": ["2026-06", ...], "month_labels": ["Jun 2026", ...], "groups": [
         {"slug", "name", "per_hour": [float|None]}]},      # value points (1-5) per hour in meetings
     "advice": [{"rule", "text", "because", "link", "link_text"}]}
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from roundtable.groups.models import Kind
from roundtable.tracker.models import ActivityKind, Source

from .selectors import InsightRows

WEEKS = 12
MONTHS = 6
NETWORKING_KINDS = (ActivityKind.OUTREACH, ActivityKind.CONVERSATION, ActivityKind.INFORMATIONAL)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def hours_of(meeting: dict[str, object]) -> float:
    """Elapsed hours of a meeting row (aware moments, so DST changes are counted right)."""
    start, end = meeting["starts_at"], meeting["ends_at"]
    assert isinstance(start, datetime)
    assert isinstance(end, datetime)
    return (end - start).total_seconds() / 3600


def week_starts(today: date, n: int = WEEKS) -> list[date]:
    """The Mondays of the `n` weeks ending with the week holding `today`, oldest first."""
    last = monday_of(today)
    return [last - timedelta(weeks=n - 1 - i) for i in range(n)]


def month_starts(today: date, n: int = MONTHS) -> list[date]:
    first = today.replace(day=1)
    out = [first]
    for _ in range(n - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return out[::-1]


def _r(x: float) -> float:
    return round(x, 2)


def meeting_hours(rows: InsightRows, weeks: list[date], zone: ZoneInfo) -> dict[str, object]:
    index = {m: i for i, m in enumerate(weeks)}
    groups: dict[int, dict[str, object]] = {}
    per_group: dict[int, list[float]] = {}
    values: dict[int, list[int]] = defaultdict(list)
    total = [0.0] * len(weeks)
    kinds = dict(Kind.choices)
    for m in rows.meetings:
        gid = m["group_id"]
        assert isinstance(gid, int)
        if gid not in groups:
            groups[gid] = {
                "slug": m["slug"],
                "name": m["group"],
                "kind": m["kind"],
                "kind_label": str(kinds.get(str(m["kind"]), m["kind"])),
            }
            per_group[gid] = [0.0] * len(weeks)
        if isinstance(m["value"], int):
            values[gid].append(m["value"])
        assert isinstance(m["starts_at"], datetime)
        i = index.get(monday_of(local_day(m["starts_at"], zone)))
        if i is not None:
            per_group[gid][i] += hours_of(m)
            total[i] += hours_of(m)
    out = []
    for gid, g in groups.items():
        if not any(per_group[gid]) and not values[gid]:
            continue
        v = values[gid]
        out.append(
            {
                **g,
                "hours": [_r(h) for h in per_group[gid]],
                "avg_value": _r(sum(v) / len(v)) if v else None,
                "n_rated": len(v),
            }
        )
    out.sort(key=lambda g: (-sum(g["hours"]), str(g["name"]).casefold()))  # type: ignore[call-overload]
    return {"total": [_r(h) for h in total], "groups": out}


def activity_mix(rows: InsightRows, weeks: list[date]) -> dict[str, object]:
    index = {m: i for i, m in enumerate(weeks)}
    networking = [0] * len(weeks)
    applications = [0] * len(weeks)
    for kind, day, _source, _group, n in rows.activities:
        assert isinstance(day, date)
        i = index.get(monday_of(day))
        if i is None:
            continue
        if kind in NETWORKING_KINDS:
            networking[i] += n
        elif kind == ActivityKind.APPLICATION:
            applications[i] += n
    return {
        "networking": networking,
        "applications": applications,
        "networking_target": sum(rows.targets.get(k, 0) for k in NETWORKING_KINDS),
        "applications_target": rows.targets.get(ActivityKind.APPLICATION, 0),
    }


def funnel(rows: InsightRows) -> tuple[dict[str, int], list[dict[str, object]]]:
    """All-time counts, and the interviews by the source of their opportunity. Interviews and
    offers are the ones logged, plus one for each opportunity the board moved to Interviewing or
    Offer without one logged against it (so the funnel never says 0 offers beside an offer on
    the board)."""
    counts = {"networking": 0, "applications": 0, "interviews": 0, "offers": 0}
    sources: dict[str, int] = defaultdict(int)
    labels = dict(Source.choices)

    def source_label(source: str, group: str) -> str:
        if source == Source.GROUP and group:
            return f"A group: {group}"
        return str(labels.get(source, source)) if source else "Not tied to an opportunity"

    for source, group, interviewed, offered in rows.board_unlogged:
        if interviewed:
            counts["interviews"] += 1
            sources[source_label(source, group)] += 1
        if offered:
            counts["offers"] += 1
    for kind, source, group, n in rows.activity_totals:
        if kind in NETWORKING_KINDS:
            counts["networking"] += n
        elif kind == ActivityKind.APPLICATION:
            counts["applications"] += n
        elif kind == ActivityKind.OFFER:
            counts["offers"] += n
        elif kind == ActivityKind.INTERVIEW:
            counts["interviews"] += n
            sources[source_label(source, group)] += n
    ordered = sorted(sources.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    return counts, [{"label": k, "n": v} for k, v in ordered]


def worth(rows: InsightRows, today: date, zone: ZoneInfo) -> dict[str, object]:
    """Value points per hour of each group, month by month: the sum of the values the owner
    gave its meetings that month over the hours of those (rated) meetings."""
    months = month_starts(today)
    index = {m: i for i, m in enumerate(months)}
    points: dict[int, list[float]] = {}
    hours: dict[int, list[float]] = {}
    names: dict[int, tuple[object, object]] = {}
    for m in rows.meetings:
        if not isinstance(m["value"], int):
            continue
        assert isinstance(m["starts_at"], datetime)
        assert isinstance(m["group_id"], int)
        i = index.get(local_day(m["starts_at"], zone).replace(day=1))
        if i is None:
            continue
        gid = m["group_id"]
        names.setdefault(gid, (m["slug"], m["group"]))
        points.setdefault(gid, [0.0] * len(months))[i] += m["value"]
        hours.setdefault(gid, [0.0] * len(months))[i] += hours_of(m)
    groups = [
        {
            "slug": names[g][0],
            "name": names[g][1],
            "per_hour": [_r(p / h) if h else None for p, h in zip(points[g], hours[g], strict=True)],
        }
        for g in names
    ]
    groups.sort(key=lambda g: str(g["name"]).casefold())
    return {
        "months": [m.strftime("%Y-%m") for m in months],
        "month_labels": [m.strftime("%b %Y") for m in months],
        "groups": groups,
    }


def compute(rows: InsightRows, *, today: date, zone: ZoneInfo) -> dict[str, object]:
    """Every chart's figures and the advice (journal/advice.py) for the owner's rows; `today`
    is the owner's local date and `zone` their time zone."""
    from . import advice

    weeks = week_starts(today)
    counts, sources = funnel(rows)
    return {
        "weeks": [w.isoformat() for w in weeks],
        "week_labels": [f"{w.day} {w.strftime('%b')}" for w in weeks],
        "empty": not rows.meetings and not rows.activity_totals,
        "meeting_hours": meeting_hours(rows, weeks, zone),
        "activity_mix": activity_mix(rows, weeks),
        "funnel": counts,
        "interview_sources": sources,
        "worth": worth(rows, today, zone),
        "advice": [a.as_dict() for a in advice.advise(rows, today=today, zone=zone)],
    }


def insights_for(owner: object, *, now: datetime | None = None) -> dict[str, object]:
    """The owner's insights (compute() over selectors.insight_rows; seven queries)."""
    from django.utils import timezone

    from roundtable.tracker.selectors import zone_of

    from .selectors import insight_rows

    moment = now or timezone.now()
    zone = zone_of(owner)  # type: ignore[arg-type]
    today = moment.astimezone(zone).date()
    since = week_starts(today)[0]  # the advice looks back at most as far as the charts
    rows = insight_rows(owner, now=moment, today=today, since=since)  # type: ignore[arg-type]
    return compute(rows, today=today, zone=zone)
