"""Calendar downloads and feeds: privacy of place and link, revocable tokens, 404s that
give nothing away, fixed query counts; and the page that manages the private feed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.models import Profile
from roundtable.groups import services as group_services
from roundtable.groups.models import Format, GroupVisibility
from roundtable.meetings import services
from roundtable.meetings.feed_services import calendar_feed_create, calendar_feed_revoke
from roundtable.meetings.models import CalendarFeed
from roundtable.meetings.services import MeetingData
from tests.clients import signed_in as _as
from tests.clients import unmask as _unmask
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory, facilitator_of
from tests.queries import page_queries

VIDEO = "https://meet.example.com/quiet-harbor-7731"
ADDRESS = "12 Hidden Lane, Springfield"


def _world(visibility: str) -> dict:  # type: ignore[type-arg]
    """A hybrid meeting with a link and an address, a facilitator, a going member, a member
    who is not going, and a stranger."""
    group = GroupFactory(visibility=visibility, slug=f"harbor-{visibility}")
    fac = facilitator_of(group)
    going = MembershipFactory(group=group).user
    idle = MembershipFactory(group=group).user
    data = MeetingData(
        title="Harbor circle",
        start_local=datetime(2027, 4, 6, 18, 0),
        time_zone="America/New_York",
        format=Format.HYBRID,
        venue="Room 4",
        address=ADDRESS,
        video_url=VIDEO,
    )
    meeting = services.meeting_create(group=group, by=fac, data=data)
    services.rsvp_set(meeting=meeting, user=going, going=True)
    return {"group": group, "fac": fac, "going": going, "idle": idle, "stranger": UserFactory(), "meeting": meeting}


def _feed_url(user) -> str:  # type: ignore[no-untyped-def]
    _feed, token = calendar_feed_create(user=user)
    return f"/calendar/{token}.ics"


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", [GroupVisibility.SECRET, GroupVisibility.UNLISTED])
def test_link_and_address_never_reach_non_members(visibility: str) -> None:
    w = _world(visibility)
    url = f"/meetings/{w['meeting'].public_id}.ics"
    # An unlisted group's meeting is visible by link (the idle member sees even a secret one),
    # but never its place: that is for people going.
    expected = {GroupVisibility.SECRET: [404, 404, 200], GroupVisibility.UNLISTED: [200, 200, 200]}[visibility]
    for client, status in zip((Client(), _as(w["stranger"]), _as(w["idle"])), expected, strict=True):
        r = client.get(url)
        assert r.status_code == status
        assert VIDEO not in r.text
        assert ADDRESS not in r.text
        assert "12 Hidden Lane" not in r.text
    # The stranger's own private feed and the public group feed never carry it either.
    assert VIDEO not in Client().get(_feed_url(w["stranger"])).text
    group_feed = Client().get(f"/groups/{w['group'].slug}/calendar.ics")
    assert group_feed.status_code == 404
    assert VIDEO not in group_feed.text
    assert ADDRESS not in group_feed.text


@pytest.mark.django_db
def test_secret_meeting_download_is_404_for_outsiders_like_a_missing_one() -> None:
    w = _world(GroupVisibility.SECRET)
    for client in (Client(), _as(w["stranger"])):
        missing = client.get("/meetings/999999.ics")
        hidden = client.get(f"/meetings/{w['meeting'].public_id}.ics")
        assert hidden.status_code == missing.status_code == 404
        assert _unmask(hidden.text) == _unmask(missing.text)
    # The member who is not going sees the meeting, without its place.
    idle = _as(w["idle"]).get(f"/meetings/{w['meeting'].public_id}.ics")
    assert idle.status_code == 200
    assert "Harbor circle" in idle.text
    assert (VIDEO in idle.text, ADDRESS in idle.text) == (False, False)


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", [GroupVisibility.SECRET, GroupVisibility.UNLISTED, GroupVisibility.LISTED])
def test_going_member_and_facilitator_get_link_and_address(visibility: str) -> None:
    w = _world(visibility)
    for person in (w["going"], w["fac"]):
        r = _as(person).get(f"/meetings/{w['meeting'].public_id}.ics")
        assert r.status_code == 200
        assert VIDEO in r.text
        assert "12 Hidden Lane\\, Springfield" in r.text  # commas are escaped in iCalendar text
    feed = Client().get(_feed_url(w["going"]))
    assert feed.status_code == 200
    [event] = icalendar.Calendar.from_ical(feed.content).events
    assert str(event["LOCATION"]) == f"Room 4, {ADDRESS}"
    assert f"Join online: {VIDEO}" in str(event["DESCRIPTION"])


@pytest.mark.django_db
def test_listed_group_feed_has_address_but_never_the_link() -> None:
    w = _world(GroupVisibility.LISTED)
    r = Client().get("/groups/harbor-listed/calendar.ics")
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="harbor-listed.ics"'
    [event] = icalendar.Calendar.from_ical(r.content).events
    assert str(event["LOCATION"]) == f"Room 4, {ADDRESS}"
    assert VIDEO not in r.text
    anon = Client().get(f"/meetings/{w['meeting'].public_id}.ics")
    assert (VIDEO in anon.text, "12 Hidden Lane" in anon.text) == (False, True)


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", [GroupVisibility.SECRET, GroupVisibility.UNLISTED])
def test_group_feed_of_unlisted_or_secret_group_is_404_like_a_missing_group(visibility: str) -> None:
    w = _world(visibility)
    # Even a facilitator gets no public feed for a group that is not listed.
    for client in (Client(), _as(w["stranger"]), _as(w["fac"])):
        missing = client.get("/groups/no-such-group-here/calendar.ics")
        hidden = client.get(f"/groups/{w['group'].slug}/calendar.ics")
        assert hidden.status_code == missing.status_code == 404
        assert _unmask(hidden.text) == _unmask(missing.text)


@pytest.mark.django_db
def test_revoked_or_unknown_token_is_404_and_nothing_else() -> None:
    w = _world(GroupVisibility.LISTED)
    feed, token = calendar_feed_create(user=w["going"])
    assert Client().get(f"/calendar/{token}.ics").status_code == 200
    assert Client().head(f"/calendar/{token}.ics").status_code == 200
    calendar_feed_revoke(feed=feed)
    revoked = Client().get(f"/calendar/{token}.ics")
    unknown = Client().get("/calendar/cal_thisTokenWasNeverIssuedToAnyoneAtAll0000000.ics")
    garbage = Client().get("/calendar/x.ics")
    assert revoked.status_code == unknown.status_code == garbage.status_code == 404
    assert _unmask(revoked.text) == _unmask(unknown.text) == _unmask(garbage.text)
    assert "Harbor circle" not in revoked.text
    assert CalendarFeed.objects.get(pk=feed.pk).token_hash != token


@pytest.mark.django_db
def test_new_feed_replaces_the_old_one() -> None:
    user = UserFactory()
    _old, old_token = calendar_feed_create(user=user)
    _new, new_token = calendar_feed_create(user=user)
    assert new_token.startswith("cal_")
    assert len(new_token.removeprefix("cal_")) == 43  # 32 random bytes in URL-safe base64: 256 bits
    assert Client().get(f"/calendar/{old_token}.ics").status_code == 404
    assert Client().get(f"/calendar/{new_token}.ics").status_code == 200


@pytest.mark.django_db
def test_private_feed_drops_meetings_of_groups_the_person_left() -> None:
    w = _world(GroupVisibility.UNLISTED)
    # A meeting last week they went to stays going after they leave (only upcoming seats are freed).
    past = MeetingFactory(
        group=w["group"], starts_at=timezone.now() - timedelta(days=7), title="Last week", address=ADDRESS
    )
    RsvpFactory(meeting=past, user=w["going"])
    other = MeetingFactory(title="Elsewhere")
    MembershipFactory(group=other.group, user=w["going"])
    RsvpFactory(meeting=other, user=w["going"])
    url = _feed_url(w["going"])
    before = icalendar.Calendar.from_ical(Client().get(url).content)
    assert [str(e["SUMMARY"]) for e in before.events] == ["Last week", "Elsewhere", "Harbor circle"]
    group_services.membership_leave(group=w["group"], user=w["going"])
    r = Client().get(url)
    after = icalendar.Calendar.from_ical(r.content)
    assert [str(e["SUMMARY"]) for e in after.events] == ["Elsewhere"]
    assert VIDEO not in r.text
    assert ADDRESS not in r.text


@pytest.mark.django_db
def test_private_feed_keeps_cancelled_meetings_and_skips_waitlist_and_old_ones() -> None:
    group = GroupFactory()
    person = MembershipFactory(group=group).user
    kept = MeetingFactory(group=group, title="Cancelled one", status="cancelled", sequence=1)
    RsvpFactory(meeting=kept, user=person)
    RsvpFactory(meeting=MeetingFactory(group=group, title="Waiting"), user=person, status="waitlisted")
    RsvpFactory(meeting=MeetingFactory(group=group, title="Declined"), user=person, status="declined")
    RsvpFactory(
        meeting=MeetingFactory(group=group, title="Long ago", starts_at=timezone.now() - timedelta(days=40)),
        user=person,
    )
    cal = icalendar.Calendar.from_ical(Client().get(_feed_url(person)).content)
    assert [(str(e["SUMMARY"]), str(e["STATUS"])) for e in cal.events] == [("Cancelled one", "CANCELLED")]


def _count(url: str) -> int:
    return page_queries(Client(), url)


def _going_to(group, person, n: int) -> None:  # type: ignore[no-untyped-def]
    base = timezone.now() + timedelta(days=1)
    for i in range(n):
        m = MeetingFactory(group=group, starts_at=base + timedelta(days=i), video_url=VIDEO, format=Format.HYBRID)
        RsvpFactory(meeting=m, user=person)


@pytest.mark.django_db
def test_private_feed_query_count_is_fixed() -> None:
    small, large = UserFactory(), UserFactory()
    for person, n in ((small, 3), (large, 30)):
        for g in range(2):
            group = GroupFactory(visibility=[GroupVisibility.LISTED, GroupVisibility.SECRET][g])
            MembershipFactory(group=group, user=person)
            _going_to(group, person, n // 3 if g else n - n // 3)
    small_url, large_url = _feed_url(small), _feed_url(large)
    assert len(icalendar.Calendar.from_ical(Client().get(large_url).content).events) == 30
    assert _count(small_url) == _count(large_url) == 4  # the token, the memberships, the meetings, the interviews
    assert VIDEO in Client().get(large_url).text


@pytest.mark.django_db
def test_group_feed_query_count_is_fixed() -> None:
    small, large = GroupFactory(), GroupFactory()
    for group, n in ((small, 3), (large, 30)):
        person = MembershipFactory(group=group).user
        _going_to(group, person, n)
    assert _count(f"/groups/{small.slug}/calendar.ics") == _count(f"/groups/{large.slug}/calendar.ics") == 2


# The page ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_calendar_page_needs_login() -> None:
    r = Client().get("/me/calendar/")
    assert r.status_code == 302
    assert r["Location"] == "/accounts/login/?next=/me/calendar/"


@pytest.mark.django_db
def test_create_show_once_use_and_revoke_the_feed_from_the_page() -> None:
    w = _world(GroupVisibility.LISTED)
    c = _as(w["going"])
    page = c.get("/me/calendar/")
    assert page.status_code == 200
    assert "Create my calendar link" in page.text
    r = c.post("/me/calendar/", {"action": "new_feed"})
    assert (r.status_code, r["Location"]) == (302, "/me/calendar/")
    shown = c.get("/me/calendar/")
    [url] = re.findall(r'value="(http://testserver/calendar/[^"]+\.ics)"', shown.text)
    assert "Your private calendar link is ready" in shown.text
    assert "webcal://testserver/calendar/" in shown.text
    assert re.findall(r"/calendar/cal_[^\"<]+\.ics", c.get("/me/calendar/").text) == []  # shown once only
    feed = Client().get(url.removeprefix("http://testserver"))
    assert feed.status_code == 200
    assert VIDEO in feed.text
    r = c.post("/me/calendar/", {"action": "revoke_feed"})
    assert r.status_code == 302
    after = c.get("/me/calendar/")
    assert "Your calendar link is revoked. Calendars using it stop updating." in after.text
    assert Client().get(url.removeprefix("http://testserver")).status_code == 404


@pytest.mark.django_db
def test_reminder_preferences_are_saved() -> None:
    person = UserFactory()
    c = _as(person)
    r = c.post("/me/calendar/", {"action": "preferences", "remind_hour_before": "on"})
    assert r.status_code == 302
    profile = Profile.objects.get(user=person)
    assert (profile.remind_day_before, profile.remind_hour_before, profile.weekly_digest) == (False, True, False)
    page = c.get("/me/calendar/")
    assert "Your email preferences are saved." in page.text
    assert 'name="remind_hour_before" id="id_remind_hour_before" checked' in page.text


@pytest.mark.django_db
def test_unknown_action_is_a_clear_400() -> None:
    person = UserFactory()
    r = _as(person).post("/me/calendar/", {"action": "explode"})
    assert r.status_code == 400
    assert "please use the buttons on this page" in r.text
    assert CalendarFeed.objects.filter(user=person).count() == 0


# ---------------------------------------------------------------- conditional GET (issue 13, item 7)


def _poll(url: str, etag: str | None = None):  # type: ignore[no-untyped-def]
    return Client().get(url, **({"HTTP_IF_NONE_MATCH": etag} if etag else {}))


@pytest.mark.django_db
def test_a_feed_answers_304_until_a_meeting_in_it_changes() -> None:
    w = _world(GroupVisibility.LISTED)
    meeting = w["meeting"]
    for url in (_feed_url(w["going"]), "/groups/harbor-listed/calendar.ics", f"/meetings/{meeting.public_id}.ics"):
        first = _poll(url)
        etag = first["ETag"]
        assert (first.status_code, first["Cache-Control"]) == (200, "private, no-cache")
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        # Nothing changed: the same bytes (DTSTAMP is the event's last revision), so 304 and no body.
        again = _poll(url, etag)
        assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
        assert _poll(url).content == first.content
        assert _poll(url, '"something-else"').status_code == 200
    fac = w["fac"]
    urls = [_feed_url(w["going"]), "/groups/harbor-listed/calendar.ics", f"/meetings/{meeting.public_id}.ics"]
    etags = [_poll(u)["ETag"] for u in urls]
    # Any change to a meeting in it: a new title, then a cancellation.
    data = MeetingData(
        title="Harbor circle: resumes", start_local=datetime(2027, 4, 6, 18, 0), time_zone="America/New_York",
        format=Format.HYBRID, venue="Room 4", address=ADDRESS, video_url=VIDEO,
    )  # fmt: skip
    services.meeting_update(meeting=meeting, by=fac, data=data)
    for url, etag in zip(urls, etags, strict=True):
        changed = _poll(url, etag)
        assert changed.status_code == 200
        assert "Harbor circle: resumes" in changed.text
        assert changed["ETag"] != etag
    etags = [_poll(u)["ETag"] for u in urls]
    services.meeting_cancel(meeting=meeting, by=fac)
    for url, etag in zip(urls, etags, strict=True):
        changed = _poll(url, etag)
        assert (changed.status_code, "STATUS:CANCELLED" in changed.text) == (200, True)


@pytest.mark.django_db
def test_a_private_feed_never_answers_304_for_what_its_owner_may_no_longer_see() -> None:
    w = _world(GroupVisibility.LISTED)
    url = _feed_url(w["going"])
    etag = _poll(url)["ETag"]
    group_services.membership_leave(group=w["group"], user=w["going"])
    after = _poll(url, etag)
    assert after.status_code == 200
    assert "Harbor circle" not in after.text
    # A new RSVP changes the person's feed too.
    idle_url = _feed_url(w["idle"])
    before = _poll(idle_url)
    services.rsvp_set(meeting=w["meeting"], user=w["idle"], going=True)
    joined = _poll(idle_url, before["ETag"])
    assert (joined.status_code, "Harbor circle" in joined.text) == (200, True)
