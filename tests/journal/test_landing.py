""" "I landed": the page, the profile status, the next steps, and its refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from roundtable.accounts.models import Profile
from roundtable.groups.models import MembershipState
from roundtable.tracker.models import Landing
from tests.factories import ContactFactory, GroupFactory, MembershipFactory, UserFactory

from .world import as_client, world

pytestmark = pytest.mark.django_db


def _post(c, **data):  # type: ignore[no-untyped-def]
    base = {"company_name": "Acme", "role": "Data analyst", "source": "networking", "landed_on": "2026-01-15"}
    return c.post("/me/landed/", {**base, **data})


def test_landing_sets_status_and_offers_what_exists() -> None:
    w = world(others=0)
    contact = ContactFactory(owner=w.ann, name="Priya")
    c = as_client(w.ann)
    assert "I landed!" in c.get("/me/landed/").content.decode()
    page = c.get("/me/landed/").content.decode()
    assert '<datalist id="landed-contact-names"><option value="Priya"></option></datalist>' in page
    assert "<select" not in page[page.index("Which contact") : page.index("landed-contact-names")]
    r = _post(c, group=w.group.slug, contact="priya", search_started_on="2025-10-01")
    assert (r.status_code, r["Location"]) == (302, "/me/landed/next/")
    landing = Landing.objects.get()
    assert (landing.company_name, landing.role, landing.source, landing.group, landing.contact) == (
        "Acme", "Data analyst", "networking", w.group, contact
    )  # fmt: skip
    assert (landing.landed_on, landing.search_started_on) == (date(2026, 1, 15), date(2025, 10, 1))
    assert Profile.objects.get(user=w.ann).search_status == "landed"
    page = c.get("/me/landed/next/").content.decode()
    assert "Tell your story at your next meeting" in page
    assert "Harbor circle" in page
    assert "Stay on to help others" in page
    _post(c, will_help_others="on")
    assert Profile.objects.get(user=w.ann).search_status == "helping"
    assert Landing.objects.count() == 1


def test_another_persons_group_or_contact_is_refused_and_nothing_changes() -> None:
    w = world(others=0)
    someone = UserFactory()
    theirs = ContactFactory(owner=someone)
    not_mine = GroupFactory()
    banned = GroupFactory()
    MembershipFactory(group=banned, user=w.ann, state=MembershipState.BANNED)
    c = as_client(w.ann)
    for data in ({"group": not_mine.slug}, {"group": banned.slug}):
        r = _post(c, **data)
        assert r.status_code == 400
        assert "Select a valid choice." in r.content.decode()
    for name in (theirs.name, theirs.public_id):
        r = _post(c, contact=name)
        assert r.status_code == 400
        assert "None of your contacts has that name: pick one from the list, or leave it empty." in r.content.decode()
    assert Landing.objects.count() == 0
    assert Profile.objects.get(user=w.ann).search_status == "searching"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"company_name": ""}, "This field is required."),
        ({"role": "a\nb"}, "line break"),
        ({"source": "luck"}, "Select a valid choice."),
        ({"landed_on": "9999-01-01"}, "Pick a date between 1900-01-01 and 2999-12-31."),
        ({"landed_on": "2026-13-40"}, "Enter a date as YYYY-MM-DD."),
        ({"search_started_on": "2026-02-01"}, "Your search started on or before the day you landed."),
    ],
)
def test_bad_landing_input_is_a_form_error(data: dict[str, str], error: str) -> None:
    w = world(others=0)
    r = _post(as_client(w.ann), **data)
    assert r.status_code == 400
    assert error in r.content.decode()
    assert Landing.objects.count() == 0


def test_a_day_in_the_future_is_refused() -> None:
    w = world(others=0)
    later = (timezone.localdate() + timedelta(days=5)).isoformat()
    r = _post(as_client(w.ann), landed_on=later)
    assert r.status_code == 400
    assert "Pick the day you landed: today or earlier." in r.content.decode()
