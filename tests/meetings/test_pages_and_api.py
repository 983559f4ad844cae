"""Meeting pages and API: who sees what, bad input, and fixed query counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.groups.models import GroupVisibility, JoinPolicy, MembershipState
from roundtable.meetings import services
from roundtable.meetings.models import Meeting, Rsvp
from tests.factories import (
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    TalkFactory,
    UserFactory,
    facilitator_of,
)
from tests.queries import page_queries

LINK = "https://video.example.org/room/quiet-otter-42"
ADDRESS = "1234 Hidden Lane, Suite 9"
VIEWERS = ["anonymous", "stranger", "applicant", "member", "going", "facilitator", "banned", "ex_member"]


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    if user is None:
        return {}
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)[1]}"}


def _world(visibility: str) -> dict[str, object]:
    policy = JoinPolicy.INVITE if visibility == GroupVisibility.SECRET else JoinPolicy.APPROVAL
    group = GroupFactory(visibility=visibility, join_policy=policy, eligibility_question="Why?")
    fac = facilitator_of(group)
    meeting = MeetingFactory(group=group, format="hybrid", video_url=LINK, address=ADDRESS, venue="Back room")
    users: dict[str, object] = {"anonymous": None, "stranger": UserFactory(), "facilitator": fac}
    for name, state in [("applicant", MembershipState.PENDING), ("member", MembershipState.ACTIVE),
                        ("going", MembershipState.ACTIVE), ("banned", MembershipState.BANNED),
                        ("ex_member", MembershipState.LEFT)]:  # fmt: skip
        users[name] = MembershipFactory(group=group, state=state).user
    RsvpFactory(meeting=meeting, user=users["going"])
    return {"group": group, "meeting": meeting, "users": users}


CAN_VIEW = {
    GroupVisibility.LISTED: set(VIEWERS),
    GroupVisibility.UNLISTED: set(VIEWERS) - {"banned"},
    GroupVisibility.SECRET: {"member", "going", "facilitator"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", list(GroupVisibility))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_meeting_page_api_and_ics_privacy(visibility: str, viewer: str) -> None:
    w = _world(visibility)
    meeting: Meeting = w["meeting"]  # type: ignore[assignment]
    user = w["users"][viewer]  # type: ignore[index]
    page = _client(user).get(f"/meetings/{meeting.public_id}/")
    api = Client().get(f"/api/v1/meetings/{meeting.public_id}", **_bearer(user))
    ics = _client(user).get(f"/meetings/{meeting.public_id}.ics")
    listing = Client().get("/api/v1/meetings", **_bearer(user))
    if viewer not in CAN_VIEW[visibility]:
        assert (page.status_code, api.status_code, ics.status_code) == (404, 404, 404)
        assert listing.json()["results"] == []
        for body in (page.text, api.text, ics.text, listing.text):
            assert LINK not in body
            assert ADDRESS not in body
            assert meeting.title not in body
        return
    assert (page.status_code, api.status_code, ics.status_code) == (200, 200, 200)
    sees_link = viewer in ("going", "facilitator")
    sees_address = sees_link or visibility == GroupVisibility.LISTED
    for body in (page.text, api.text, ics.content.decode()):
        assert (LINK in body) is sees_link, body[:200]
        unfolded = body.replace("\r\n ", "").replace("\\,", ",")  # iCalendar folds lines and escapes commas
        assert (ADDRESS in unfolded) is sees_address
    discoverable = visibility == GroupVisibility.LISTED or viewer in ("member", "going", "facilitator")
    assert [m["id"] for m in listing.json()["results"]] == ([meeting.public_id] if discoverable else [])


@pytest.mark.django_db
def test_api_rsvp_reports_going_then_waitlist_position() -> None:
    meeting = MeetingFactory(capacity=1)
    a, b = (MembershipFactory(group=meeting.group).user for _ in range(2))
    r1 = Client().post(f"/api/v1/meetings/{meeting.public_id}/rsvp", **_bearer(a))
    r2 = Client().post(f"/api/v1/meetings/{meeting.public_id}/rsvp", **_bearer(b))
    assert r1.json() == {"meeting": meeting.public_id, "status": "going", "waitlist_position": None, "going_count": 1,
                         "detail": "You're going."}  # fmt: skip
    assert r2.json() == {"meeting": meeting.public_id, "status": "waitlisted", "waitlist_position": 1, "going_count": 1,
                         "detail": "The meeting is full: you're number 1 on the waitlist."}  # fmt: skip
    r3 = Client().delete(f"/api/v1/meetings/{meeting.public_id}/rsvp", **_bearer(a))
    assert r3.json()["status"] == "declined"
    assert Rsvp.objects.get(meeting=meeting, user=b).status == "going"
    mine = Client().get("/api/v1/me/meetings", **_bearer(b)).json()
    assert [m["id"] for m in mine["results"]] == [meeting.public_id]
    assert mine["results"][0]["my_rsvp"] == "going"


@pytest.mark.django_db
def test_api_facilitator_schedules_a_series() -> None:
    group = GroupFactory(time_zone="America/Chicago", kind="speakers")
    fac = facilitator_of(group)
    body = {
        "title": "Speaker night",
        "start": "2027-03-02T18:00",
        "rule": "FREQ=MONTHLY;BYDAY=1TU",
        "capacity": 40,
        "networking_before_minutes": 15,
        "networking_after_minutes": 15,
        "talk": {"speaker_name": "Ana Ruiz", "title": "Salary talks", "topics": ["Salary negotiation"]},
    }
    r = Client().post(f"/api/v1/groups/{group.slug}/meetings", body, content_type="application/json", **_bearer(fac))
    assert r.status_code == 201
    out = r.json()
    assert (out["recurring"], out["time_zone"], out["starts_at"]) == (True, "America/Chicago", "2027-03-03T00:00:00Z")
    assert out["talk"]["topics"] == ["Salary negotiation"]
    assert Meeting.objects.filter(group=group).count() > 1
    member = MembershipFactory(group=group).user
    denied = Client().post(f"/api/v1/groups/{group.slug}/meetings", body, content_type="application/json",
                           **_bearer(member))  # fmt: skip
    assert denied.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"main_minutes": 0}, 422, "main_minutes"),
        ({"main_minutes": -30}, 422, "main_minutes"),
        ({"capacity": 0}, 422, "capacity"),
        ({"capacity": -1}, 422, "capacity"),
        ({"rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, 400, "never repeats in the next eight years"),
        ({"rule": "FREQ=SECONDLY"}, 400, "at least 1 day apart"),
        ({"start": "2020-01-01T10:00"}, 400, "already passed"),
        ({"time_zone": "Mars/Olympus"}, 400, "Unknown time zone"),
        ({"format": "virtual"}, 400, "need a video meeting link"),
        ({"title": ""}, 422, "title"),
    ],
)
def test_api_create_meeting_bad_input(change: dict[str, object], status: int, reason: str) -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    body = {"title": "Roundtable", "start": "2027-03-02T18:00", **change}
    r = Client().post(f"/api/v1/groups/{group.slug}/meetings", body, content_type="application/json", **_bearer(fac))
    assert r.status_code == status
    assert reason in r.json()["detail"]
    assert Meeting.objects.count() == 0


@pytest.mark.django_db
def test_page_create_meeting_form_errors_keep_nothing() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    c = _client(fac)
    assert c.get(f"/groups/{group.slug}/meetings/new/").status_code == 200
    r = c.post(f"/groups/{group.slug}/meetings/new/", {})
    assert r.status_code == 400
    assert "This field is required." in r.text
    r = c.post(f"/groups/{group.slug}/meetings/new/", {
        "title": "Late", "date": "2020-01-01", "start_time": "18:00", "time_zone": "America/New_York",
        "main_minutes": 60, "networking_before_minutes": 0, "networking_after_minutes": 0, "format": "in_person",
        "repeat": "none",
    })  # fmt: skip
    assert r.status_code == 400
    assert "That time has already passed" in r.text
    assert Meeting.objects.count() == 0
    assert _client(UserFactory()).get(f"/groups/{group.slug}/meetings/new/").status_code == 404


@pytest.mark.django_db
def test_page_create_biweekly_meeting_then_edit_and_cancel() -> None:
    group = GroupFactory(kind="strategic")
    fac = facilitator_of(group)
    c = _client(fac)
    day = (timezone.now() + timedelta(days=3)).date().isoformat()
    r = c.post(f"/groups/{group.slug}/meetings/new/", {
        "title": "Roundtable", "date": day, "start_time": "18:00", "time_zone": "America/New_York",
        "main_minutes": 90, "networking_before_minutes": 0, "networking_after_minutes": 0, "format": "in_person",
        "repeat": "biweekly", "capacity": 3, "roundtable_minutes": 80, "turn_minutes": 10,
    })  # fmt: skip
    assert r.status_code == 302
    first = Meeting.objects.order_by("starts_at").first()
    assert first is not None
    assert r["Location"] == f"/meetings/{first.public_id}/"
    assert (first.capacity, first.turn_minutes, first.series.rule) == (3, 10, "FREQ=WEEKLY;INTERVAL=2")  # type: ignore[union-attr]
    page = c.get(f"/meetings/{first.public_id}/")
    assert "Roundtable: timed turns of about 10 min" in page.text
    r = c.post(f"/meetings/{first.public_id}/cancel/", {"scope": "one"})
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.status == "cancelled"


@pytest.mark.django_db
def test_talks_page_lists_upcoming_talks_on_a_topic() -> None:
    talk = TalkFactory(meeting__group__kind="speakers")
    topic = talk.meeting.group.topics.model.objects.create(name="Resume", slug="resume")
    talk.topics.add(topic)
    TalkFactory(title="Hidden talk", meeting__group__visibility="unlisted")
    r = Client().get("/talks/?topic=resume")
    assert r.status_code == 200
    assert talk.title in r.text
    assert "Hidden talk" not in r.text
    assert Client().get("/talks/?near=99999").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/me/agenda/", "/me/agenda/?view=week", "/me/agenda/?view=month", "/talks/",
                                 "/api/v1/meetings", "/api/v1/me/meetings", "GROUP"])  # fmt: skip
def test_meeting_lists_have_fixed_query_counts(url: str) -> None:
    group = GroupFactory(kind="speakers")
    me = MembershipFactory(group=group).user
    c = _client(me)
    headers = _bearer(me)
    if url == "GROUP":
        url = f"/groups/{group.slug}/"

    def grow(n: int) -> None:
        for i in range(n):
            start = timezone.now() + timedelta(days=1 + i % 6, hours=i)
            m = MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(hours=1))
            TalkFactory(meeting=m).topics.add(
                *group.topics.model.objects.get_or_create(name="LinkedIn", slug="linkedin")[:1]
            )
            Rsvp.objects.create(meeting=m, user=me, status="going")

    def measure() -> int:
        if url.startswith("/api/"):
            with CaptureQueriesContext(connection) as ctx:
                assert Client().get(url, **headers).status_code == 200
            return len(ctx.captured_queries)
        return page_queries(c, url)

    grow(2)
    measure()  # warm-up: the first API call also stamps the token's last use
    small = measure()
    grow(12)
    measure()  # warm-up again: new meetings change the group's schedule line, cached per group
    assert measure() == small


@pytest.mark.django_db
def test_time_shown_in_viewer_zone_with_group_time_beside() -> None:
    start = datetime(2030, 1, 8, 23, 0, tzinfo=UTC)  # 18:00 in New York
    meeting = MeetingFactory(starts_at=start, ends_at=start + timedelta(minutes=90), time_zone="America/New_York")
    viewer = MembershipFactory(group=meeting.group).user
    viewer.profile.time_zone = "America/Los_Angeles"
    viewer.profile.save()
    text = _client(viewer).get(f"/meetings/{meeting.public_id}/").text
    assert "Tue, Jan 8, 2030 · 3 PM – 4:30 PM Pacific Time" in text
    assert "(6 PM Eastern Time, group time)" in text
    anon = Client().get(f"/meetings/{meeting.public_id}/").text
    assert "Tue, Jan 8, 2030 · 6 PM – 7:30 PM Eastern Time" in anon
    assert "group time" not in anon
    assert timedelta(days=183) == services.HORIZON


@pytest.mark.django_db
def test_slides_and_recording_links_after_the_talk() -> None:
    talk = TalkFactory()
    meeting = talk.meeting
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=3),
                                                 ends_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    fac = facilitator_of(meeting.group)
    c = _client(fac)
    r = c.post(f"/meetings/{meeting.public_id}/talk-links/", {"slides_url": "https://slides.example.org/deck",
                                                        "recording_url": "not a url"})  # fmt: skip
    assert r.status_code == 302
    talk.refresh_from_db()
    assert (talk.slides_url, talk.recording_url) == ("", "")
    c.post(f"/meetings/{meeting.public_id}/talk-links/", {"slides_url": "https://slides.example.org/deck",
                                                   "recording_url": "https://video.example.org/rec"})  # fmt: skip
    talk.refresh_from_db()
    assert (talk.slides_url, talk.recording_url) == ("https://slides.example.org/deck", "https://video.example.org/rec")
    assert "https://video.example.org/rec" in Client().get(f"/meetings/{meeting.public_id}/").text
    member = MembershipFactory(group=meeting.group).user
    assert _client(member).post(f"/meetings/{meeting.public_id}/talk-links/", {"slides_url": ""}).status_code == 404
