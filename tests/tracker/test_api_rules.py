"""The API's smaller rules from the tester's report (item 17): strict numbers, one shape of an
opportunity in the list and the detail, and what a second POST of a reflection does."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from roundtable.journal.models import Reflection
from roundtable.tracker import services
from roundtable.tracker.models import WeeklyTarget
from tests.factories import UserFactory
from tests.journal.world import end, world
from tests.tracker.helpers import bearer

pytestmark = pytest.mark.django_db


def _send(method: str, path: str, body: object, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    call = getattr(Client(), method)
    return call(path, json.dumps(body), content_type="application/json", **headers)


def test_a_number_sent_as_text_is_refused_and_nothing_changes() -> None:
    owner = UserFactory()
    services.targets_set(owner=owner, per_week={"outreach": 5})
    headers = bearer(owner)
    r = _send("put", "/api/v1/me/targets", {"outreach": "7"}, headers)
    assert (r.status_code, r.json()["detail"]) == (
        422, "The request is not valid: outreach: send a number, not text ('7' is text).",
    )  # fmt: skip
    assert list(WeeklyTarget.objects.filter(owner=owner).values_list("kind", "per_week")) == [("outreach", 5)]
    ok = _send("put", "/api/v1/me/targets", {"outreach": 7}, headers)
    assert (ok.status_code, ok.json()["per_week"]["outreach"]) == (200, 7)
    # Everywhere a body takes a number: an activity's length too.
    r = _send("post", "/api/v1/me/activities", {"kind": "interview", "duration_minutes": "45"}, headers)
    assert (r.status_code, r.json()["detail"]) == (
        422, "The request is not valid: duration_minutes: send a number, not text ('45' is text).",
    )  # fmt: skip


def test_the_list_and_the_detail_show_an_opportunity_the_same_way() -> None:
    owner = UserFactory()
    opp = services.opportunity_create(owner=owner, data=services.OpportunityData(company_name="Acme", role="PM"))
    services.opportunity_move(opportunity=opp, stage="applied")
    services.opportunity_create(owner=owner, data=services.OpportunityData(company_name="Contoso", role="QA"))
    headers = bearer(owner)
    listed = Client().get("/api/v1/me/opportunities", **headers).json()["results"]
    for row in listed:
        detail = Client().get(f"/api/v1/me/opportunities/{row['id']}", **headers).json()
        assert row == detail
    assert [[(h["from_stage"], h["to_stage"]) for h in row["stage_history"]] for row in listed] == [
        [("", "researching"), ("researching", "applied")],
        [("", "researching")],
    ]


def test_a_second_post_of_a_reflection_replaces_it_and_keeps_the_people_met() -> None:
    w = world()
    end(w.meeting)
    headers = bearer(w.ann)
    met = [u.public_id for u in w.going[:2]]
    first = _send("post", "/api/v1/me/reflections", {"meeting": w.meeting.public_id, "value": 4,
                                                     "takeaways": "Ask for intros", "met": met}, headers)  # fmt: skip
    assert first.status_code == 200
    second = _send("post", "/api/v1/me/reflections", {"meeting": w.meeting.public_id, "value": 2}, headers)
    assert second.status_code == 200
    body = second.json()
    assert (body["id"], body["value"], body["takeaways"]) == (first.json()["id"], 2, "")
    assert [m["name"] for m in body["met"]] == ["Member B", "Member C"]
    assert Reflection.objects.filter(owner=w.ann).count() == 1
    cleared = _send("post", "/api/v1/me/reflections", {"meeting": w.meeting.public_id, "value": 2, "met": []},
                    headers)  # fmt: skip
    assert cleared.json()["met"] == []
    # Someone else's POST for the same meeting touches nothing of Ann's.
    other = _send("post", "/api/v1/me/reflections", {"meeting": w.meeting.public_id, "value": 5}, bearer(UserFactory()))
    assert (other.status_code, other.json()) == (
        400, {"detail": "Only people who were there can say how it went: you weren't going, or were marked absent."},
    )  # fmt: skip
    assert Reflection.objects.get(owner=w.ann).value == 2
