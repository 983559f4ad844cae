"""Owner-only, on every page and API operation of the journal: a second person using the first
person's ids (in the path or the body) gets the same 404 as for a missing one, and nothing
changes."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from roundtable.accounts.services import api_token_create
from roundtable.journal import landing, services
from roundtable.journal.models import Goal, GoalPerson, Reflection, ReflectionPerson
from roundtable.tracker.models import Contact, Landing, Task
from tests.factories import ContactFactory, GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory

from .world import as_client, end, world

pytestmark = pytest.mark.django_db


def _api(user):  # type: ignore[no-untyped-def]
    _t, secret = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _state() -> tuple[object, ...]:
    return (
        list(Goal.objects.values_list("pk", "owner", "reasons", "note")),
        list(GoalPerson.objects.values_list("pk", "goal", "person", "why")),
        list(Reflection.objects.values_list("pk", "owner", "value", "takeaways", "goal_met", "dismissed_at")),
        list(ReflectionPerson.objects.values_list("pk", "person")),
        list(Contact.objects.values_list("pk", "owner", "person")),
        list(Task.objects.values_list("pk", "owner", "title")),
        list(Landing.objects.values_list("pk", "owner", "role")),
    )


def test_a_second_person_gets_404_everywhere_and_nothing_changes() -> None:
    w = world(others=1)
    (b,) = w.going
    services.goal_set(owner=w.ann, meeting=w.meeting, reasons=["support"], note="Ann's own goal")
    past = MeetingFactory(group=w.group, title="Past circle")
    RsvpFactory(meeting=past, user=w.ann)
    RsvpFactory(meeting=past, user=b)
    end(past)
    reflection = services.reflection_save(owner=w.ann, meeting=past, value=5, takeaways="Ann's own takeaway",
                                          met=[b.public_id])  # fmt: skip
    goal = Goal.objects.get(owner=w.ann)
    ann_contact = ContactFactory(owner=w.ann, name="Ann's contact")
    landing.landing_record(owner=w.ann, data=landing.LandingData(
        company_name="Acme", role="Analyst", source="group", landed_on=date(2026, 1, 15), group=w.group))  # fmt: skip
    # A secret group's meeting Ann is in and the intruder is not.
    secret = GroupFactory(visibility="secret")
    MembershipFactory(group=secret, user=w.ann)
    hidden = MeetingFactory(group=secret)
    RsvpFactory(meeting=hidden, user=w.ann)

    intruder = UserFactory(name="Ivy Intruder")
    before = _state()
    page = as_client(intruder)
    api = _api(intruder)
    missing_page = page.get("/meetings/aaaaaaaaaaaa/goal/")
    assert missing_page.status_code == 404
    for method, url, data in [
        ("get", f"/meetings/{hidden.public_id}/goal/", {}),
        ("post", f"/meetings/{hidden.public_id}/goal/", {"reasons": ["support"]}),
        ("post", f"/meetings/{hidden.public_id}/goal/clear/", {}),
        ("get", f"/meetings/{hidden.public_id}/reflection/", {}),
        ("post", f"/meetings/{hidden.public_id}/reflection/", {"value": "1"}),
        ("post", f"/meetings/{hidden.public_id}/reflection/dismiss/", {}),
        ("get", f"/groups/{w.group.slug}/health/", {}),
        ("get", f"/groups/{secret.slug}/health/", {}),
    ]:
        r = getattr(page, method)(url, data)
        assert r.status_code == 404, url
    # The intruder's own pages never show Ann's entries.
    for url in ("/me/journal/", "/me/landed/", "/me/insights/", f"/meetings/{w.meeting.public_id}/",
                f"/meetings/{past.public_id}/"):  # fmt: skip
        body = page.get(url).content.decode()
        for secret_text in ("Ann's own goal", "Ann's own takeaway", "Acme", "Ann's contact"):
            assert secret_text not in body, url
    # Ann's contact and group named in the intruder's own landing: refused as unknown.
    r = page.post("/me/landed/", {"company_name": "X", "role": "Y", "source": "group", "landed_on": "2026-01-01",
                                  "contact": ann_contact.public_id, "group": secret.slug})  # fmt: skip
    assert r.status_code == 400
    not_found = {"detail": "Not found."}
    calls = [
        ("get", f"/api/v1/me/goals/{goal.public_id}", None, not_found),
        ("put", f"/api/v1/me/goals/{goal.public_id}", {"reasons": ["support"]}, not_found),
        ("delete", f"/api/v1/me/goals/{goal.public_id}", None, not_found),
        ("get", f"/api/v1/me/reflections/{reflection.public_id}", None, not_found),
        ("put", f"/api/v1/me/reflections/{reflection.public_id}", {"value": 1}, not_found),
        ("delete", f"/api/v1/me/reflections/{reflection.public_id}", None, not_found),
        ("post", "/api/v1/me/goals", {"meeting": hidden.public_id, "reasons": ["support"]},
         {"detail": "No such meeting."}),
        ("post", "/api/v1/me/reflections", {"meeting": hidden.public_id, "value": 1}, {"detail": "No such meeting."}),
        ("post", "/api/v1/me/reflections/dismiss", {"meeting": hidden.public_id}, {"detail": "No such meeting."}),
        ("get", "/api/v1/me/landing", None, {"detail": "You haven't said you landed."}),
        ("delete", "/api/v1/me/landing", None, {"detail": "You haven't said you landed."}),
        ("put", "/api/v1/me/landing", {"company_name": "X", "role": "Y", "source": "group", "landed_on": "2026-01-01",
                                       "contact": ann_contact.public_id}, {"detail": "No such contact."}),
        ("put", "/api/v1/me/landing", {"company_name": "X", "role": "Y", "source": "group", "landed_on": "2026-01-01",
                                       "group": secret.slug}, {"detail": "No such group."}),
        ("get", f"/api/v1/groups/{w.group.slug}/health", None, {"detail": "No such group."}),
        ("get", f"/api/v1/groups/{secret.slug}/health", None, {"detail": "No such group."}),
    ]  # fmt: skip
    for method, url, body, answer in calls:
        kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
        r = getattr(api, method)(url, **kwargs)
        assert (r.status_code, r.json()) == (404, answer), (method, url)
    # The same ids that do not exist at all answer alike.
    assert api.get("/api/v1/me/goals/aaaaaaaaaaaa").json() == not_found
    assert api.get("/api/v1/me/reflections/aaaaaaaaaaaa").json() == not_found
    # Lists hold only the caller's own.
    assert api.get("/api/v1/me/goals").json() == {"count": 0, "page": 1, "pages": 1, "results": []}
    assert api.get("/api/v1/me/reflections").json() == {"count": 0, "page": 1, "pages": 1, "results": []}
    # A member of the same group, going to the same meeting, naming Ann's ids in the body.
    goal_in = {"meeting": w.meeting.public_id, "reasons": ["support"], "people": [{"who": intruder.public_id}]}
    r = _api(b).post("/api/v1/me/goals", goal_in, content_type="application/json")
    assert (r.status_code, r.json()) == (404, {"detail": services.NOT_THERE})
    reflection_in = {"meeting": past.public_id, "value": 2, "met": [intruder.public_id]}
    r = _api(b).post("/api/v1/me/reflections", reflection_in, content_type="application/json")
    assert (r.status_code, r.json()) == (404, {"detail": services.NOT_THERE})
    assert _state() == before


def test_the_owner_uses_every_operation() -> None:
    w = world(others=1)
    (b,) = w.going
    api = _api(w.ann)
    r = api.post("/api/v1/me/goals", {"meeting": w.meeting.public_id, "reasons": ["meet_attendees", "support"],
                                      "note": "Meet B", "people": [{"who": b.public_id, "why": "Same field"}]},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 200
    goal = r.json()
    assert (goal["reasons"], goal["note"], goal["people"]) == (
        ["meet_attendees", "support"], "Meet B",
        [{"person": b.public_id, "name": "Member B", "is_speaker": False, "why": "Same field"}],
    )  # fmt: skip
    r = api.put(f"/api/v1/me/goals/{goal['id']}", {"reasons": ["learn_topic"]}, content_type="application/json")
    assert (r.json()["reasons"], r.json()["people"]) == (["learn_topic"], [])
    assert api.get("/api/v1/me/goals").json()["count"] == 1
    assert api.delete(f"/api/v1/me/goals/{goal['id']}").status_code == 204
    assert Goal.objects.count() == 0
    # Too early for a reflection: 400 with the reason.
    r = api.post("/api/v1/me/reflections", {"meeting": w.meeting.public_id, "value": 3},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 400
    end(w.meeting)
    r = api.post("/api/v1/me/reflections", {"meeting": w.meeting.public_id, "value": 4, "goal_met": "yes",
                                            "met": [b.public_id],
                                            "follow_ups": [{"title": "Email B", "due_on": "2027-01-05"}]},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 200
    out = r.json()
    contact = Contact.objects.get()
    assert (out["value"], out["goal_met"], out["dismissed"], out["met"]) == (
        4, "yes", False, [{"person": b.public_id, "name": "Member B", "contact": contact.public_id}]
    )  # fmt: skip
    assert list(Task.objects.values_list("title", "due_on")) == [("Email B", date(2027, 1, 5))]
    r = api.post("/api/v1/me/reflections", {"meeting": w.meeting.public_id, "value": 3,
                                            "follow_ups": [{"title": "Email B", "due_on": "9999-01-01"}]},
                 content_type="application/json")  # fmt: skip
    assert (r.status_code, r.json()) == (400, {"detail": "'due_on' must be a date between 1900-01-01 and 2999-12-31."})
    assert api.delete(f"/api/v1/me/reflections/{out['id']}").status_code == 204
    assert (Reflection.objects.count(), Contact.objects.count()) == (0, 1)
    r = api.post("/api/v1/me/reflections/dismiss", {"meeting": w.meeting.public_id}, content_type="application/json")
    assert (r.status_code, r.json()["dismissed"], r.json()["value"]) == (200, True, None)
    r = api.put("/api/v1/me/landing", {"company_name": "Acme", "role": "Analyst", "source": "group",
                                       "group": w.group.slug, "landed_on": "2026-01-15", "will_help_others": True},
                content_type="application/json")  # fmt: skip
    assert r.json() == {"company_name": "Acme", "role": "Analyst", "source": "group", "group": w.group.slug,
                        "contact": None, "landed_on": "2026-01-15", "search_started_on": None,
                        "will_help_others": True}  # fmt: skip
    assert w.ann.profile.__class__.objects.get(user=w.ann).search_status == "helping"
    assert api.get("/api/v1/me/landing").status_code == 200
    assert api.delete("/api/v1/me/landing").status_code == 204
    assert w.ann.profile.__class__.objects.get(user=w.ann).search_status == "searching"
