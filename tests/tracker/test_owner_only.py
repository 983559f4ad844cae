"""Owner-only, on every surface (issue 10, item 8): every tracker page and API operation
answers another person's ids, in the path or in the body, with the same 404 as a missing id,
and changes nothing; anonymous visitors are sent to log in (pages) or get 401 (API)."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from roundtable.groups.models import GroupVisibility
from roundtable.tracker import urls as tracker_urls
from roundtable.tracker.api import router
from tests.clients import unmask as _unmask
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory
from tests.tracker.helpers import Tracker, bearer, build, logged_in, snapshot

pytestmark = pytest.mark.django_db

MISSING = "zzzzzzzzzzzz"


def _row_urls(t: Tracker, pid: str | None = None) -> dict[str, str]:
    """Every tracker page that names a row, with that row's id (or `pid` for all)."""
    rows = {"contact": t.contact, "company": t.company, "opportunity": t.opportunity, "activity": t.activity,
            "task": t.task}  # fmt: skip
    out: dict[str, str] = {}
    for pattern in tracker_urls.urlpatterns:
        name = pattern.name or ""
        if "public_id" not in str(pattern.pattern):
            continue
        row = rows[name.split("_")[0]]
        out[name] = reverse(f"tracker:{name}", args=[pid or row.public_id])
    return out


def test_every_row_page_is_in_the_walk() -> None:
    named = {p.name for p in tracker_urls.urlpatterns if "public_id" in str(p.pattern)}
    assert named == {
        "contact", "contact_edit", "contact_delete", "company", "company_edit", "company_delete", "opportunity",
        "opportunity_edit", "opportunity_delete", "opportunity_move", "activity_edit", "activity_delete",
        "task_edit", "task_done", "task_delete",
    }  # fmt: skip


def test_another_persons_ids_answer_404_like_missing_ones_and_change_nothing() -> None:
    ann, bob = UserFactory(), UserFactory()
    theirs = build(bob, name="Bob's contact", company="Bob Co")
    build(ann)
    before = snapshot(bob)
    c = logged_in(ann)
    for name, url in _row_urls(theirs).items():
        missing_url = _row_urls(theirs, MISSING)[name]
        for method in ("get", "post"):
            body = {"name": "Taken", "company": "X", "role": "Y", "stage": "offer", "title": "T", "kind": "offer",
                    "done": "1", "position": "0", "direction": "up"}  # fmt: skip
            r = getattr(c, method)(url, body)
            m = getattr(c, method)(missing_url, body)
            if r.status_code == 405:  # a POST-only address opened as a link
                assert m.status_code == 405, (name, method)
                continue
            assert (name, method, r.status_code) == (name, method, 404)
            assert _unmask(r.text) == _unmask(m.text), (name, method)
    assert snapshot(bob) == before


def test_another_persons_ids_in_a_form_body_are_refused() -> None:
    ann, bob = UserFactory(), UserFactory()
    theirs = build(bob)
    before = snapshot(bob)
    c = logged_in(ann)
    r = c.post(reverse("tracker:activity_new"), {"kind": "conversation", "opportunity": theirs.opportunity.public_id})
    assert r.status_code == 400
    assert "Choose one from the list." in r.text
    assert snapshot(bob) == before
    assert not ann_activities(ann)


def ann_activities(owner: Any) -> list[object]:
    from roundtable.tracker.models import Activity

    return list(Activity.objects.filter(owner=owner))


def test_anonymous_visitors_are_sent_to_log_in_from_every_page() -> None:
    t = build(UserFactory())
    urls = [reverse(f"tracker:{p.name}") for p in tracker_urls.urlpatterns if "(?P<" not in str(p.pattern)
            and "<" not in str(p.pattern)]  # fmt: skip
    urls += [
        reverse("tracker:export_file", args=["zip"]), reverse("tracker:export_file", args=["json"])
    ]  # fmt: skip
    urls += list(_row_urls(t).values())
    assert len(urls) == len(tracker_urls.urlpatterns) + 1  # the export twice: zip and JSON
    for url in urls:
        r = Client().get(url)
        assert r.status_code in (302, 405), url
        if r.status_code == 302:
            assert r["Location"] == f"/accounts/login/?next={url}"


def _api_calls(t: Tracker, pid: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """Every API operation that names a row, with a body that is valid but for the ids."""
    contact, company, opp, act, task = (
        pid or t.contact.public_id, pid or t.company.public_id, pid or t.opportunity.public_id,
        pid or t.activity.public_id, pid or t.task.public_id,
    )  # fmt: skip
    return [
        ("get", f"/api/v1/me/contacts/{contact}", {}),
        ("put", f"/api/v1/me/contacts/{contact}", {"name": "Changed"}),
        ("delete", f"/api/v1/me/contacts/{contact}", {}),
        ("get", f"/api/v1/me/companies/{company}", {}),
        ("put", f"/api/v1/me/companies/{company}", {"name": "Changed"}),
        ("delete", f"/api/v1/me/companies/{company}", {}),
        ("get", f"/api/v1/me/opportunities/{opp}", {}),
        ("put", f"/api/v1/me/opportunities/{opp}", {"company": "C", "role": "R"}),
        ("post", f"/api/v1/me/opportunities/{opp}/move", {"stage": "offer"}),
        ("delete", f"/api/v1/me/opportunities/{opp}", {}),
        ("get", f"/api/v1/me/activities/{act}", {}),
        ("put", f"/api/v1/me/activities/{act}", {"kind": "offer"}),
        ("delete", f"/api/v1/me/activities/{act}", {}),
        ("get", f"/api/v1/me/tasks/{task}", {}),
        ("put", f"/api/v1/me/tasks/{task}", {"title": "Changed", "done": True}),
        ("delete", f"/api/v1/me/tasks/{task}", {}),
    ]


def _body_calls(t: Tracker) -> list[tuple[str, str, dict[str, Any]]]:
    """Operations on the caller's own rows, or creations, naming the other person's rows in the body."""
    return [
        ("post", "/api/v1/me/activities", {"kind": "conversation", "contact": t.contact.public_id}),
        ("post", "/api/v1/me/activities", {"kind": "conversation", "company": t.company.public_id}),
        ("post", "/api/v1/me/activities", {"kind": "application", "opportunity": t.opportunity.public_id}),
        ("post", "/api/v1/me/opportunities", {"company": "A", "role": "B", "source_contact": t.contact.public_id}),
        ("post", "/api/v1/me/tasks", {"title": "T", "contact": t.contact.public_id}),
        ("post", "/api/v1/me/tasks", {"title": "T", "opportunity": t.opportunity.public_id}),
    ]


def test_every_api_operation_answers_404_for_another_persons_ids_in_path_and_body() -> None:
    ann, bob = UserFactory(), UserFactory()
    theirs = build(bob, name="Bob's contact", company="Bob Co")
    mine = build(ann)
    before_bob, before_ann = snapshot(bob), snapshot(ann)
    c, auth = Client(), bearer(ann)
    for (method, url, body), (_m, missing_url, _b) in zip(_api_calls(theirs), _api_calls(theirs, MISSING), strict=True):
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        r = getattr(c, method)(url, **kwargs, **auth)
        m = getattr(c, method)(missing_url, **kwargs, **auth)
        assert (method, url, r.status_code) == (method, url, 404)
        assert r.json() == m.json()
        assert set(r.json()) == {"detail"}
    for method, url, body in _body_calls(theirs):
        r = getattr(c, method)(url, data=json.dumps(body), content_type="application/json", **auth)
        assert (url, body, r.status_code) == (url, body, 404)
    # The caller's own rows, with the other person's contact in the body.
    body = json.dumps({"title": "x", "contact": theirs.contact.public_id})
    r = c.put(f"/api/v1/me/tasks/{mine.task.public_id}", data=body, content_type="application/json", **auth)
    assert r.status_code == 404
    # Bob's secret group and the meeting he went to, in Ann's bodies: as missing ones.
    secret = GroupFactory(visibility=GroupVisibility.SECRET)
    MembershipFactory(group=secret, user=bob)
    went = MeetingFactory(group=secret, starts_at=timezone.now() - timedelta(days=2))
    RsvpFactory(meeting=went, user=bob)
    for method, url, body, missing in (
        ("post", "/api/v1/me/opportunities", {"company": "A", "role": "B", "source_group": secret.slug}, "no-such"),
        ("put", f"/api/v1/me/opportunities/{mine.opportunity.public_id}",
         {"company": "A", "role": "B", "source_group": secret.slug}, "no-such"),
        ("post", "/api/v1/me/contacts", {"name": "N", "group": secret.slug}, "no-such"),
        ("put", f"/api/v1/me/contacts/{mine.contact.public_id}", {"name": "N", "group": secret.slug}, "no-such"),
        ("post", "/api/v1/me/contacts", {"name": "N", "meeting": went.public_id}, MISSING),
        ("put", f"/api/v1/me/contacts/{mine.contact.public_id}", {"name": "N", "meeting": went.public_id}, MISSING),
    ):  # fmt: skip
        key = next(k for k in ("source_group", "group", "meeting") if k in body)
        r = getattr(c, method)(url, data=json.dumps(body), content_type="application/json", **auth)
        m = getattr(c, method)(url, data=json.dumps({**body, key: missing}), content_type="application/json", **auth)
        assert (url, key, r.status_code, r.json()) == (url, key, 404, m.json())
    assert snapshot(bob) == before_bob
    assert snapshot(ann) == before_ann


def test_every_api_operation_is_walked_and_anonymous_callers_get_401() -> None:
    t = build(UserFactory())
    walked = {(m.upper(), u.replace(t.contact.public_id, "{id}").replace(t.company.public_id, "{id}")
               .replace(t.opportunity.public_id, "{id}").replace(t.activity.public_id, "{id}")
               .replace(t.task.public_id, "{id}")) for m, u, _ in _api_calls(t)}  # fmt: skip
    operations = {
        (method, "/api/v1/me" + path.replace("{public_id}", "{id}"))
        for path, view in router.path_operations.items()
        for op in view.operations
        for method in op.methods
    }
    listed = {
        ("GET", "/api/v1/me/contacts"), ("POST", "/api/v1/me/contacts"), ("GET", "/api/v1/me/companies"),
        ("POST", "/api/v1/me/companies"), ("GET", "/api/v1/me/opportunities"), ("POST", "/api/v1/me/opportunities"),
        ("GET", "/api/v1/me/activities"), ("POST", "/api/v1/me/activities"), ("GET", "/api/v1/me/tasks"),
        ("POST", "/api/v1/me/tasks"), ("GET", "/api/v1/me/targets"), ("PUT", "/api/v1/me/targets"),
        ("POST", "/api/v1/me/import/{kind}"), ("GET", "/api/v1/me/export"), ("GET", "/api/v1/me/export.zip"),
    }  # fmt: skip
    assert operations == walked | listed
    for method, url in sorted(walked | listed):
        url = url.replace("{id}", t.contact.public_id).replace("{kind}", "contacts")
        body = {} if method == "GET" else {"data": "{}", "content_type": "application/json"}
        r = getattr(Client(), method.lower())(url, **body)
        assert (method, url, r.status_code) == (method, url, 401)


def test_lists_and_exports_hold_only_the_callers_rows() -> None:
    ann, bob = UserFactory(), UserFactory()
    build(bob, name="Bob's contact", company="Bob Co")
    build(ann)
    c, auth = Client(), bearer(ann)
    for path in ("contacts", "companies", "opportunities", "activities", "tasks"):
        body = c.get(f"/api/v1/me/{path}", **auth).json()
        assert body["count"] == 1, path
    export = c.get("/api/v1/me/export", **auth).json()
    assert [x["name"] for x in export["contacts"]] == ["Dana Ortiz"]
    assert "Bob" not in json.dumps(export)
    page = logged_in(ann).get(reverse("tracker:export_file", args=["json"]))
    assert b"Bob" not in page.content
    assert io.BytesIO(logged_in(ann).get(reverse("tracker:export_file", args=["zip"])).content).read(2) == b"PK"
    assert get_resolver() is not None
