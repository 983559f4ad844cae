"""Pages of the live room: who gets in, what each page shows, and fixed query counts."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.models import Profile, User
from roundtable.groups.models import Admission, Membership, MembershipState
from roundtable.live import services
from roundtable.live.models import HistorySharing, Roundtable, Turn
from tests.factories import MeetingFactory, MembershipFactory, UserFactory

from .conftest import Room, at, going_member, here, make_room


def _client(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _data(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="room-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


def _url(room: Room, page: str = "") -> str:
    return f"/meetings/{room.meeting.public_id}/live/{page}"


def _run_a_turn(room: Room) -> Turn:
    """Ann takes her turn: a challenge, two suggestions (Ben's starred), one commitment."""
    for i, u in enumerate((room.ann, room.ben, room.cat)):
        services.participant_join(roundtable=room.rt, user=u, now=at(i))
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(10))
    turn = Turn.objects.get(roundtable=room.rt, user=room.ann)
    services.challenge_set(turn=turn, by=room.ann, text="No callbacks after first interviews.", now=at(20))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(30))
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(40))
    s = services.suggestion_add(turn=turn, by=room.ben, text="Send a thank-you note", contact="Dee", now=at(50))
    services.suggestion_add(turn=turn, by=room.cat, text="Ask for feedback", now=at(55))
    services.suggestion_star(suggestion=s, by=room.ann, starred=True)
    services.phase_next(roundtable=room.rt, by=room.fac, now=at(60))
    services.commitment_add(turn=turn, by=room.ann, text="Follow up with two recruiters", now=at(70))
    return turn


# ---------------------------------------------------------------- the room page


@pytest.mark.django_db
def test_who_gets_the_room_page() -> None:
    room = make_room()
    member_not_going = MembershipFactory(group=room.group).user
    banned = going_member(room.group, room.meeting, "Bo Banned", 9)
    ex_member = going_member(room.group, room.meeting, "Ed Gone", 10)
    room.group.memberships.filter(user=banned).update(state=MembershipState.BANNED)
    room.group.memberships.filter(user=ex_member).update(state=MembershipState.LEFT)
    url = _url(room)

    anonymous = _client(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/accounts/login/?next={url}"
    for user in (UserFactory(), member_not_going, banned, ex_member):
        assert _client(user).get(url).status_code == 404

    member = _client(room.ann).get(url)
    assert member.status_code == 200
    data = _data(member.content.decode())
    assert data["room"]["version"] == room.fresh().version
    assert data["room"]["id"] == room.rt.pk
    assert [t["name"] for t in data["room"]["turns"]] == ["Ann", "Ben", "Cat"]
    assert data["you"] == {"user_id": room.ann.pk, "can_control": False, "in_seat": False}
    assert b'data-action="start"' not in member.content
    assert f'data-ws-path="/ws/rooms/{room.rt.meeting.public_id}/"'.encode() in member.content

    fac = _client(room.fac).get(url)
    assert fac.status_code == 200
    assert _data(fac.content.decode())["you"] == {"user_id": room.fac.pk, "can_control": True, "in_seat": False}
    for action in ("start", "pause", "resume", "add_minute", "next_phase", "next_turn", "end", "nudge", "plan_fit"):
        assert f'data-action="{action}"'.encode() in fac.content


@pytest.mark.django_db
def test_the_member_in_the_seat_is_told_so() -> None:
    room = make_room()
    here(room)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    data = _data(_client(room.ann).get(_url(room)).content.decode())
    assert data["you"]["in_seat"] is True
    assert data["room"]["turn"]["name"] == "Ann"
    assert data["room"]["phase_key"] == "update"


@pytest.mark.django_db
def test_a_room_not_open_yet() -> None:
    room = make_room()
    room.rt.delete()
    url = _url(room)
    fac = _client(room.fac).get(url)
    assert fac.status_code == 200
    assert b"Open the live room" in fac.content
    going = _client(room.ann).get(url)
    assert going.status_code == 200
    assert "The room isn't open yet" in going.content.decode()
    assert b"Open the live room</button>" not in going.content
    assert _client(room.ann).get(url + "status.json").json() == {"open": False, "status": None, "url": url}
    # Members who are not going, and strangers, learn nothing.
    other = MembershipFactory(group=room.group).user
    for user in (other, UserFactory()):
        assert _client(user).get(url).status_code == 404
        assert _client(user).get(url + "status.json").status_code == 404


@pytest.mark.django_db
def test_only_a_facilitator_opens_the_room() -> None:
    room = make_room()
    meeting = MeetingFactory(group=room.group)
    going_member(room.group, meeting, "Gia", 1)
    url = f"/meetings/{meeting.public_id}/live/open/"
    assert _client(room.ann).post(url).status_code == 404
    assert not Roundtable.objects.filter(meeting=meeting).exists()
    assert _client(room.fac).get(url).status_code == 405
    opened = _client(room.fac).post(url)
    assert opened.status_code == 302
    assert opened["Location"] == f"/meetings/{meeting.public_id}/live/"
    rt = Roundtable.objects.get(meeting=meeting)
    assert rt.status == "open"
    assert _client(room.ann).get(f"/meetings/{meeting.public_id}/live/status.json").status_code == 404
    assert _client(room.fac).get(f"/meetings/{meeting.public_id}/live/status.json").json() == {
        "open": True,
        "status": "open",
        "url": f"/meetings/{meeting.public_id}/live/",
    }


@pytest.mark.django_db
def test_room_page_queries_do_not_grow_with_the_room() -> None:
    small = make_room()
    _run_a_turn(small)
    big = make_room()
    for i in range(12):
        user = going_member(big.group, big.meeting, f"Extra {i}", 10 + i)
        services.participant_join(roundtable=big.rt, user=user, now=at(i))
    _run_a_turn(big)
    for _ in range(10):
        MembershipFactory(group=big.group)  # people the facilitator could let in
    services.phase_next(roundtable=big.rt, by=big.fac, now=at(80))
    services.phase_next(roundtable=small.rt, by=small.fac, now=at(80))

    def count(room: Room, user: User, page: str = "") -> int:
        client = _client(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(room, page)).status_code == 200
        return len(ctx.captured_queries)

    for page in ("", "display/"):
        assert count(small, small.fac, page) == count(big, big.fac, page)
        assert count(small, small.ben, page) == count(big, big.ben, page)


# ---------------------------------------------------------------- display mode


@pytest.mark.django_db
def test_display_mode_has_first_names_and_no_controls() -> None:
    room = make_room()
    for user, full in ((room.ann, "Ann Abernathy"), (room.ben, "Ben Barrowclough"), (room.fac, "Fay Fairweather")):
        Profile.objects.filter(user=user).update(display_name=full)
    _run_a_turn(room)
    page = _client(room.fac).get(_url(room, "display/"))
    assert page.status_code == 200
    html = page.content.decode()
    for last in ("Abernathy", "Barrowclough", "Fairweather"):
        assert last not in html
    assert "<button" not in html
    assert "data-action" not in html
    # The code of conduct is linked from every page, a projector's included.
    assert '<footer class="display-foot"><a href="/code-of-conduct/">Code of conduct</a></footer>' in html
    data = _data(html)
    assert data["you"]["can_control"] is False
    assert data["room"]["turn"]["name"] == "Ann"
    assert [s["author"] for s in data["room"]["turn"]["suggestions"]] == ["Ben", "Cat"]
    # The challenge, contacts and commitments stay on the participants' own screens.
    assert data["room"]["turn"]["challenge"] == ""
    assert "Dee" not in html
    assert "Follow up with two recruiters" not in html
    assert "Send a thank-you note" in html


# ---------------------------------------------------------------- the summary


@pytest.mark.django_db
def test_summary_shows_the_turn_and_only_what_profiles_allow() -> None:
    room = make_room()
    # "People in my groups" counts approval and invite-only groups (not open ones).
    Membership.objects.filter(group=room.group).update(admission=Admission.APPROVED)
    Profile.objects.filter(user=room.ben).update(
        headline="Data analyst, hiring-side experience",
        location_text="Somerville",
        pitch="A private pitch",
        visibility={"location": "only_me", "pitch": "only_me", "headline": "everyone"},
    )
    Profile.objects.filter(user=room.cat).update(headline="Cat's public headline", location_text="Medford")
    _run_a_turn(room)
    before = _client(room.ann).get(_url(room, "summary/"))
    assert before.status_code == 200
    assert b"The summary is ready when the roundtable ends" in before.content
    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(100))

    html = _client(room.ann).get(_url(room, "summary/")).content.decode()
    assert "No callbacks after first interviews." in html
    assert "Send a thank-you note" in html  # starred, with who offered it
    assert "from Ben" in html
    assert "Ask for feedback" not in html  # not starred
    assert "Follow up with two recruiters" in html
    assert "Data analyst, hiring-side experience" in html
    assert "Somerville" not in html
    assert "A private pitch" not in html
    # Cat's location is for members of her groups by default: Ann shares an approval group.
    assert "Medford" in html
    # Someone outside the room gets nothing.
    assert _client(UserFactory()).get(_url(room, "summary/")).status_code == 404


# ---------------------------------------------------------------- history


@pytest.mark.django_db
def test_history_is_the_members_own_unless_they_share_it() -> None:
    room = make_room()
    _run_a_turn(room)
    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(100))
    mine = _client(room.ann).get("/me/roundtables/")
    assert mine.status_code == 200
    assert b"No callbacks after first interviews." in mine.content
    assert b"Follow up with two recruiters" in mine.content
    assert b"Send a thank-you note" in mine.content

    url = f"/groups/{room.group.slug}/people/{room.ann.public_id}/roundtables/"
    # Its address never carries the integer key.
    assert _client(room.fac).get(f"/groups/{room.group.slug}/people/{room.ann.pk}/roundtables/").status_code == 404
    assert _client(room.ben).get(url).status_code == 404
    assert _client(room.fac).get(url).status_code == 404
    assert _client(None).get(url).status_code == 302

    shared = _client(room.ann).post("/me/roundtables/sharing/", {"share": "yes"})
    assert shared.status_code == 302
    assert HistorySharing.objects.get(user=room.ann).share_with_facilitators is True
    seen = _client(room.fac).get(url)
    assert seen.status_code == 200
    assert b"No callbacks after first interviews." in seen.content
    assert _client(room.ben).get(url).status_code == 404  # other members still never
    # A facilitator of another group sees nothing either.
    other = make_room()
    assert (
        _client(other.fac).get(f"/groups/{other.group.slug}/people/{room.ann.public_id}/roundtables/").status_code
        == 404
    )

    # The facilitator's member list links to the history of members who share it, only theirs.
    dashboard = _client(room.fac).get(f"/groups/{room.group.slug}/manage/").content.decode()
    assert dashboard.count("/roundtables/") == 1
    assert f'href="{url}"' in dashboard

    _client(room.ann).post("/me/roundtables/sharing/", {"share": "no"})
    assert _client(room.fac).get(url).status_code == 404
    assert "/roundtables/" not in _client(room.fac).get(f"/groups/{room.group.slug}/manage/").content.decode()
    assert _client(room.ann).post("/me/roundtables/sharing/", {"share": "maybe"}).status_code == 302
    assert HistorySharing.objects.get(user=room.ann).share_with_facilitators is False


@pytest.mark.django_db
def test_empty_history_says_what_to_do() -> None:
    page = _client(UserFactory()).get("/me/roundtables/")
    assert page.status_code == 200
    assert b"No roundtable turns yet" in page.content


def _history_in_groups(count: int) -> User:
    """One person with a finished turn in each of `count` groups."""
    from roundtable.live.models import Commitment

    person = UserFactory(name="Zoe")
    for _ in range(count):
        room = make_room()
        turn = _run_a_turn(room)
        services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(100))
        MembershipFactory(group=room.group, user=person)
        Turn.objects.filter(pk=turn.pk).update(user=person)
        Commitment.objects.filter(turn=turn).update(user=person)
    return person


@pytest.mark.parametrize("groups", [1, 4])
@pytest.mark.django_db
def test_my_history_takes_the_same_queries_for_any_number_of_groups(groups: int) -> None:
    person = _history_in_groups(groups)
    client = _client(person)
    client.get("/me/roundtables/")  # warm the session
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/me/roundtables/")
    assert page.status_code == 200
    assert page.content.count(b"No callbacks after first interviews.") == groups
    assert page.content.count(b'class="card history-turn"') == groups
    # session, user, sharing, turns (with groups), starred suggestions, commitments, the
    # navigation's unread badge (notifications.selectors.badge_count), the header's profile
    assert len(queries) == 8, "\n".join(q["sql"][:90] for q in queries.captured_queries)


# ---------------------------------------------------------------- one press to open, and after the end


@pytest.mark.django_db
def test_the_meeting_page_opens_the_room_and_goes_in_with_one_press() -> None:
    room = make_room()
    meeting = MeetingFactory(group=room.group, title="April roundtable")
    going_member(room.group, meeting, "Gia", 1)
    fac = _client(room.fac)
    page = fac.get(f"/meetings/{meeting.public_id}/").content.decode()
    # The meeting page's button is the opening itself: a form that posts, not a link to a
    # second page with a second button.
    form = f'<form method="post" action="/meetings/{meeting.public_id}/live/open/">'
    assert form in page
    assert page.count("Open the live room") == 1
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    opened = fac.post(f"/meetings/{meeting.public_id}/live/open/", {"csrfmiddlewaretoken": token.group(1)})
    assert (opened.status_code, opened["Location"]) == (302, f"/meetings/{meeting.public_id}/live/")
    rt = Roundtable.objects.get(meeting=meeting)
    assert (rt.status, rt.version) == ("open", 1)
    inside = fac.get(opened["Location"])
    assert 'data-action="start"' in inside.content.decode()
    # Pressing it again goes into the same room, unchanged.
    again = fac.post(f"/meetings/{meeting.public_id}/live/open/")
    assert (again.status_code, again["Location"]) == (302, f"/meetings/{meeting.public_id}/live/")
    assert list(Roundtable.objects.filter(meeting=meeting).values_list("pk", "version")) == [(rt.pk, 1)]
    # A member who is going joins with a plain link, and cannot open a room.
    hal = going_member(room.group, meeting, "Hal", 2)
    member_page = _client(hal).get(f"/meetings/{meeting.public_id}/").content.decode()
    assert f'href="/meetings/{meeting.public_id}/live/">Join the live room</a>' in member_page
    assert _client(hal).post(f"/meetings/{meeting.public_id}/live/open/").status_code == 404
    # After the end it still goes in, to the ended room with its summary link, and says no error.
    services.roundtable_end(roundtable=rt, by=room.fac, now=at(0))
    ended = fac.post(f"/meetings/{meeting.public_id}/live/open/", follow=True)
    html = ended.content.decode()
    assert ended.redirect_chain == [(f"/meetings/{meeting.public_id}/live/", 302)]
    assert "See my summary" in html
    assert "This roundtable has ended." not in html
    # After the end the meeting page offers the summary, not a room to open or join.
    summary_link = f'<a class="button button-secondary" href="/meetings/{meeting.public_id}/live/summary/">'
    for person in (fac, _client(hal)):
        after = person.get(f"/meetings/{meeting.public_id}/").content.decode()
        assert (summary_link in after, "Open the live room" in after, "Join the live room" in after) == (
            True, False, False,
        )  # fmt: skip
    # Someone the room would not let in (not going, never in it) is offered nothing.
    ivy = MembershipFactory(group=room.group, user=UserFactory(name="Ivy")).user
    assert "/live/" not in _client(ivy).get(f"/meetings/{meeting.public_id}/").content.decode()


@pytest.mark.django_db
def test_let_someone_in_lists_only_members_who_are_not_going_and_never_after_the_end() -> None:
    room = make_room()
    dan = MembershipFactory(group=room.group, user=UserFactory(name="Dan Walk-in")).user
    MembershipFactory(group=room.group, user=UserFactory(name="Co Facilitator"), role="facilitator")
    page = _client(room.fac).get(_url(room)).content.decode()
    assert "Let someone in" in page
    options = re.findall(r'<option value="(\d+)">([^<]+)</option>', page)
    # Ann, Ben and Cat are going (marked here from the order instead); co-facilitators walk in.
    assert options == [(str(dan.pk), "Dan Walk-in")]
    assert page.count('data-bind="sound"') == 1
    assert page.count('data-bind="display-link"') == 1
    assert '<span data-bind="people-title">Here now</span>' in page

    services.roundtable_end(roundtable=room.rt, by=room.fac, now=at(10))
    ended = _client(room.fac).get(_url(room)).content.decode()
    # No letting in, no clock sound, no projector, and the people heading says who was there.
    for gone in ("Let someone in", 'data-form="admit"', 'data-bind="sound"', 'data-bind="display-link"'):
        assert gone not in ended
    assert '<span data-bind="people-title">Who was here</span>' in ended
    with pytest.raises(services.LiveError) as refused:
        services.participant_admit(roundtable=room.rt, user=dan, by=room.fac, now=at(11))
    assert (refused.value.status, refused.value.message) == (409, "This roundtable has ended.")


@pytest.mark.django_db
def test_a_meeting_that_ended_long_ago_offers_no_room_to_open_or_join() -> None:
    """Tester's finding 17 on issue 10: a meeting a week past still offered "Join the live
    room". A room may overrun its meeting (12 hours of grace); after that, no button."""
    from datetime import timedelta

    from django.utils import timezone

    room = make_room()
    now = timezone.now()
    for ended_ago, offered in ((timedelta(hours=1), True), (timedelta(days=7), False)):
        start = now - ended_ago - timedelta(hours=2)
        meeting = MeetingFactory(group=room.group, title="Old roundtable", starts_at=start,
                                 ends_at=start + timedelta(hours=2))  # fmt: skip
        hal = going_member(room.group, meeting, f"Hal {ended_ago.days}", 2)
        member = _client(hal).get(f"/meetings/{meeting.public_id}/").content.decode()
        facilitator = _client(room.fac).get(f"/meetings/{meeting.public_id}/").content.decode()
        assert ("Join the live room" in member, "Open the live room" in facilitator) == (offered, offered)


@pytest.mark.django_db
def test_display_mode_tells_apart_two_people_with_the_same_first_name() -> None:
    room = make_room()
    for user, full in ((room.ann, "Aisha Diallo"), (room.ben, "aisha  Williams"), (room.fac, "Fay Fairweather")):
        Profile.objects.filter(user=user).update(display_name=full)
    _run_a_turn(room)
    data = _data(_client(room.fac).get(_url(room, "display/")).content.decode())
    assert [t["name"] for t in data["room"]["turns"]] == ["Aisha D.", "aisha W.", "Cat"]
    assert data["room"]["turn"]["name"] == "Aisha D."
    assert [s["author"] for s in data["room"]["turn"]["suggestions"]] == ["aisha W.", "Cat"]
    # The participants' own screens keep full names.
    data = _data(_client(room.ann).get(_url(room)).content.decode())
    assert [t["name"] for t in data["room"]["turns"]] == ["Aisha Diallo", "aisha  Williams", "Cat"]


def test_short_names_use_as_much_of_the_last_name_as_tells_people_apart() -> None:
    from roundtable.live.clock import short_names

    names = ["Aisha Diallo", "Aisha Davis", "Aisha Wu", "Ben Brook", "Cat", "Cat Cole", "Dan Li", "Dan Lo", ""]
    assert short_names(names) == {
        "Aisha Diallo": "Aisha Di.",
        "Aisha Davis": "Aisha Da.",
        "Aisha Wu": "Aisha W.",
        "Ben Brook": "Ben",
        "Cat": "Cat",
        "Cat Cole": "Cat C.",
        "Dan Li": "Dan Li",
        "Dan Lo": "Dan Lo",
        "": "Someone",
    }
