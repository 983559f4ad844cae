"""A reflection's follow-ups (second tester on issue 10): posting the same follow-up again
(a retry, a form sent twice) makes one task; the reflection page says which are already
added; a follow-up cannot be due before the meeting's day in the owner's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from roundtable.accounts.services import api_token_create
from roundtable.journal import services
from roundtable.tracker.models import Task

from .world import as_client, world

pytestmark = pytest.mark.django_db

# 02:00 UTC on Nov 20 is the evening of Thursday Nov 19 in New York (Ann's zone).
STARTS = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _api(user):  # type: ignore[no-untyped-def]
    _t, secret = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _tasks() -> list[tuple[object, ...]]:
    return list(Task.objects.order_by("pk").values_list("owner", "title", "due_on", "meeting"))


def test_the_api_posted_twice_makes_one_task() -> None:
    w = world(others=1, starts_at=STARTS)
    body = {"meeting": w.meeting.public_id, "value": 4, "follow_ups": [{"title": "Email Lena", "due_on": "2026-12-03"}]}
    api = _api(w.ann)
    for _ in range(2):
        r = api.post("/api/v1/me/reflections", body, content_type="application/json")
        assert r.status_code == 200
    assert _tasks() == [(w.ann.pk, "Email Lena", date(2026, 12, 3), w.meeting.pk)]
    # Case and spacing aside it is the same follow-up; another day or title is a new one.
    body["follow_ups"] = [
        {"title": "  email   LENA ", "due_on": "2026-12-03"},
        {"title": "Email Lena", "due_on": "2026-12-04"},
        {"title": "Email Lena", "due_on": "2026-12-04"},
        {"title": "Call Omar"},
    ]
    assert api.post("/api/v1/me/reflections", body, content_type="application/json").status_code == 200
    assert _tasks() == [
        (w.ann.pk, "Email Lena", date(2026, 12, 3), w.meeting.pk),
        (w.ann.pk, "Email Lena", date(2026, 12, 4), w.meeting.pk),
        (w.ann.pk, "Call Omar", None, w.meeting.pk),
    ]


def test_a_task_of_another_meeting_or_person_does_not_count() -> None:
    w = world(others=1, starts_at=STARTS)
    (b,) = w.going
    Task.objects.create(owner=w.ann, title="Email Lena", due_on=date(2026, 12, 3))
    Task.objects.create(owner=b, title="Email Lena", due_on=date(2026, 12, 3), meeting=w.meeting)
    services.reflection_save(
        owner=w.ann, meeting=w.meeting, value=3, follow_ups=[services.FollowUp("Email Lena", date(2026, 12, 3))]
    )
    assert Task.objects.filter(owner=w.ann, meeting=w.meeting).count() == 1
    assert Task.objects.count() == 3


def test_the_form_posted_twice_makes_one_task_and_the_page_says_it_is_added() -> None:
    w = world(others=1, starts_at=STARTS)
    url = f"/meetings/{w.meeting.public_id}/reflection/"
    c = as_client(w.ann)
    page = c.get(url).content.decode()
    assert "Already added" not in page
    data = {"value": "4", "follow_up_1": "Email Lena", "due_1": "2026-12-03", "follow_up_2": "Call Omar"}
    for _ in range(2):
        assert c.post(url, data).status_code == 302
    assert _tasks() == [
        (w.ann.pk, "Email Lena", date(2026, 12, 3), w.meeting.pk),
        (w.ann.pk, "Call Omar", None, w.meeting.pk),
    ]
    page = c.get(url).content.decode()
    assert '<p class="muted small follow-ups-made">Already added: Email Lena, due Dec 3; Call Omar</p>' in page


def test_the_year_is_said_for_a_follow_up_due_another_year() -> None:
    w = world(others=1, starts_at=STARTS)
    Task.objects.create(owner=w.ann, title="Check <in>", due_on=date(2031, 1, 5), meeting=w.meeting)
    page = as_client(w.ann).get(f"/meetings/{w.meeting.public_id}/reflection/").content.decode()
    assert "Already added: Check &lt;in&gt;, due Jan 5, 2031</p>" in page


REFUSED = "A follow-up cannot be due before the meeting: pick Thursday 19 November 2026 or later."


def test_a_follow_up_due_before_the_meeting_day_is_refused_in_the_owner_zone() -> None:
    w = world(others=1, starts_at=STARTS)
    url = f"/meetings/{w.meeting.public_id}/reflection/"
    r = as_client(w.ann).post(url, {"value": "4", "follow_up_1": "Email Lena", "due_1": "2026-11-18"})
    assert r.status_code == 400
    assert REFUSED in r.content.decode()
    r = _api(w.ann).post(
        "/api/v1/me/reflections",
        {"meeting": w.meeting.public_id, "value": 4, "follow_ups": [{"title": "Email Lena", "due_on": "2026-11-18"}]},
        content_type="application/json",
    )
    assert (r.status_code, r.json()["detail"]) == (400, REFUSED)
    assert Task.objects.count() == 0
    # The meeting's own day where Ann lives (Nov 19 in New York, Nov 20 in UTC) is fine.
    services.reflection_save(
        owner=w.ann, meeting=w.meeting, value=4, follow_ups=[services.FollowUp("Email Lena", date(2026, 11, 19))]
    )
    assert _tasks() == [(w.ann.pk, "Email Lena", date(2026, 11, 19), w.meeting.pk)]
