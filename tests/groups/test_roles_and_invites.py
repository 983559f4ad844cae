"""Tester's findings 3 and 7: "Make member" asks first, like Remove and Ban; the invite form
says what is wrong with each field, beside it; one word for the role ("facilitator")
everywhere, and the invite page states the role it gives."""

from __future__ import annotations

import re

import pytest

from roundtable.groups.models import Invite, JoinPolicy, Membership, MembershipRole, MembershipState
from tests.clients import signed_in as _as
from tests.factories import GroupFactory, InviteFactory, MembershipFactory, UserFactory, facilitator_of


@pytest.mark.django_db
def test_make_member_is_a_link_to_a_confirmation_and_get_changes_nothing() -> None:
    group = GroupFactory(name="Career Changers")
    fac = facilitator_of(group)
    co = MembershipFactory(group=group, role=MembershipRole.FACILITATOR, user=UserFactory(name="Ana Ruiz"))
    c = _as(fac)
    url = f"/groups/{group.slug}/manage/members/{co.pk}/"
    dashboard = c.get(f"/groups/{group.slug}/manage/").text
    assert (
        f'<a class="button button-small button-secondary" href="{url}?action=make_member">'
        'Make member<span class="visually-hidden"> Ana Ruiz</span></a>'
    ) in dashboard
    assert 'value="make_member"' not in dashboard
    ask = c.get(f"{url}?action=make_member")
    assert ask.status_code == 200
    assert "Make Ana Ruiz a member of Career Changers?" in ask.text
    assert (
        "Ana Ruiz stops being a facilitator at once: they can no longer approve requests, schedule meetings, "
        "open the live room or manage members."
    ) in ask.text
    assert '<input type="hidden" name="action" value="make_member">' in ask.text
    assert "Keep them a facilitator" in ask.text
    co.refresh_from_db()
    assert co.role == MembershipRole.FACILITATOR
    r = c.post(url, {"action": "make_member"}, follow=True)
    co.refresh_from_db()
    assert co.role == MembershipRole.MEMBER
    assert "Ana Ruiz is now a member." in r.text


@pytest.mark.django_db
def test_asking_to_make_a_plain_member_a_member_goes_back_to_the_dashboard() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    m = MembershipFactory(group=group)
    r = _as(fac).get(f"/groups/{group.slug}/manage/members/{m.pk}/?action=make_member")
    assert (r.status_code, r["Location"]) == (302, f"/groups/{group.slug}/manage/")


@pytest.mark.django_db
def test_make_facilitator_uses_the_one_word() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    m = MembershipFactory(group=group, user=UserFactory(name="Sam Ortiz"))
    c = _as(fac)
    dashboard = c.get(f"/groups/{group.slug}/manage/").text
    assert 'value="make_facilitator">Make facilitator<span class="visually-hidden"> Sam Ortiz</span>' in dashboard
    assert '<h2 id="members-title">Members and facilitators</h2>' in dashboard
    r = c.post(f"/groups/{group.slug}/manage/members/{m.pk}/", {"action": "make_facilitator"}, follow=True)
    assert "Sam Ortiz is now a facilitator." in r.text


@pytest.mark.django_db
def test_no_page_of_a_group_says_co_facilitator() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    MembershipFactory(group=group, role=MembershipRole.FACILITATOR)
    InviteFactory(group=group, role=MembershipRole.FACILITATOR)
    c = _as(fac)
    for path in ("manage/", "manage/hand-over/", "leave/", ""):
        assert "co-facilitator" not in c.get(f"/groups/{group.slug}/{path}").text.lower(), path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"days": ""}, "days", "Say how many days the link should work: a number from 1 to 90."),
        ({"days": "two"}, "days", "Enter a whole number of days, from 1 to 90."),
        ({"days": "0"}, "days", "A link works for at least 1 day."),
        ({"days": "91"}, "days", "A link works for at most 90 days."),
        ({"days": "7", "note": "x" * 121}, "note", "Keep the note to 120 characters or fewer."),
        ({"days": "7", "note": "Sam\u0000"}, "note", None),
        ({"days": "7", "role": "owner"}, "role", "Choose Member or Facilitator."),
    ],
)
def test_each_invalid_invite_field_says_what_is_wrong_with_it(
    data: dict[str, str], field: str, message: str | None
) -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    r = _as(fac).post(f"/groups/{group.slug}/manage/invites/", data)
    assert r.status_code == 400
    form = r.context["invite_form"]
    assert list(form.errors) == [field]
    assert len(form.errors[field]) == 1
    if message is not None:
        assert form.errors[field] == [message]
        assert message in r.text
    assert "Invite links last between 1 and 90 days." not in r.text
    assert Invite.objects.filter(group=group).count() == 0


@pytest.mark.django_db
def test_an_invalid_invite_keeps_what_was_typed() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    r = _as(fac).post(f"/groups/{group.slug}/manage/invites/", {"days": "0", "note": "For Sam", "role": "facilitator"})
    assert 'value="For Sam"' in r.text
    assert '<option value="facilitator" selected>Facilitator</option>' in r.text


@pytest.mark.django_db
def test_an_archived_groups_invite_says_why_above_the_form() -> None:
    from roundtable.groups.services import group_archive

    group = GroupFactory()
    fac = facilitator_of(group)
    group_archive(group=group, by=fac)
    r = _as(fac).post(f"/groups/{group.slug}/manage/invites/", {"days": "7"})
    assert r.status_code == 400
    assert r.context["invite_form"].non_field_errors() == ["This group is archived: restore it before inviting people."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "says", "button"),
    [
        (MembershipRole.MEMBER, "You're invited as a <strong>member</strong>.", "Join Career Changers</button>"),
        (
            MembershipRole.FACILITATOR,
            "You're invited as a <strong>facilitator</strong>: you'll help run the group, approving requests "
            "to join, scheduling meetings and running the live room.",
            "Join Career Changers as a facilitator</button>",
        ),
    ],
)
def test_the_invite_page_states_the_role_it_gives(role: str, says: str, button: str) -> None:
    group = GroupFactory(name="Career Changers", join_policy=JoinPolicy.INVITE)
    fac = facilitator_of(group)
    c = _as(fac)
    c.post(f"/groups/{group.slug}/manage/invites/", {"days": 7, "role": role})
    token = re.search(r"/invite/([^/\"]+)/", c.get(f"/groups/{group.slug}/manage/").text)
    assert token is not None
    dashboard = c.get(f"/groups/{group.slug}/manage/").text
    assert f'<td><span class="cell-label">Joins as</span>{role.label}</td>' in dashboard
    page = _as(UserFactory()).get(f"/invite/{token.group(1)}/").text
    assert says in page
    assert button in page


@pytest.mark.django_db
def test_a_member_opening_a_facilitator_invite_is_offered_the_role() -> None:
    group = GroupFactory(join_policy=JoinPolicy.INVITE)
    fac = facilitator_of(group)
    member = MembershipFactory(group=group)
    c = _as(fac)
    c.post(f"/groups/{group.slug}/manage/invites/", {"days": 7, "role": "facilitator"})
    token = re.search(r"/invite/([^/\"]+)/", c.get(f"/groups/{group.slug}/manage/").text)
    assert token is not None
    mc = _as(member.user)
    page = mc.get(f"/invite/{token.group(1)}/").text
    assert "You're a member already; this link makes you a facilitator." in page
    assert "Become a facilitator</button>" in page
    mc.post(f"/invite/{token.group(1)}/")
    member.refresh_from_db()
    assert (member.state, member.role) == (MembershipState.ACTIVE, MembershipRole.FACILITATOR)
    assert "You're already a facilitator of this group." in mc.get(f"/invite/{token.group(1)}/").text
    assert Membership.objects.filter(group=group, role=MembershipRole.FACILITATOR).count() == 2
