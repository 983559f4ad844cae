"""Facilitators' suggested introductions inside their group: pairs with reasons from the same
scoring, from what the facilitator may see; proposing one needs both people's yes."""

from __future__ import annotations

import pytest
from django.test import Client

from roundtable.accounts.models import Profile, Visibility
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import MembershipState
from roundtable.network import services
from roundtable.network.models import Introduction, IntroStatus
from roundtable.network.selectors import suggested_introductions
from tests.factories import UserFactory

from .world import as_client, world

pytestmark = pytest.mark.django_db


def test_pairs_and_reasons_in_order() -> None:
    w = world()
    pairs = suggested_introductions(w.facilitator, w.group)
    got = [(p.asker.display_name, p.target.display_name, p.score, p.reasons) for p in pairs]
    assert got == [
        ("Ann Alvarez", "Bea Baker", 7,
         ["Bea Baker works at Acme Inc., where Ann Alvarez wants a role", "both look for Data analyst roles"]),
        ("Ann Alvarez", "Cal Chen", 4, ["Cal Chen worked at Globex, where Ann Alvarez wants a role"]),
        ("Ann Alvarez", "Dee Diaz", 4,
         ["both look for data analyst roles", "both look in healthcare", "both at the same stage of the search"]),
        ("Bea Baker", "Dee Diaz", 2, ["both look for data analyst roles"]),
    ]  # fmt: skip


def test_the_page_is_for_the_groups_facilitators_only() -> None:
    w = world()
    mine = as_client(w.facilitator).get("/network/introductions/").content.decode()
    assert f'href="/groups/{w.group.slug}/introductions/">Suggested introductions in Harbor Roundtable</a>' in mine
    assert "Suggested introductions in" not in as_client(w.ann).get("/network/introductions/").content.decode()
    url = f"/groups/{w.group.slug}/introductions/"
    assert (
        "Bea Baker works at Acme Inc., where Ann Alvarez wants a role"
        in as_client(w.facilitator).get(url).content.decode()
    )
    for user in (w.ann, UserFactory()):
        assert as_client(user).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_hidden_fields_and_opt_outs_are_left_out() -> None:
    w = world()
    bea = Profile.objects.get(user=w.people["bea"])
    bea.visibility = {**bea.visibility, "current_company": Visibility.ONLY_ME.value}
    bea.save()
    Profile.objects.filter(user=w.people["cal"]).update(show_in_recommendations=False)
    html = as_client(w.facilitator).get(f"/groups/{w.group.slug}/introductions/").content.decode()
    assert "Acme" not in html
    assert "Cal Chen" not in html


def test_propose_then_both_accept() -> None:
    w = world()
    c = as_client(w.facilitator)
    r = c.post(f"/groups/{w.group.slug}/introductions/propose/", {
        "asker": w.ann.public_id, "target": w.people["cal"].public_id, "note": "Cal knows Globex well.",
    })  # fmt: skip
    intro = Introduction.objects.get()
    assert r["Location"] == f"/network/introductions/{intro.public_id}/"
    assert (intro.proposed, intro.introducer_id, intro.status) == (True, w.facilitator.pk, IntroStatus.OPEN)
    # Proposed pairs are not suggested again while open.
    assert ("Ann Alvarez", "Cal Chen") not in [
        (p.asker.display_name, p.target.display_name) for p in suggested_introductions(w.facilitator, w.group)
    ]
    services.introduction_accept(user=w.people["cal"], introduction=intro)
    intro.refresh_from_db()
    assert intro.status == IntroStatus.OPEN
    assert (
        w.people["cal"].email not in as_client(w.ann).get(f"/network/introductions/{intro.public_id}/").content.decode()
    )
    services.introduction_accept(user=w.ann, introduction=intro)
    intro.refresh_from_db()
    assert intro.status == IntroStatus.ACCEPTED


def test_a_member_cannot_propose_and_the_api_says_404() -> None:
    w = world()
    _, secret = api_token_create(user=w.ann)
    api = Client(headers={"authorization": f"Bearer {secret}"})
    body = {
        "group": w.group.slug,
        "asker": w.people["bea"].public_id,
        "target": w.people["cal"].public_id,
        "note": "Hi",
    }
    r = api.post("/api/v1/network/proposals", body, content_type="application/json")
    assert (r.status_code, r.json()) == (404, {"detail": "No such group."})
    assert as_client(w.ann).post(f"/groups/{w.group.slug}/introductions/propose/", body).status_code == 404
    w.group.memberships.filter(user=w.facilitator).update(state=MembershipState.LEFT, role="member")
    with pytest.raises(services.NetworkError):
        services.introduction_propose(facilitator=w.facilitator, group=w.group, asker=w.ann, target=w.people["cal"],
                                      note="Hi")  # fmt: skip
