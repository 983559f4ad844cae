"""The profile page shows each viewer exactly the fields the owner chose to show them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from roundtable.accounts.models import PRIVATE_FIELDS, Profile, User, Visibility
from roundtable.accounts.permissions import visible_profile_fields
from roundtable.groups.models import Admission, Group, GroupVisibility, JoinPolicy, Membership, MembershipState
from tests.factories import GroupFactory, MembershipFactory, UserFactory

VIEWERS = ["anonymous", "stranger", "fellow_member", "ex_member", "banned", "owner"]
SEES = {
    Visibility.EVERYONE: set(VIEWERS),
    Visibility.MEMBERS: {"fellow_member", "owner"},
    Visibility.ONLY_ME: {"owner"},
}
EXPERTISE = "Zymurgy and barrel-aged fermentation"
OWNER_NAME = "Philippa Quillfeather"


def _world(level: str) -> dict[str, User | None]:
    owner = UserFactory(name=OWNER_NAME)
    profile = owner.profile
    profile.expertise = EXPERTISE
    profile.visibility = {"expertise": level}
    profile.save()
    # An approval group: only such groups (and invite-only ones) make "people in my groups".
    group = GroupFactory(name="Harbor Roundtable", join_policy=JoinPolicy.APPROVAL, eligibility_question="Why?")
    MembershipFactory(group=group, user=owner)
    users: dict[str, User | None] = {"anonymous": None, "stranger": UserFactory(), "owner": owner}
    for viewer, state in [
        ("fellow_member", MembershipState.ACTIVE),
        ("ex_member", MembershipState.LEFT),
        ("banned", MembershipState.BANNED),
    ]:
        users[viewer] = MembershipFactory(group=group, state=state).user
    return users


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("level", list(Visibility))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_profile_field_follows_its_visibility(level: str, viewer: str) -> None:
    users = _world(level)
    owner = users["owner"]
    assert owner is not None
    r = _client(users[viewer]).get(f"/people/{owner.public_id}/")
    assert r.status_code == 200
    assert OWNER_NAME in r.text  # the display name is always public
    assert (EXPERTISE in r.text) == (viewer in SEES[level])


@pytest.mark.django_db
@pytest.mark.parametrize("level", list(Visibility))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_helper_returns_only_what_the_viewer_may_see(level: str, viewer: str) -> None:
    users = _world(level)
    owner = users["owner"]
    assert owner is not None
    profile = Profile.objects.select_related("user").get(user=owner)
    profile.visibility = dict.fromkeys(PRIVATE_FIELDS, level)
    fields = visible_profile_fields(users[viewer] or AnonymousUser(), profile)
    expected = ["display_name", *PRIVATE_FIELDS] if viewer in SEES[level] else ["display_name"]
    assert list(fields) == expected
    assert fields["display_name"] == OWNER_NAME


@pytest.mark.django_db
def test_defaults_show_headline_to_everyone_and_location_to_members_only() -> None:
    users = _world(Visibility.EVERYONE)
    owner = users["owner"]
    assert owner is not None
    Profile.objects.filter(user=owner).update(
        headline="Supply chain analyst, open to hybrid",
        location_text="Boston, MA",
        location_label="Boston, MA",
        visibility={},
    )
    anonymous = _client(None).get(f"/people/{owner.public_id}/").text
    fellow = _client(users["fellow_member"]).get(f"/people/{owner.public_id}/").text
    assert "Supply chain analyst, open to hybrid" in anonymous
    assert "Boston, MA" not in anonymous
    assert "Boston, MA" in fellow


@pytest.mark.django_db
def test_owner_sees_a_note_an_edit_link_and_who_sees_each_field() -> None:
    users = _world(Visibility.ONLY_ME)
    owner = users["owner"]
    assert owner is not None
    r = _client(owner).get(f"/people/{owner.public_id}/")
    assert "This is how others see your profile." in r.text
    assert 'href="/me/profile/"' in r.text
    assert '<span class="audience">Only you can see this</span>' in r.text
    other = _client(users["fellow_member"]).get(f"/people/{owner.public_id}/")
    assert "This is how others see your profile." not in other.text


SECRET_NAME = "Hidden Heron Circle"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("anonymous", False),
        ("stranger", False),
        ("ex_member", False),
        ("banned", False),
        ("fellow_member", True),
        ("owner", True),
    ],
)
def test_secret_group_name_appears_only_for_its_members(viewer: str, sees: bool) -> None:
    owner = UserFactory()
    listed = GroupFactory(name="Open Lantern Roundtable")
    secret = GroupFactory(name=SECRET_NAME, visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE)
    MembershipFactory(group=listed, user=owner)
    MembershipFactory(group=secret, user=owner)
    users: dict[str, User | None] = {"anonymous": None, "stranger": UserFactory(), "owner": owner}
    for who, state in [
        ("fellow_member", MembershipState.ACTIVE),
        ("ex_member", MembershipState.LEFT),
        ("banned", MembershipState.BANNED),
    ]:
        users[who] = MembershipFactory(group=secret, state=state).user
    r = _client(users[viewer]).get(f"/people/{owner.public_id}/")
    assert r.status_code == 200
    assert "Open Lantern Roundtable" in r.text
    assert (SECRET_NAME in r.text) == sees
    assert (f"/groups/{secret.slug}/" in r.text) == sees


@pytest.mark.django_db
def test_unlisted_group_shows_only_to_people_in_it() -> None:
    owner = UserFactory()
    unlisted = GroupFactory(name="Quiet Finch Circle", visibility=GroupVisibility.UNLISTED)
    MembershipFactory(group=unlisted, user=owner)
    fellow = MembershipFactory(group=unlisted).user
    assert "Quiet Finch Circle" not in _client(UserFactory()).get(f"/people/{owner.public_id}/").text
    assert "Quiet Finch Circle" in _client(fellow).get(f"/people/{owner.public_id}/").text


@pytest.mark.django_db
def test_unknown_or_inactive_person_is_404() -> None:
    gone = UserFactory(name="Departed Person")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    r = Client().get(f"/people/{gone.public_id}/")
    assert r.status_code == 404
    assert "Departed Person" not in r.text
    assert Client().get("/people/999999/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("policy", "sees"),
    [(JoinPolicy.OPEN, False), (JoinPolicy.APPROVAL, True), (JoinPolicy.INVITE, True)],
)
def test_people_in_my_groups_means_a_group_a_facilitator_let_both_into(policy: str, sees: bool) -> None:
    """Joining an open group the owner's profile lists takes one click: it must not unlock
    "people in my groups" fields. An approval or invite-only group does."""
    owner = UserFactory(name=OWNER_NAME)
    profile = owner.profile
    profile.expertise = EXPERTISE
    profile.visibility = {"expertise": Visibility.MEMBERS}
    profile.save()
    group = GroupFactory(name="Lantern Street Circle", join_policy=policy, eligibility_question="Why?")
    MembershipFactory(group=group, user=owner)
    fellow = MembershipFactory(group=group).user
    page = _client(fellow).get(f"/people/{owner.public_id}/")
    assert page.status_code == 200
    assert (EXPERTISE in page.text) is sees
    assert ("expertise" in visible_profile_fields(fellow, profile)) is sees


@pytest.mark.django_db
def test_switching_an_open_group_to_approval_vets_nobody_who_joined_in_one_click() -> None:
    """The probe: a facilitator of an open group switches it to approval; those who joined
    in one click still do not make each other (or the facilitator) "people in my groups"."""
    from roundtable.groups import services

    owner = UserFactory(name=OWNER_NAME)
    profile = owner.profile
    profile.expertise = EXPERTISE
    profile.visibility = {"expertise": Visibility.MEMBERS}
    profile.save()
    facilitator = UserFactory()
    data = services.GroupData(name="Lantern Street Circle", kind="support", format="virtual", join_policy="open")
    group = services.group_create(creator=facilitator, data=data)
    services.membership_join(group=group, user=owner)
    Group.objects.filter(pk=group.pk).update(join_policy=JoinPolicy.APPROVAL, eligibility_question="Why?")
    group.refresh_from_db()
    assert _client(facilitator).get(f"/people/{owner.public_id}/").text.count(EXPERTISE) == 0
    assert "expertise" not in visible_profile_fields(facilitator, profile)
    # A person the facilitator approves after the switch counts for the facilitator, who
    # started the group, but still not for the owner, who joined in one click.
    asker = UserFactory()
    services.membership_decide(
        membership=services.membership_join(group=group, user=asker, answer="Looking"), by=facilitator, approve=True
    )
    assert Membership.objects.get(group=group, user=asker).admission == Admission.APPROVED
    assert Membership.objects.get(group=group, user=owner).admission == Admission.JOINED
    assert "expertise" not in visible_profile_fields(asker, profile)
    asker_profile = asker.profile
    asker_profile.expertise = "Barrel staves"
    asker_profile.visibility = {"expertise": Visibility.MEMBERS}
    asker_profile.save()
    assert "expertise" in visible_profile_fields(facilitator, asker_profile)
    assert "expertise" not in visible_profile_fields(owner, asker_profile)


@pytest.mark.django_db
def test_an_invite_admits_as_vetted() -> None:
    from roundtable.groups import services

    owner = UserFactory()
    profile = owner.profile
    profile.expertise = EXPERTISE
    profile.visibility = {"expertise": Visibility.MEMBERS}
    profile.save()
    facilitator = UserFactory()
    data = services.GroupData(name="Quiet Door", kind="support", format="virtual", join_policy="invite")
    group = services.group_create(creator=facilitator, data=data)
    invite, _token = services.invite_create(group=group, by=facilitator)
    services.membership_join(group=group, user=owner, invite=invite)
    assert Membership.objects.get(group=group, user=owner).admission == Admission.INVITED
    assert "expertise" in visible_profile_fields(facilitator, profile)


@pytest.mark.django_db
def test_the_profile_form_says_what_people_in_my_groups_means() -> None:
    owner = UserFactory()
    page = _client(owner).get("/me/profile/")
    assert "means people who are members with you of a group that reviews requests or is invite-only" in page.text
    assert "Joining an open group takes one click, so it does not count." in page.text
