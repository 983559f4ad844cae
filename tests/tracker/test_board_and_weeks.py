"""The board (moves by form, by the script's JSON and by the API; stage history with dates;
order within a column), weekly targets across daylight-saving changes, and the quick-add."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from roundtable.tracker import selectors, services
from roundtable.tracker.models import Activity, Opportunity, StageChange
from tests.factories import ActivityFactory, UserFactory, WeeklyTargetFactory
from tests.tracker.helpers import bearer, logged_in

pytestmark = pytest.mark.django_db


def _opp(owner, role: str, stage: str = "researching", at: datetime | None = None) -> Opportunity:  # type: ignore[no-untyped-def]
    return services.opportunity_create(
        owner=owner, data=services.OpportunityData(company_name="Acme", role=role, stage=stage), at=at
    )


def _column(owner, stage: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        Opportunity.objects.filter(owner=owner, stage=stage).order_by("position").values_list("role", flat=True)
    )


def test_every_stage_change_is_recorded_with_its_moment_and_moves_within_a_column_are_not() -> None:
    owner = UserFactory()
    t0 = datetime(2026, 10, 1, 9, tzinfo=UTC)
    opp = _opp(owner, "Analyst", at=t0)
    services.opportunity_move(opportunity=opp, stage="applied", at=t0 + timedelta(days=3))
    services.opportunity_move(opportunity=opp, stage="applied", position=0, at=t0 + timedelta(days=4))
    services.opportunity_move(opportunity=opp, stage="interviewing", at=t0 + timedelta(days=10))
    history = [(s.from_stage, s.to_stage, s.changed_at) for s in selectors.stage_history(opp)]
    assert history == [
        ("", "researching", t0),
        ("researching", "applied", t0 + timedelta(days=3)),
        ("applied", "interviewing", t0 + timedelta(days=10)),
    ]
    opp.refresh_from_db()
    assert (opp.stage, opp.stage_changed_at) == ("interviewing", t0 + timedelta(days=10))


def test_positions_stay_0_1_2_in_both_columns_after_moves() -> None:
    owner = UserFactory()
    a, b, c = (_opp(owner, r) for r in "ABC")
    d = _opp(owner, "D", stage="applied")
    services.opportunity_move(opportunity=c, stage="researching", position=0)
    assert _column(owner, "researching") == ["C", "A", "B"]
    services.opportunity_move(opportunity=a, stage="applied", position=0)
    assert (_column(owner, "researching"), _column(owner, "applied")) == (["C", "B"], ["A", "D"])
    services.opportunity_move(opportunity=b, stage="applied", position=99)
    assert _column(owner, "applied") == ["A", "D", "B"]
    assert list(
        Opportunity.objects.filter(owner=owner).order_by("stage", "position").values_list("position", flat=True)
    ) == [0, 1, 2, 0]
    with pytest.raises(services.TrackerError):
        services.opportunity_move(opportunity=d, stage="hired")
    assert d.pk


def test_the_board_moves_by_keyboard_forms_by_the_scripts_json_and_by_the_api() -> None:
    owner = UserFactory()
    a, b = _opp(owner, "A"), _opp(owner, "B")
    c = logged_in(owner)
    # The form (no JavaScript): back to the board at the card, with a message.
    r = c.post(reverse("tracker:opportunity_move", args=[b.public_id]), {"direction": "up"})
    assert (r.status_code, r["Location"]) == (302, f"/tracker/board/#card-{b.public_id}")
    assert _column(owner, "researching") == ["B", "A"]
    # The script: JSON with the words the live region says.
    r = c.post(reverse("tracker:opportunity_move", args=[a.public_id]), {"stage": "offer", "position": "0"},
               HTTP_ACCEPT="application/json")  # fmt: skip
    assert r.json() == {"stage": "offer", "position": 0, "detail": "A at Acme: Offer, position 1."}
    r = c.post(reverse("tracker:opportunity_move", args=[a.public_id]), {"stage": "nope"},
               HTTP_ACCEPT="application/json")  # fmt: skip
    stages = "Researching, Networking, Applied, Interviewing, Offer, Accepted, Rejected, Withdrawn"
    assert (r.status_code, r.json()["detail"]) == (400, f"Choose one of: {stages}.")
    r = c.post(reverse("tracker:opportunity_move", args=[a.public_id]), {"stage": "offer", "position": "-1"},
               HTTP_ACCEPT="application/json")  # fmt: skip
    assert r.status_code == 400
    # The API.
    r = c.post(f"/api/v1/me/opportunities/{b.public_id}/move", data=json.dumps({"stage": "applied"}),
               content_type="application/json", **bearer(owner))  # fmt: skip
    assert r.status_code == 200
    assert [h["to_stage"] for h in r.json()["stage_history"]] == ["researching", "applied"]
    board = c.get(reverse("tracker:board")).text
    assert 'aria-live="polite"' in board
    assert f'<label class="visually-hidden" for="stage-{a.public_id}">Stage of A at Acme</label>' in board
    assert StageChange.objects.filter(opportunity__owner=owner).count() == 4


# ---------------------------------------------------------------- weeks in the person's own zone


def _in_zone(owner, zone: str) -> None:  # type: ignore[no-untyped-def]
    owner.profile.time_zone = zone
    owner.profile.save()


@pytest.mark.parametrize(
    ("now", "monday", "done"),
    [
        # New York leaves daylight saving on Sunday 2026-11-01 at 02:00. Sunday 23:30 local is
        # Monday 04:30 UTC: still the week of Monday Oct 26 where the person lives (its Monday
        # and Sunday both done).
        (datetime(2026, 11, 2, 4, 30, tzinfo=UTC), date(2026, 10, 26), 2),
        # Monday 00:30 local (05:30 UTC, a 25-hour Sunday behind it): the new week, whose
        # Sunday is still to come (upcoming: not counted yet).
        (datetime(2026, 11, 2, 5, 30, tzinfo=UTC), date(2026, 11, 2), 1),
        # Spring forward, Sunday 2027-03-14: Sunday 23:59 local is Monday 03:59 UTC.
        (datetime(2027, 3, 15, 3, 59, tzinfo=UTC), date(2027, 3, 8), 2),
        (datetime(2027, 3, 15, 4, 0, tzinfo=UTC), date(2027, 3, 15), 1),
    ],
)
def test_the_week_is_monday_to_sunday_where_the_person_lives_across_dst(now: datetime, monday: date, done: int) -> None:
    owner = UserFactory()
    _in_zone(owner, "America/New_York")
    WeeklyTargetFactory(owner=owner, kind="outreach", per_week=3)
    for day in (monday - timedelta(days=1), monday, monday + timedelta(days=6), monday + timedelta(days=7)):
        ActivityFactory(owner=owner, kind="outreach", occurred_on=day)
    start, progress = selectors.week_progress(owner, now=now)
    assert start == monday
    assert [(p.kind, p.done, p.target, p.met) for p in progress] == [("outreach", done, 3, False)]


def test_a_person_far_east_has_their_own_monday() -> None:
    owner = UserFactory()
    _in_zone(owner, "Pacific/Auckland")
    # Sunday 2026-11-01 12:00 UTC is already Monday Nov 2, 01:00 in Auckland.
    assert selectors.week_progress(owner, now=datetime(2026, 11, 1, 12, tzinfo=UTC))[0] == date(2026, 11, 2)
    assert selectors.today_for(owner, datetime(2026, 11, 1, 12, tzinfo=UTC)) == date(2026, 11, 2)


# ---------------------------------------------------------------- the quick-add


def test_the_quick_add_logs_in_one_post_with_today_in_the_persons_zone() -> None:
    owner = UserFactory()
    _in_zone(owner, "Pacific/Auckland")
    WeeklyTargetFactory(owner=owner, kind="conversation", per_week=3)
    c = logged_in(owner)
    r = c.post(reverse("tracker:activity_new"), {"quick": "1", "kind": "conversation", "contact": "Dana Ortiz",
                                                 "company": "Northwind"}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert r.status_code == 200
    today = selectors.today_for(owner)
    assert f"Logged: Networking conversation on {today:%b} {today.day}." in r.text
    assert "1 of 3 networking conversations" in r.text
    a = Activity.objects.get(owner=owner)
    assert (a.occurred_on, a.contact.name, a.company.name, a.contact.last_touch_on) == (
        today, "Dana Ortiz", "Northwind", today
    )  # fmt: skip
    # Errors come back in the fragment, with a 200 so htmx shows them.
    r = c.post(reverse("tracker:activity_new"), {"quick": "1", "kind": "party", "day": "9999-01-01"},
               HTTP_HX_REQUEST="true")  # fmt: skip
    assert r.status_code == 200
    assert "Not logged yet:" in r.text
    assert "Select a valid choice." in r.text
    # Without JavaScript: back to the page it came from, with a message.
    r = c.post(reverse("tracker:activity_new"), {"quick": "1", "kind": "outreach"},
               HTTP_REFERER="http://testserver/groups/")  # fmt: skip
    assert (r.status_code, r["Location"]) == (302, "/groups/")
    r = c.post(reverse("tracker:activity_new"), {"quick": "1", "kind": "outreach"},
               HTTP_REFERER="https://elsewhere.example/")  # fmt: skip
    assert r["Location"] == reverse("tracker:activities")
    assert Activity.objects.filter(owner=owner).count() == 3


def test_the_quick_add_costs_no_query_on_a_page_and_loads_its_pickers_when_opened() -> None:
    owner = UserFactory()
    c = logged_in(owner)
    html = c.get(reverse("groups:discover")).text
    assert 'data-hx-get="/tracker/quick-add/" data-hx-trigger="toggle once"' in html
    assert "qa-contact-names" in html  # the list the pickers fill in
    services.contact_create(owner=owner, data=services.ContactData(name="Dana Ortiz"))
    pickers = c.get(reverse("tracker:quick_add")).text
    assert '<option value="Dana Ortiz"></option>' in pickers


def test_an_interview_time_needs_an_interview_and_the_api_takes_an_aware_time() -> None:
    owner = UserFactory()
    auth = bearer(owner)
    c = logged_in(owner)
    body = {"kind": "application", "starts_at": "2026-12-01T10:00:00-05:00"}
    r = c.post("/api/v1/me/activities", data=json.dumps(body), content_type="application/json", **auth)
    assert (r.status_code, r.json()) == (400, {"detail": "Only an interview has a time."})
    body = {"kind": "interview", "starts_at": "2026-12-01T10:00:00", "day": "2026-12-01"}
    r = c.post("/api/v1/me/activities", data=json.dumps(body), content_type="application/json", **auth)
    assert (r.status_code, r.json()) == (400, {"detail": "Give the time with its time zone."})
    body = {"kind": "interview", "starts_at": "2026-12-01T10:00:00-05:00", "day": "2026-12-01"}
    r = c.post("/api/v1/me/activities", data=json.dumps(body), content_type="application/json", **auth)
    assert r.status_code == 201
    assert (r.json()["duration_minutes"], r.json()["day"]) == (60, "2026-12-01")


def test_every_tracker_page_lights_job_search_in_the_menu() -> None:
    from roundtable.core.nav import current_items

    assert current_items("tracker:home") == {"tracker": "page"}
    for name in ("tracker:board", "tracker:contact_edit", "tracker:import", "tracker:tasks"):
        assert current_items(name) == {"tracker": "true"}
    owner = UserFactory()
    html = logged_in(owner).get(reverse("tracker:board")).text
    assert '<a href="/tracker/" aria-current="true">Job search</a>' in html


def test_a_task_is_done_and_undone_in_place_with_htmx() -> None:
    owner = UserFactory()
    task = services.task_create(owner=owner, title="Thank Dana", due_on=date(2026, 11, 3))
    c = logged_in(owner)
    r = c.post(reverse("tracker:task_done", args=[task.public_id]), {"done": "1"}, HTTP_HX_REQUEST="true")
    assert "Undo<span" in r.text
    assert 'role="status">Done: Thank Dana</span>' in r.text
    task.refresh_from_db()
    assert task.done_at is not None
    r = c.post(reverse("tracker:task_done", args=[task.public_id]), {"done": "0"})
    assert (r.status_code, r["Location"]) == (302, reverse("tracker:tasks"))
    task.refresh_from_db()
    assert task.done_at is None


def test_the_same_activity_form_sent_twice_logs_once() -> None:
    """A double click, or a page sent again: the form's `once` key makes the second post log
    nothing more, and its answer is the first one's. A refused post frees its key."""
    owner = UserFactory()
    c = logged_in(owner)
    today = selectors.today_for(owner)
    form = {"quick": "1", "kind": "outreach", "note": "Wrote to Dana", "once": "k" * 24}
    first = c.post(reverse("tracker:activity_new"), form, HTTP_HX_REQUEST="true")
    second = c.post(reverse("tracker:activity_new"), {**form, "note": ""}, HTTP_HX_REQUEST="true")
    logged = f"Logged: Outreach to a hiring manager on {today:%b} {today.day}."
    assert (logged in first.text, logged in second.text) == (True, True)
    assert list(Activity.objects.filter(owner=owner).values_list("note", flat=True)) == ["Wrote to Dana"]
    # Without JavaScript, the same: one activity, and back where the form came from.
    page = {"kind": "conversation", "once": "p" * 24, "next": "/tracker/"}
    assert c.post(reverse("tracker:activity_new"), page)["Location"] == "/tracker/"
    assert c.post(reverse("tracker:activity_new"), page)["Location"] == "/tracker/"
    assert Activity.objects.filter(owner=owner).count() == 2
    # A new key is a new entry; a key that is not one of ours is ignored, not an error.
    c.post(reverse("tracker:activity_new"), {**form, "once": "n" * 24}, HTTP_HX_REQUEST="true")
    c.post(reverse("tracker:activity_new"), {**form, "once": "<bad>"}, HTTP_HX_REQUEST="true")
    c.post(reverse("tracker:activity_new"), {**form, "once": "<bad>"}, HTTP_HX_REQUEST="true")
    assert Activity.objects.filter(owner=owner).count() == 5
    # Another person's post with the same key is theirs: keys are per person.
    other = UserFactory()
    logged_in(other).post(reverse("tracker:activity_new"), form, HTTP_HX_REQUEST="true")
    assert Activity.objects.filter(owner=other).count() == 1


def test_the_quick_add_has_one_progress_line_replaced_by_each_answer() -> None:
    owner = UserFactory()
    WeeklyTargetFactory(owner=owner, kind="outreach", per_week=10)
    c = logged_in(owner)
    page = c.get(reverse("groups:discover")).text
    assert page.count('id="qa-progress"') == 1
    assert 'data-hx-target="#qa-result"' in page
    assert 'data-hx-disabled-elt="find button[type=submit]"' in page
    pickers = c.get(reverse("tracker:quick_add")).text
    assert '<div class="qa-progress" id="qa-progress" data-hx-swap-oob="true">' in pickers
    assert "0 of 10 outreach to hiring managers" in pickers
    answer = c.post(reverse("tracker:activity_new"), {"quick": "1", "kind": "outreach"}, HTTP_HX_REQUEST="true")
    assert answer.text.count('id="qa-progress"') == 1
    assert "1 of 10 outreach to hiring managers" in answer.text


def test_a_tracker_form_with_errors_has_the_summary_and_marked_fields() -> None:
    owner = UserFactory()
    r = logged_in(owner).post(reverse("tracker:contact_new"), {"name": ""})
    page = r.text
    assert r.status_code == 400
    assert '<li><a href="#id_name">Name: This field is required.</a></li>' in page
    assert 'aria-invalid="true" aria-describedby="id_name_error" id="id_name"' in page
    assert '<ul class="errorlist" id="id_name_error"><li>This field is required.</li></ul>' in page


def test_the_import_page_counts_in_words_people_read() -> None:
    """Tester's finding 17 on issue 10: "Imported 0 row(s)", and "10000" beside "10,000"."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    owner = UserFactory()
    c = logged_in(owner)
    assert "up to 10,000 rows" in c.get(reverse("tracker:import")).text
    one = SimpleUploadedFile("c.csv", b"name,company\r\nDana Ortiz,Northwind\r\n", content_type="text/csv")
    r = c.post(reverse("tracker:import"), {"kind": "contacts", "file": one}, follow=True)
    assert "Imported 1 row." in r.text
    none = SimpleUploadedFile("c.csv", b"name,company\r\n", content_type="text/csv")
    r = c.post(reverse("tracker:import"), {"kind": "contacts", "file": none}, follow=True)
    assert ("Nothing new to import." in r.text, "Imported 0" in r.text) == (True, False)
