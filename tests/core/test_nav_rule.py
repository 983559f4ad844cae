"""The menu's current item follows one rule per kind of page (core/nav.py, tester's
finding 6): a group's and its meetings' pages light "My groups" for members and "Find a
group" for others; a confirmation page lights the section of what it confirms; pages about
oneself light the account item (the person's name); someone else's profile lights nothing."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from roundtable.accounts.services import api_token_create
from roundtable.core.nav import current_items
from roundtable.core.tokens import hash_secret
from roundtable.groups.models import MembershipRole
from tests.clients import signed_in as _as
from tests.factories import GroupFactory, InviteFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory

MINE = {"My groups": "true"}
FIND = {"Find a group": "true"}
ACCOUNT = {"Ann Alvarez": "true"}


def _current(html: str) -> dict[str, str]:
    nav = html[html.index('<nav id="site-nav"') : html.index("</nav>")]
    return {
        text.strip(): found.group(1)
        for attrs, text in re.findall(r"<a ([^>]*)>([^<]+)</a>", nav)
        if (found := re.search(r'aria-current="(\w+)"', attrs))
    }


def _check(c: Client, expected: dict[str, dict[str, str]]) -> None:
    for path, items in expected.items():
        r = c.get(path)
        assert r.status_code == 200, path
        assert _current(r.text) == items, path


@pytest.mark.django_db
def test_a_groups_pages_and_its_meetings_light_my_groups_for_a_member() -> None:
    ann = UserFactory(name="Ann Alvarez")
    group = GroupFactory()
    MembershipFactory(group=group, user=ann)
    meeting = MeetingFactory(group=group)
    RsvpFactory(meeting=meeting, user=ann)
    _check(
        _as(ann),
        {
            f"/groups/{group.slug}/": MINE,
            f"/groups/{group.slug}/members/": MINE,
            f"/groups/{group.slug}/leave/": MINE,
            f"/meetings/{meeting.public_id}/": MINE,
            f"/meetings/{meeting.public_id}/live/": MINE,
        },
    )


@pytest.mark.django_db
def test_the_same_pages_light_find_a_group_for_others() -> None:
    group = GroupFactory()
    meeting = MeetingFactory(group=group)
    pages = {f"/groups/{group.slug}/": FIND, f"/meetings/{meeting.public_id}/": FIND}
    ann = _as(UserFactory(name="Ann Alvarez"))
    _check(ann, pages)
    _check(Client(), pages)
    # The member list is for members: the page saying so still lights the group's section.
    hidden = ann.get(f"/groups/{group.slug}/members/")
    assert (hidden.status_code, _current(hidden.text)) == (403, FIND)


@pytest.mark.django_db
def test_an_invite_page_lights_my_groups_only_for_a_member() -> None:
    group = GroupFactory()
    token = "inv_nav_rule"
    InviteFactory(group=group, token_hash=hash_secret(token))
    ann = UserFactory(name="Ann Alvarez")
    _check(_as(ann), {f"/invite/{token}/": FIND})
    MembershipFactory(group=group, user=ann)
    _check(_as(ann), {f"/invite/{token}/": MINE})


@pytest.mark.django_db
def test_a_facilitators_pages_and_their_confirmations_light_my_groups() -> None:
    ann = UserFactory(name="Ann Alvarez")
    group = GroupFactory()
    MembershipFactory(group=group, user=ann, role=MembershipRole.FACILITATOR)
    member = MembershipFactory(group=group)
    invite = InviteFactory(group=group)
    meeting = MeetingFactory(group=group)
    slug = group.slug
    _check(
        _as(ann),
        {
            f"/groups/{slug}/manage/": MINE,
            f"/groups/{slug}/manage/settings/": MINE,
            f"/groups/{slug}/manage/hand-over/": MINE,
            f"/groups/{slug}/manage/archive/": MINE,
            f"/groups/{slug}/manage/members/{member.pk}/?action=remove": MINE,
            f"/groups/{slug}/manage/invites/{invite.pk}/revoke/": MINE,
            f"/meetings/{meeting.public_id}/edit/": MINE,
            f"/meetings/{meeting.public_id}/cancel/": MINE,
            f"/groups/{slug}/": MINE,
            f"/meetings/{meeting.public_id}/": MINE,
        },
    )


@pytest.mark.django_db
def test_pages_about_oneself_light_the_account_item_and_others_profiles_nothing() -> None:
    ann = UserFactory(name="Ann Alvarez")
    token, _secret = api_token_create(user=ann, name="Sheets")
    other = UserFactory()
    EmailAddress.objects.create(user=ann, email="old@example.com", verified=True)
    c = _as(ann)
    _check(
        c,
        {
            "/me/profile/": {"Ann Alvarez": "page"},
            f"/people/{ann.public_id}/": ACCOUNT,
            "/me/tokens/": ACCOUNT,
            f"/me/tokens/{token.pk}/revoke/": ACCOUNT,
            "/me/roundtables/": ACCOUNT,
            f"/people/{other.public_id}/": {},
            "/me/agenda/": {"Agenda": "page"},
            "/me/calendar/": {"Agenda": "true"},
            "/me/calendar/?confirm=revoke_feed": {"Agenda": "true"},
        },
    )
    # Removing an address asks on a confirmation page under the account item too.
    ask = c.post("/accounts/email/", {"email": "old@example.com", "action_remove": ""})
    assert _current(ask.text) == ACCOUNT


def test_pages_only_members_open_are_in_my_groups_whoever_asks() -> None:
    for name in ("live:member_history", "live:display", "live:summary", "meetings:create", "groups:decide"):
        assert current_items(name) == {"mine": "true"}, name
    assert current_items("accounts:profile") == {}
    assert current_items("accounts:profile", own_profile=True) == {"account": "true"}
