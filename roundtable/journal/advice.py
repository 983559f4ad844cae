"""Advice in plain words from the owner's own rows (selectors.insight_rows).

Each rule is a plain function `(rows, today, zone) -> Advice | None`: `text` says what, `because`
why (with the figures that triggered it), `link` the next step. `advise` runs them all in
RULES order. Weeks are Monday to Sunday in the owner's time zone (insights.monday_of).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from roundtable.groups.models import Kind
from roundtable.tracker.models import ActivityKind, Source

from .insights import NETWORKING_KINDS, hours_of, local_day, monday_of
from .selectors import InsightRows

LOW_VALUE = 2.5
RECENT_WEEKS = 4
APPLICATION_WEEKS = 8


@dataclass(frozen=True)
class Advice:
    rule: str
    text: str
    because: str
    link: str
    link_text: str

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "text": self.text,
            "because": self.because,
            "link": self.link,
            "link_text": self.link_text,
        }


def _day(d: date, today: date) -> str:
    """Like "Friday 4 December", with the year when it is not today's ("Friday 1 January 1999")."""
    text = f"{d.strftime('%A')} {d.day} {d.strftime('%B')}"
    return text if d.year == today.year else f"{text} {d.year}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def overdue_follow_up(rows: InsightRows, today: date, zone: ZoneInfo) -> Advice | None:
    """An open task due before today."""
    if not rows.overdue:
        return None
    title, due = rows.overdue[0]
    assert isinstance(due, date)
    days = (today - due).days
    if rows.n_overdue == 1:
        text = f"A follow-up is overdue: \u201c{title}\u201d."
    else:
        text = f"{rows.n_overdue} follow-ups are overdue; the oldest is \u201c{title}\u201d."
    because = (
        f"because it was due on {_day(due, today)}, {_plural(days, 'day')} ago, and a follow-up sent within "
        "days keeps a conversation warm."
    )
    return Advice("overdue_follow_up", text, because, reverse("tracker:tasks"), "See your tasks")


def _speakers_per_week(meetings: list[dict[str, object]], zone: ZoneInfo) -> dict[date, int]:
    per_week: dict[date, int] = defaultdict(int)
    for m in meetings:
        if m["kind"] == Kind.SPEAKERS:
            assert isinstance(m["starts_at"], datetime)
            per_week[monday_of(local_day(m["starts_at"], zone))] += 1
    return per_week


def speakers_too_often(rows: InsightRows, today: date, zone: ZoneInfo) -> Advice | None:
    """More than one speakers meeting in one week: booked in a coming week (the soonest such
    week, looking ahead first, while there is time to change plans), or gone to in one of the
    last RECENT_WEEKS weeks (the current included; the latest such week)."""
    because = (
        "because the usual advice is at most one speakers meeting a week, and best one a month: "
        "the hours bring more as conversations and direct outreach."
    )
    ahead, per_week = _speakers_per_week(rows.upcoming, zone), _speakers_per_week(rows.meetings, zone)
    # A coming week counts what is booked and, for the current week, what was already gone to.
    booked = sorted(w for w, n in ahead.items() if n + per_week.get(w, 0) > 1)
    if booked:
        week = booked[0]
        n = ahead[week] + per_week.get(week, 0)
        text = f"You're down for {n} speakers meetings in the week of {_day(week, today)}."
        return Advice("speakers_too_often", text, because, reverse("meetings:agenda"), "See your agenda")
    first = monday_of(today) - timedelta(weeks=RECENT_WEEKS - 1)
    busy = sorted(w for w, n in per_week.items() if n > 1 and w >= first)
    if not busy:
        return None
    week = busy[-1]
    text = f"You went to {per_week[week]} speakers meetings in the week of {_day(week, today)}."
    return Advice("speakers_too_often", text, because, reverse("tracker:targets"), "Plan your week")


def low_value_group(rows: InsightRows, today: date, zone: ZoneInfo) -> Advice | None:
    """A group whose last four rated meetings averaged below LOW_VALUE (the lowest such group)."""
    values: dict[object, list[int]] = defaultdict(list)
    names: dict[object, object] = {}
    for m in rows.meetings:
        if isinstance(m["value"], int):
            values[m["slug"]].append(m["value"])
            names[m["slug"]] = m["group"]
    worst: tuple[float, str, list[int]] | None = None
    for slug, vs in values.items():
        last = vs[-4:]
        if len(last) == 4 and sum(last) / 4 < LOW_VALUE:
            avg = sum(last) / 4
            if worst is None or (avg, str(slug)) < (worst[0], worst[1]):
                worst = (avg, str(slug), last)
    if worst is None:
        return None
    avg, slug, last = worst
    text = f"{names[slug]}: is it still worth your time?"
    because = (
        f"because your last four meetings there averaged {avg:.2f} out of 5 "
        f"(you gave them {', '.join(str(v) for v in last)})."
    )
    return Advice("low_value_group", text, because, reverse("groups:detail", args=[slug]), "Open the group")


def no_strategic_group(rows: InsightRows, today: date, zone: ZoneInfo) -> Advice | None:
    """Not an active member of any strategic planning group."""
    if rows.strategic_member:
        return None
    text = "You are not in a strategic planning group yet."
    because = (
        "because a strategic planning group gives you a turn at every meeting to plan your search "
        "with peers, and holds you to the commitments you make there."
    )
    return Advice(
        "no_strategic_group",
        text,
        because,
        reverse("groups:discover") + "?kind=strategic",
        "Find a strategic planning group",
    )


def meetings_up_outreach_down(rows: InsightRows, today: date, zone: ZoneInfo) -> Advice | None:
    """Over the last four complete weeks, hours in meetings rose each week (three rises) while
    conversations and outreach fell each week."""
    current = monday_of(today)
    weeks = [current - timedelta(weeks=4 - i) for i in range(4)]
    index = {w: i for i, w in enumerate(weeks)}
    hours = [0.0] * 4
    outreach = [0] * 4
    for m in rows.meetings:
        assert isinstance(m["starts_at"], datetime)
        i = index.get(monday_of(local_day(m["starts_at"], zone)))
        if i is not None:
            hours[i] += hours_of(m)
    for kind, day, _s, _g, n in rows.activities:
        assert isinstance(day, date)
        i = index.get(monday_of(day))
        if i is not None and kind in NETWORKING_KINDS:
            outreach[i] += n
    rising = all(hours[i] < hours[i + 1] for i in range(3))
    falling = all(outreach[i] > outreach[i + 1] for i in range(3))
    if not (rising and falling):
        return None
    text = "Your hours in meetings rose three weeks running while your outreach fell."
    because = (
        f"because from the week of {_day(weeks[0], today)}, your hours in meetings went "
        f"{' \u2192 '.join(f'{h:g}' for h in (round(x, 1) for x in hours))} and your conversations "
        f"and outreach {' \u2192 '.join(str(n) for n in outreach)}."
    )
    return Advice("meetings_up_outreach_down", text, because, reverse("tracker:targets"), "Set weekly targets")


def applications_heavy(rows: InsightRows, today: date, zone: ZoneInfo) -> Advice | None:
    """In the last APPLICATION_WEEKS weeks: at least 10 applications, more than half of all
    applications, conversations and outreach, and interviews from applications fewer than one
    for ten applications."""
    first = monday_of(today) - timedelta(weeks=APPLICATION_WEEKS - 1)
    apps = networking = from_apps = 0
    for kind, day, source, _g, n in rows.activities:
        assert isinstance(day, date)
        if day < first:
            continue
        if kind == ActivityKind.APPLICATION:
            apps += n
        elif kind in NETWORKING_KINDS:
            networking += n
        elif kind == ActivityKind.INTERVIEW and source == Source.APPLICATION:
            from_apps += n
    if apps < 10 or apps <= networking or from_apps * 10 >= apps:
        return None
    text = "Applications are most of your activity, but few interviews came from them."
    because = (
        f"because in the last {APPLICATION_WEEKS} weeks you sent {_plural(apps, 'application')} "
        f"against {networking} conversations and outreach, and {_plural(from_apps, 'interview')} came "
        "from an application; conversations and direct outreach produce most interviews."
    )
    return Advice("applications_heavy", text, because, reverse("tracker:targets"), "Rebalance your weekly targets")


def goal_not_met(rows: InsightRows, today: date, zone: ZoneInfo) -> Advice | None:
    """A goal set and not met (reflection says "no") three times or more in the same group."""
    misses: dict[str, int] = defaultdict(int)
    names: dict[str, object] = {}
    for m in rows.meetings:
        if m["goal_set"] and m["goal_met"] == "no":
            misses[str(m["slug"])] += 1
            names[str(m["slug"])] = m["group"]
    hit = sorted((-n, s) for s, n in misses.items() if n >= 3)
    if not hit:
        return None
    n, slug = -hit[0][0], hit[0][1]
    text = f"Your goals at {names[slug]} went unmet {n} times."
    because = (
        f"because {n} of your reflections on {names[slug]} say you did not get what you came for: "
        "a narrower goal, or telling the facilitator what you need, may help."
    )
    return Advice("goal_not_met", text, because, reverse("groups:detail", args=[slug]), "Open the group")


Rule = Callable[[InsightRows, date, ZoneInfo], Advice | None]
RULES: tuple[Rule, ...] = (
    overdue_follow_up,
    speakers_too_often,
    low_value_group,
    meetings_up_outreach_down,
    applications_heavy,
    goal_not_met,
    no_strategic_group,
)


def advise(rows: InsightRows, *, today: date, zone: ZoneInfo) -> list[Advice]:
    """Every rule's advice that applies, in RULES order."""
    return [a for rule in RULES if (a := rule(rows, today, zone)) is not None]
