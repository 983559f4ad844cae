"""A <time datetime> is a valid HTML date-time: seconds at most, never Python's microseconds
(the Nu checker refused "2026-11-30T10:42:44.249315+00:00" on an opportunity's history)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from roundtable.tracker.models import Company, Opportunity, StageChange
from tests.factories import UserFactory
from tests.tracker.helpers import logged_in

pytestmark = pytest.mark.django_db


def test_an_opportunitys_history_writes_its_moments_to_the_second() -> None:
    owner = UserFactory()
    o = Opportunity.objects.create(owner=owner, company=Company.objects.create(owner=owner, name="Acme"), role="PM")
    StageChange.objects.create(opportunity=o, from_stage="", to_stage="researching",
                               changed_at=datetime(2026, 11, 30, 10, 42, 44, 249315, tzinfo=UTC))  # fmt: skip
    page = logged_in(owner).get(f"/tracker/opportunities/{o.public_id}/").content.decode()
    moments = re.findall(r'<time datetime="([^"]+)"', page)
    assert moments
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d{4})?", m) for m in moments), moments
