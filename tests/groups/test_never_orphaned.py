"""Issue 9, items 2 and 3: a group is never orphaned (hand over, co-facilitators, archive),
and every destructive action asks first on a page that says what it does."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from roundtable.groups import services
from roundtable.groups.models import Group, JoinPolicy, Membership, MembershipRole, MembershipState
from roundtable.meetings.models import Meeting, MeetingStatus, Rsvp
from tests.clients import signed_in as _as
from tests.factories import (
    GroupFactory,
    InviteFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    UserFactory,
    facilitator_of,
)


def _approval_group_with_a_request_and_a_meeting() -> tuple[Group, object, Membership, Meeting]:
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL, eligibility_question="Why?")
    fac = facilitator_of(group)
    pending = MembershipFactory(group=group, state=MembershipState.PENDING)
    meeting = MeetingFactory(group=group)
    return group, fac, pending, meeting


@pytest.mark.django_db
def test_the_only_facilitator_of_a_group_with_requests_cannot_leave_it_headless() -> None:
    # The case: alone as a member, but with a waiting request and a meeting ahead.
    group, fac, _pending, _meeting = _approval_group_with_a_request_and_a_meeting()
    r = _as(fac).post(f"/groups/{group.slug}/leave/")
    assert r.status_code == 409
    assert "You are the only facilitator" in r.text
    assert Membership.objects.get(group=group, user=fac).is_facilitator
    group.refresh_from_db()
    assert group.archived_at is None


@pytest.mark.django_db
def test_leave_page_offers_hand_over_and_archive_to_the_only_facilitator() -> None:
    group, fac, _pending, _meeting = _approval_group_with_a_request_and_a_meeting()
    member = MembershipFactory(group=group)
    r = _as(fac).get(f"/groups/{group.slug}/leave/")
    assert r.status_code == 200
    assert "You are its only facilitator. What should happen to the group?" in r.text
    assert f'<option value="{member.pk}">{member.user.profile.display_name}</option>' in r.text
    assert 'value="archive"' in r.text
    assert "1 upcoming meeting · 1 waiting request · 2 members" in r.text


@pytest.mark.django_db
def test_leaving_by_handing_over_makes_the_member_facilitator() -> None:
    group, fac, _pending, _meeting = _approval_group_with_a_request_and_a_meeting()
    member = MembershipFactory(group=group)
    r = _as(fac).post(f"/groups/{group.slug}/leave/", {"then": "hand_over", "successor": member.pk})
    assert r.status_code == 302
    member.refresh_from_db()
    assert (member.state, member.role) == (MembershipState.ACTIVE, MembershipRole.FACILITATOR)
    assert Membership.objects.get(group=group, user=fac).state == MembershipState.LEFT
    group.refresh_from_db()
    assert (group.archived_at, group.member_count) == (None, 1)


@pytest.mark.django_db
def test_hand_over_to_someone_outside_the_group_is_refused() -> None:
    group, fac, pending, _meeting = _approval_group_with_a_request_and_a_meeting()
    other_group_member = MembershipFactory()
    for successor in (pending.pk, other_group_member.pk):
        r = _as(fac).post(f"/groups/{group.slug}/leave/", {"then": "hand_over", "successor": successor})
        assert r.status_code == 409
        assert "Choose a current member to hand the group over to." in r.text
    r = _as(fac).post(f"/groups/{group.slug}/leave/", {"then": "hand_over", "successor": "x"})
    assert r.status_code == 409
    assert "You are the only facilitator: hand the group over to a member, or archive it" in r.text
    assert Membership.objects.get(group=group, user=fac).is_facilitator


@pytest.mark.django_db(transaction=True)
def test_leaving_by_archiving_cancels_meetings_declines_requests_and_leaves_discovery(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    group, fac, pending, meeting = _approval_group_with_a_request_and_a_meeting()
    member = MembershipFactory(group=group)
    RsvpFactory(meeting=meeting, user=member.user)
    invite = InviteFactory(group=group)
    r = _as(fac).post(f"/groups/{group.slug}/leave/", {"then": "archive"})
    assert r.status_code == 302
    group.refresh_from_db()
    meeting.refresh_from_db()
    pending.refresh_from_db()
    invite.refresh_from_db()
    assert group.archived_at is not None
    assert meeting.status == MeetingStatus.CANCELLED
    assert pending.state == MembershipState.DECLINED
    assert invite.revoked_at is not None
    assert group.series.filter(ended=False).count() == 0
    # Archived groups are out of discovery, and take no one new.
    assert group.name not in Client().get("/groups/").text
    r = _as(UserFactory()).post(f"/groups/{group.slug}/join/", {"answer": "Hi"}, follow=True)
    assert "This group is archived: it takes no new members." in r.text
    # The member keeps the page, with the reason.
    page = _as(member.user).get(f"/groups/{group.slug}/").text
    assert "Archived on" in page


@pytest.mark.django_db
def test_facilitator_hands_over_from_the_dashboard_and_stays_a_member() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    member = MembershipFactory(group=group)
    c = _as(fac)
    page = c.get(f"/groups/{group.slug}/manage/hand-over/")
    assert page.status_code == 200
    assert "You stay in the group as a member." in page.text
    r = c.post(f"/groups/{group.slug}/manage/hand-over/", {"successor": member.pk})
    assert r.status_code == 302
    member.refresh_from_db()
    me = Membership.objects.get(group=group, user=fac)
    assert (member.role, me.role, me.state) == (
        MembershipRole.FACILITATOR,
        MembershipRole.MEMBER,
        MembershipState.ACTIVE,
    )


@pytest.mark.django_db
def test_archive_asks_first_then_archives_and_restore_brings_it_back() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    MeetingFactory(group=group)
    MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=14))
    c = _as(fac)
    ask = c.get(f"/groups/{group.slug}/manage/archive/")
    assert ask.status_code == 200
    assert f"Archive {group.name}?" in ask.text
    assert "Its 2 upcoming meetings will be cancelled, and people going are told." in ask.text
    group.refresh_from_db()
    assert group.archived_at is None
    c.post(f"/groups/{group.slug}/manage/archive/")
    group.refresh_from_db()
    assert group.archived_at is not None
    assert Meeting.objects.filter(group=group, status=MeetingStatus.CANCELLED).count() == 2
    c.post(f"/groups/{group.slug}/manage/restore/")
    group.refresh_from_db()
    assert group.archived_at is None
    assert group.name in Client().get("/groups/").text


@pytest.mark.django_db
def test_a_co_facilitator_invite_makes_its_user_a_facilitator() -> None:
    group = GroupFactory(join_policy=JoinPolicy.INVITE)
    fac = facilitator_of(group)
    c = _as(fac)
    r = c.post(f"/groups/{group.slug}/manage/invites/", {"days": 7, "note": "Sam", "role": "facilitator"})
    assert r.status_code == 302
    url = c.get(f"/groups/{group.slug}/manage/").text
    token = re.search(r"/invite/([^/\"]+)/", url)
    assert token is not None
    newcomer = UserFactory()
    _as(newcomer).post(f"/invite/{token.group(1)}/")
    m = Membership.objects.get(group=group, user=newcomer)
    assert (m.state, m.role) == (MembershipState.ACTIVE, MembershipRole.FACILITATOR)
    # Now the first facilitator can simply leave.
    assert _as(fac).post(f"/groups/{group.slug}/leave/").status_code == 302
    assert Membership.objects.get(group=group, user=fac).state == MembershipState.LEFT


@pytest.mark.django_db
def test_deleting_the_only_facilitators_account_archives_the_group_and_recounts(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    group, fac, _pending, meeting = _approval_group_with_a_request_and_a_meeting()
    MembershipFactory(group=group)
    shared = GroupFactory()
    facilitator_of(shared)
    MembershipFactory(group=shared, user=fac, role=MembershipRole.FACILITATOR)
    with django_capture_on_commit_callbacks(execute=True):
        fac.delete()
    group.refresh_from_db()
    shared.refresh_from_db()
    meeting.refresh_from_db()
    assert group.archived_at is not None
    assert meeting.status == MeetingStatus.CANCELLED
    assert group.member_count == 1
    # A group with another facilitator goes on.
    assert (shared.archived_at, shared.member_count) == (None, 1)


@pytest.mark.django_db
def test_deactivating_the_only_facilitators_account_archives_the_group() -> None:
    group, fac, _pending, _meeting = _approval_group_with_a_request_and_a_meeting()
    fac.is_active = False
    fac.save()
    group.refresh_from_db()
    assert group.archived_at is not None


@pytest.mark.django_db
def test_the_only_facilitator_cannot_be_removed_by_a_non_facilitator() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    m = Membership.objects.get(group=group, user=fac)
    with pytest.raises(services.GroupError, match="only facilitator"):
        services.membership_remove(membership=m, by=UserFactory(), ban=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "question", "consequence"),
    [
        ("remove", "Remove {name} from {group}?", "They can join again later"),
        ("ban", "Ban {name} from {group}?", "They can never rejoin"),
    ],
)
def test_remove_and_ban_ask_first_and_say_what_they_do(action: str, question: str, consequence: str) -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    m = MembershipFactory(group=group)
    c = _as(fac)
    dashboard = c.get(f"/groups/{group.slug}/manage/").text
    assert f'href="/groups/{group.slug}/manage/members/{m.pk}/?action={action}"' in dashboard
    ask = c.get(f"/groups/{group.slug}/manage/members/{m.pk}/?action={action}")
    assert ask.status_code == 200
    assert question.format(name=m.user.display_name, group=group.name) in ask.text
    assert consequence in ask.text
    assert f'<input type="hidden" name="action" value="{action}">' in ask.text
    m.refresh_from_db()
    assert m.state == MembershipState.ACTIVE
    c.post(f"/groups/{group.slug}/manage/members/{m.pk}/", {"action": action})
    m.refresh_from_db()
    assert m.state == (MembershipState.REMOVED if action == "remove" else MembershipState.BANNED)


@pytest.mark.django_db
def test_decline_asks_first() -> None:
    group, fac, pending, _meeting = _approval_group_with_a_request_and_a_meeting()
    c = _as(fac)
    assert f"/manage/requests/{pending.pk}/?action=decline" in c.get(f"/groups/{group.slug}/manage/").text
    ask = c.get(f"/groups/{group.slug}/manage/requests/{pending.pk}/?action=decline")
    assert f"Decline {pending.user.display_name}&#x27;s request?" in ask.text
    pending.refresh_from_db()
    assert pending.state == MembershipState.PENDING
    c.post(f"/groups/{group.slug}/manage/requests/{pending.pk}/", {"action": "decline"})
    pending.refresh_from_db()
    assert pending.state == MembershipState.DECLINED


@pytest.mark.django_db
def test_leave_asks_first_and_says_seats_go_to_the_waitlist() -> None:
    group = GroupFactory()
    facilitator_of(group)
    member = MembershipFactory(group=group)
    meeting = MeetingFactory(group=group)
    RsvpFactory(meeting=meeting, user=member.user)
    c = _as(member.user)
    assert f'href="/groups/{group.slug}/leave/"' in c.get(f"/groups/{group.slug}/").text
    ask = c.get(f"/groups/{group.slug}/leave/")
    assert f"Leave {group.name}?" in ask.text
    assert "your seats go to people on the waitlist" in ask.text
    assert Rsvp.objects.filter(meeting=meeting, user=member.user, status="going").count() == 1
    c.post(f"/groups/{group.slug}/leave/")
    member.refresh_from_db()
    assert member.state == MembershipState.LEFT


@pytest.mark.django_db
def test_revoking_an_invite_link_asks_first() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    invite = InviteFactory(group=group, note="For Sam")
    c = _as(fac)
    ask = c.get(f"/groups/{group.slug}/manage/invites/{invite.pk}/revoke/")
    assert "Revoke this invite link?" in ask.text
    assert "For Sam" in ask.text
    invite.refresh_from_db()
    assert invite.revoked_at is None
    c.post(f"/groups/{group.slug}/manage/invites/{invite.pk}/revoke/")
    invite.refresh_from_db()
    assert invite.revoked_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["leave", "hand_over"])
def test_the_new_facilitator_is_told_by_email_what_the_role_means(path: str, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(name="Harbor Circle")
    fac = facilitator_of(group)
    fac.profile.display_name = "Nia Lee"
    fac.profile.save()
    member = MembershipFactory(group=group)
    if path == "leave":
        r = _as(fac).post(f"/groups/{group.slug}/leave/", {"then": "hand_over", "successor": member.pk})
    else:
        r = _as(fac).post(f"/groups/{group.slug}/manage/hand-over/", {"successor": member.pk})
    assert r.status_code == 302
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    [email] = mailoutbox
    assert (email.to, email.subject) == ([member.user.email], "[Roundtable] You are now a facilitator of Harbor Circle")
    assert email.body.startswith("Nia Lee handed Harbor Circle over to you: you are now one of its facilitators.")
    assert f"/groups/{group.slug}/manage/" in email.body
    [html] = [body for body, kind in email.alternatives if kind == "text/html"]
    assert "<strong>Harbor Circle</strong> over to you" in html
