"""Ground rules and the code of conduct (issue 12, item 1): versions, accepting them to join
(pages and API), accepting a change again (group and meeting pages, the rules page), the
notification of a change, and the code of conduct linked from every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.groups import rules, services
from roundtable.groups.models import Group, GroupVisibility, JoinPolicy, Kind, Membership, MembershipState
from roundtable.groups.notify import RULES_CHANGED
from roundtable.groups.services import GroupData
from roundtable.notifications.models import Notification
from roundtable.notifications.services import preference_set
from tests.clients import signed_in as _as
from tests.clients import unmask as _unmask
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory, facilitator_of

RULES = "What is said here stays here.\nOne person speaks at a time."
NEW_RULES = "What is said here stays here.\nOne person speaks at a time.\nNo selling or recruiting."
TICK = 'name="accept_rules"'
BANNER = 'id="rules-banner"'


def _bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _t, secret = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _data(group: Group, **changes: object) -> GroupData:
    base = {
        "name": group.name,
        "kind": group.kind,
        "format": group.format,
        "ground_rules": group.ground_rules,
        "location_text": group.location_text,
        "join_policy": group.join_policy,
        "eligibility_question": group.eligibility_question,
        "visibility": group.visibility,
        "time_zone": group.time_zone,
    }
    return GroupData(**(base | changes))  # type: ignore[arg-type]


def _group_with_rules(**kw: object) -> tuple[Group, Membership, Membership]:
    """A group with rules at version 1, its facilitator and a member (both accepted v1)."""
    group = GroupFactory(ground_rules=RULES, **kw)
    fac = MembershipFactory(group=group, role="facilitator")
    member = MembershipFactory(group=group)
    return group, fac, member


def _change_rules(group: Group, by, text: str = NEW_RULES) -> Group:  # type: ignore[no-untyped-def]
    return services.group_update(group=group, data=_data(group, ground_rules=text), by=by)


# ---------------------------------------------------------------- versions


def test_normalised_text_ignores_line_endings_and_trailing_space() -> None:
    assert rules.text_changed("A\nB", "A\r\nB  \n\n") is False
    assert rules.text_changed("A\nB", "  A\nB") is False
    assert rules.text_changed("A\nB", "A\nB.") is True
    assert rules.text_changed("A\nB", "A B") is True


@pytest.mark.django_db(transaction=True)
def test_the_version_goes_up_only_when_the_text_really_changes(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, fac, member = _group_with_rules()
    assert (group.rules_version, group.rules_changed_at) == (1, None)
    # The same rules with Windows line endings and stray spaces, and another setting changed.
    with django_capture_on_commit_callbacks(execute=True):
        services.group_update(
            group=group,
            data=_data(group, ground_rules=RULES.replace("\n", "  \r\n") + "\r\n", purpose="New"),
            by=fac.user,
        )
    group.refresh_from_db()
    assert (group.rules_version, group.rules_changed_at, group.ground_rules, group.purpose) == (1, None, RULES, "New")
    assert Notification.objects.filter(kind=RULES_CHANGED).count() == 0
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        _change_rules(group, fac.user)
    group.refresh_from_db()
    assert group.rules_version == 2
    assert group.ground_rules == NEW_RULES
    assert group.rules_changed_at is not None
    assert group.rules_changed_at >= before
    fac.refresh_from_db()
    member.refresh_from_db()
    # The editor accepted by editing; the member has not.
    assert (fac.rules_version_accepted, member.rules_version_accepted) == (2, 1)
    assert fac.rules_accepted_at == group.rules_changed_at
    assert (rules.must_accept(fac, group), rules.must_accept(member, group)) == (False, True)
    # Members are told, by the worker; the editor is not.
    assert Notification.objects.filter(kind=RULES_CHANGED).count() == 0
    _work()
    told = list(Notification.objects.filter(kind=RULES_CHANGED).values_list("recipient_id", "subject_id", "actor_id"))
    assert told == [(member.user_id, group.pk, fac.user_id)]
    with django_capture_on_commit_callbacks(execute=True):
        _change_rules(group, fac.user, NEW_RULES + "\nBe kind.")
    group.refresh_from_db()
    assert group.rules_version == 3


def _work() -> None:
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_two_quick_edits_tell_members_once_of_the_latest_rules(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, fac, member = _group_with_rules()
    with django_capture_on_commit_callbacks(execute=True):
        _change_rules(group, fac.user)
    with django_capture_on_commit_callbacks(execute=True):
        _change_rules(group, fac.user, NEW_RULES + "\nBe kind.")
    _work()
    told = list(Notification.objects.filter(kind=RULES_CHANGED).values_list("recipient_id", "data"))
    assert told == [(member.user_id, {"version": 3})]


@pytest.mark.django_db(transaction=True)
def test_rules_emptied_ask_nobody_and_tell_nobody(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, fac, member = _group_with_rules()
    with django_capture_on_commit_callbacks(execute=True):
        _change_rules(group, fac.user, "")
    group.refresh_from_db()
    member.refresh_from_db()
    assert (group.rules_version, group.ground_rules) == (2, "")
    assert rules.must_accept(member, group) is False
    _work()
    assert Notification.objects.filter(kind=RULES_CHANGED).count() == 0


@pytest.mark.django_db
def test_a_new_group_starts_at_version_one_accepted_by_its_founder() -> None:
    founder = UserFactory()
    group = services.group_create(
        creator=founder,
        data=GroupData(name="Rules Circle", kind=Kind.SUPPORT, format="virtual", ground_rules=RULES),
    )
    m = Membership.objects.get(group=group, user=founder)
    assert (group.rules_version, m.rules_version_accepted, m.rules_accepted_at is not None) == (1, 1, True)


@pytest.mark.django_db(transaction=True)
def test_the_notification_kind_has_its_own_opt_out(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, fac, member = _group_with_rules()
    other = MembershipFactory(group=group)
    preference_set(person=member.user, kind=RULES_CHANGED, inbox=False, email="never")
    with django_capture_on_commit_callbacks(execute=True):
        _change_rules(group, fac.user)
    _work()
    assert list(Notification.objects.filter(kind=RULES_CHANGED).values_list("recipient_id", flat=True)) == [
        other.user_id
    ]
    page = _as(member.user).get("/inbox/preferences/")
    assert page.status_code == 200
    assert "A group I&#x27;m in changes its ground rules" in page.text


# ---------------------------------------------------------------- joining


@pytest.mark.django_db
def test_joining_an_open_group_shows_the_rules_and_needs_the_tick() -> None:
    group, _fac, _member = _group_with_rules()
    person = UserFactory()
    page = _as(person).get(f"/groups/{group.slug}/")
    assert page.status_code == 200
    assert TICK in page.text
    assert "One person speaks at a time." in page.text
    refused = _as(person).post(f"/groups/{group.slug}/join/")
    assert refused.status_code == 400
    assert 'id="accept-rules-error"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert not Membership.objects.filter(group=group, user=person).exists()
    joined = _as(person).post(f"/groups/{group.slug}/join/", {"accept_rules": "yes"})
    assert joined.status_code == 302
    m = Membership.objects.get(group=group, user=person)
    assert (m.state, m.rules_version_accepted, m.rules_accepted_at is not None) == (MembershipState.ACTIVE, 1, True)


@pytest.mark.django_db
def test_the_refusal_names_the_box_exactly() -> None:
    group, _fac, _member = _group_with_rules()
    refused = _as(UserFactory()).post(f"/groups/{group.slug}/join/", {"accept_rules": "no"})
    assert refused.status_code == 400
    error = re.search(r'<p class="form-errors" role="alert" id="accept-rules-error">(.*?)</p>', refused.text)
    assert error is not None
    assert error.group(1) == "Please read the group&#x27;s ground rules and tick “I accept the ground rules” to join."


@pytest.mark.django_db
def test_asking_to_join_needs_the_tick_and_keeps_the_answer() -> None:
    group, _fac, _member = _group_with_rules(join_policy=JoinPolicy.APPROVAL, eligibility_question="Your field?")
    person = UserFactory()
    refused = _as(person).post(f"/groups/{group.slug}/join/", {"answer": "Nursing to UX"})
    assert refused.status_code == 400
    assert ">Nursing to UX</textarea>" in refused.text
    assert 'id="accept-rules-error"' in refused.text
    assert not Membership.objects.filter(group=group, user=person).exists()
    _as(person).post(f"/groups/{group.slug}/join/", {"answer": "Nursing to UX", "accept_rules": "yes"})
    m = Membership.objects.get(group=group, user=person)
    assert (m.state, m.rules_version_accepted) == (MembershipState.PENDING, 1)


@pytest.mark.django_db
def test_an_invitation_needs_the_tick() -> None:
    group, _fac, _member = _group_with_rules(join_policy=JoinPolicy.INVITE, visibility=GroupVisibility.UNLISTED)
    _invite, token = services.invite_create(group=group, by=_fac.user)
    person = UserFactory()
    page = _as(person).get(f"/invite/{token}/")
    assert (page.status_code, TICK in page.text, "One person speaks at a time." in page.text) == (200, True, True)
    refused = _as(person).post(f"/invite/{token}/")
    assert refused.status_code == 400
    assert 'id="accept-rules-error"' in refused.text
    assert not Membership.objects.filter(group=group, user=person).exists()
    assert _as(person).post(f"/invite/{token}/", {"accept_rules": "yes"}).status_code == 302
    assert Membership.objects.get(group=group, user=person).state == MembershipState.ACTIVE
    # An anonymous visitor sees the rules they will be asked to accept.
    anonymous = Client().get(f"/invite/{token}/")
    assert "One person speaks at a time." in anonymous.text
    assert TICK not in anonymous.text


@pytest.mark.django_db
def test_a_group_without_rules_asks_no_tick() -> None:
    group = GroupFactory(ground_rules="  \n ")
    facilitator_of(group)
    person = UserFactory()
    assert TICK not in _as(person).get(f"/groups/{group.slug}/").text
    assert _as(person).post(f"/groups/{group.slug}/join/").status_code == 302
    assert Membership.objects.get(group=group, user=person).state == MembershipState.ACTIVE
    api = Client().post(
        f"/api/v1/groups/{group.slug}/join", {}, content_type="application/json", **_bearer(UserFactory())
    )
    assert api.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"accept_ground_rules": False}])
def test_the_api_refuses_a_join_without_acceptance(body: dict[str, object]) -> None:
    group, _fac, _member = _group_with_rules()
    person = UserFactory()
    r = Client().post(f"/api/v1/groups/{group.slug}/join", body, content_type="application/json", **_bearer(person))
    assert r.status_code == 422
    assert r.json() == {
        "detail": "accept_ground_rules: this group has ground rules; read them (the group's ground_rules) "
        "and send accept_ground_rules: true to join."
    }
    assert not Membership.objects.filter(group=group, user=person).exists()
    ok = Client().post(
        f"/api/v1/groups/{group.slug}/join",
        {"accept_ground_rules": True},
        content_type="application/json",
        **_bearer(person),
    )
    assert (ok.status_code, ok.json()["state"]) == (200, "active")
    assert Membership.objects.get(group=group, user=person).rules_version_accepted == 1


@pytest.mark.django_db
def test_the_api_says_when_rules_wait_and_accepts_them(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, fac, member = _group_with_rules()
    with django_capture_on_commit_callbacks(execute=True):
        _change_rules(group, fac.user)
    c = Client()
    detail = c.get(f"/api/v1/groups/{group.slug}", **_bearer(member.user)).json()
    assert (detail["rules_version"], detail["my_rules_to_accept"], detail["ground_rules"]) == (2, True, NEW_RULES)
    accepted = c.post(f"/api/v1/groups/{group.slug}/rules/accept", **_bearer(member.user))
    assert accepted.status_code == 200
    assert accepted.json() == {
        "group": group.slug,
        "rules_version": 2,
        "accepted_version": 2,
        "detail": "You accepted the ground rules.",
    }
    assert c.get(f"/api/v1/groups/{group.slug}", **_bearer(member.user)).json()["my_rules_to_accept"] is False
    stranger = c.post(f"/api/v1/groups/{group.slug}/rules/accept", **_bearer(UserFactory()))
    assert (stranger.status_code, stranger.json()) == (404, {"detail": "No such group."})


@pytest.mark.django_db
def test_a_banned_person_is_refused_before_any_rules() -> None:
    group, fac, _member = _group_with_rules()
    banned = MembershipFactory(group=group)
    services.membership_remove(membership=banned, by=fac.user, ban=True)
    r = _as(banned.user).post(f"/groups/{group.slug}/join/", {"accept_rules": "yes"})
    assert r.status_code == 302
    banned.refresh_from_db()
    assert banned.state == MembershipState.BANNED


# ---------------------------------------------------------------- accepting a change


@pytest.mark.django_db(transaction=True)
def test_a_change_shows_a_banner_on_the_group_and_meeting_pages_until_accepted(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    group, fac, member = _group_with_rules()
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    assert BANNER not in _as(member.user).get(f"/groups/{group.slug}/").text
    with django_capture_on_commit_callbacks(execute=True):
        _change_rules(group, fac.user)
    _work()
    c = _as(member.user)
    page = c.get(f"/groups/{group.slug}/")
    assert BANNER in page.text
    assert "No selling or recruiting." in page.text
    assert f'<input type="hidden" name="next" value="/groups/{group.slug}/">' in page.text
    meeting_page = c.get(f"/meetings/{meeting.public_id}/")
    assert BANNER in meeting_page.text
    assert f'<input type="hidden" name="next" value="/meetings/{meeting.public_id}/">' in meeting_page.text
    # The facilitator who changed them is not asked.
    assert BANNER not in _as(fac.user).get(f"/groups/{group.slug}/").text
    # Accept from the meeting page: back to it, the banner gone, the notification read.
    r = c.post(f"/groups/{group.slug}/rules/", {"next": f"/meetings/{meeting.public_id}/"})
    assert (r.status_code, r["Location"]) == (302, f"/meetings/{meeting.public_id}/")
    member.refresh_from_db()
    assert member.rules_version_accepted == 2
    assert member.rules_accepted_at is not None
    assert BANNER not in c.get(f"/meetings/{meeting.public_id}/").text
    assert BANNER not in c.get(f"/groups/{group.slug}/").text
    assert Notification.objects.get(kind=RULES_CHANGED, recipient=member.user).read_at is not None


@pytest.mark.django_db
def test_the_rules_page_for_a_member(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    group, fac, member = _group_with_rules()
    c = _as(member.user)
    settled = c.get(f"/groups/{group.slug}/rules/")
    assert settled.status_code == 200
    assert "Accept the ground rules</button>" not in settled.text
    assert "You have accepted these rules." in settled.text
    with django_capture_on_commit_callbacks(execute=True):
        _change_rules(group, fac.user)
    due = c.get(f"/groups/{group.slug}/rules/")
    assert "Accept the ground rules</button>" in due.text
    assert "No selling or recruiting." in due.text
    room = c.get(f"/groups/{group.slug}/rules/", {"next": "/meetings/abc/live/", "room": "1"})
    assert "Accept and enter the room</button>" in room.text
    assert '<input type="hidden" name="next" value="/meetings/abc/live/">' in room.text


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)", "x" * 600])
def test_accept_never_sends_people_off_the_site(bad: str) -> None:
    group, _fac, member = _group_with_rules()
    r = _as(member.user).post(f"/groups/{group.slug}/rules/", {"next": bad})
    assert (r.status_code, r["Location"]) == (302, f"/groups/{group.slug}/")


def _viewer(kind: str, group: Group, fac: Membership):  # type: ignore[no-untyped-def]
    if kind == "anonymous":
        return None
    if kind == "non_member":
        return UserFactory()
    if kind == "member":
        return MembershipFactory(group=group).user
    if kind == "facilitator":
        return fac.user
    if kind == "applicant":
        return MembershipFactory(group=group, state=MembershipState.PENDING).user
    m = MembershipFactory(group=group)
    if kind == "banned":
        services.membership_remove(membership=m, by=fac.user, ban=True)
    else:  # ex_member
        services.membership_leave(group=group, user=m.user)
    return m.user


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", [GroupVisibility.LISTED, GroupVisibility.SECRET])
@pytest.mark.parametrize(
    ("kind", "get_status", "post_status"),
    [
        ("anonymous", 302, 302),
        ("non_member", 404, 404),
        ("applicant", 404, 404),
        ("member", 200, 302),
        ("facilitator", 200, 302),
        ("banned", 404, 404),
        ("ex_member", 404, 404),
    ],
)
def test_the_rules_page_and_accept_for_each_viewer(
    visibility: str, kind: str, get_status: int, post_status: int
) -> None:
    join_policy = JoinPolicy.INVITE if visibility == GroupVisibility.SECRET else JoinPolicy.OPEN
    group, fac, _member = _group_with_rules(visibility=visibility, join_policy=join_policy)
    Group.objects.filter(pk=group.pk).update(rules_version=2)
    group.refresh_from_db()
    user = _viewer(kind, group, fac)
    c = _as(user) if user is not None else Client()
    url = f"/groups/{group.slug}/rules/"
    got, posted = c.get(url), c.post(url, {"next": f"/groups/{group.slug}/"})
    assert (got.status_code, posted.status_code) == (get_status, post_status)
    if kind == "anonymous":
        assert got["Location"] == f"/accounts/login/?next={url}"
    if kind == "member":
        assert Membership.objects.get(group=group, user=user).rules_version_accepted == 2
    if user is not None and kind not in ("member", "facilitator"):
        # Nothing was recorded for anyone who may not accept.
        row = Membership.objects.filter(group=group, user=user).first()
        assert row is None or row.rules_version_accepted == 1
    if get_status == 404:
        # The same answer as for a group that does not exist (but for the per-response CSRF mask).
        missing = c.get("/groups/no-such-group-at-all/rules/")
        assert (missing.status_code, len(got.content)) == (404, len(missing.content))
        assert _unmask(got.text) == _unmask(missing.text)


# ---------------------------------------------------------------- code of conduct


@pytest.mark.django_db
def test_the_code_of_conduct_is_linked_from_every_kind_of_page() -> None:
    group, _fac, member = _group_with_rules()
    anonymous = Client()
    link = '<a href="/code-of-conduct/">Code of conduct</a>'
    for path in ("/", "/groups/", f"/groups/{group.slug}/", "/privacy/", "/terms/", "/contact/", "/accounts/login/"):
        r = anonymous.get(path)
        assert (path, r.status_code, link in r.text) == (path, 200, True)
    signed_in = _as(member.user)
    for path in ("/me/groups/", f"/groups/{group.slug}/rules/", "/inbox/"):
        r = signed_in.get(path)
        assert (path, r.status_code, link in r.text) == (path, 200, True)
    missing = anonymous.get("/no-such-page/")
    assert (missing.status_code, link in missing.text) == (404, True)
    # The 500 page renders with no context (the fault may be in it), its footer too.
    assert link in render_to_string("500.html")
    own = anonymous.get("/code-of-conduct/")
    assert own.status_code == 200
    assert '<a href="/code-of-conduct/" aria-current="page">Code of conduct</a>' in own.text
    for heading in (
        "Be respectful",
        "What is shared in the room stays in the room",
        "No selling, recruiting or spam",
        "No harassment",
        "How to report a problem",
    ):
        assert f"<h2>{heading}</h2>" in own.text


@pytest.mark.django_db
def test_signing_up_accepts_the_code_of_conduct() -> None:
    page = Client().get("/accounts/signup/")
    assert page.status_code == 200
    assert (
        'By signing up you agree to follow our <a href="/code-of-conduct/">code of conduct</a> and accept the '
        '<a href="/terms/">terms of use</a>.'
    ) in page.text


@pytest.mark.django_db(transaction=True)
def test_members_are_emailed_at_once_by_the_worker_and_not_after_leaving() -> None:
    from django.core import mail
    from django.core.management import call_command

    group = GroupFactory(name="Harbor Roundtable", ground_rules=RULES)
    fac = MembershipFactory(group=group, role="facilitator", user=UserFactory(name="Rosa Martinez"))
    priya = MembershipFactory(group=group, user=UserFactory(name="Priya Raman", email="priya@example.com"))
    gone = MembershipFactory(group=group, user=UserFactory(email="gone@example.com"))
    _change_rules(group, fac.user)
    services.membership_leave(group=group, user=gone.user)  # before the worker runs
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    [message] = mail.outbox
    assert message.to == ["priya@example.com"]
    assert message.subject == "[Roundtable] Harbor Roundtable changed its ground rules"
    assert "Read the new rules and accept them before your next meeting" in message.body
    assert f"Open it: http://127.0.0.1:8000/groups/{group.slug}/rules/" in message.body
    assert Notification.objects.get(recipient=priya.user).kind == RULES_CHANGED
