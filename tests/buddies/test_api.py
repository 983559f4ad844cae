"""The buddies API: the same rules as the pages, through buddies.permissions."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.buddies import services
from roundtable.buddies.models import BuddyPair, CheckIn, CheckInReply, PoolEntry
from tests.factories import GroupFactory, MembershipFactory, UserFactory

from .world import join, paired, person

pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    _t, secret = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _send(client: Client, method: str, url: str, body: object = None):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")  # fmt: skip


POOL = {"checkin_day": 2, "max_offset_hours": 4, "field": "data", "field_wish": "same", "stage": 1,
        "languages": ["en", "fr"]}  # fmt: skip


def test_join_read_and_leave() -> None:
    group = GroupFactory(slug="harbor")
    ann = person("Ann Alder", group)
    api = _api(ann)
    assert api.get("/api/v1/me/buddy").json() == {"pool": None, "pair": None, "this_week": api.get(
        "/api/v1/me/buddy").json()["this_week"]}  # fmt: skip
    r = _send(api, "put", "/api/v1/me/buddy/pool", {**POOL, "group": "harbor"})
    assert r.status_code == 200
    pool = r.json()["pool"]
    assert {
        k: pool[k]
        for k in ("group", "checkin_day", "max_offset_hours", "field", "field_wish", "stage", "languages", "waiting")
    } == {
        "group": "harbor",
        "checkin_day": 2,
        "max_offset_hours": 4,
        "field": "data",
        "field_wish": "same",
        "stage": 1,
        "languages": ["en", "fr"],
        "waiting": "You'll be paired at the next matching run (Mondays).",
    }
    assert _send(api, "delete", "/api/v1/me/buddy/pool").status_code == 204
    assert PoolEntry.objects.get().left_at is not None


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({**POOL, "group": "secret-one"}, 404),
        ({**POOL, "max_offset_hours": 99}, 422),
        ({**POOL, "max_offset_hours": "3"}, 422),
        ({**POOL, "languages": []}, 422),
        ({**POOL, "languages": ["xx"]}, 422),
        ({**POOL, "checkin_day": 7}, 422),
        ({**POOL, "group": "bad\nslug"}, 422),
    ],
)
def test_bad_pool_bodies(body: dict[str, object], status: int) -> None:
    secret = GroupFactory(slug="secret-one", visibility="secret")
    MembershipFactory(group=secret)
    r = _send(_api(UserFactory()), "put", "/api/v1/me/buddy/pool", body)
    assert r.status_code == status
    assert "detail" in r.json()
    assert PoolEntry.objects.count() == 0


def test_pair_checkins_and_replies_for_members_only() -> None:
    w = paired()
    ann, bo = _api(w.ann), _api(w.bo)
    me = ann.get("/api/v1/me/buddy").json()
    assert me["pair"]["id"] == w.pair.public_id
    assert [b["name"] for b in me["pair"]["buddies"]] == ["Bo Birch"]
    assert me["pair"]["reasons"][0].startswith("You both target product management")
    r = _send(ann, "post", f"/api/v1/me/buddy/pairs/{w.pair.public_id}/checkins",
              {"commitments": "3 coffee chats\n1 application", "last_week": "partly"})  # fmt: skip
    assert r.status_code == 200
    checkin = r.json()
    assert (checkin["commitments"], checkin["last_week"]) == (["3 coffee chats", "1 application"], "partly")
    r = _send(bo, "post", f"/api/v1/me/buddy/checkins/{checkin['id']}/replies", {"reaction": "proud"})
    assert r.status_code == 200
    assert [(x["reaction"], x["author"]) for x in r.json()["replies"]] == [("proud", w.bo.public_id)]
    # Ann cannot reply to her own; nobody else sees or touches any of it.
    assert _send(ann, "post", f"/api/v1/me/buddy/checkins/{checkin['id']}/replies", {"text": "me"}).status_code == 400
    intruder = _api(UserFactory())
    assert intruder.get(f"/api/v1/me/buddy/pairs/{w.pair.public_id}/checkins").status_code == 404
    assert _send(intruder, "post", f"/api/v1/me/buddy/pairs/{w.pair.public_id}/checkins",
                 {"commitments": "x"}).status_code == 404  # fmt: skip
    assert _send(intruder, "post", f"/api/v1/me/buddy/checkins/{checkin['id']}/replies",
                 {"text": "x"}).status_code == 404  # fmt: skip
    assert _send(intruder, "post", f"/api/v1/me/buddy/pairs/{w.pair.public_id}/end").status_code == 404
    assert intruder.get("/api/v1/me/buddy/pairs/zzzzzzzzzzzz/checkins").json() == {"detail": "Not found."}
    assert [len(c["replies"]) for c in bo.get(f"/api/v1/me/buddy/pairs/{w.pair.public_id}/checkins").json()] == [1]
    assert (CheckIn.objects.count(), CheckInReply.objects.count()) == (1, 1)
    assert _send(bo, "post", f"/api/v1/me/buddy/pairs/{w.pair.public_id}/end").status_code == 204
    assert BuddyPair.objects.get().ended_by == w.bo
    r = _send(ann, "post", f"/api/v1/me/buddy/pairs/{w.pair.public_id}/checkins", {"commitments": "x"})
    assert r.status_code == 400
    assert r.json() == {"detail": "This pairing has ended: start a new one from the buddy page."}


def test_bad_checkin_bodies_are_refused_with_a_reason() -> None:
    w = paired()
    ann = _api(w.ann)
    url = f"/api/v1/me/buddy/pairs/{w.pair.public_id}/checkins"
    assert _send(ann, "post", url, {"commitments": ""}).status_code == 422
    assert _send(ann, "post", url, {"commitments": "a\x00b"}).status_code == 422
    assert _send(ann, "post", url, {"commitments": "ok", "activities": ["zzzzzzzzzzzz"]}).json() == {
        "detail": "Link only activities from your own tracker."
    }
    assert CheckIn.objects.count() == 0


def test_run_on_demand_for_facilitators_only() -> None:
    group = GroupFactory(slug="harbor")
    fac = UserFactory()
    MembershipFactory(group=group, user=fac, role="facilitator")
    member = person("Mo", group)
    assert _send(_api(member), "post", "/api/v1/groups/harbor/buddies/run").status_code == 404
    join(member, group)
    lonely = _send(_api(fac), "post", "/api/v1/groups/harbor/buddies/run")
    assert (lonely.status_code, lonely.json()) == (409, {"detail": services.NOBODY_TO_PAIR})
    join(person("Nell", group), group)
    assert _send(_api(fac), "post", "/api/v1/groups/harbor/buddies/run").status_code == 202
    services.pool_leave(user=member)
