"""Introductions, double opt-in: consent at each step; no contact detail in any response
before everyone accepted; "not possible at the moment" whatever the reason; a declined or
blocked person cannot ask again; the rate limit; contacts in both trackers once accepted."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.groups.models import GroupVisibility, MembershipState
from roundtable.network import services
from roundtable.network.models import AskBlock, ClosedBy, Introduction, IntroStatus
from roundtable.tracker.models import Contact
from tests.factories import GroupFactory, MembershipFactory, UserFactory

from .world import as_client, member, world

pytestmark = pytest.mark.django_db


def _api(user) -> Client:  # type: ignore[no-untyped-def]
    _, secret = api_token_create(user=user)
    return Client(headers={"authorization": f"Bearer {secret}"})


def _ask(w, note: str = "I'd love to hear how Acme hires analysts.", **kw) -> Introduction:  # type: ignore[no-untyped-def]
    return services.introduction_ask(
        asker=kw.get("asker", w.ann), group=w.group, introducer=kw.get("introducer", w.facilitator),
        target=kw.get("target", w.people["bea"]), note=note,
    )  # fmt: skip


def _plain(html: bytes) -> str:
    """A page without what differs per request (the CSRF token, the CSP nonce)."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


def _bodies(user, intro: Introduction) -> list[str]:  # type: ignore[no-untyped-def]
    """Everything the person can read about the introduction: page, list page, API."""
    out = [
        as_client(user).get(f"/network/introductions/{intro.public_id}/").content.decode(),
        as_client(user).get("/network/introductions/").content.decode(),
        _api(user).get(f"/api/v1/network/introductions/{intro.public_id}").content.decode(),
        _api(user).get("/api/v1/network/introductions").content.decode(),
    ]
    return out


def test_consent_at_each_step_and_contacts_only_at_the_end() -> None:
    w = world()
    bea = w.people["bea"]
    intro = _ask(w)
    # The target does not see it until the introducer passes it on.
    assert as_client(bea).get(f"/network/introductions/{intro.public_id}/").status_code == 404
    with pytest.raises(services.NetworkError) as err:
        services.introduction_accept(user=bea, introduction=intro)
    assert err.value.status == 404
    # The asker cannot answer for the others.
    with pytest.raises(services.NetworkError) as err:
        services.introduction_accept(user=w.ann, introduction=intro)
    assert err.value.status == 409
    # The introducer must write a note.
    with pytest.raises(services.NetworkError) as err:
        services.introduction_accept(user=w.facilitator, introduction=intro, note="  ")
    assert err.value.field == "note"
    services.introduction_accept(user=w.facilitator, introduction=intro, note="Bea hires analysts at Acme.")
    intro.refresh_from_db()
    assert intro.status == IntroStatus.OPEN
    for person in (w.ann, bea, w.facilitator):
        for body in _bodies(person, intro):
            assert w.ann.email not in body
            assert bea.email not in body
    assert Contact.objects.count() == 0
    services.introduction_accept(user=bea, introduction=intro)
    intro.refresh_from_db()
    assert intro.status == IntroStatus.ACCEPTED
    assert all(bea.email in body for body in _bodies(w.ann, intro)[::2])  # the page and the API detail
    assert all(w.ann.email in body for body in _bodies(bea, intro)[::2])
    for body in _bodies(w.facilitator, intro):
        assert w.ann.email not in body
        assert bea.email not in body
    ann_contact = Contact.objects.get(owner=w.ann)
    bea_contact = Contact.objects.get(owner=bea)
    assert (ann_contact.person_id, ann_contact.email, ann_contact.how_met, ann_contact.group_id) == (
        bea.pk, bea.email, "Introduced by Fay Facilitator", w.group.pk
    )  # fmt: skip
    assert (bea_contact.person_id, bea_contact.email) == (w.ann.pk, w.ann.email)
    assert (intro.asker_contact_id, intro.target_contact_id) == (ann_contact.pk, bea_contact.pk)


@pytest.mark.parametrize("who", ["introducer", "target"])
def test_the_asker_reads_not_possible_whoever_declined(who: str) -> None:
    w = world()
    intro = _ask(w)
    if who == "target":
        services.introduction_accept(user=w.facilitator, introduction=intro, note="Worth a chat.")
        services.introduction_decline(user=w.people["bea"], introduction=intro)
    else:
        services.introduction_decline(user=w.facilitator, introduction=intro)
    page = as_client(w.ann).get(f"/network/introductions/{intro.public_id}/").content.decode()
    assert "Not possible at the moment" in page
    assert "declined" not in page.lower()
    api = _api(w.ann).get(f"/api/v1/network/introductions/{intro.public_id}").json()
    assert api["status"] == "Not possible at the moment"


def test_a_blocked_asker_reads_the_same_and_nobody_hears() -> None:
    w = world()
    bea = w.people["bea"]
    services.ask_block(blocker=bea, blocked=w.ann)
    intro = _ask(w)
    assert (intro.status, intro.closed_by) == (IntroStatus.DECLINED, ClosedBy.BLOCKED)
    # Until it is due it reads as any ask waiting for the introducer (finding 6 on issue 11)...
    api = _api(w.ann).get(f"/api/v1/network/introductions/{intro.public_id}").json()
    assert api["status"] == "Waiting for Fay Facilitator"
    Introduction.objects.filter(pk=intro.pk).update(closed_at=timezone.now() - timedelta(minutes=1))
    # ... then "not possible", as after any "not now".
    api = _api(w.ann).get(f"/api/v1/network/introductions/{intro.public_id}").json()
    assert api["status"] == "Not possible at the moment"
    assert as_client(bea).get(f"/network/introductions/{intro.public_id}/").status_code == 404
    assert as_client(w.facilitator).get(f"/network/introductions/{intro.public_id}/").status_code == 404


def test_declined_with_dont_ask_again_blocks_later_asks_through_anyone() -> None:
    w = world()
    bea = w.people["bea"]
    intro = _ask(w)
    services.introduction_accept(user=w.facilitator, introduction=intro, note="Worth a chat.")
    r = as_client(bea).post(f"/network/introductions/{intro.public_id}/decline/", {"block": "on"})
    assert r.status_code == 302
    assert AskBlock.objects.filter(blocker=bea, blocked=w.ann).count() == 1
    other = member(w.group, "Ivy Introducer")
    again = _ask(w, introducer=other)
    assert (again.status, again.closed_by) == (IntroStatus.DECLINED, ClosedBy.BLOCKED)


def test_a_decline_without_block_still_refuses_a_repeat_for_ninety_days() -> None:
    w = world()
    intro = _ask(w)
    services.introduction_accept(user=w.facilitator, introduction=intro, note="Worth a chat.")
    services.introduction_decline(user=w.people["bea"], introduction=intro)
    assert _ask(w).closed_by == ClosedBy.BLOCKED
    # Ninety-one days on, both the decline and the refused repeat are long past.
    Introduction.objects.update(closed_at=timezone.now() - timedelta(days=91))
    assert _ask(w).status == IntroStatus.OPEN


def test_five_asks_a_week_then_429_with_the_day() -> None:
    w = world()
    others = [member(w.group, f"Target {i}") for i in range(6)]
    for t in others[:5]:
        _ask(w, target=t)
    with pytest.raises(services.NetworkError) as err:
        _ask(w, target=others[5])
    assert err.value.status == 429
    assert err.value.message.startswith("You've asked for 5 introductions this week: you can ask again from ")
    r = _api(w.ann).post("/api/v1/network/introductions", {
        "group": w.group.slug, "introducer": w.facilitator.public_id, "target": others[5].public_id, "note": "Hi",
    }, content_type="application/json")  # fmt: skip
    assert r.status_code == 429


def test_the_same_open_ask_twice_is_a_conflict() -> None:
    w = world()
    _ask(w)
    with pytest.raises(services.NetworkError) as err:
        _ask(w)
    assert err.value.status == 409


@pytest.mark.parametrize("bad", ["line\nbreak", "nul\x00", "bell\x07"])
def test_notes_follow_the_text_rule(bad: str) -> None:
    w = world()
    with pytest.raises(services.NetworkError) as err:
        _ask(w, note=bad)
    assert err.value.status == 400
    r = as_client(w.ann).post(
        "/network/introductions/ask/",
        {
            "group": w.group.slug,
            "introducer": w.facilitator.public_id,
            "target": w.people["bea"].public_id,
            "note": bad,
        },
    )
    assert r.status_code == 400
    assert Introduction.objects.count() == 0


def test_people_outside_the_group_cannot_be_named() -> None:
    w = world()
    elsewhere = MembershipFactory(group=GroupFactory(), user=UserFactory(name="Zed Elsewhere")).user
    with pytest.raises(services.NetworkError) as err:
        _ask(w, target=elsewhere)
    assert err.value.status == 404
    api = _api(w.ann)
    body = {"group": w.group.slug, "introducer": w.facilitator.public_id, "target": elsewhere.public_id, "note": "Hi"}
    r = api.post("/api/v1/network/introductions", body, content_type="application/json")
    assert (r.status_code, r.json()) == (404, {"detail": "No such person."})
    secret = GroupFactory(visibility=GroupVisibility.SECRET)
    r = api.post("/api/v1/network/introductions", {**body, "group": secret.slug}, content_type="application/json")
    missing = api.post("/api/v1/network/introductions", {**body, "group": "no-such"}, content_type="application/json")
    assert (r.status_code, r.json()) == (missing.status_code, missing.json()) == (404, {"detail": "No such group."})


@pytest.mark.parametrize(
    "kind", ["anonymous", "non-member", "member", "facilitator of another group", "banned", "ex-member", "staff"]
)
def test_only_the_three_people_see_an_introduction(kind: str) -> None:
    w = world()
    intro = _ask(w)
    services.introduction_accept(user=w.facilitator, introduction=intro, note="Worth a chat.")
    url = f"/network/introductions/{intro.public_id}/"
    if kind == "anonymous":
        assert Client().get(url).status_code == 302
        assert Client().get(f"/api/v1/network/introductions/{intro.public_id}").status_code == 401
        return
    if kind == "non-member":
        user = UserFactory()
    elif kind == "member":
        user = w.people["cal"]
    elif kind == "facilitator of another group":
        user = MembershipFactory(group=GroupFactory(), role="facilitator").user
    elif kind == "staff":
        user = UserFactory(is_staff=True)
    else:
        user = w.ann
        state = MembershipState.BANNED if kind == "banned" else MembershipState.LEFT
        w.group.memberships.filter(user=user).update(state=state)
    missing = as_client(user).get("/network/introductions/abcdefghijkm/")
    hidden = as_client(user).get(url)
    assert hidden.status_code == missing.status_code == 404
    assert _plain(hidden.content) == _plain(missing.content)
    api = _api(user).get(f"/api/v1/network/introductions/{intro.public_id}")
    assert (api.status_code, api.json()) == (404, {"detail": "Not found."})
    with pytest.raises(services.NetworkError):
        services.introduction_decline(user=user, introduction=intro)


def test_an_accepted_introduction_stays_with_the_two_after_they_leave() -> None:
    w = world()
    intro = _ask(w)
    services.introduction_accept(user=w.facilitator, introduction=intro, note="Worth a chat.")
    services.introduction_accept(user=w.people["bea"], introduction=intro)
    w.group.memberships.filter(user=w.ann).update(state=MembershipState.LEFT)
    assert as_client(w.ann).get(f"/network/introductions/{intro.public_id}/").status_code == 200
    w.group.memberships.filter(user=w.facilitator).update(state=MembershipState.LEFT, role="member")
    assert as_client(w.facilitator).get(f"/network/introductions/{intro.public_id}/").status_code == 404


def test_the_pages_walk_through_an_ask() -> None:
    w = world()
    c = as_client(w.ann)
    assert "Harbor Roundtable" in c.get("/network/introductions/ask/").content.decode()
    form = c.get(f"/network/introductions/ask/?group={w.group.slug}&to={w.people['bea'].public_id}")
    assert form.status_code == 200
    assert f'<option value="{w.people["bea"].public_id}" selected>Bea Baker</option>' in form.content.decode()
    r = c.post("/network/introductions/ask/", {
        "group": w.group.slug, "introducer": w.facilitator.public_id, "target": w.people["bea"].public_id,
        "note": "Curious about Acme's analytics team.",
    })  # fmt: skip
    intro = Introduction.objects.get()
    assert r["Location"] == f"/network/introductions/{intro.public_id}/"
    fac = as_client(w.facilitator)
    assert "Waiting for your answer" in fac.get("/network/introductions/").content.decode()
    r = fac.post(f"/network/introductions/{intro.public_id}/accept/", {"note": ""})
    assert r.status_code == 400
    assert "Add a line for them" in r.content.decode()
    fac.post(f"/network/introductions/{intro.public_id}/accept/", {"note": "Bea leads analytics at Acme."})
    bea = as_client(w.people["bea"])
    page = bea.get(f"/network/introductions/{intro.public_id}/").content.decode()
    assert "Bea leads analytics at Acme." in page
    assert "Curious about Acme&#x27;s analytics team." in page
    bea.post(f"/network/introductions/{intro.public_id}/accept/")
    assert w.people["bea"].email in c.get(f"/network/introductions/{intro.public_id}/").content.decode()


def test_an_ask_in_a_group_i_am_not_in_is_a_404() -> None:
    w = world()
    outsider = UserFactory()
    assert as_client(outsider).get(f"/network/introductions/ask/?group={w.group.slug}").status_code == 404
    secret = GroupFactory(visibility=GroupVisibility.SECRET)
    assert as_client(w.ann).get(f"/network/introductions/ask/?group={secret.slug}").status_code == 404
