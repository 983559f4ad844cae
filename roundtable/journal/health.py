"""Group health (issue 10, item 7): an honest, anonymous picture of whether a group helps,
for its facilitators only (permissions.group_for_health).

What is shown, for the group's last MEETINGS meetings that have ended (cancelled ones left
out), oldest first:
- attendance: people going (RSVP "going" at the end) and people marked as having come. The
  facilitators see who is going on each meeting's page already, so these are always shown;
- the share of people going who set a goal, and of the people there (meetings.models.went_q:
  marked as having come, or going where attendance was not taken) who reflected with a value;
  only their values count;
- the average value (1 to 5) of each meeting, and over all of them. A meeting's average appears
  once its answers close, ANSWERS_CLOSE_AFTER after it ends, and never moves after that
  (models.MeetingValue keeps it): an average a facilitator saw at five answers and again at six
  would give away the sixth person's value by difference. Later answers still count in their
  owner's own insights; the overall average is over the fixed meetings;
- members who landed (a Landing by anyone with an active or left membership), and the median
  time to land: landed_on minus search_started_on, or minus the day the membership began when
  the member did not say when their search started. Both move only in steps of at least
  MIN_CONTRIBUTORS landings (models.GroupLandings keeps them), for the same reason as the
  averages: one landing must not be readable from how the median moved.

The rule: every figure built from journal entries is shown only where at least
MIN_CONTRIBUTORS people contributed to it (the goals behind a goal share, the values behind an
average, the landings behind a median); below that it is None, which pages say as "not enough
answers yet". No single person's goal, value, takeaway or landing is ever returned: this module
hands out counts, shares, averages and a median, nothing else.

Ten queries whatever the group's size; two more on the first look after a meeting's answers
closed (its value is computed and kept), and one more when the landings' figures move.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from roundtable.groups.models import Group, Membership, MembershipState
from roundtable.meetings.models import Meeting, MeetingStatus, Rsvp, RsvpStatus, went_q
from roundtable.tracker.models import Landing

from .models import Goal, GroupLandings, MeetingValue, Reflection
from .selectors import PROMPT_DAYS

MIN_CONTRIBUTORS = 5
MEETINGS = 12
ANSWERS_CLOSE_AFTER = timedelta(days=PROMPT_DAYS)  # the same week the "How was it?" prompts run


@dataclass(frozen=True)
class MeetingHealth:
    public_id: str
    title: str
    starts_at: datetime
    day: str  # the meeting's date in the group's time zone, "Nov 29, 2026"
    going: int
    attended: int | None  # people marked as having come; None where attendance was not taken
    goal_share: int | None  # percent of people going who set a goal, or None (too few)
    reflected_share: int | None  # percent of people going who reflected, or None
    average_value: float | None  # 1.0 to 5.0, one decimal, or None (too few, or answers still open)
    answers_close_at: datetime | None = None  # while answers are open: when they close; else None
    answers_open_until: str | None = None  # the same as the group's day, "Dec 7, 2026"

    @property
    def going_bar(self) -> int:
        return self.going

    @property
    def value_percent(self) -> int:
        """The average as a share of the 5-point scale, for the bar's length."""
        return round((self.average_value or 0) * 20)


@dataclass(frozen=True)
class GroupHealth:
    group: Group
    meetings: list[MeetingHealth] = field(default_factory=list)
    goal_share: int | None = None  # goals set, in percent of the places taken (going) at these meetings
    reflected_share: int | None = None
    average_value: float | None = None
    landed: int | None = None
    median_days_to_land: int | None = None
    min_contributors: int = MIN_CONTRIBUTORS

    @property
    def most_going(self) -> int:
        return max((m.going for m in self.meetings), default=0)


def _percent(part: int, whole: int) -> int:
    return min(100, (200 * part + whole) // (2 * whole)) if whole else 0


def _enough(n: int) -> bool:
    return n >= MIN_CONTRIBUTORS


def group_health(group: Group, *, now: datetime | None = None, meetings: int = MEETINGS) -> GroupHealth:
    """The group's health as described in the module docstring."""
    moment = now or timezone.now()
    recent = list(
        Meeting.objects.filter(group=group, status=MeetingStatus.SCHEDULED, ends_at__lte=moment)
        .only("id", "public_id", "title", "starts_at", "ends_at")
        .order_by("-starts_at", "-id")[:meetings]
    )
    recent.reverse()
    ids = [m.pk for m in recent]
    rsvp = Rsvp.objects.filter(meeting_id=OuterRef("meeting_id"), user_id=OuterRef("owner_id"))
    attendance: dict[int, tuple[int, int, int, int]] = {
        row["meeting_id"]: (row["n_going"], row["n_came"], row["n_marked"], row["n_went"])
        for row in Rsvp.objects.filter(meeting_id__in=ids)
        .values("meeting_id")
        .annotate(
            n_going=Count("id", filter=Q(status=RsvpStatus.GOING)),
            n_came=Count("id", filter=Q(attended=True)),
            n_marked=Count("id", filter=Q(attended__isnull=False)),
            n_went=Count("id", filter=went_q()),
        )
    }
    goals = Goal.objects.filter(meeting_id__in=ids).filter(Exists(rsvp.filter(status=RsvpStatus.GOING)))
    goal_counts: dict[int, int] = {r["meeting_id"]: r["n"] for r in goals.values("meeting_id").annotate(n=Count("id"))}
    # Values only from the people who were there (meetings.models.went_q): not from someone
    # marked absent, whatever they said.
    valued = Reflection.objects.filter(meeting_id__in=ids, value__isnull=False).filter(Exists(rsvp.filter(went_q())))
    answered: dict[int, int] = {r["meeting_id"]: r["n"] for r in valued.values("meeting_id").annotate(n=Count("id"))}
    fixed = _fixed_values([m.pk for m in recent if m.ends_at + ANSWERS_CLOSE_AFTER <= moment], valued)
    rows: list[MeetingHealth] = []
    for m in recent:
        going, came, marked, went = attendance.get(m.pk, (0, 0, 0, 0))
        n_goals = goal_counts.get(m.pk, 0)
        n_values = answered.get(m.pk, 0)
        kept = fixed.get(m.pk)
        rows.append(
            MeetingHealth(
                public_id=m.public_id,
                title=m.title,
                starts_at=m.starts_at,
                day=_day(m.starts_at, group.time_zone),
                going=going,
                attended=came if marked else None,
                goal_share=_percent(n_goals, going) if _enough(n_goals) else None,
                reflected_share=_percent(n_values, went) if _enough(n_values) else None,
                average_value=round(kept.total / kept.answers, 1) if kept and _enough(kept.answers) else None,
                answers_close_at=None if kept else m.ends_at + ANSWERS_CLOSE_AFTER,
                answers_open_until=None if kept else _day(m.ends_at + ANSWERS_CLOSE_AFTER, group.time_zone),
            )
        )
    # Over all these meetings: the same measures as each row's, summed (goals set for n% of the
    # places taken, reflections from n% of the people there), shown where at least five different
    # people contributed.
    going_total = sum(a[0] for a in attendance.values())
    went_total = sum(a[3] for a in attendance.values())
    goal_people = goals.values("owner_id").distinct().count()
    people_answering = valued.values("owner_id").distinct().count()
    shown = [v for v in fixed.values() if _enough(v.answers)]
    answers, total = sum(v.answers for v in shown), sum(v.total for v in shown)
    landed, median = group_landings(group)
    return GroupHealth(
        group=group,
        meetings=rows,
        goal_share=_percent(sum(goal_counts.values()), going_total) if _enough(goal_people) else None,
        reflected_share=_percent(sum(answered.values()), went_total) if _enough(people_answering) else None,
        average_value=round(total / answers, 1) if answers else None,
        landed=landed,
        median_days_to_land=median,
    )


def _fixed_values(closed: list[int], valued: QuerySet[Reflection]) -> dict[int, MeetingValue]:
    """The kept values of these meetings, whose answers have closed: {meeting id: MeetingValue}.
    A meeting seen for the first time since its answers closed gets its value computed from the
    answers given so far and kept (a meeting without answers too, as 0 of 0). One query, three
    on such a first look."""
    if not closed:
        return {}
    fixed = {v.meeting_id: v for v in MeetingValue.objects.filter(meeting_id__in=closed)}
    missing = [pk for pk in closed if pk not in fixed]
    if missing:
        # The answers as they stood when answers closed: one given or changed later is its
        # owner's alone (their insights count it), whenever the first look comes.
        on_time = valued.filter(updated_at__lte=ExpressionWrapper(F("meeting__ends_at") + ANSWERS_CLOSE_AFTER,
                                                                  output_field=DateTimeField()))  # fmt: skip
        rows = on_time.filter(meeting_id__in=missing).values("meeting_id").annotate(n=Count("id"), total=Sum("value"))
        sums = {r["meeting_id"]: (r["n"], r["total"]) for r in rows}
        new = [MeetingValue(meeting_id=pk, answers=sums.get(pk, (0, 0))[0], total=sums.get(pk, (0, 0))[1])
               for pk in missing]  # fmt: skip
        # Two first looks at once: the first row written is the one kept, and read back next time.
        MeetingValue.objects.bulk_create(new, ignore_conflicts=True)
        fixed.update((v.meeting_id, v) for v in new)
    return fixed


def group_landings(group: Group) -> tuple[int | None, int | None]:
    """(members who landed, median days to land), each None below MIN_CONTRIBUTORS: the kept
    figures (models.GroupLandings), moved only in steps of MIN_CONTRIBUTORS landings. Two
    queries, three when the figures move."""
    joined = Membership.objects.filter(
        group=group, user_id=OuterRef("owner_id"), state__in=(MembershipState.ACTIVE, MembershipState.LEFT)
    )
    rows = list(
        Landing.objects.filter(Exists(joined))
        .annotate(joined_at=Subquery(joined.values("created_at")[:1]))
        .values_list("landed_on", "search_started_on", "joined_at")
    )
    kept = GroupLandings.objects.filter(group=group).first()
    # Recomputed only with at least MIN_CONTRIBUTORS new landings since the kept figures (or the
    # first time there are that many): no single landing, or edit, ever moves what is shown.
    if len(rows) >= (kept.landed if kept else 0) + MIN_CONTRIBUTORS:
        days = []
        for landed_on, started_on, joined_at in rows:
            start: date = started_on or joined_at.date()
            days.append(max(0, (landed_on - start).days))
        fresh = GroupLandings(group=group, landed=len(rows), median_days=round(statistics.median(days)))
        if kept:
            GroupLandings.objects.filter(pk=group.pk).update(
                landed=fresh.landed, median_days=fresh.median_days, fixed_at=fresh.fixed_at
            )
        else:  # two first looks at once: one row is kept, and both show the same figures
            GroupLandings.objects.bulk_create([fresh], ignore_conflicts=True)
        kept = fresh
    return (kept.landed, kept.median_days) if kept else (None, None)


def _day(moment: datetime, zone: str) -> str:
    local = moment.astimezone(_zone(zone))
    return f"{local:%b} {local.day}, {local.year}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


# Charts: server-drawn SVG (no script, within the CSP), each with a table beside it. ---------

CHART_W = 360
CHART_H = 170
AXIS_H = 22  # room under the bars for the dates
LEFT = 26  # room for the scale's figures
TOP = 8
MAX_SLOT = 56  # the widest a meeting's column gets


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # what a screen reader or a hover title says


@dataclass(frozen=True)
class Column:
    x: float  # centre, for the date under it
    day: str
    bars: list[Bar]


def _columns(
    rows: list[MeetingHealth], series: list[tuple[str, list[float | None]]], top: float, zone: str
) -> list[Column]:
    n = max(1, len(rows))
    # A few meetings keep bars of a readable width, from the left.
    slot = min((CHART_W - LEFT) / n, MAX_SLOT)
    inner = slot * 0.7 / max(1, len(series))
    plot_h = CHART_H - AXIS_H - TOP
    columns = []
    for i, m in enumerate(rows):
        x0 = LEFT + i * slot + slot * 0.15
        bars = []
        for k, (name, values) in enumerate(series):
            v = values[i]
            if v is None:
                continue
            h = round(plot_h * v / top, 1) if top else 0.0
            bars.append(Bar(x=round(x0 + k * inner, 1), y=round(TOP + plot_h - h, 1), width=round(inner, 1),
                            height=h, label=f"{name}: {v:g}"))  # fmt: skip
        local = m.starts_at.astimezone(_zone(zone))
        columns.append(Column(x=round(LEFT + i * slot + slot / 2, 1), day=f"{local:%b} {local.day}", bars=bars))
    return columns


def charts(report: GroupHealth) -> dict[str, object]:
    """Geometry for the two charts of the health page (attendance; average value), in a
    CHART_W x CHART_H view box: bars, the dates under them and the scale's lines."""
    top = max(1, report.most_going)
    zone = report.group.time_zone
    plot_h = CHART_H - AXIS_H - TOP
    rows = report.meetings
    attendance = _columns(
        rows,
        [
            ("Going", [float(m.going) for m in rows]),
            ("Came", [None if m.attended is None else float(m.attended) for m in rows]),
        ],
        top,
        zone,
    )
    value = _columns(rows, [("Average value", [m.average_value for m in rows])], 5, zone)
    ticks = sorted({0, top // 2, top}) if top > 1 else [0, 1]
    return {
        "w": CHART_W,
        "h": CHART_H,
        "left": LEFT,
        "base": TOP + plot_h,
        "date_y": CHART_H - 6,
        "attendance": attendance,
        "attendance_ticks": [{"y": round(TOP + plot_h - plot_h * t / top, 1), "label": t} for t in ticks],
        "value": value,
        "value_ticks": [{"y": round(TOP + plot_h - plot_h * t / 5, 1), "label": t} for t in (0, 1, 2, 3, 4, 5)],
    }
