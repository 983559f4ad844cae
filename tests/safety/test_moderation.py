"""Moderation (issue 12, item 3): the facilitators' queue and the operators' pages for every
kind of viewer, their query counts at two sizes, each action and its log line, bans with an
end, and hidden content gone from every surface."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.groups import services as group_services
from roundtable.groups.models import GroupVisibility, Membership, MembershipState
from roundtable.notifications.models import Notification
from roundtable.safety import services
from roundtable.safety.audit import audit_record
from roundtable.safety.models import AuditEvent, Hidden, Mute, Report
from roundtable.safety.notify import MODERATION_NOTICE
from tests.clients import signed_in, unmask
from tests.factories import (
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RoundtableFactory,
    SuggestionFactory,
    TurnFactory,
    UserFactory,
    facilitator_of,
)
from tests.queries import page_queries
from tests.stories.factories import LessonFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world() -> dict[str, object]:
    group = GroupFactory(name="Career Changers", slug="changers", visibility=GroupVisibility.UNLISTED)
    fac = facilitator_of(group, user=UserFactory(name="Fay"))
    people = {"group": group, "fac": fac}
    for name, state in (("ann", "active"), ("sid", "active"), ("banned", "banned"), ("left", "left")):
        user = UserFactory(name=name.title())
        MembershipFactory(group=group, user=user, state=state)
        people[name] = user
    people["outsider"] = UserFactory(name="Out")
    people["operator"] = UserFactory(name="Op", is_staff=True)
    turn = TurnFactory(roundtable=RoundtableFactory(meeting=MeetingFactory(group=group)))
    people["suggestion"] = SuggestionFactory(turn=turn, author=people["sid"], text="Buy my course")
    return people


QUEUE = "/groups/changers/moderation/"


def test_the_queue_for_each_kind_of_viewer(world: dict) -> None:
    r = Client().get(QUEUE)
    assert (r.status_code, r["Location"].split("?")[0]) == (302, "/accounts/login/")
    missing = unmask(signed_in(world["outsider"]).get("/groups/no-such/moderation/").text)
    for who in ("outsider", "ann", "banned", "left", "operator"):
        r = signed_in(world[who]).get(QUEUE)
        assert r.status_code == 404, who
    assert unmask(signed_in(world["outsider"]).get(QUEUE).text) == missing
    page = signed_in(world["fac"]).get(QUEUE)
    assert page.status_code == 200
    for heading in ("Open reports (0)", "Asking to join (0)", "Hidden content (0)", "Muted in live rooms (0)",
                    "Moderation log"):  # fmt: skip
        assert heading in page.text
    assert "No open reports." in page.text


def test_the_queue_shows_reports_pending_members_hidden_content_and_the_log(world: dict) -> None:
    s = world["suggestion"]
    services.report_create(reporter=world["ann"], kind="suggestion", ref=str(s.pk), reason="spam", details="Selling")
    pending = UserFactory(name="Pat")
    MembershipFactory(group=world["group"], user=pending, state=MembershipState.PENDING)
    page = signed_in(world["fac"]).get(QUEUE).text
    assert "Open reports (1)" in page
    assert "Buy my course" in page
    assert "Selling" in page
    assert "Asking to join (1)" in page
    assert "Pat" in page
    services.content_hide(by=world["fac"], kind="suggestion", ref=str(s.pk), reason="Spam")
    page = signed_in(world["fac"]).get(QUEUE).text
    assert "Hidden content (1)" in page
    assert "Unhide" in page
    assert "Hid content" in page


def _fill(world: dict, n: int) -> None:
    group, fac = world["group"], world["fac"]
    for _ in range(n):
        author = UserFactory()
        MembershipFactory(group=group, user=author)
        reporter = UserFactory()
        MembershipFactory(group=group, user=reporter)
        turn = TurnFactory(roundtable=RoundtableFactory(meeting=MeetingFactory(group=group)))
        s = SuggestionFactory(turn=turn, author=author)
        services.report_create(reporter=reporter, kind="suggestion", ref=str(s.pk), reason="spam")
        other = SuggestionFactory(turn=turn, author=author)
        services.content_hide(by=fac, kind="suggestion", ref=str(other.pk))
        MembershipFactory(group=group, state=MembershipState.PENDING)
        services.member_mute(group=group, person=author, by=fac, reason="Loud")
        audit_record(action="moderation.warn", actor=fac, subject=author, group=group, reason="x")


def test_the_queue_and_the_log_take_a_fixed_number_of_queries(world: dict) -> None:
    c = signed_in(world["fac"])
    _fill(world, 2)
    small = page_queries(c, QUEUE)
    _fill(world, 12)
    assert page_queries(c, QUEUE) == small
    op = signed_in(world["operator"])
    small_log = page_queries(op, "/operators/moderation/log/")
    small_ops = page_queries(op, "/operators/moderation/")
    _fill(world, 10)
    assert page_queries(op, "/operators/moderation/log/") == small_log
    assert page_queries(op, "/operators/moderation/") == small_ops


def _act(client: Client, world: dict, who: str, **data: str) -> object:
    return client.post(f"/groups/changers/moderation/people/{world[who].public_id}/", {"reason": "", **data})


def test_each_action_through_the_page_and_its_log_line(world: dict) -> None:
    c = signed_in(world["fac"])
    sid = world["sid"]
    assert c.get(f"/groups/changers/moderation/people/{sid.public_id}/").status_code == 200
    # A reason is required to warn, mute, remove or ban.
    for action in ("warn", "mute", "remove", "ban"):
        r = _act(c, world, "sid", action=action)
        assert r.status_code == 400, action
        assert "Say why: the person is told, and the log keeps it." in r.text
    assert AuditEvent.objects.count() == 0
    assert _act(c, world, "sid", action="warn", reason="Please keep it kind.").status_code == 302
    notice = Notification.objects.get(kind=MODERATION_NOTICE)
    assert (notice.recipient, notice.email_state) == (sid, "now")
    assert "A moderator sent you a warning (Career Changers)" in signed_in(sid).get("/inbox/").text
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert _act(c, world, "sid", action="mute", reason="Selling", until=day).status_code == 302
    mute = Mute.objects.get()
    assert (mute.user, mute.until is not None) == (sid, True)
    assert _act(c, world, "sid", action="unmute").status_code == 302
    assert Mute.objects.count() == 0
    assert _act(c, world, "sid", action="ban", reason="Threats", until=day).status_code == 302
    m = Membership.objects.get(group=world["group"], user=sid)
    assert (m.state, m.banned_until is not None) == (MembershipState.BANNED, True)
    assert _act(c, world, "sid", action="unban").status_code == 302
    assert _act(c, world, "ann", action="remove", reason="Asked to").status_code == 302
    assert Membership.objects.get(group=world["group"], user=world["ann"]).state == MembershipState.REMOVED
    actions = list(AuditEvent.objects.order_by("at", "pk").values_list("action", "actor", "subject", "group"))
    g = world["group"].pk
    fac = world["fac"].pk
    assert actions == [
        ("moderation.warn", fac, sid.pk, g),
        ("moderation.mute", fac, sid.pk, g),
        ("moderation.unmute", fac, sid.pk, g),
        ("moderation.ban", fac, sid.pk, g),
        ("moderation.unban", fac, sid.pk, g),
        ("moderation.remove", fac, world["ann"].pk, g),
    ]
    assert AuditEvent.objects.get(action="moderation.ban").reason == "Threats"


def test_odd_actions_are_refused_with_a_reason(world: dict) -> None:
    c = signed_in(world["fac"])
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    r = _act(c, world, "sid", action="ban", reason="x", until=past)
    assert r.status_code == 400
    assert "The end must be in the future." in r.text
    r = _act(c, world, "sid", action="explode", reason="x")
    assert r.status_code == 400
    r = _act(c, world, "sid", action="warn", reason="bad\x00")
    assert r.status_code == 400
    r = _act(c, world, "sid", action="warn", reason="x" * 10_000)
    assert r.status_code == 400
    # Someone of no membership in the group, and oneself, and a co-facilitator.
    assert _act(c, world, "outsider", action="warn", reason="x").status_code == 404
    r = c.post(f"/groups/changers/moderation/people/{world['fac'].public_id}/", {"action": "warn", "reason": "x"})
    assert r.status_code == 400
    assert "You can&#x27;t do this to yourself." in r.text
    co = facilitator_of(world["group"])
    r = c.post(f"/groups/changers/moderation/people/{co.public_id}/", {"action": "ban", "reason": "x"})
    assert "Facilitators can&#x27;t moderate another facilitator: ask an operator." in r.text
    # A member may not act at all: the same 404 as a missing group.
    assert _act(signed_in(world["ann"]), world, "sid", action="warn", reason="x").status_code == 404
    assert AuditEvent.objects.count() == 0


def test_a_ban_with_an_end_lets_the_person_back_as_an_ex_member_once_it_passed(world: dict) -> None:
    sid, group = world["sid"], world["group"]
    services.member_ban(group=group, person=sid, by=world["fac"], reason="Cool off",
                        until=timezone.now() + timedelta(days=1))  # fmt: skip
    c = signed_in(sid)
    assert c.get("/groups/changers/").status_code == 404  # unlisted: hidden from the banned
    with pytest.raises(group_services.GroupError):
        group_services.membership_join(group=group, user=sid)
    Membership.objects.filter(user=sid).update(banned_until=timezone.now() - timedelta(seconds=1))
    page = c.get("/groups/changers/")
    assert page.status_code == 200
    assert "Join group" in page.text
    m = group_services.membership_join(group=group, user=sid)
    assert m.state == MembershipState.ACTIVE


def test_a_ban_ends_pages_api_and_live_access_at_once(world: dict) -> None:
    sid, group = world["sid"], world["group"]
    meeting = world["suggestion"].turn.roundtable.meeting
    c = signed_in(sid)
    _, secret = api_token_create(user=sid)
    api = Client(headers={"authorization": f"Bearer {secret}"})
    assert c.get("/groups/changers/").status_code == 200
    assert api.get("/api/v1/groups/changers").status_code == 200
    assert c.get(f"/meetings/{meeting.public_id}/").status_code == 200
    services.member_ban(group=group, person=sid, by=world["fac"], reason="Threats")
    assert c.get("/groups/changers/").status_code == 404
    assert api.get("/api/v1/groups/changers").status_code == 404
    assert c.get(f"/meetings/{meeting.public_id}/").status_code == 404
    assert c.get(f"/meetings/{meeting.public_id}/room/").status_code == 404


def test_hidden_content_leaves_every_surface(world: dict) -> None:
    sid, ann, fac = world["sid"], world["ann"], world["fac"]
    story = StoryFactory(author=sid, group=world["group"], title="How I landed")
    lesson = LessonFactory(author=sid, text="Lie on your resume")
    reader = signed_in(ann)
    assert reader.get(f"/stories/{story.public_id}/").status_code == 200
    assert "Lie on your resume" in reader.get("/stories/lessons/").text
    services.content_hide(by=fac, kind="story", ref=story.public_id)
    assert reader.get(f"/stories/{story.public_id}/").status_code == 404
    assert "How I landed" not in reader.get("/stories/").text
    # A lesson belongs to no group: only an operator may hide it.
    with pytest.raises(services.SafetyError) as exc:
        services.content_hide(by=fac, kind="lesson", ref=lesson.public_id)
    assert exc.value.status == 404
    services.content_hide(by=world["operator"], kind="lesson", ref=lesson.public_id)
    assert "Lie on your resume" not in reader.get("/stories/lessons/").text
    # People and groups are not content.
    with pytest.raises(services.SafetyError):
        services.content_hide(by=world["operator"], kind="person", ref=sid.public_id)
    # Unhiding shows it again.
    services.content_unhide(by=fac, kind="story", ref=story.public_id)
    assert reader.get(f"/stories/{story.public_id}/").status_code == 200
    assert list(AuditEvent.objects.order_by("at", "pk").values_list("action", flat=True)) == [
        "moderation.hide",
        "moderation.hide",
        "moderation.unhide",
    ]
    assert Hidden.objects.count() == 1


def test_hiding_through_the_queue_for_a_facilitator_only(world: dict) -> None:
    s = world["suggestion"]
    data = {"kind": "suggestion", "ref": str(s.pk), "do": "hide"}
    for who in ("ann", "outsider", "operator"):
        assert signed_in(world[who]).post("/groups/changers/moderation/content/", data).status_code == 404
    other = GroupFactory(slug="other")
    other_fac = facilitator_of(other)
    assert signed_in(other_fac).post("/groups/other/moderation/content/", data).status_code == 404
    r = signed_in(world["fac"]).post("/groups/changers/moderation/content/", data)
    assert (r.status_code, r["Location"]) == (302, QUEUE)
    assert Hidden.objects.get().object_pk == s.pk


def test_the_operators_pages_for_each_kind_of_viewer(world: dict) -> None:
    for url in ("/operators/moderation/", "/operators/moderation/log/",
                f"/operators/moderation/people/{world['sid'].public_id}/"):  # fmt: skip
        r = Client().get(url)
        assert r.status_code == 302
        for who in ("ann", "fac", "outsider", "banned"):
            assert signed_in(world[who]).get(url).status_code == 404, (url, who)
        assert signed_in(world["operator"]).get(url).status_code == 200, url


def test_operators_decide_site_wide_reports_and_suspend_accounts(world: dict) -> None:
    op, sid = world["operator"], world["sid"]
    report, _ = services.report_create(reporter=world["ann"], kind="person", ref=sid.public_id, reason="harassment")
    page = signed_in(op).get("/operators/moderation/").text
    assert "Open reports (1)" in page
    r = signed_in(op).post(f"/operators/moderation/reports/{report.public_id}/", {"decision": "actioned"})
    assert r.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.decided_by) == ("actioned", op)
    # A facilitator cannot decide a site-wide report.
    assert (
        signed_in(world["fac"])
        .post(f"/groups/changers/moderation/reports/{report.public_id}/", {"decision": "dismissed"})
        .status_code
        == 404
    )
    victim = signed_in(sid)
    assert victim.get("/me/reports/").status_code == 200
    r = signed_in(op).post(f"/operators/moderation/people/{sid.public_id}/", {"action": "suspend", "reason": ""})
    assert r.status_code == 400
    r = signed_in(op).post(f"/operators/moderation/people/{sid.public_id}/", {"action": "suspend", "reason": "Spam"})
    assert r.status_code == 302
    assert User.objects.get(pk=sid.pk).is_active is False
    # Signed out at once.
    assert victim.get("/me/reports/").status_code == 302
    signed_in(op).post(f"/operators/moderation/people/{sid.public_id}/", {"action": "restore", "reason": ""})
    assert User.objects.get(pk=sid.pk).is_active is True
    # Never another operator, never oneself.
    other_op = UserFactory(is_staff=True)
    with pytest.raises(services.SafetyError):
        services.account_suspend(person=other_op, by=op, reason="x")
    with pytest.raises(services.SafetyError):
        services.account_suspend(person=op, by=op, reason="x")


def test_the_audit_trail_filters(world: dict) -> None:
    op, fac, sid = world["operator"], world["fac"], world["sid"]
    services.member_warn(group=world["group"], person=sid, by=fac, reason="One")
    services.member_warn(group=None, person=world["ann"], by=op, reason="Two")
    audit_record(action="account.password_changed", actor=sid)
    c = signed_in(op)

    def reasons(query: str) -> list[str]:
        r = c.get(f"/operators/moderation/log/?{query}")
        assert r.status_code == 200
        return [e.reason for e in r.context["page"].object_list]

    assert reasons("") == ["", "Two", "One"]
    assert reasons("action=moderation") == ["Two", "One"]
    assert reasons("action=moderation.warn&group=changers") == ["One"]
    assert reasons(f"person={sid.public_id}") == ["", "One"]
    today = timezone.now().date().isoformat()
    assert reasons(f"since={today}&until={today}") == ["", "Two", "One"]
    assert reasons("since=2001-01-01&until=2001-01-02") == []
    assert c.get("/operators/moderation/log/?since=yesterday").status_code == 400
    assert c.get("/operators/moderation/log/?page=999").status_code == 200


def test_reports_are_in_the_admin_read_only(world: dict) -> None:
    services.report_create(reporter=world["ann"], kind="person", ref=world["sid"].public_id, reason="spam")
    world["operator"].is_superuser = True
    world["operator"].save()
    c = signed_in(world["operator"])
    assert c.get("/admin/safety/report/").status_code == 200
    report = Report.objects.get()
    assert c.get(f"/admin/safety/report/{report.pk}/change/").status_code == 200
    assert c.get("/admin/safety/report/add/").status_code == 403
