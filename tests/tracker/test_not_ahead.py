"""Activities dated ahead (second tester on issue 10): outreach, applications, follow-ups and
offers are logged once they happen, so a future day is refused with the reason (form and
API); conversations, informational interviews and interviews can be booked, and a future one
is upcoming."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from roundtable.tracker.models import Activity
from roundtable.tracker.selectors import today_for
from tests.factories import UserFactory
from tests.tracker.helpers import bearer, logged_in

pytestmark = pytest.mark.django_db

REFUSED = {
    "outreach": "Log an outreach message once it is sent: pick today or earlier.",
    "application": "Log an application once it is sent: pick today or earlier.",
    "follow_up": "Log a follow-up once it is sent: pick today or earlier.",
    "offer": "Log an offer once you have it: pick today or earlier.",
}
BOOKABLE = ["conversation", "informational", "interview"]


def _api(owner, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return Client().post("/api/v1/me/activities", json.dumps(body), content_type="application/json", **bearer(owner))


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_work_that_cannot_happen_ahead_is_refused_for_tomorrow(kind: str) -> None:
    owner = UserFactory()
    tomorrow = today_for(owner) + timedelta(days=1)
    r = _api(owner, {"kind": kind, "day": tomorrow.isoformat()})
    assert (r.status_code, r.json()) == (400, {"detail": REFUSED[kind]})
    page = logged_in(owner).post("/tracker/activities/new/", {"kind": kind, "day": tomorrow.isoformat()})
    assert page.status_code == 400
    assert REFUSED[kind] in page.content.decode()
    assert Activity.objects.count() == 0
    # Today is fine, and is no upcoming activity.
    r = _api(owner, {"kind": kind, "day": today_for(owner).isoformat()})
    assert (r.status_code, r.json()["upcoming"]) == (201, False)


@pytest.mark.parametrize("kind", BOOKABLE)
def test_work_that_can_be_booked_is_upcoming_when_ahead(kind: str) -> None:
    owner = UserFactory()
    ahead = today_for(owner) + timedelta(days=5)
    r = _api(owner, {"kind": kind, "day": ahead.isoformat()})
    assert (r.status_code, r.json()["day"], r.json()["upcoming"]) == (201, ahead.isoformat(), True)
    page = logged_in(owner).post("/tracker/activities/new/", {"kind": kind, "day": ahead.isoformat()})
    assert page.status_code == 302
    assert list(Activity.objects.values_list("kind", "occurred_on")) == [(kind, ahead), (kind, ahead)]
