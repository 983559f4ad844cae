"""Addresses are findable (issue 9, item 10): venue, street and city, a link that opens
them in a map app (no embedded map), and the same line in the .ics LOCATION."""

from __future__ import annotations

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from roundtable.meetings.address import address_lines, map_url, one_line
from tests.factories import MeetingFactory, MembershipFactory, RsvpFactory


def test_city_is_added_to_a_bare_street_line_only() -> None:
    assert address_lines("Library", "12 Main Street", "Boston, MA") == ["Library", "12 Main Street", "Boston, MA"]
    assert one_line("Library", "12 Hidden Lane, Springfield", "Boston, MA") == "Library, 12 Hidden Lane, Springfield"
    assert one_line("Library", "", "Boston, MA") == "Library"
    assert map_url("Library", "12 Main Street", "Boston, MA") == (
        "https://www.openstreetmap.org/search?query=12+Main+Street%2C+Boston%2C+MA"
    )
    assert map_url("Library", "", "Boston, MA") == ""


@pytest.mark.django_db
def test_meeting_page_and_ics_give_venue_street_city_and_map_link() -> None:
    meeting = MeetingFactory(venue="Public Library, Room 2", address="700 Boylston St")
    member = MembershipFactory(group=meeting.group).user
    RsvpFactory(meeting=meeting, user=member, status="going")
    c = Client()
    c.force_login(member)
    page = c.get(meeting.get_absolute_url()).text
    assert '<address class="place">Public Library, Room 2<br>700 Boylston St<br>Boston, MA</address>' in page
    assert 'href="https://www.openstreetmap.org/search?query=700+Boylston+St%2C+Boston%2C+MA"' in page
    assert "<iframe" not in page
    ics = c.get(reverse("feeds:meeting_ics", args=[meeting.public_id]))
    [event] = icalendar.Calendar.from_ical(ics.content).events
    assert str(event["LOCATION"]) == "Public Library, Room 2, 700 Boylston St, Boston, MA"
