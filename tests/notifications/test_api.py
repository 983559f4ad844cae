"""The notifications API: the same answers as the inbox page, owner-only (404 as missing),
access re-checked, preferences with reasons for bad values, and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.services import api_token_create
from roundtable.groups.models import Membership, MembershipState
from roundtable.notifications import selectors
from roundtable.notifications.kinds import all_kinds
from roundtable.notifications.models import Notification, Preference
from tests.factories import GroupFactory, MembershipFactory

from .news import KIND, KIND_NO_BULK
from .test_inbox_pages import _news, _world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/me/notifications"


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_list_count_and_mark_read() -> None:
    reader, poster, [group] = _world()
    old = _news(reader, group, poster, "Old news", ago=60)
    new = _news(reader, group, poster, "Fresh news", ago=1)
    c, auth = Client(), bearer(reader)
    body = c.get(BASE, **auth).json()
    assert [(r["id"], r["title"], r["url"], r["actor"], r["read_at"]) for r in body["results"]] == [
        (new.public_id, "Sam Ortiz posted in Circle 0: Fresh news", f"/groups/{group.slug}/", "Sam Ortiz", None),
        (old.public_id, "Sam Ortiz posted in Circle 0: Old news", f"/groups/{group.slug}/", "Sam Ortiz", None),
    ]
    assert (body["page"], body["page_size"], body["has_next"], body["has_previous"], body["unread"]) == (
        1,
        20,
        False,
        False,
        2,
    )
    assert c.get(f"{BASE}/unread", **auth).json() == {"unread": 2}
    response = c.post(f"{BASE}/{old.public_id}/read", **auth)
    assert response.status_code == 200
    assert response.json()["id"] == old.public_id
    assert response.json()["read_at"] is not None
    assert c.get(f"{BASE}/unread", **auth).json() == {"unread": 1}
    assert c.post(f"{BASE}/read", **auth).json() == {"marked": 1}
    assert c.post(f"{BASE}/read", **auth).json() == {"marked": 0}
    assert c.get(f"{BASE}/unread", **auth).json() == {"unread": 0}


def test_another_persons_id_answers_404_as_a_missing_one() -> None:
    reader, poster, [group] = _world()
    n = _news(reader, group, poster, "Private")
    c, auth = Client(), bearer(poster)
    theirs = c.post(f"{BASE}/{n.public_id}/read", **auth)
    missing = c.post(f"{BASE}/abcdefghijkm/read", **auth)
    odd = c.post(f"{BASE}/{'x' * 500}/read", **auth)
    assert (theirs.status_code, theirs.json()) == (404, {"detail": "Not found."})
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})
    assert odd.status_code == 404
    assert c.get(BASE, **auth).json()["results"] == []
    assert c.post(f"{BASE}/read", **auth).json() == {"marked": 0}
    n.refresh_from_db()
    assert n.read_at is None
    assert Client().get(BASE).status_code == 401


def test_lost_access_is_neither_listed_nor_counted() -> None:
    reader, poster, [kept, left] = _world(groups=2)
    _news(reader, kept, poster, "Kept")
    gone = _news(reader, left, poster, "Gone")
    Membership.objects.filter(group=left, user=reader).update(state=MembershipState.LEFT)
    c, auth = Client(), bearer(reader)
    body = c.get(BASE, **auth).json()
    assert [r["title"] for r in body["results"]] == ["Sam Ortiz posted in Circle 0: Kept"]
    assert body["unread"] == 1
    assert c.get(f"{BASE}/unread", **auth).json() == {"unread": 1}
    assert c.post(f"{BASE}/{gone.public_id}/read", **auth).status_code == 404


def test_preferences_get_and_put() -> None:
    reader, _, _ = _world()
    c, auth = Client(), bearer(reader)
    kinds = c.get(f"{BASE}/preferences", **auth).json()["kinds"]
    # Every registered kind is listed, the apps' too (in the registry's order); these tests' own:
    assert [k["kind"] for k in kinds] == [k.key for k in all_kinds()]
    assert [k for k in kinds if k["kind"].startswith("tests.")] == [
        {"kind": KIND_NO_BULK.key, "label": "Quiet news in my groups", "inbox": True, "email": "digest"},
        {"kind": KIND.key, "label": "News in my groups", "inbox": True, "email": "now"},
    ]
    response = c.put(
        f"{BASE}/preferences",
        {"kinds": [{"kind": KIND.key, "inbox": False, "email": "never"}]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert next(k for k in response.json()["kinds"] if k["kind"] == KIND.key) == {
        "kind": KIND.key,
        "label": "News in my groups",
        "inbox": False,
        "email": "never",
    }
    assert list(Preference.objects.values_list("person", "kind", "inbox", "email")) == [
        (reader.pk, KIND.key, False, "never")
    ]


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"kinds": [{"kind": "network.nothing", "inbox": True, "email": "now"}]}, 400, "No such kind of notification"),
        ({"kinds": [{"kind": KIND.key, "inbox": True, "email": "hourly"}]}, 422, "kinds.0.email"),
        (
            {"kinds": [{"kind": KIND.key, "inbox": "yes", "email": "now"}]},
            422,
            "kinds.0: inbox: send true or false (a JSON boolean), not 'yes'.",
        ),
        ({"kinds": [{"kind": "tests.group\nnews", "inbox": True, "email": "now"}]}, 422, "kinds.0.kind"),
        ({"kinds": "all"}, 422, "kinds"),
    ],
)
def test_bad_preferences_answer_with_a_reason_and_change_nothing(body, status, detail) -> None:  # type: ignore[no-untyped-def]
    reader, _, _ = _world()
    response = Client().put(f"{BASE}/preferences", body, content_type="application/json", **bearer(reader))
    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert Preference.objects.count() == 0


@pytest.mark.parametrize("size", [2, 30])
def test_list_queries_do_not_grow(size: int) -> None:
    reader, poster, groups = _world(groups=3)
    for i in range(size):
        _news(reader, groups[i % 3], poster, f"News {i}")
    auth = bearer(reader)
    c = Client()
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(BASE, **auth)
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(size, 20)
    # token (with its user), last-used update, the unread check (rows, subjects, may_see_many),
    # the page (rows with actors, subjects, may_see_many).
    assert len(ctx.captured_queries) == 8, "\n".join(q["sql"][:100] for q in ctx.captured_queries)


def test_hidden_rows_are_skipped_by_the_badge_count_too() -> None:
    reader, poster, _ = _world()
    other = GroupFactory()
    MembershipFactory(group=other, user=reader)
    _news(reader, other, poster, "x")
    Membership.objects.filter(group=other, user=reader).delete()
    assert selectors.badge_count(reader) == 1
    Client().get(f"{BASE}/unread", **bearer(reader))
    assert selectors.badge_count(reader) == 0
    assert Notification.objects.get().hidden is True
