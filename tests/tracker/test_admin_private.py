"""Owner-only data stays out of the admin: staff are 'anyone else' too (issue 10, item 8)."""

from __future__ import annotations

from django.contrib import admin

from roundtable.journal.models import Goal, GoalPerson, Reflection, ReflectionPerson, SharedStatus
from roundtable.tracker.models import Activity, Company, Contact, Landing, Opportunity, StageChange, Task, WeeklyTarget


def test_no_owner_only_model_is_registered_in_the_admin() -> None:
    private = [Activity, Company, Contact, Opportunity, StageChange, Task, WeeklyTarget,
               Goal, GoalPerson, Reflection, ReflectionPerson, SharedStatus, Landing]  # fmt: skip
    assert [m.__name__ for m in private if admin.site.is_registered(m)] == []


def test_staff_get_404_for_a_tracker_admin_url(admin_client) -> None:  # type: ignore[no-untyped-def]
    assert admin_client.get("/admin/tracker/contact/").status_code == 404
    assert admin_client.get("/admin/journal/reflection/").status_code == 404
