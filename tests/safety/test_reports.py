"""Reporting (issue 12, item 2): the form and the API for each kind of viewer, where a report
goes, reporting twice, the daily limit, odd input, and the reporter told the outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.groups.models import GroupVisibility, MembershipState
from roundtable.notifications.models import Notification
from roundtable.safety import services
from roundtable.safety.models import Report, ReportStatus
from roundtable.safety.notify import REPORT_DECIDED, REPORT_RECEIVED
from tests.clients import signed_in, unmask
from tests.factories import GroupFactory, MembershipFactory, SuggestionFactory, TurnFactory, UserFactory, facilitator_of
from tests.stories.factories import LessonFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _api(user: object) -> Client:
    _, secret = api_token_create(user=user)  # type: ignore[arg-type]
    return Client(headers={"authorization": f"Bearer {secret}"})


def _suggestion_in(group: object, author: object = None) -> object:
    from tests.factories import MeetingFactory, RoundtableFactory

    meeting = MeetingFactory(group=group)
    turn = TurnFactory(roundtable=RoundtableFactory(meeting=meeting))
    return SuggestionFactory(turn=turn, author=author or UserFactory(name="Sid"))


@pytest.fixture
def world() -> dict[str, object]:
    group = GroupFactory(name="Career Changers")
    fac = facilitator_of(group, user=UserFactory(name="Fay"))
    ann = UserFactory(name="Ann")
    sid = UserFactory(name="Sid")
    MembershipFactory(group=group, user=ann)
    MembershipFactory(group=group, user=sid)
    outsider = UserFactory(name="Out")
    banned = UserFactory(name="Ban")
    MembershipFactory(group=group, user=banned, state=MembershipState.BANNED)
    left = UserFactory(name="Lef")
    MembershipFactory(group=group, user=left, state=MembershipState.LEFT)
    operator = UserFactory(name="Op", is_staff=True)
    suggestion = _suggestion_in(group, sid)
    return {"group": group, "fac": fac, "ann": ann, "sid": sid, "outsider": outsider, "banned": banned,
            "left": left, "operator": operator, "suggestion": suggestion}  # fmt: skip


def _form_url(kind: str, ref: str) -> str:
    return f"/report/?kind={kind}&ref={ref}"


def test_a_members_report_of_a_suggestion_goes_to_the_facilitators(world: dict) -> None:
    ann, s = world["ann"], world["suggestion"]
    c = signed_in(ann)
    page = c.get(_form_url("suggestion", str(s.pk)))
    assert page.status_code == 200
    assert "Report a suggestion by Sid" in page.text
    assert "the facilitators of Career Changers" in page.text
    r = c.post("/report/", {"kind": "suggestion", "ref": str(s.pk), "reason": "harassment", "details": "Mean."})
    assert (r.status_code, r["Location"]) == (302, "/me/reports/")
    report = Report.objects.get()
    assert (report.reporter, report.kind, report.object_pk, report.group, report.subject) == (
        ann, "suggestion", s.pk, world["group"], world["sid"]
    )  # fmt: skip
    assert (report.reason, report.details, report.status) == ("harassment", "Mean.", "open")
    told = Notification.objects.filter(kind=REPORT_RECEIVED)
    assert [n.recipient for n in told] == [world["fac"]]
    assert "Being looked at" in c.get("/me/reports/").text


def test_a_suggestion_answers_404_to_everyone_outside_the_group(world: dict) -> None:
    s = world["suggestion"]
    for who in ("outsider", "banned", "left"):
        c = signed_in(world[who])
        assert c.get(_form_url("suggestion", str(s.pk))).status_code == 404, who
        r = c.post("/report/", {"kind": "suggestion", "ref": str(s.pk), "reason": "spam"})
        assert r.status_code == 404, who
    # The same page as for a suggestion that does not exist.
    c = signed_in(world["outsider"])
    assert unmask(c.get(_form_url("suggestion", str(s.pk))).text) == unmask(
        c.get(_form_url("suggestion", "999999")).text
    )
    # Anonymous visitors are sent to sign in.
    r = Client().get(_form_url("suggestion", str(s.pk)))
    assert (r.status_code, r["Location"].split("?")[0]) == (302, "/accounts/login/")
    # Nobody reports their own words.
    assert signed_in(world["sid"]).get(_form_url("suggestion", str(s.pk))).status_code == 404
    assert Report.objects.count() == 0


def test_a_secret_groups_content_and_the_group_itself_answer_404_to_outsiders(world: dict) -> None:
    secret = GroupFactory(visibility=GroupVisibility.SECRET, slug="hush")
    member = UserFactory()
    MembershipFactory(group=secret, user=member)
    s = _suggestion_in(secret)
    out = signed_in(world["outsider"])
    assert out.get(_form_url("suggestion", str(s.pk))).status_code == 404
    assert out.get(_form_url("group", "hush")).status_code == 404
    assert out.get(_form_url("group", "no-such-group")).status_code == 404
    assert signed_in(member).get(_form_url("group", "hush")).status_code == 200
    # Another group's suggestion, through the API: the same 404 as a missing one.
    r = _api(world["ann"]).post(
        "/api/v1/reports", {"kind": "suggestion", "ref": str(s.pk), "reason": "spam"}, content_type="application/json"
    )
    assert (r.status_code, r.json()) == (404, {"detail": "Not found."})


def test_people_groups_and_lessons_go_to_operators(world: dict) -> None:
    ann, sid, op = world["ann"], world["sid"], world["operator"]
    services.report_create(reporter=ann, kind="person", ref=sid.public_id, reason="harassment")
    services.report_create(reporter=ann, kind="group", ref=world["group"].slug, reason="off_topic")
    lesson = LessonFactory(author=sid)
    services.report_create(reporter=ann, kind="lesson", ref=lesson.public_id, reason="spam")
    assert list(Report.objects.values_list("group", flat=True)) == [None, None, None]
    assert set(Notification.objects.filter(kind=REPORT_RECEIVED).values_list("recipient", flat=True)) == {op.pk}
    assert Notification.objects.filter(kind=REPORT_RECEIVED).count() == 3


def test_a_story_of_a_group_goes_to_that_groups_facilitators(world: dict) -> None:
    story = StoryFactory(author=world["sid"], group=world["group"])
    report, created = services.report_create(reporter=world["ann"], kind="story", ref=story.public_id, reason="hate")
    assert (created, report.group) == (True, world["group"])
    assert [n.recipient for n in Notification.objects.filter(kind=REPORT_RECEIVED)] == [world["fac"]]


def test_reporting_twice_updates_the_first_report_and_reopens_it(world: dict) -> None:
    ann, s = world["ann"], world["suggestion"]
    first, created = services.report_create(reporter=ann, kind="suggestion", ref=str(s.pk), reason="spam")
    assert created is True
    again, created = services.report_create(
        reporter=ann, kind="suggestion", ref=f" {s.pk} ", reason="hate", details="Worse."
    )
    assert (created, again.pk, Report.objects.count()) == (False, first.pk, 1)
    assert (again.reason, again.details) == ("hate", "Worse.")
    services.report_decide(report=again, by=world["fac"], actioned=False)
    reopened, created = services.report_create(reporter=ann, kind="suggestion", ref=str(s.pk), reason="hate")
    assert (created, reopened.status) == (False, ReportStatus.OPEN)
    # The facilitator heard of it when it came and when it came back, not for the update.
    assert Notification.objects.filter(kind=REPORT_RECEIVED).count() == 2


def test_twenty_new_reports_a_day_and_then_429(world: dict) -> None:
    ann = world["ann"]
    people = [UserFactory() for _ in range(21)]
    for p in people[:20]:
        services.report_create(reporter=ann, kind="person", ref=p.public_id, reason="spam")
    with pytest.raises(services.SafetyError) as exc:
        services.report_create(reporter=ann, kind="person", ref=people[20].public_id, reason="spam")
    assert (exc.value.status, exc.value.message) == (
        429,
        "You've sent 20 reports today. Thank you: try again tomorrow.",
    )
    # Updating one already made is not a new report.
    services.report_create(reporter=ann, kind="person", ref=people[0].public_id, reason="hate")
    # A day later there is room again.
    Report.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    services.report_create(reporter=ann, kind="person", ref=people[20].public_id, reason="spam")
    assert Report.objects.count() == 21


def test_odd_input_gets_a_reason_never_a_500(world: dict) -> None:
    ann, s = world["ann"], world["suggestion"]
    c = signed_in(ann)
    base = {"kind": "suggestion", "ref": str(s.pk)}
    r = c.post("/report/", {**base, "reason": "nonsense"})
    assert r.status_code == 400
    assert "Select a valid choice" in r.text
    r = c.post("/report/", {**base, "reason": "other", "details": ""})
    assert r.status_code == 400
    assert "Say why: the person is told, and the log keeps it." in r.text
    r = c.post("/report/", {**base, "reason": "spam", "details": "a\x00b"})
    assert r.status_code == 400
    assert "Remove the" in r.text
    r = c.post("/report/", {**base, "reason": "spam", "details": "x" * 10_000})
    assert r.status_code == 400
    assert "at most 1000 characters" in r.text
    for kind, ref in (("nothing", "1"), ("suggestion", "x" * 10_000), ("person", "\x00"), ("group", "../etc")):
        assert c.get(f"/report/?kind={kind}&ref={ref}").status_code == 404
    # Line breaks are kept in details, CR LF as LF.
    r = c.post("/report/", {**base, "reason": "spam", "details": "one\r\ntwo"})
    assert r.status_code == 302
    assert Report.objects.get().details == "one\ntwo"
    api = _api(ann)
    r = api.post("/api/v1/reports", {**base, "reason": "spam", "details": "a\x01"}, content_type="application/json")
    assert r.status_code == 422
    r = api.post("/api/v1/reports", {**base, "reason": "bad"}, content_type="application/json")
    assert r.status_code == 422
    r = api.post(
        "/api/v1/reports", {"kind": "person", "ref": "a\nb", "reason": "spam"}, content_type="application/json"
    )
    assert r.status_code == 422


def test_the_api_creates_updates_and_lists(world: dict) -> None:
    api = _api(world["ann"])
    s = world["suggestion"]
    body = {"kind": "suggestion", "ref": str(s.pk), "reason": "spam"}
    r = api.post("/api/v1/reports", body, content_type="application/json")
    assert r.status_code == 201
    out = r.json()
    assert (out["kind"], out["ref"], out["reason"], out["outcome"]) == ("suggestion", str(s.pk), "spam", "open")
    r = api.post("/api/v1/reports", {**body, "reason": "hate"}, content_type="application/json")
    assert (r.status_code, r.json()["id"]) == (200, out["id"])
    assert [x["reason"] for x in api.get("/api/v1/me/reports").json()] == ["hate"]
    assert _api(world["sid"]).get("/api/v1/me/reports").json() == []
    assert Client().post("/api/v1/reports", body, content_type="application/json").status_code == 401


def test_the_reporter_is_told_the_outcome_and_nothing_more(world: dict) -> None:
    ann, bea = world["ann"], UserFactory(name="Bea")
    MembershipFactory(group=world["group"], user=bea)
    s = world["suggestion"]
    one, _ = services.report_create(reporter=ann, kind="suggestion", ref=str(s.pk), reason="spam")
    services.report_create(reporter=bea, kind="suggestion", ref=str(s.pk), reason="hate")
    # One decision decides both reports of the same thing; each reporter hears of it.
    assert services.report_decide(report=one, by=world["fac"], actioned=True, outcome="Hid it, warned Sid") == 2
    told = Notification.objects.filter(kind=REPORT_DECIDED).order_by("recipient_id")
    assert [n.recipient for n in told] == [ann, bea]
    page = signed_in(ann).get("/inbox/").text
    assert "We took action on your report" in page
    assert "warned Sid" not in page
    assert "We took action" in signed_in(ann).get("/me/reports/").text
    # The facilitator's "new report" notifications are marked read by the decision.
    assert list(Notification.objects.filter(kind=REPORT_RECEIVED).values_list("read_at", flat=True)).count(None) == 0
    with pytest.raises(services.SafetyError) as exc:
        services.report_decide(report=one, by=world["fac"], actioned=False)
    assert exc.value.status == 409


def test_only_the_groups_facilitators_or_operators_decide(world: dict) -> None:
    report, _ = services.report_create(reporter=world["ann"], kind="suggestion", ref=str(world["suggestion"].pk),
                                       reason="spam")  # fmt: skip
    for who in ("ann", "sid", "outsider"):
        with pytest.raises(services.SafetyError) as exc:
            services.report_decide(report=report, by=world[who], actioned=True)
        assert exc.value.status == 404
    assert services.report_decide(report=report, by=world["operator"], actioned=False) == 1
