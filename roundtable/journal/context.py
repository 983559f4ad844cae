"""What the journal shows on a meeting's page and its own goal and reflection pages: one
function, so the meeting page's card, the full pages and htmx answers always agree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from roundtable.groups.permissions import Viewer
from roundtable.meetings.models import Meeting
from roundtable.tracker.models import Task
from roundtable.tracker.selectors import meeting_tasks, today_for

from . import permissions, selectors
from .forms import VALUE_LABELS, GoalForm, ReflectionForm
from .models import Goal


def goal_initial(goal: Goal | None) -> dict[str, Any]:
    if goal is None:
        return {}
    initial: dict[str, Any] = {"reasons": list(goal.reasons), "note": goal.note, "meet": []}
    for p in goal.people.all():
        who = "speaker" if p.is_speaker else p.person.public_id if p.person else ""
        initial["meet"].append(who)
        initial[f"why_{who}"] = p.why
    return initial


def follow_up_label(task: Task, today: date) -> str:
    """Like "Email Lena, due Dec 3", with the year when it is not this one."""
    if task.due_on is None:
        return task.title
    day = f"{task.due_on:%b} {task.due_on.day}"
    if task.due_on.year != today.year:
        day += f", {task.due_on.year}"
    return f"{task.title}, due {day}"


def reason_labels(goal: Goal | None) -> list[str]:
    return goal.get_reason_labels() if goal else []


def journal_for_meeting(
    viewer: Viewer,
    meeting: Meeting,
    *,
    goal_form: GoalForm | None = None,
    reflection_form: ReflectionForm | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """{"mode": "goal" | "reflect" | "", "goal", "reasons", "goal_form", "reflection",
    "reflection_form", "value_label", "follow_ups_made"}: "goal" while the viewer may set one,
    "reflect" once the meeting ended for someone who was there; "" for everyone else (nothing
    is shown)."""
    moment = now or timezone.now()
    out: dict[str, Any] = {"mode": "", "meeting": meeting}
    if not viewer.is_authenticated:
        return out
    if permissions.may_set_goal(viewer, meeting, moment):
        goal = selectors.goal_of(viewer, meeting)
        if goal_form is None:
            goal_form = GoalForm(
                initial=goal_initial(goal), meeting=meeting, candidates=selectors.goal_candidates(viewer, meeting)
            )
        out.update(
            mode="goal",
            goal=goal,
            reasons=reason_labels(goal),
            goal_form=goal_form,
            started=meeting.has_started(moment),
        )
    elif permissions.may_reflect(viewer, meeting, moment):
        goal = selectors.goal_of(viewer, meeting)
        reflection = selectors.reflection_of(viewer, meeting)
        if reflection_form is None:
            initial: dict[str, Any] = {}
            if reflection is not None and reflection.value is not None:
                initial = {
                    "value": reflection.value,
                    "goal_met": reflection.goal_met,
                    "takeaways": reflection.takeaways,
                    "met": [p.person.public_id for p in reflection.people.all()],
                }
            reflection_form = ReflectionForm(
                initial=initial, candidates=selectors.reflection_candidates(viewer, meeting)
            )
        out.update(
            mode="reflect",
            goal=goal,
            reasons=reason_labels(goal),
            reflection=reflection,
            reflection_form=reflection_form,
            answered=reflection is not None and reflection.value is not None,
            dismissed=reflection is not None and reflection.value is None,
            value_label=VALUE_LABELS.get(reflection.value or 0, "") if reflection else "",
            # Said beside the follow-ups so nobody adds them again (tester 2 on issue 10).
            follow_ups_made=[follow_up_label(t, today_for(viewer, moment)) for t in meeting_tasks(viewer, meeting)],
        )
    return out
