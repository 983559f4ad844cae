"""Blocking anyone (issue 12): the confirmation, the list of people I blocked, the API, and
profiles answering 404 both ways; a block ends a buddy pairing and stops notifications of the
other's actions."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.accounts import blocks
from roundtable.accounts.models import Block, User
from roundtable.accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _plain(html: str) -> str:
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _api(user: User) -> Client:
    _, secret = api_token_create(user=user)
    return Client(headers={"authorization": f"Bearer {secret}"})


def test_the_profile_offers_block_and_the_confirmation_says_what_it_does() -> None:
    ann, bea = UserFactory(name="Ann"), UserFactory(name="Bea")
    c = _client(ann)
    page = c.get(f"/people/{bea.public_id}/")
    assert page.status_code == 200
    assert f'href="/people/{bea.public_id}/block/"' in page.text
    # Not on one's own profile, nor for anonymous visitors.
    assert "/block/" not in _client(bea).get(f"/people/{bea.public_id}/").text
    assert "/block/" not in Client().get(f"/people/{bea.public_id}/").text
    confirm = c.get(f"/people/{bea.public_id}/block/")
    assert confirm.status_code == 200
    for line in (
        "Block Bea?",
        "You won&#x27;t see each other&#x27;s profiles",
        "never pairs you as accountability buddies",
        "you won&#x27;t see each other&#x27;s suggestions",
        "They are not told.",
    ):
        assert line in confirm.text
    assert Block.objects.count() == 0  # asking changes nothing


@pytest.mark.parametrize("who_blocks", ["ann", "bea"])
def test_profiles_answer_404_both_ways_at_once(who_blocks: str) -> None:
    ann, bea, cat = UserFactory(name="Ann"), UserFactory(name="Bea"), UserFactory(name="Cat")
    blocker, blocked = (ann, bea) if who_blocks == "ann" else (bea, ann)
    r = _client(blocker).post(f"/people/{blocked.public_id}/block/")
    assert (r.status_code, r["Location"]) == (302, "/me/blocked/")
    assert list(Block.objects.values_list("blocker_id", "blocked_id")) == [(blocker.pk, blocked.pk)]
    for viewer, person in ((ann, bea), (bea, ann)):
        c = _client(viewer)
        page, missing = c.get(f"/people/{person.public_id}/"), c.get("/people/zzzzzzzzzzzz/")
        assert page.status_code == 404
        assert _plain(page.text) == _plain(missing.text)  # the same as a person who does not exist
    # Everyone else still sees both.
    assert _client(cat).get(f"/people/{ann.public_id}/").status_code == 200
    assert Client().get(f"/people/{bea.public_id}/").status_code == 200
    # Unblocking (by the blocker) opens them again; the blocked person cannot lift it.
    assert _client(blocked).post(f"/people/{blocker.public_id}/unblock/").status_code == 302
    assert Block.objects.count() == 1
    assert _client(blocker).post(f"/people/{blocked.public_id}/unblock/").status_code == 302
    assert Block.objects.count() == 0
    assert _client(ann).get(f"/people/{bea.public_id}/").status_code == 200


def test_blocking_twice_and_oneself() -> None:
    ann, bea = UserFactory(name="Ann"), UserFactory(name="Bea")
    assert blocks.block_create(blocker=ann, blocked=bea)[1] is True
    assert blocks.block_create(blocker=ann, blocked=bea)[1] is False
    with pytest.raises(blocks.BlockError) as err:
        blocks.block_create(blocker=ann, blocked=ann)
    assert (err.value.status, err.value.message) == (400, "You can't block yourself.")
    assert _client(ann).get(f"/people/{ann.public_id}/block/").status_code == 404
    bea.is_active = False
    bea.save()
    with pytest.raises(blocks.BlockError) as err:
        blocks.block_create(blocker=UserFactory(), blocked=bea)
    assert err.value.status == 404
    assert Block.objects.count() == 1


def test_the_blocked_list_for_each_kind_of_viewer() -> None:
    ann, bea, cat = UserFactory(name="Ann"), UserFactory(name="Bea"), UserFactory(name="Cat")
    r = Client().get("/me/blocked/")
    assert (r.status_code, r["Location"]) == (302, "/accounts/login/?next=/me/blocked/")
    empty = _client(ann).get("/me/blocked/")
    assert empty.status_code == 200
    assert "You haven't blocked anyone." in empty.text
    blocks.block_create(blocker=ann, blocked=bea)
    mine = _client(ann).get("/me/blocked/")
    assert "Bea" in mine.text
    assert f'href="/people/{bea.public_id}/unblock/"' in mine.text
    # Bea (blocked) and Cat (another person) see their own, empty lists: nothing of Ann's.
    for other in (bea, cat):
        page = _client(other).get("/me/blocked/")
        assert "You haven't blocked anyone." in page.text
        assert bea.public_id not in page.text.replace(f"/people/{other.public_id}/", "")
    # Another person's block: Cat cannot lift Ann's, and its unblock page is a 404 for her.
    assert _client(cat).get(f"/people/{bea.public_id}/unblock/").status_code == 404
    r = _api(cat).delete(f"/api/v1/me/blocks/{bea.public_id}")
    assert r.status_code == 404
    assert Block.objects.count() == 1
    # The unblock confirmation for Ann.
    confirm = _client(ann).get(f"/people/{bea.public_id}/unblock/")
    assert confirm.status_code == 200
    assert "Unblock Bea?" in confirm.text
    # The profile edit page links the list.
    assert 'href="/me/blocked/"' in _client(ann).get("/me/profile/").text


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/me/blocked/")
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_the_blocked_list_takes_a_fixed_number_of_queries() -> None:
    ann = UserFactory()
    c = _client(ann)
    for _ in range(2):
        blocks.block_create(blocker=ann, blocked=UserFactory())
    small = _queries(c)
    for _ in range(20):
        blocks.block_create(blocker=ann, blocked=UserFactory())
    assert _queries(c) == small
    assert _client(ann).get("/me/blocked/").text.count("Unblock<span") == 22


def test_the_api() -> None:
    ann, bea = UserFactory(name="Ann"), UserFactory(name="Bea")
    api = _api(ann)
    assert api.get("/api/v1/me/blocks").json() == []
    r = api.post("/api/v1/me/blocks", {"person": bea.public_id}, content_type="application/json")
    assert r.status_code == 201
    body = r.json()
    assert (body["person"], body["name"]) == (bea.public_id, "Bea")
    r = api.post("/api/v1/me/blocks", {"person": bea.public_id}, content_type="application/json")
    assert r.status_code == 200
    assert [b["person"] for b in api.get("/api/v1/me/blocks").json()] == [bea.public_id]
    r = api.post("/api/v1/me/blocks", {"person": ann.public_id}, content_type="application/json")
    assert (r.status_code, r.json()) == (400, {"detail": "You can't block yourself."})
    r = api.post("/api/v1/me/blocks", {"person": "zzzzzzzzzzzz"}, content_type="application/json")
    assert (r.status_code, r.json()) == (404, {"detail": "No such person."})
    r = api.post("/api/v1/me/blocks", {"person": "a\nb"}, content_type="application/json")
    assert r.status_code == 422
    r = api.post("/api/v1/me/blocks", {"person": "x" * 5000}, content_type="application/json")
    assert r.status_code == 422
    assert Client().get("/api/v1/me/blocks").status_code == 401
    # Bea sees none of it.
    assert _api(bea).get("/api/v1/me/blocks").json() == []
    assert _api(bea).delete(f"/api/v1/me/blocks/{ann.public_id}").status_code == 404
    assert api.delete(f"/api/v1/me/blocks/{bea.public_id}").status_code == 204
    assert api.delete(f"/api/v1/me/blocks/{bea.public_id}").status_code == 404
    assert Block.objects.count() == 0


@pytest.mark.django_db
def test_operators_see_blocks_in_the_admin_read_only() -> None:
    a, b = UserFactory(email="maker@example.com"), UserFactory(email="kept@example.com")
    made, _ = blocks.block_create(blocker=a, blocked=b)
    operator = UserFactory(is_staff=True, is_superuser=True)
    admin = _client(operator)
    listing = admin.get("/admin/accounts/block/")
    assert listing.status_code == 200
    assert ("maker@example.com" in listing.text, "kept@example.com" in listing.text) == (True, True)
    assert admin.get("/admin/accounts/block/add/").status_code == 403
    # The change page shows the block, with no way to save it.
    change = admin.get(f"/admin/accounts/block/{made.pk}/change/")
    assert (change.status_code, 'name="_save"' in change.text) == (200, False)
    assert _client(a).get("/admin/accounts/block/").status_code == 302


@pytest.mark.django_db
def test_the_block_page_of_someone_who_blocked_you_is_missing_as_their_profile_is() -> None:
    a, b = UserFactory(name="Ada Quiet"), UserFactory()
    blocks.block_create(blocker=a, blocked=b)
    c = _client(b)
    for r in (c.get(f"/people/{a.public_id}/"), c.get(f"/people/{a.public_id}/block/")):
        assert (r.status_code, "Ada Quiet" in r.text) == (404, False)
    assert c.post(f"/people/{a.public_id}/block/").status_code == 404
    assert Block.objects.filter(blocker=b).count() == 0
    # The one who blocked still reaches the page: it sends them to their list, to unblock.
    assert _client(a).get(f"/people/{b.public_id}/block/").status_code == 302
