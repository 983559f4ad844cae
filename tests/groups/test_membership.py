"""Joining, approval, invites, leaving, removal and bans, through the pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.groups import services
from roundtable.groups.models import (
    Group,
    GroupVisibility,
    Invite,
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipState,
)
from tests.clients import signed_in as _as
from tests.factories import GroupFactory, MembershipFactory, UserFactory, facilitator_of


@pytest.mark.django_db
def test_open_group_join_and_leave() -> None:
    group = GroupFactory(join_policy=JoinPolicy.OPEN)
    facilitator_of(group)
    person = UserFactory()
    r = _as(person).post(f"/groups/{group.slug}/join/")
    assert r.status_code == 302
    m = Membership.objects.get(group=group, user=person)
    assert (m.state, m.role) == (MembershipState.ACTIVE, MembershipRole.MEMBER)
    group.refresh_from_db()
    assert group.member_count == 2
    _as(person).post(f"/groups/{group.slug}/leave/")
    m.refresh_from_db()
    group.refresh_from_db()
    assert m.state == MembershipState.LEFT
    assert group.member_count == 1


@pytest.mark.django_db(transaction=True)
def test_approval_request_approve_notifies_applicant(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL, eligibility_question="What role are you after?")
    fac = facilitator_of(group)
    person = UserFactory(name="Priya Raman")
    empty = _as(person).post(f"/groups/{group.slug}/join/", {"answer": "  "})
    assert empty.status_code == 400
    assert "Please answer: What role are you after?" in empty.text
    assert not Membership.objects.filter(user=person).exists()
    _as(person).post(f"/groups/{group.slug}/join/", {"answer": "Product manager roles"})
    m = Membership.objects.get(group=group, user=person)
    assert (m.state, m.answer) == (MembershipState.PENDING, "Product manager roles")
    _run_tasks()
    assert [msg.to for msg in mailoutbox] == [[fac.email]]
    assert mailoutbox[0].subject == f"[Roundtable] Priya Raman asked to join {group.name}"
    dash = _as(fac).get(f"/groups/{group.slug}/manage/")
    assert "Product manager roles" in dash.text
    _as(fac).post(f"/groups/{group.slug}/manage/requests/{m.pk}/", {"action": "approve"})
    m.refresh_from_db()
    assert m.state == MembershipState.ACTIVE
    _run_tasks()
    assert mailoutbox[1].to == [person.email]
    assert mailoutbox[1].subject == f"[Roundtable] Welcome to {group.name}"
    html = mailoutbox[1].alternatives[0].content
    assert f"/groups/{group.slug}/" in html
    assert _as(person).get(f"/groups/{group.slug}/members/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_request_email_to_several_facilitators_shows_none_of_the_others(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL, eligibility_question="Why?")
    first, second = facilitator_of(group), facilitator_of(group)
    _as(UserFactory()).post(f"/groups/{group.slug}/join/", {"answer": "To practise interviews"})
    _run_tasks()
    assert sorted(msg.to for msg in mailoutbox) == sorted([[first.email], [second.email]])
    assert [(msg.cc, msg.bcc) for msg in mailoutbox] == [([], []), ([], [])]
    for msg in mailoutbox:
        other = second.email if msg.to == [first.email] else first.email
        assert other not in msg.message().as_string()


@pytest.mark.django_db(transaction=True)
def test_decline_tells_the_applicant(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL, eligibility_question="Why?")
    fac = facilitator_of(group)
    m = services.membership_join(group=group, user=UserFactory(), answer="Because")
    _as(fac).post(f"/groups/{group.slug}/manage/requests/{m.pk}/", {"action": "decline"})
    m.refresh_from_db()
    assert m.state == MembershipState.DECLINED
    _run_tasks()
    assert mailoutbox[-1].subject == f"[Roundtable] Your request to join {group.name}"
    assert "did not accept your request" in mailoutbox[-1].body


def _run_tasks() -> None:
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


@pytest.mark.django_db
def test_invite_only_group_needs_a_link_and_links_expire_and_revoke() -> None:
    group = GroupFactory(join_policy=JoinPolicy.INVITE, visibility=GroupVisibility.SECRET, name="Hidden Harbor")
    fac = facilitator_of(group)
    person = UserFactory()
    # Without a link: the group does not exist for them.
    assert _as(person).post(f"/groups/{group.slug}/join/").status_code == 404
    fc = _as(fac)
    fc.post(f"/groups/{group.slug}/manage/invites/", {"days": 7, "note": "for Sam"})
    dash = fc.get(f"/groups/{group.slug}/manage/")
    url = dash.context["new_invite_url"]
    path = url.split("testserver", 1)[1]
    assert Invite.objects.get(group=group).token_hash not in url
    preview = _as(person).get(path)
    assert preview.status_code == 200
    assert "You're invited to Hidden Harbor" in preview.text
    _as(person).post(path)
    assert Membership.objects.get(group=group, user=person).state == MembershipState.ACTIVE
    invite = Invite.objects.get(group=group)
    assert invite.uses == 1
    # Revoked: the link stops working.
    _as(fac).post(f"/groups/{group.slug}/manage/invites/{invite.pk}/revoke/")
    other = UserFactory()
    assert _as(other).get(path).status_code == 404
    assert _as(other).post(path).status_code == 404
    # Expired: the same.
    _inv, token = services.invite_create(group=group, by=fac, days=1)
    Invite.objects.filter(pk=_inv.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _as(other).post(f"/invite/{token}/").status_code == 404
    assert not Membership.objects.filter(user=other).exists()


@pytest.mark.django_db
def test_banned_person_cannot_rejoin_and_loses_unlisted_group() -> None:
    group = GroupFactory(visibility=GroupVisibility.UNLISTED, join_policy=JoinPolicy.OPEN, name="Quiet Cove")
    fac = facilitator_of(group)
    person = MembershipFactory(group=group).user
    m = Membership.objects.get(group=group, user=person)
    _as(fac).post(f"/groups/{group.slug}/manage/members/{m.pk}/", {"action": "ban"})
    m.refresh_from_db()
    assert m.state == MembershipState.BANNED
    assert _as(person).get(f"/groups/{group.slug}/").status_code == 404
    assert _as(person).post(f"/groups/{group.slug}/join/").status_code == 404
    _inv, token = services.invite_create(group=group, by=fac)
    assert _as(person).post(f"/invite/{token}/").status_code == 403
    m.refresh_from_db()
    assert m.state == MembershipState.BANNED


@pytest.mark.django_db
def test_banned_from_a_listed_group_sees_it_but_cannot_join() -> None:
    group = GroupFactory(join_policy=JoinPolicy.OPEN)
    fac = facilitator_of(group)
    person = MembershipFactory(group=group).user
    m = Membership.objects.get(group=group, user=person)
    services.membership_remove(membership=m, by=fac, ban=True)
    c = _as(person)
    page = c.get(f"/groups/{group.slug}/")
    assert page.status_code == 200
    assert "You can't join this group." in page.text
    c.post(f"/groups/{group.slug}/join/")
    m.refresh_from_db()
    assert m.state == MembershipState.BANNED


@pytest.mark.django_db
def test_removed_member_can_rejoin_open_group_and_co_facilitators() -> None:
    group = GroupFactory(join_policy=JoinPolicy.OPEN)
    fac = facilitator_of(group)
    m = MembershipFactory(group=group)
    c = _as(fac)
    c.post(f"/groups/{group.slug}/manage/members/{m.pk}/", {"action": "make_facilitator"})
    m.refresh_from_db()
    assert m.role == MembershipRole.FACILITATOR
    assert _as(m.user).get(f"/groups/{group.slug}/manage/").status_code == 200
    c.post(f"/groups/{group.slug}/manage/members/{m.pk}/", {"action": "remove"})
    m.refresh_from_db()
    assert (m.state, m.role) == (MembershipState.REMOVED, MembershipRole.MEMBER)
    assert _as(m.user).get(f"/groups/{group.slug}/manage/").status_code == 404
    _as(m.user).post(f"/groups/{group.slug}/join/")
    m.refresh_from_db()
    assert m.state == MembershipState.ACTIVE


@pytest.mark.django_db
def test_last_facilitator_cannot_leave_a_group_with_members() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    MembershipFactory(group=group)
    r = _as(fac).post(f"/groups/{group.slug}/leave/", follow=True)
    assert "You are the only facilitator" in r.text
    assert Membership.objects.get(group=group, user=fac).is_facilitator


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["anonymous", "stranger", "member", "banned", "ex_member"])
def test_dashboard_and_actions_are_for_facilitators_only(viewer: str) -> None:
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL, eligibility_question="Why?")
    facilitator_of(group)
    target = MembershipFactory(group=group)
    states = {"member": MembershipState.ACTIVE, "banned": MembershipState.BANNED, "ex_member": MembershipState.LEFT}
    c = Client()
    if viewer != "anonymous":
        user = UserFactory() if viewer == "stranger" else MembershipFactory(group=group, state=states[viewer]).user
        c.force_login(user)
    expected = 302 if viewer == "anonymous" else 404
    assert c.get(f"/groups/{group.slug}/manage/").status_code == expected
    assert c.post(f"/groups/{group.slug}/manage/members/{target.pk}/", {"action": "ban"}).status_code == expected
    assert c.post(f"/groups/{group.slug}/manage/invites/", {"days": 3}).status_code == expected
    target.refresh_from_db()
    assert target.state == MembershipState.ACTIVE
    assert Invite.objects.count() == 0


@pytest.mark.django_db
def test_create_group_from_template_through_the_form() -> None:
    person = UserFactory()
    c = _as(person)
    choose = c.get("/groups/new/")
    assert "Start a speakers group" in choose.text
    form = c.get("/groups/new/?kind=support")
    assert "confidentiality is our first rule" in form.text
    r = c.post(
        "/groups/new/",
        {
            "name": "Raleigh Tech Roundtable",
            "kind": "strategic",
            "format": "hybrid",
            "location_text": "27601",
            "meeting_minutes": 120,
            "join_policy": "approval",
            "eligibility_question": "What are you looking for?",
            "visibility": "listed",
            "topics": "Interviewing, LinkedIn",
            "description": "We **meet** <script>x</script>",
        },
    )
    assert r.status_code == 302
    g = Group.objects.get(name="Raleigh Tech Roundtable")
    assert r["Location"] == f"/groups/{g.slug}/"
    assert g.location_label == "Raleigh, NC 27601"
    assert g.time_zone == "America/New_York"
    assert g.description_html == "<p>We <strong>meet</strong> </p>"
    assert sorted(t.name for t in g.topics.all()) == ["Interviewing", "LinkedIn"]
    assert Membership.objects.get(group=g).is_facilitator


def _create_listed_group(person: object, name: str) -> Group:
    r = _as(person).post(
        "/groups/new/",
        {
            "name": name,
            "kind": "support",
            "format": "virtual",
            "meeting_minutes": 60,
            "join_policy": "open",
            "visibility": "listed",
        },
    )
    assert r.status_code == 302
    return Group.objects.get(created_by=person, name=name)


@pytest.mark.django_db
def test_a_new_slug_is_independent_of_a_secret_group_with_the_same_name() -> None:
    """A name a secret group holds and a name nobody holds give slugs of the same shape:
    the plain slug plus a random 8-character suffix, so the creator learns nothing."""
    GroupFactory(
        name="Secret Society", slug="secret-society", visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE
    )
    colliding = _create_listed_group(UserFactory(), "Secret Society")
    fresh = _create_listed_group(UserFactory(), "Public Society")
    suffix = re.compile(r"^[a-z2-9]{8}$")
    assert colliding.slug != "secret-society"
    assert colliding.slug.startswith("secret-society-")
    assert fresh.slug.startswith("public-society-")
    assert suffix.match(colliding.slug.removeprefix("secret-society-")) is not None
    assert suffix.match(fresh.slug.removeprefix("public-society-")) is not None
    assert len(colliding.slug) - len("secret-society") == len(fresh.slug) - len("public-society") == 9


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        (
            {
                "name": "x" * 10000,
                "kind": "support",
                "format": "virtual",
                "meeting_minutes": 60,
                "join_policy": "open",
                "visibility": "listed",
            },
            "Ensure this value has at most 120 characters",
        ),
        (
            {
                "name": "Near nowhere",
                "kind": "support",
                "format": "in_person",
                "location_text": "00000",
                "meeting_minutes": 60,
                "join_policy": "open",
                "visibility": "listed",
            },
            "We could not find that place",
        ),
        (
            {
                "name": "Odd",
                "kind": "circus",
                "format": "virtual",
                "meeting_minutes": 60,
                "join_policy": "open",
                "visibility": "listed",
            },
            "Select a valid choice",
        ),
    ],
)
def test_create_form_bad_input_is_a_400_with_a_message(data: dict[str, object], message: str) -> None:
    c = _as(UserFactory())
    r = c.post("/groups/new/", data)
    assert r.status_code == 400
    assert message in r.text
    assert Group.objects.count() == 0


@pytest.mark.django_db
def test_failed_settings_save_keeps_what_was_saved() -> None:
    group = GroupFactory(name="Keep Me")
    fac = facilitator_of(group)
    r = _as(fac).post(
        f"/groups/{group.slug}/manage/settings/",
        {
            "name": "Changed",
            "kind": "support",
            "format": "in_person",
            "location_text": "00000",
            "meeting_minutes": 60,
            "join_policy": "open",
            "visibility": "listed",
        },
    )
    assert r.status_code == 400
    group.refresh_from_db()
    assert (group.name, group.kind) == ("Keep Me", "strategic")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["radius=abc", "radius=-3", "near=99999", "kind=circus", "page=x", "topic=not%20a%20slug!"]
)
def test_discovery_bad_input_is_a_400_with_a_message(query: str) -> None:
    r = Client().get(f"/groups/?{query}")
    assert r.status_code == 400
    assert "Please check the search" in r.text
