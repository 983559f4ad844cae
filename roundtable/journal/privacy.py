"""What the journal holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from roundtable.privacy.registry import Deletion, exclude, register

from .models import Goal, GoalPerson, LandingThanks, Reflection, ReflectionPerson, ReflectionPromptSent, SharedStatus

register(
    Goal, area="Journal", label="Goals before meetings", mine=("owner",), deletion=Deletion.ERASE,
    note="Your goals and reflections are erased.",
)  # fmt: skip
register(GoalPerson, area="Journal", label="People you meant to meet", mine=("goal__owner",), deletion=Deletion.ERASE)
register(Reflection, area="Journal", label="Reflections after meetings", mine=("owner",), deletion=Deletion.ERASE)
register(
    ReflectionPerson, area="Journal", label="People you met", mine=("reflection__owner",), deletion=Deletion.ERASE,
)  # fmt: skip
register(
    ReflectionPromptSent, area="Journal", label="Reflection prompts sent to you", mine=("user",),
    deletion=Deletion.ERASE,
)  # fmt: skip
register(LandingThanks, area="Journal", label="Thanks for your landing", mine=("owner",), deletion=Deletion.ERASE)
register(
    SharedStatus, area="Journal", label="Statuses you shared in roundtables", mine=("turn__user",),
    deletion=Deletion.ERASE,
)  # fmt: skip
exclude(
    "journal.MeetingValue",
    "A meeting's total of values, fixed once answers close; no person can be read from it (its docstring).",
)
exclude(
    "journal.GroupLandings",
    "A group's count and median of landings, fixed in steps; no person can be read from it (its docstring).",
)
