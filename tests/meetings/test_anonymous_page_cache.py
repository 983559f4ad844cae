"""A meeting's page as anonymous visitors see it is cached (meetings.views._anonymous_page):
built once, served after without a query, holding nothing of a person, and new at once after
every change it shows: an RSVP (the counts), an edit of the meeting, its talk or the talk's
topics, a cancellation, and its group's edit or hiding."""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.test import Client

from roundtable.groups import cache as discovery_cache
from roundtable.groups import services as group_services
from roundtable.groups.models import GroupVisibility, JoinPolicy
from roundtable.meetings import services
from roundtable.meetings.models import Meeting
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, TalkFactory, TopicFactory, facilitator_of
from tests.queries import page_queries


def _page(meeting: Meeting) -> str:
    r = Client().get(meeting.get_absolute_url())
    assert r.status_code == 200
    return r.text


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def _data(meeting: Meeting, **changes: object) -> services.MeetingData:
    local = meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone))
    fields = {
        "title": meeting.title,
        "start_local": datetime(local.year, local.month, local.day, local.hour, local.minute),
        "time_zone": meeting.time_zone,
        "main_minutes": meeting.main_minutes,
        "capacity": meeting.capacity,
        "venue": meeting.venue,
    }
    return services.MeetingData(**(fields | changes))  # type: ignore[arg-type]


def _group_data(group, **changes):  # type: ignore[no-untyped-def]
    fields = ["name", "kind", "format", "purpose", "description", "visibility", "join_policy", "audience"]
    fields += ["location_text"]
    return group_services.GroupData(**({f: getattr(group, f) for f in fields} | changes))


@pytest.mark.django_db
def test_an_anonymous_meeting_page_is_built_once_and_holds_nothing_of_a_person() -> None:
    meeting = MeetingFactory(title="Resumes that get read", capacity=10)
    member = MembershipFactory(group=meeting.group).user
    services.rsvp_set(meeting=meeting, user=member, going=True)
    first_queries = page_queries(Client(), meeting.get_absolute_url())
    assert first_queries == 1  # the meeting with its group and talk (it has none: no topics to ask)
    assert page_queries(Client(), meeting.get_absolute_url()) == 0
    page = _page(meeting)
    assert "<title>Resumes that get read · Roundtable</title>" in page
    assert "1 going of 10 seats" in page
    assert "Log in to RSVP" in page
    assert "nonce" not in page  # cached whole (groups/pages.py): a nonce would go stale
    for private in ("csrfmiddlewaretoken", "X-CSRFToken", "Cancel my RSVP", "You're going"):
        assert private not in page
    # The signed-in member never gets the anonymous page.
    c = Client()
    c.force_login(member)
    assert "Cancel my RSVP" in c.get(meeting.get_absolute_url()).text


@pytest.mark.django_db
def test_rsvps_show_at_once() -> None:
    meeting = MeetingFactory(capacity=1)
    people = [MembershipFactory(group=meeting.group).user for _ in range(2)]
    assert "0 going of 1 seat" in _page(meeting)
    services.rsvp_set(meeting=meeting, user=people[0], going=True)
    assert "1 going of 1 seat</p>" in _page(meeting)
    services.rsvp_set(meeting=meeting, user=people[1], going=True)
    assert "1 going of 1 seat · 1 waiting</p>" in _page(meeting)
    services.rsvp_set(meeting=meeting, user=people[0], going=False)  # the one waiting is promoted
    assert "1 going of 1 seat</p>" in _page(meeting)
    services.capacity_set(meeting=meeting, capacity=5)
    assert "1 going of 5 seats" in _page(meeting)


@pytest.mark.django_db
def test_edits_of_the_meeting_its_talk_and_its_topics_show_at_once() -> None:
    group = GroupFactory(kind="speakers")
    fac = facilitator_of(group)
    meeting = MeetingFactory(group=group, title="Before")
    talk = TalkFactory(meeting=meeting, title="Old talk")
    assert "The talk: Old talk" in _page(meeting)
    services.meeting_update(meeting=meeting, by=fac, data=_data(meeting, title="After"))
    page = _page(meeting)
    assert "<h1>After</h1>" in page
    assert "<title>After · Roundtable</title>" in page
    services.talk_set(meeting=meeting, talk=services.TalkData(speaker_name="Jo", title="New talk", topics=("Salary",)))
    page = _page(meeting)
    assert "The talk: New talk" in page
    assert ">Salary</a>" in page
    talk.refresh_from_db()
    talk.topics.add(TopicFactory(name="Negotiation", slug="negotiation"))  # as the admin would
    assert ">Negotiation</a>" in _page(meeting)
    talk.title = "Saved in the admin"
    talk.save()
    assert "The talk: Saved in the admin" in _page(meeting)


@pytest.mark.django_db
def test_a_cancellation_and_its_groups_edit_show_at_once() -> None:
    group = GroupFactory(name="Harbor Circle")
    fac = facilitator_of(group)
    meeting = MeetingFactory(group=group)
    assert "← Harbor Circle" in _page(meeting)
    group_services.group_update(group=group, data=_group_data(group, name="Harbour Circle"))
    assert "← Harbour Circle" in _page(meeting)
    services.meeting_cancel(meeting=meeting, by=fac)
    assert "This meeting was cancelled." in _page(meeting)


@pytest.mark.django_db
def test_hiding_its_group_answers_404_at_once_as_for_a_missing_meeting() -> None:
    group = GroupFactory()
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group)
    assert _page(meeting)
    group_services.group_update(
        group=group, data=_group_data(group, visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE)
    )
    hidden = Client().get(meeting.get_absolute_url())
    missing = Client().get("/meetings/aaaaaaaaaaaa/")
    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content) == (404, missing.content)
    # Nothing was cached for it: its member still gets the page, and anonymous visitors still 404.
    c = Client()
    c.force_login(member)
    assert c.get(meeting.get_absolute_url()).status_code == 200
    assert Client().get(meeting.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_with_the_store_in_redis_each_process_keeps_a_copy_that_writes_still_make_stale(settings) -> None:  # type: ignore[no-untyped-def]
    # As in production: the pages in Redis, shared by the processes; each process keeps a copy
    # of those it served (groups/cache.py), keyed at the generation and the RSVP version.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "discovery": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{1 + os.getpid() % 15}",
            "KEY_PREFIX": f"test-pages-{os.getpid()}",
        },
    }
    # (Its entries expire within the cache's 60 s; the database number is shared with other
    # test processes, so nothing here flushes it.)
    group = GroupFactory(name="Harbor Circle")
    meeting = MeetingFactory(group=group, capacity=3)
    person = MembershipFactory(group=group).user
    first = _page(meeting)
    assert page_queries(Client(), meeting.get_absolute_url()) == 0
    # Gone from Redis: this process's copy still answers.
    assert caches["discovery"].delete(discovery_cache.key("anonymous_meeting", f"{meeting.public_id}:v0"))
    assert page_queries(Client(), meeting.get_absolute_url()) == 0
    assert _page(meeting) == first
    services.rsvp_set(meeting=meeting, user=person, going=True)
    assert "1 going of 3 seats" in _page(meeting)
    group_services.group_update(group=group, data=_group_data(group, name="Harbour Circle"))
    assert "← Harbour Circle" in _page(meeting)
