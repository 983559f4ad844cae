"""An expert's page shows their profile's headline only where its owner lets the viewer see it
(accounts.permissions): for each visibility level and each kind of viewer (anonymous, a member
of a vetted group the expert is in, a member who shares only an open group with them, another
member, the expert themself). The directory and the API carry no private profile field."""

from __future__ import annotations

import pytest

from roundtable.accounts.models import Profile, User, Visibility
from roundtable.groups.models import JoinPolicy
from tests.factories import GroupFactory, MembershipFactory, UserFactory

from .world import api, as_client, world

pytestmark = pytest.mark.django_db

HEADLINE = "Talent partner at Northwind"
WHERE = "In person around Boston, MA, or online, from anywhere"
SHOWN = f'<p class="muted">{HEADLINE} · {WHERE}</p>'
HIDDEN = f'<p class="muted">{WHERE}</p>'


def _set_headline(user: User, level: str) -> None:
    Profile.objects.filter(user=user).update(headline=HEADLINE, visibility={"headline": level})


def test_the_headline_follows_its_owners_choice_for_each_viewer() -> None:
    w = world()
    vetted = GroupFactory(name="Vetted Circle", join_policy=JoinPolicy.APPROVAL)
    MembershipFactory(group=vetted, user=w.eve)
    fellow = MembershipFactory(group=vetted, user=UserFactory(name="Fran Fellow")).user
    open_group = GroupFactory(name="Open Door", join_policy=JoinPolicy.OPEN)
    MembershipFactory(group=open_group, user=w.eve)
    drop_in = MembershipFactory(group=open_group, user=UserFactory(name="Dee Dropin")).user
    viewers: dict[str, User | None] = {
        "anonymous": None,
        "shares a vetted group": fellow,
        "shares only an open group": drop_in,
        "another member": w.stranger,
        "a facilitator who may invite": w.fay,
        "the expert": w.eve,
    }
    sees = {
        Visibility.EVERYONE: set(viewers),
        Visibility.MEMBERS: {"shares a vetted group", "the expert"},
        Visibility.ONLY_ME: {"the expert"},
    }
    url = f"/speakers/{w.expert.public_id}/"
    for level, expected in sees.items():
        _set_headline(w.eve, level)
        for who, viewer in viewers.items():
            r = as_client(viewer).get(url)
            assert r.status_code == 200, (level, who)
            body = r.content.decode()
            if who in expected:
                assert SHOWN in body, (level, who)
            else:
                assert HIDDEN in body, (level, who)
                assert HEADLINE not in body, (level, who)


def test_the_directory_and_the_api_carry_no_headline() -> None:
    w = world()
    _set_headline(w.eve, Visibility.ONLY_ME)
    for viewer in (None, w.stranger, w.fay):
        c = as_client(viewer)
        assert HEADLINE not in c.get("/speakers/").content.decode()
        client = api(viewer) if viewer is not None else c
        detail = client.get(f"/api/v1/speakers/{w.expert.public_id}").json()
        assert detail["name"] == "Eve Expert"
        assert "headline" not in detail
        assert HEADLINE not in client.get("/api/v1/speakers").content.decode()
