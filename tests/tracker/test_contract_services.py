"""The tracker services the journal builds on: a member met becomes one contact; tasks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from roundtable.tracker import services
from roundtable.tracker.models import Company, Contact, Task
from roundtable.tracker.selectors import today_for
from tests.factories import ContactFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_met_twice_is_one_contact_linked_to_the_first_meeting() -> None:
    owner, person = UserFactory(), UserFactory()
    person.profile.display_name = "Dana Ortiz"
    person.profile.save()
    first = MeetingFactory(title="Resume clinic")
    later = MeetingFactory(starts_at=first.starts_at + timedelta(days=14))

    contact = services.contact_from_member(owner=owner, person=person, meeting=first)
    again = services.contact_from_member(owner=owner, person=person, meeting=later)

    assert again.pk == contact.pk
    assert Contact.objects.filter(owner=owner).count() == 1
    contact.refresh_from_db()
    assert (contact.name, contact.meeting_id, contact.group_id, contact.how_met) == (
        "Dana Ortiz",
        first.pk,
        first.group_id,
        "Met at Resume clinic",
    )
    # The meeting's day where the owner lives (the UTC date differs for hours after midnight UTC).
    assert contact.last_touch_on == today_for(owner, later.starts_at)


def test_company_names_are_one_company_whatever_their_case() -> None:
    owner = UserFactory()
    acme = services.company_for_name(owner=owner, name="Acme")
    assert services.company_for_name(owner=owner, name="  ACME ") == acme
    assert services.company_for_name(owner=owner, name="   ") is None
    assert Company.objects.filter(owner=owner).count() == 1
    with pytest.raises(services.TrackerError) as err:
        services.company_for_name(owner=owner, name="Acme\nInc")
    assert err.value.field == "company"


def test_task_create_refuses_a_blank_title_and_another_persons_contact() -> None:
    owner = UserFactory()
    task = services.task_create(owner=owner, title=" Thank Dana ", due_on=date(2026, 12, 1))
    assert (task.title, task.due_on, task.done_at) == ("Thank Dana", date(2026, 12, 1), None)
    with pytest.raises(services.TrackerError) as blank:
        services.task_create(owner=owner, title="  ")
    assert (blank.value.field, blank.value.message) == ("title", "This cannot be blank.")
    with pytest.raises(services.TrackerError) as theirs:
        services.task_create(owner=owner, title="x", contact=ContactFactory())
    assert (theirs.value.field, theirs.value.status) == ("contact", 404)
    assert Task.objects.filter(owner=owner).count() == 1
