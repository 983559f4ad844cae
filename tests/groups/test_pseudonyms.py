"""Pseudonymous membership (issue 12, item 4): who sees a member's chosen name, who sees whom
behind it (nobody but the member and operators), and that nothing outside the group ties the
name, or the membership, to the person's profile."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.groups import identity, permissions, services
from roundtable.groups.models import Group, GroupVisibility, JoinPolicy, Kind, Membership, MembershipState
from roundtable.groups.permissions import shares_a_group
from roundtable.live import clock
from roundtable.live import services as live_services
from roundtable.stories.models import Audience
from tests.clients import signed_in
from tests.factories import (
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    ParticipantFactory,
    RsvpFactory,
    TurnFactory,
    UserFactory,
    facilitator_of,
)
from tests.stories.factories import StoryFactory

REAL = "Mina Realname"
PSEUDONYM = "Sparrow"


@dataclass
class World:
    group: Group
    mina: User  # goes by PSEUDONYM in `group`, by her name in `other_group`
    fac: User
    member: User
    banned: User
    ex_member: User
    outsider: User
    operator: User
    co_member: User  # shares `other_group` with Mina, not `group`
    other_group: Group


def _leaks(body: str, w: World) -> list[str]:
    """What in the body would tie Mina to the pseudonymous group."""
    found = [s for s in (REAL, w.mina.email, w.mina.public_id) if s in body]
    return found


@pytest.fixture
def w(db: None) -> World:
    group = GroupFactory(name="Quiet Harbour Circle", kind=Kind.SUPPORT, allow_pseudonyms=True)
    fac = facilitator_of(group, user=UserFactory(name="Fay Facil"))
    mina = UserFactory(name=REAL)
    MembershipFactory(group=group, user=mina, pseudonym=PSEUDONYM)
    member = MembershipFactory(group=group, user=UserFactory(name="Otto Member")).user
    banned = MembershipFactory(group=group, state=MembershipState.BANNED, user=UserFactory(name="Bo Banned")).user
    ex_member = MembershipFactory(group=group, state=MembershipState.LEFT, user=UserFactory(name="Ex Ed")).user
    operator = UserFactory(name="Olive Operator", is_staff=True)
    other_group = GroupFactory(name="Open Resume Clinic", join_policy=JoinPolicy.APPROVAL)
    MembershipFactory(group=other_group, user=mina)
    co_member = MembershipFactory(group=other_group, user=UserFactory(name="Cora Comember")).user
    return World(
        group=group,
        mina=mina,
        fac=fac,
        member=member,
        banned=banned,
        ex_member=ex_member,
        outsider=UserFactory(name="Nina Outsider"),
        operator=operator,
        co_member=co_member,
        other_group=other_group,
    )


# ---------------------------------------------------------------- the rules of a pseudonym


@pytest.mark.parametrize(
    ("chosen", "reason"),
    [
        ("sparrow", services.TAKEN),
        ("SPARROW", services.TAKEN),
        ("otto member", "A member of this group is called that: choose a name of your own."),
        ("Kim Newcomer", "That is your profile name: choose a name that does not identify you."),
        ("!!!", "Use at least one letter or digit."),
        ("x" * 41, "Keep this to 40 characters or fewer (it has 41)."),
        ("x" * 10000, "Keep this to 40 characters or fewer (it has 10000)."),
        ("Wren\nHawk", "Keep this to one line: remove the line break at character 5."),
        ("Wren\x07", "Remove the invisible control character U+0007 at character 5: text cannot hold it."),
    ],
)
def test_a_pseudonym_that_may_not_be_used_is_refused_with_its_reason(w: World, chosen: str, reason: str) -> None:
    kim = MembershipFactory(group=w.group, user=UserFactory(name="Kim Newcomer")).user
    with pytest.raises(services.GroupError) as caught:
        services.membership_pseudonym_set(group=w.group, user=kim, pseudonym=chosen)
    assert caught.value.field == "pseudonym"
    assert caught.value.status == 400
    assert caught.value.message == reason
    assert Membership.objects.get(group=w.group, user=kim).pseudonym == ""


def test_a_member_chooses_changes_and_drops_a_pseudonym(w: World) -> None:
    m = services.membership_pseudonym_set(group=w.group, user=w.member, pseudonym="  Heron  ")
    assert m.pseudonym == "Heron"
    # The same person may change the capitals of their own name.
    assert services.membership_pseudonym_set(group=w.group, user=w.member, pseudonym="HERON").pseudonym == "HERON"
    assert services.membership_pseudonym_set(group=w.group, user=w.member, pseudonym="").pseudonym == ""


def test_a_group_without_pseudonyms_refuses_a_new_one_but_keeps_and_lets_go_of_an_old_one(w: World) -> None:
    Group.objects.filter(pk=w.group.pk).update(allow_pseudonyms=False)
    w.group.refresh_from_db()
    with pytest.raises(services.GroupError) as caught:
        services.membership_pseudonym_set(group=w.group, user=w.member, pseudonym="Heron")
    assert (caught.value.status, caught.value.message) == (409, "This group does not offer pseudonyms.")
    # Mina keeps hers: showing her name now would break what she joined under.
    assert identity.name_in(w.group.pk, w.mina) == PSEUDONYM
    assert services.membership_pseudonym_set(group=w.group, user=w.mina, pseudonym="").pseudonym == ""


@pytest.mark.parametrize("who", ["outsider", "banned", "ex_member"])
def test_only_members_choose_how_they_appear(w: World, who: str) -> None:
    with pytest.raises(services.GroupError) as caught:
        services.membership_pseudonym_set(group=w.group, user=getattr(w, who), pseudonym="Heron")
    assert caught.value.status == 404


def test_joining_with_a_pseudonym(w: World) -> None:
    kim = UserFactory(name="Kim Newcomer")
    m = services.membership_join(group=w.group, user=kim, pseudonym="Heron", accept_rules=True)
    assert (m.state, m.pseudonym) == (MembershipState.ACTIVE, "Heron")
    with pytest.raises(services.GroupError) as caught:
        services.membership_join(group=w.group, user=UserFactory(), pseudonym="heron", accept_rules=True)
    assert caught.value.message == services.TAKEN


def test_the_support_template_offers_pseudonyms_and_the_others_do_not() -> None:
    from roundtable.groups.forms import GroupForm

    assert GroupForm.initial_for_kind(Kind.SUPPORT)["allow_pseudonyms"] is True
    assert GroupForm.initial_for_kind(Kind.STRATEGIC)["allow_pseudonyms"] is False
    assert GroupForm.initial_for_kind(Kind.SPEAKERS)["allow_pseudonyms"] is False


# ---------------------------------------------------------------- how a member appears, to whom


def test_the_one_answer_for_each_kind_of_viewer(w: World) -> None:
    mina = User.objects.select_related("profile").get(pk=w.mina.pk)
    hidden = identity.Appearance(name=PSEUDONYM, pseudonymous=True)
    for viewer in (w.member, w.fac, w.outsider, w.co_member, w.banned, w.ex_member):
        assert identity.appearance(user=mina, pseudonym=PSEUDONYM, viewer=viewer) == hidden
    assert identity.appearance(user=mina, pseudonym=PSEUDONYM, viewer=mina) == identity.Appearance(
        name=PSEUDONYM, pseudonymous=True, is_self=True
    )
    assert identity.appearance(user=mina, pseudonym=PSEUDONYM, viewer=w.operator) == identity.Appearance(
        name=PSEUDONYM, public_id=mina.public_id, pseudonymous=True, real_name=REAL
    )
    assert identity.appearance(user=mina, pseudonym="", viewer=w.member) == identity.Appearance(
        name=REAL, public_id=mina.public_id
    )


def test_members_page_for_each_viewer(w: World) -> None:
    url = f"/groups/{w.group.slug}/members/"
    for viewer in (w.member, w.fac):
        body = signed_in(viewer).get(url).text
        assert PSEUDONYM in body
        assert _leaks(body, w) == []
        assert f"/people/{w.member.public_id}/" in body  # members without one stay linked
    mine = signed_in(w.mina).get(url).text
    assert f'<span class="person-name">{PSEUDONYM}</span> <span class="muted small">(you)</span>' in mine
    assert w.mina.public_id not in mine
    for viewer in (None, w.outsider, w.co_member, w.banned, w.ex_member, w.operator):
        client = signed_in(viewer) if viewer else Client()
        r = client.get(url)
        assert r.status_code == 403
        assert PSEUDONYM not in r.text
        assert _leaks(r.text, w) == []


def test_an_operator_in_the_group_sees_who_is_behind_a_pseudonym(w: World) -> None:
    MembershipFactory(group=w.group, user=w.operator)
    body = signed_in(w.operator).get(f"/groups/{w.group.slug}/members/").text
    assert PSEUDONYM in body
    assert f"{REAL}, staff view" in body
    assert f"/people/{w.mina.public_id}/" in body


def test_facilitators_manage_a_pseudonymous_member_without_learning_who_it_is(w: World) -> None:
    from roundtable.live.models import HistorySharing

    HistorySharing.objects.create(user=w.mina, share_with_facilitators=True)
    body = signed_in(w.fac).get(f"/groups/{w.group.slug}/manage/").text
    assert f"{PSEUDONYM} <span" in body or f">{PSEUDONYM}<" in body
    assert _leaks(body, w) == []
    m = Membership.objects.get(group=w.group, user=w.mina)
    assert f"/groups/{w.group.slug}/manage/members/{m.pk}/?action=remove" in body


def test_the_profile_lists_a_pseudonymous_membership_to_its_owner_only(w: World) -> None:
    url = f"/people/{w.mina.public_id}/"
    assert w.group.name in signed_in(w.mina).get(url).text
    for viewer in (None, w.outsider, w.co_member, w.member, w.fac, w.operator):
        body = (signed_in(viewer) if viewer else Client()).get(url).text
        assert w.group.name not in body
        assert PSEUDONYM not in body
        # Her other group, where she goes by her name, is still listed.
        assert w.other_group.name in body


def test_a_pseudonymous_membership_does_not_make_people_in_my_groups(w: World) -> None:
    vetted = GroupFactory(join_policy=JoinPolicy.INVITE, allow_pseudonyms=True)
    MembershipFactory(group=vetted, user=w.mina, pseudonym="Finch")
    peer = MembershipFactory(group=vetted).user
    assert shares_a_group(peer, w.mina) is False
    Membership.objects.filter(group=vetted, user=w.mina).update(pseudonym="")
    assert shares_a_group(peer, w.mina) is True


def test_discovery_and_search_never_carry_a_pseudonym(w: World) -> None:
    for client in (Client(), signed_in(w.outsider), signed_in(w.member)):
        body = client.get("/groups/", {"q": "harbour"}).text
        assert w.group.name in body
        assert PSEUDONYM not in body
        assert _leaks(body, w) == []


def test_meeting_page_names_the_attendee_by_the_pseudonym(w: World) -> None:
    meeting = MeetingFactory(group=w.group)
    RsvpFactory(meeting=meeting, user=w.mina)
    url = f"/meetings/{meeting.public_id}/"
    body = signed_in(w.fac).get(url).text
    assert PSEUDONYM in body
    assert _leaks(body, w) == []
    # (Mina's own pages carry her name in the site's header: not a leak to anyone.)
    for viewer in (w.member, w.outsider, w.co_member):
        assert _leaks(signed_in(viewer).get(url).text, w) == []


def test_the_live_room_names_a_pseudonymous_member_by_it(w: World) -> None:
    meeting = MeetingFactory(group=w.group)
    RsvpFactory(meeting=meeting, user=w.mina)
    RsvpFactory(meeting=meeting, user=w.member)
    rt = live_services.roundtable_open(meeting=meeting, by=w.fac, now=meeting.starts_at)
    ParticipantFactory(roundtable=rt, user=w.mina, joined_at=meeting.starts_at)
    ParticipantFactory(roundtable=rt, user=w.member, joined_at=meeting.starts_at)
    snap = clock.snapshot(rt, meeting.starts_at)
    names = sorted(p["name"] for p in snap["participants"])
    assert names == ["Fay Facil", "Otto Member", PSEUDONYM]
    text = str(snap)
    assert _leaks(text, w) == []
    page = signed_in(w.member).get(f"/meetings/{meeting.public_id}/live/")
    assert page.status_code == 200
    assert PSEUDONYM in page.text
    assert _leaks(page.text, w) == []


def test_a_story_in_the_group_names_its_author_by_the_pseudonym_inside_and_by_nobody_outside(w: World) -> None:
    story = StoryFactory(author=w.mina, group=w.group, audience=Audience.PUBLIC, title="Landed at last")
    url = f"/stories/{story.public_id}/"
    inside = signed_in(w.member).get(url).text
    assert f"By {PSEUDONYM}" in inside
    assert _leaks(inside, w) == []
    for viewer in (None, w.outsider, w.co_member):
        body = (signed_in(viewer) if viewer else Client()).get(url).text
        assert "Landed at last" in body
        assert PSEUDONYM not in body
        assert _leaks(body, w) == []
        assert "By a member who chose to stay anonymous" in body
    listing = signed_in(w.co_member).get("/stories/").text
    assert _leaks(listing, w) == []


def test_the_new_story_notification_names_a_pseudonymous_author_by_nobody_outside_the_group(
    w: World,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from roundtable.notifications import kinds
    from roundtable.notifications.models import Notification
    from roundtable.stories.events import story_published

    story = StoryFactory(author=w.mina, group=w.group, audience=Audience.PUBLIC, title="Landed at last")
    with django_capture_on_commit_callbacks(execute=True):
        story_published(story)
    notes = list(Notification.objects.filter(subject_id=story.pk))
    assert [n.recipient_id for n in notes] != []
    for note in notes:
        assert note.actor_id is None
        kind = kinds.get(note.kind)
        assert kind is not None
        rendered = kind.render(note)
        assert _leaks(f"{rendered.title} {rendered.text}", w) == []
        assert rendered.title == f"{PSEUDONYM} of Quiet Harbour Circle landed a job and told how: Landed at last"


def test_the_report_form_names_a_suggestions_pseudonymous_author_by_the_pseudonym(w: World) -> None:
    meeting = MeetingFactory(group=w.group)
    RsvpFactory(meeting=meeting, user=w.mina)
    rt = live_services.roundtable_open(meeting=meeting, by=w.fac, now=meeting.starts_at)
    ParticipantFactory(roundtable=rt, user=w.mina, joined_at=meeting.starts_at)
    turn = TurnFactory(roundtable=rt, user=w.fac)
    from roundtable.live.models import Suggestion

    s = Suggestion.objects.create(turn=turn, author=w.mina, text="Try the alumni list.")
    page = signed_in(w.member).get(f"/report/?kind=suggestion&ref={s.pk}")
    assert page.status_code == 200
    assert f"a suggestion by {PSEUDONYM}" in page.text
    assert _leaks(page.text, w) == []


def test_the_moderation_pages_name_and_address_a_pseudonymous_member_by_the_group_only(w: World) -> None:
    from roundtable.live.models import Suggestion
    from roundtable.live.seats import handle
    from roundtable.safety import services as safety

    meeting = MeetingFactory(group=w.group)
    RsvpFactory(meeting=meeting, user=w.mina)
    rt = live_services.roundtable_open(meeting=meeting, by=w.fac, now=meeting.starts_at)
    turn = TurnFactory(roundtable=rt, user=w.fac)
    said = Suggestion.objects.create(turn=turn, author=w.mina, text="Buy my course.")
    safety.report_create(reporter=w.member, kind="suggestion", ref=str(said.pk), reason="spam")
    safety.member_mute(group=w.group, person=w.mina, by=w.fac, reason="Selling in the brainstorm.")
    fac = signed_in(w.fac)
    queue = fac.get(f"/groups/{w.group.slug}/moderation/")
    assert queue.status_code == 200
    seat = handle(w.group.pk, w.mina.pk)
    assert PSEUDONYM in queue.text
    assert f"/groups/{w.group.slug}/moderation/people/{seat}/" in queue.text
    assert _leaks(queue.text, w) == []
    page = fac.get(f"/groups/{w.group.slug}/moderation/people/{seat}/")
    assert page.status_code == 200
    assert f"<h1>{PSEUDONYM} in Quiet Harbour Circle</h1>" in page.text
    assert _leaks(page.text, w) == []
    # Her public id does not reach the page (it would confirm who is behind the name), nor a
    # handle of another group, nor a made-up one.
    for ref in (w.mina.public_id, handle(w.other_group.pk, w.mina.pk), "p0123456789abcdef", "x" * 17):
        assert fac.get(f"/groups/{w.group.slug}/moderation/people/{ref}/").status_code == 404
    # Acting through the handle works, and comes back to the same page.
    done = fac.post(f"/groups/{w.group.slug}/moderation/people/{seat}/", {"action": "unmute", "reason": ""})
    assert (done.status_code, done["Location"]) == (302, f"/groups/{w.group.slug}/moderation/people/{seat}/")
    # A named member is still addressed by public id.
    assert fac.get(f"/groups/{w.group.slug}/moderation/people/{w.member.public_id}/").status_code == 200


# ---------------------------------------------------------------- pages and the API


def test_the_how_you_appear_page(w: World) -> None:
    url = f"/groups/{w.group.slug}/appearance/"
    c = signed_in(w.member)
    assert '<strong id="appear-as">Otto Member</strong>, linked to your profile' in c.get(url).text
    r = c.post(url, {"pseudonym": "Heron"})
    assert (r.status_code, r["Location"]) == (302, url)
    assert Membership.objects.get(group=w.group, user=w.member).pseudonym == "Heron"
    r = c.post(url, {"pseudonym": PSEUDONYM.lower()})
    assert r.status_code == 400
    assert services.TAKEN in r.text
    r = c.post(url, {"pseudonym": "a\r\nb"})
    assert r.status_code == 400
    r = c.post(url, {"pseudonym": "y" * 10000})
    assert r.status_code == 400
    assert "Keep it to 40 characters or fewer." in r.text
    assert Membership.objects.get(group=w.group, user=w.member).pseudonym == "Heron"
    for viewer in (w.outsider, w.banned, w.ex_member):
        assert signed_in(viewer).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to log in


def test_joining_from_the_group_page_with_a_pseudonym(w: World) -> None:
    kim = UserFactory(name="Kim Newcomer")
    page = signed_in(kim).get(f"/groups/{w.group.slug}/").text
    assert 'name="pseudonym"' in page
    r = signed_in(kim).post(f"/groups/{w.group.slug}/join/", {"pseudonym": "sparrow", "accept_rules": "yes"})
    assert r.status_code == 400
    assert services.TAKEN in r.text
    assert 'value="sparrow"' in r.text
    assert not Membership.objects.filter(group=w.group, user=kim).exists()
    r = signed_in(kim).post(f"/groups/{w.group.slug}/join/", {"pseudonym": "Heron", "accept_rules": "yes"})
    assert r.status_code == 302
    assert Membership.objects.get(group=w.group, user=kim).pseudonym == "Heron"


def test_the_settings_form_turns_pseudonyms_on_and_off(w: World) -> None:
    group = GroupFactory(visibility=GroupVisibility.LISTED)
    fac = facilitator_of(group)
    page = signed_in(fac).get(f"/groups/{group.slug}/manage/settings/").text
    assert 'name="allow_pseudonyms"' in page
    assert "Members may appear by a name of their choosing" in page


def _bearer(user: User) -> dict[str, str]:
    _t, secret = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_sets_and_tells_only_your_own_pseudonym(w: World) -> None:
    url = f"/api/v1/groups/{w.group.slug}/pseudonym"
    c = Client()
    r = c.put(url, {"pseudonym": "Heron"}, content_type="application/json", **_bearer(w.member))
    assert (r.status_code, r.json()) == (
        200,
        {"group": w.group.slug, "pseudonym": "Heron", "detail": "You appear as Heron in this group."},
    )
    r = c.put(url, {"pseudonym": "sparrow"}, content_type="application/json", **_bearer(w.member))
    assert (r.status_code, r.json()) == (400, {"detail": services.TAKEN})
    r = c.put(url, {"pseudonym": "x\ny"}, content_type="application/json", **_bearer(w.member))
    assert r.status_code in (400, 422)
    r = c.put(url, {"pseudonym": "Heron"}, content_type="application/json", **_bearer(w.outsider))
    assert (r.status_code, r.json()) == (404, {"detail": "You are not a member of this group."})
    detail = c.get(f"/api/v1/groups/{w.group.slug}", **_bearer(w.member)).json()
    assert (detail["allow_pseudonyms"], detail["my_pseudonym"]) == (True, "Heron")
    for viewer in (w.member, w.fac, w.outsider, w.co_member):
        body = c.get(f"/api/v1/groups/{w.group.slug}", **_bearer(viewer)).text
        assert PSEUDONYM not in body
        assert _leaks(body, w) == []


def test_the_api_joins_with_a_pseudonym(w: World) -> None:
    kim = UserFactory(name="Kim Newcomer")
    r = Client().post(
        f"/api/v1/groups/{w.group.slug}/join",
        {"pseudonym": "Heron", "accept_ground_rules": True},
        content_type="application/json",
        **_bearer(kim),
    )
    assert r.status_code == 200
    assert Membership.objects.get(group=w.group, user=kim).pseudonym == "Heron"


# ---------------------------------------------------------------- query counts


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_with_pseudonyms_keep_their_query_counts(w: World) -> None:
    meeting = MeetingFactory(group=w.group)
    c = signed_in(w.fac)
    urls = [f"/groups/{w.group.slug}/members/", f"/groups/{w.group.slug}/manage/", f"/meetings/{meeting.public_id}/"]

    def grow(n: int) -> None:
        for _ in range(n):
            m = MembershipFactory(group=w.group)
            services.membership_pseudonym_set(group=w.group, user=m.user, pseudonym=f"Bird {m.pk}")
            RsvpFactory(meeting=meeting, user=m.user)

    grow(2)
    small = [_queries(c, u) for u in urls]
    grow(20)
    assert [_queries(c, u) for u in urls] == small
    assert permissions.is_member(w.mina, w.group)


# ---------------------------------------------------------------- networking in the group


def test_introductions_in_the_group_never_offer_a_pseudonymous_member(w: World) -> None:
    from roundtable.network import selectors as network

    people = network.people_of_group(w.group, exclude=[w.member.pk])
    assert sorted(u.pk for u in people) == sorted([w.fac.pk])
    assert w.mina.pk not in {u.pk for u in network.people_of_group(w.group, exclude=[])}


def test_a_pseudonymous_member_is_kept_out_of_the_groups_buddy_pool(w: World) -> None:
    from roundtable.buddies import services as buddies
    from roundtable.buddies.models import PoolEntry
    from tests.buddies.world import prefs

    with pytest.raises(buddies.BuddyError) as caught:
        buddies.pool_join(user=w.mina, group=w.group, preferences=prefs())
    assert caught.value.message == buddies.PSEUDONYM_POOL
    # The platform's pool is open to her.
    assert buddies.pool_join(user=w.mina, group=None, preferences=prefs()).group is None
    # Someone who chose a pseudonym after joining the group's pool is not paired from it.
    buddies.pool_join(user=w.member, group=w.group, preferences=prefs())
    assert [e.user_id for e in buddies.pool_entries(w.group)] == [w.member.pk]
    services.membership_pseudonym_set(group=w.group, user=w.member, pseudonym="Heron")
    assert buddies.pool_entries(w.group) == []
    assert PoolEntry.objects.filter(user=w.member, left_at__isnull=True).count() == 1


# ---------------------------------------------------------------- emails


@pytest.mark.django_db(transaction=True)
def test_the_request_email_names_the_person_by_their_pseudonym(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    group = GroupFactory(
        name="Quiet Harbour Circle",
        join_policy=JoinPolicy.APPROVAL,
        eligibility_question="What brings you here?",
        allow_pseudonyms=True,
    )
    fac = facilitator_of(group)
    person = UserFactory(name=REAL)
    r = signed_in(person).post(f"/groups/{group.slug}/join/", {"answer": "A safe place", "pseudonym": PSEUDONYM})
    assert r.status_code == 302
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    assert [msg.to for msg in mailoutbox] == [[fac.email]]
    assert mailoutbox[0].subject == f"[Roundtable] {PSEUDONYM} asked to join Quiet Harbour Circle"
    html = mailoutbox[0].alternatives[0][0] if mailoutbox[0].alternatives else ""
    for text in (mailoutbox[0].body, html):
        assert REAL not in text
        assert person.public_id not in text
        assert person.email not in text


def test_goals_and_reflections_never_offer_a_pseudonymous_member_to_name(w: World) -> None:
    from roundtable.journal import selectors as journal

    meeting = MeetingFactory(group=w.group)
    for user in (w.mina, w.member, w.fac):
        RsvpFactory(meeting=meeting, user=user)
    assert [c.user.pk for c in journal.goal_candidates(w.fac, meeting)] == [w.member.pk]
    assert [c.user.pk for c in journal.reflection_candidates(w.fac, meeting)] == [w.member.pk]
    body = signed_in(w.member).get(f"/meetings/{meeting.public_id}/").text
    assert _leaks(body, w) == []
