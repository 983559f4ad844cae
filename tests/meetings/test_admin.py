"""Meetings in the admin (forms2, item 7): listed, searched and filtered by staff with a
fixed number of queries; no change that would bypass meetings.services."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.meetings import services
from roundtable.meetings.feed_services import calendar_feed_create
from roundtable.meetings.models import CalendarFeed, Meeting, MeetingSeries, Rsvp, Talk
from tests.factories import GroupFactory, MeetingFactory, RsvpFactory, TalkFactory, UserFactory, facilitator_of
from tests.queries import page_queries

MODELS = ["meetingseries", "meeting", "talk", "rsvp", "calendarfeed"]


def _staff() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _grow(n: int) -> None:
    for _ in range(n):
        group = GroupFactory(kind="speakers")
        data = services.MeetingData(title="Weekly", start_local=datetime(2031, 3, 4, 18, 0), time_zone=group.time_zone)
        services.meeting_create(group=group, by=facilitator_of(group), data=data, rule="FREQ=WEEKLY;COUNT=2")
        talk = TalkFactory(meeting__group=group)
        RsvpFactory(meeting=talk.meeting)
        calendar_feed_create(user=UserFactory())


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_each_changelist_answers_staff_with_a_fixed_number_of_queries(model: str) -> None:
    client = _staff()
    url = reverse(f"admin:meetings_{model}_changelist")
    _grow(2)
    small = page_queries(client, url)
    _grow(6)
    assert page_queries(client, url) == small
    # Search and filters answer too, with the same fixed cost.
    assert client.get(url, {"q": "Weekly"}).status_code == 200


@pytest.mark.django_db
def test_the_admin_lists_what_it_holds() -> None:
    client = _staff()
    talk = TalkFactory(title="Resumes that get read", meeting__title="March speaker night")
    RsvpFactory(meeting=talk.meeting, status="waitlisted")
    text = client.get(reverse("admin:meetings_talk_changelist"), {"q": "Resumes"}).text
    assert "Resumes that get read" in text
    text = client.get(reverse("admin:meetings_rsvp_changelist"), {"status__exact": "waitlisted"}).text
    assert "March speaker night at " in text
    assert "On the waitlist" in text
    assert client.get(reverse("admin:meetings_meeting_changelist"), {"q": talk.meeting.public_id}).status_code == 200


@pytest.mark.django_db
def test_a_calendar_feeds_secret_is_never_shown() -> None:
    client = _staff()
    feed, token = calendar_feed_create(user=UserFactory())
    for url in (reverse("admin:meetings_calendarfeed_changelist"),
                reverse("admin:meetings_calendarfeed_change", args=[feed.pk])):  # fmt: skip
        text = client.get(url).text
        assert feed.token_hash not in text
        assert token not in text
        assert "token_hash" not in text
        assert "Token hash" not in text


@pytest.mark.django_db
def test_no_change_form_allows_what_the_services_refuse() -> None:
    """Capacity under the people going, a second RSVP past capacity, a changed start with no
    email and no new sequence, a deleted meeting with RSVPs: all refused (403), nothing changed."""
    client = _staff()
    meeting = MeetingFactory(capacity=1, title="Harbor circle")
    rsvp = RsvpFactory(meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(going_count=1)
    before = (meeting.starts_at, meeting.capacity, meeting.sequence)
    change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    page = client.get(change)
    assert page.status_code == 200  # shown, read-only
    assert 'name="capacity"' not in page.text
    assert '<input type="submit"' not in page.text
    r = client.post(change, {"title": "Harbor circle", "capacity": "0", "starts_at_0": "2031-01-01",
                             "starts_at_1": "10:00:00", "status": "cancelled"})  # fmt: skip
    assert r.status_code == 403
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.capacity, meeting.sequence, meeting.status) == (*before, "scheduled")
    r = client.post(reverse("admin:meetings_rsvp_change", args=[rsvp.pk]), {"status": "declined"})
    assert r.status_code == 403
    assert Rsvp.objects.get(pk=rsvp.pk).status == "going"
    assert client.post(reverse("admin:meetings_rsvp_add"), {"meeting": meeting.pk, "status": "going",
                                                             "user": UserFactory().pk}).status_code == 403  # fmt: skip
    assert client.post(reverse("admin:meetings_meeting_delete", args=[meeting.pk]), {"post": "yes"}).status_code == 403
    r = client.post(reverse("admin:meetings_meeting_changelist"),
                    {"action": "delete_selected", "_selected_action": [meeting.pk], "post": "yes"})  # fmt: skip
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert Rsvp.objects.filter(meeting=meeting).count() == 1
    for model in MODELS:
        assert client.get(reverse(f"admin:meetings_{model}_add")).status_code == 403


@pytest.mark.django_db
def test_series_talks_and_feeds_are_read_only_too() -> None:
    client = _staff()
    group = GroupFactory()
    data = services.MeetingData(title="Weekly", start_local=datetime(2031, 3, 4, 18, 0), time_zone=group.time_zone)
    services.meeting_create(group=group, by=facilitator_of(group), data=data, rule="FREQ=WEEKLY;COUNT=2")
    series = MeetingSeries.objects.get(group=group)
    talk = TalkFactory()
    feed, _ = calendar_feed_create(user=UserFactory())
    for name, obj, post in (("meetingseries", series, {"rule": "FREQ=MINUTELY"}),
                            ("talk", talk, {"title": "Changed", "speaker_name": "X"}),
                            ("calendarfeed", feed, {"revoked_at_0": "", "user": feed.user_id})):  # fmt: skip
        url = reverse(f"admin:meetings_{name}_change", args=[obj.pk])
        assert client.get(url).status_code == 200
        assert client.post(url, post).status_code == 403
    assert MeetingSeries.objects.get(pk=series.pk).rule == "FREQ=WEEKLY;COUNT=2"
    assert Talk.objects.get(pk=talk.pk).title == "LinkedIn that gets you called back"
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is None


@pytest.mark.django_db
def test_members_without_staff_get_no_admin() -> None:
    client = Client()
    client.force_login(UserFactory())
    r = client.get(reverse("admin:meetings_meeting_changelist"))
    assert (r.status_code, r["Location"]) == (302, "/admin/login/?next=/admin/meetings/meeting/")


def test_the_operations_doc_says_exactly_what_the_admin_holds() -> None:
    import re
    from pathlib import Path

    from django.contrib import admin

    doc = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    start = doc.index("`/admin/` holds")
    said = " ".join(doc[start : doc.index("`python manage.py createsuperuser`", start)].split()).lower()
    to_change, _, rest = said.partition("it holds, to look at but not change")
    read_only = rest.partition("reminder and digest records")[0]
    registry = admin.site._registry
    names = {
        "api tokens": "api tokens", "groups": "groups", "rsvps": "rsvps", "task results": "task results",
        "hiddens": "hidden content",
    }  # fmt: skip
    for model, model_admin in registry.items():
        plural = str(model._meta.verbose_name_plural).lower()
        plural = names.get(plural, plural)
        if model._meta.label == "auth.Group":
            plural = "permission groups"
        where = read_only if not model_admin.has_change_permission(_request()) else to_change
        assert re.search(rf"\b{re.escape(plural)}\b", where), (model._meta.label, plural)
    assert "calendar feeds (never a feed's secret)" in read_only


def _request() -> object:
    from django.test import RequestFactory

    from tests.factories import UserFactory

    request = RequestFactory().get("/admin/")
    request.user = UserFactory.build(is_staff=True, is_superuser=True)
    return request
