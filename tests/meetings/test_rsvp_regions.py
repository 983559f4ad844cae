"""An RSVP changes every region that depends on it at once (tester's finding 2): with htmx,
the card and, out of band, the Where card, the room link and, for facilitators, the Going
list and the message to everyone going; without JavaScript, the page it redirects to. What
the htmx answer sends is exactly what a reload shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.meetings.models import Meeting
from tests.clients import signed_in as _as
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory, facilitator_of

# Whatever the number of people going (a session, the user, locks, the RSVP write, the regions,
# the live room's state for the room button, and the journal's goal card: the goal and the
# people going whom it may name).
QUERIES = 26
REGIONS = ("rsvp", "where", "room-link", "going-people", "message-going")


class _Region(HTMLParser):
    """The outer HTML of the element with a given id (tags counted by name)."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "area", "col", "wbr"}

    def __init__(self, html: str, element_id: str) -> None:
        super().__init__(convert_charrefs=False)
        self.html, self.id = html, element_id
        self.start: int | None = None
        self.end: int | None = None
        self.tag = ""
        self.depth = 0
        self.lines = [0]
        for line in html.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.feed(html)

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.end is not None or tag in self.VOID:
            return
        if self.start is None and ("id", self.id) in attrs:
            self.start, self.tag, self.depth = self._offset(), tag, 1
        elif self.start is not None and tag == self.tag:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.start is None or self.end is not None or tag != self.tag:
            return
        self.depth -= 1
        if self.depth == 0:
            self.end = self.html.index(">", self._offset()) + 1

    def text(self) -> str | None:
        if self.start is None or self.end is None:
            return None
        out = self.html[self.start : self.end].replace(' data-hx-swap-oob="true"', "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", out)


def region(html: str, element_id: str) -> str | None:
    return _Region(html, element_id).text()


def _meeting_with_facilitator() -> tuple[Meeting, object]:
    group = GroupFactory()
    fac = facilitator_of(group, user=UserFactory(name="Rosa Facilitator"))
    return MeetingFactory(group=group), fac


def _rsvp(c: Client, meeting: Meeting, answer: str) -> str:
    r = c.post(f"/meetings/{meeting.public_id}/rsvp/", {"answer": answer}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    return r.text


@pytest.mark.django_db
def test_a_facilitators_own_rsvp_updates_the_going_list_and_message_form_at_once() -> None:
    meeting, fac = _meeting_with_facilitator()
    c = _as(fac)
    before = c.get(meeting.get_absolute_url()).text
    assert region(before, "going-people") is not None
    assert "<h3>Going (0)</h3>" in before
    assert "Message everyone going" not in before
    answer = _rsvp(c, meeting, "going")
    assert "1 going" in region(answer, "rsvp")  # type: ignore[operator]
    going = region(answer, "going-people")
    assert going is not None
    assert "<h3>Going (1)</h3>" in going
    assert '<span class="person-name">Rosa Facilitator</span>' in going
    assert "Message everyone going" in region(answer, "message-going")  # type: ignore[operator]
    assert '<div id="going-people" class="stack" data-hx-swap-oob="true">' in answer
    assert '<div id="message-going" data-hx-swap-oob="true">' in answer
    # Each region the answer sends is exactly what a reload shows.
    reloaded = c.get(meeting.get_absolute_url()).text
    for element_id in REGIONS:
        assert region(answer, element_id) == region(reloaded, element_id), element_id


@pytest.mark.django_db
def test_cancelling_the_last_rsvp_takes_the_message_form_away() -> None:
    meeting, fac = _meeting_with_facilitator()
    c = _as(fac)
    _rsvp(c, meeting, "going")
    answer = _rsvp(c, meeting, "not_going")
    assert "<h3>Going (0)</h3>" in region(answer, "going-people")  # type: ignore[operator]
    assert region(answer, "message-going") == '<div id="message-going">\n        \n        </div>'
    reloaded = c.get(meeting.get_absolute_url()).text
    for element_id in REGIONS:
        assert region(answer, element_id) == region(reloaded, element_id), element_id


@pytest.mark.django_db
def test_a_message_being_typed_is_not_resent_while_people_stay_going() -> None:
    meeting, fac = _meeting_with_facilitator()
    RsvpFactory(meeting=meeting, user=MembershipFactory(group=meeting.group).user)
    answer = _rsvp(_as(fac), meeting, "going")
    assert "<h3>Going (2)</h3>" in region(answer, "going-people")  # type: ignore[operator]
    assert region(answer, "message-going") is None


@pytest.mark.django_db
def test_a_member_rsvp_sends_no_facilitator_regions() -> None:
    meeting, _fac = _meeting_with_facilitator()
    member = MembershipFactory(group=meeting.group).user
    answer = _rsvp(_as(member), meeting, "going")
    assert [region(answer, i) is not None for i in REGIONS] == [True, True, True, False, False]
    assert "Going (" not in answer


@pytest.mark.django_db
def test_without_javascript_the_page_after_an_rsvp_shows_every_region_updated() -> None:
    meeting, fac = _meeting_with_facilitator()
    r = _as(fac).post(f"/meetings/{meeting.public_id}/rsvp/", {"answer": "going"}, follow=True)
    assert r.redirect_chain == [(meeting.get_absolute_url(), 302)]
    assert "1 going" in region(r.text, "rsvp")  # type: ignore[operator]
    assert "<h3>Going (1)</h3>" in region(r.text, "going-people")  # type: ignore[operator]
    assert "Message everyone going" in region(r.text, "message-going")  # type: ignore[operator]


@pytest.mark.django_db
@pytest.mark.parametrize("people", [1, 6])
def test_the_facilitators_rsvp_answer_makes_a_fixed_number_of_queries(people: int) -> None:
    meeting, fac = _meeting_with_facilitator()
    for _ in range(people):
        RsvpFactory(meeting=meeting, user=MembershipFactory(group=meeting.group).user)
    c = _as(fac)
    with CaptureQueriesContext(connection) as ctx:
        _rsvp(c, meeting, "going")
    assert len(ctx.captured_queries) == QUERIES
