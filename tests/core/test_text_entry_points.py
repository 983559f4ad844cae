"""Arbitrary text through every kind of entry point (form, API, live-room socket): never a 500;
what is refused is refused with its reason; what is stored is exactly what was meant and comes
out as valid HTML and iCalendar (parsed by two independent libraries). And rows stored before
the rule (line breaks in titles, control characters in names) still give pages, feeds and email.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime

import icalendar
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from roundtable.accounts.models import Profile, User
from roundtable.accounts.services import api_token_create
from roundtable.core.text import problem_in
from roundtable.groups.models import Format, Group, GroupVisibility, JoinPolicy, Kind
from roundtable.live.consumers import ACTIONS, Ctx
from roundtable.live.models import Challenge, Commitment
from roundtable.live.services import LiveError, phase_next, roundtable_start
from roundtable.meetings import services as meeting_services
from roundtable.meetings.models import Meeting
from tests.clients import signed_in as _as
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, TalkFactory, UserFactory, facilitator_of
from tests.live.conftest import here, make_room

# Every way text has gone wrong for calendar producers and HTML pages, mixed into any text.
ODD = [
    "\n", "\r\n", "\r", "\t", "\x00", "\x01", "\x12", "\x1f", "\x7f", "\x85", "\x9f", "\u2028", "\u2029",
    "\ufdd0", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff", ";", ",", "\\", '"', ":", "^", "<", "&", " ",
]  # fmt: skip
# Form posts are UTF-8, which has no lone surrogates: st.characters() without a codec
# draws them (this Hypothesis draws "\ud800"), and the test client cannot even send one.
TEXT = st.lists(st.one_of(st.characters(codec="utf-8"), st.sampled_from(ODD)), max_size=30).map("".join)
# JSON can also carry a lone surrogate ("\ud800"); a form post cannot (it is not UTF-8).
API_TEXT = st.lists(st.one_of(st.characters(), st.sampled_from([*ODD, "\ud800", "\udfff"])), max_size=30).map("".join)
EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# What an HTML document may not hold (WHATWG HTML 13.2.3.5).
NONCHARACTERS = "".join(chr((plane << 16) | low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
FORBIDDEN_IN_HTML = re.compile(f"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ud800-\udfff{NONCHARACTERS}]")


def meeting_url(meeting: Meeting, name: str = "meetings:detail") -> str:
    # The one place this file builds a meeting's address (its identifier is changing).
    return reverse(name, args=[meeting.public_id])


def profile_url(user: User) -> str:
    return reverse("accounts:profile", args=[user.public_id])


def _valid_html(response) -> str:  # type: ignore[no-untyped-def]
    text = response.content.decode()
    assert FORBIDDEN_IN_HTML.findall(text) == []
    return text


def _both(body: bytes) -> tuple[icalendar.Calendar, object]:
    first = icalendar.Calendar.from_ical(body)
    second = IcsCalendarStream.calendar_from_ics(body.decode())
    return first, second


def _received(text: str) -> str:
    """The text a JSON body carries to the server: two lone surrogates in a row make one
    escaped pair ("\\ud800\\udc00"), which JSON reads as one code point (U+10000, RFC 8259 7)."""
    return json.loads(json.dumps(text))


def _api_reasons(*texts: tuple[str, bool]) -> list[str]:
    """What a 422 says about each text: pydantic itself refuses a lone surrogate while reading
    the JSON, before our rule sees the text; anything else gets core.text's reason."""
    reasons = []
    for text, multiline in texts:
        problem = problem_in(text, multiline=multiline)
        if re.search("[\ud800-\udfff]", text):
            reasons.append("unable to parse raw data as a unicode string")
        elif problem is not None:
            reasons.append(problem.reason)
    return reasons


def _bearer(user: User) -> dict[str, str]:
    _token, secret = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# ---------------------------------------------------------------- rows stored before the rule


@pytest.mark.django_db(transaction=True)
def test_old_rows_with_line_breaks_and_control_characters_still_give_ics_pages_and_email(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    group = GroupFactory(name="Harbor\x12 Circle\r\nBoston", kind=Kind.SPEAKERS, visibility=GroupVisibility.LISTED)
    fac = facilitator_of(group)
    member = MembershipFactory(group=group, user=UserFactory(name="Nia\x01\nLee")).user
    meeting = MeetingFactory(
        group=group, title="Tuesday\nnetworking\x12", description="Bring\r\nresumes\x7f\n\tand cards", venue="Room\n4"
    )
    TalkFactory(meeting=meeting, title="LinkedIn\r\nbasics", speaker_name="Dana\x0b Coach")
    meeting_services.rsvp_set(meeting=meeting, user=member, going=True)

    download = Client().get(meeting_url(meeting, "feeds:meeting_ics"))
    assert download.status_code == 200
    cal, other = _both(download.content)
    [event] = cal.events
    assert str(event["SUMMARY"]) == "Tuesday networking: LinkedIn basics"
    assert str(event["LOCATION"]).startswith("Room 4")
    assert str(event["DESCRIPTION"]).startswith(
        "Talk: LinkedIn\nbasics\nSpeaker: Dana Coach\n\nBring\nresumes\n\tand cards"
    )
    assert str(cal["X-WR-CALNAME"]) == "Tuesday networking"
    assert other.events[0].summary == "Tuesday networking: LinkedIn basics"  # type: ignore[attr-defined]
    feed = Client().get(reverse("feeds:group", args=[group.slug]))
    assert feed.status_code == 200
    assert str(_both(feed.content)[0]["X-WR-CALNAME"]) == "Harbor Circle Boston"

    for page in (reverse("groups:detail", args=[group.slug]), meeting_url(meeting), reverse("meetings:talks")):
        assert "Harbor Circle" in _valid_html(_as(member).get(page))

    meeting_services.meeting_cancel(meeting=meeting, by=fac)
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    [email] = mailoutbox
    assert email.subject.startswith("[Roundtable] Cancelled: Tuesday networking: LinkedIn basics on ")
    [invitation] = email.attachments
    [cancelled] = _both(invitation.get_content().encode())[0].events
    assert str(cancelled["SUMMARY"]) == "Tuesday networking: LinkedIn basics"
    assert cancelled["ATTENDEE"].params["CN"] == "Nia Lee"
    [page] = [body for body, kind in email.alternatives if kind == "text/html"]
    assert FORBIDDEN_IN_HTML.findall(page) == []


# ---------------------------------------------------------------- API


@pytest.mark.django_db
@EXAMPLES
# A valid example always runs, so the success path is checked on every run, not by chance.
@example(name="Boston roundtable", description="Weekly.\r\nBring a challenge.")
# Two lone surrogates in a row are one valid pair once JSON has read them: accepted.
@example(name="0", description="\ud800\udc00")
@given(name=API_TEXT, description=API_TEXT)
def test_api_group_create_with_any_text(name: str, description: str) -> None:
    user = UserFactory()
    body = {"name": name, "kind": Kind.STRATEGIC, "format": Format.VIRTUAL, "description": description}
    r = Client().post("/api/v1/groups", json.dumps(body), content_type="application/json", **_bearer(user))
    name, description = _received(name), _received(description)
    problems = _api_reasons((name, False), (description, True))
    if problems or not name:
        assert r.status_code == 422
        assert all(reason in r.json()["detail"] for reason in problems)
        return
    if not name.strip():
        assert (r.status_code, r.json()) == (400, {"detail": "Give the group a name."})
        return
    assert r.status_code == 201
    group = Group.objects.get(slug=r.json()["slug"])
    # group_create trims the name's surrounding whitespace, as the form does (str.strip).
    assert (group.name, group.description) == (name.strip(), description.replace("\r\n", "\n").replace("\r", "\n"))
    assert html.escape(name.strip()) in _valid_html(Client().get(reverse("groups:detail", args=[group.slug])))
    feed = Client().get(reverse("feeds:group", args=[group.slug]))
    assert str(_both(feed.content)[0]["X-WR-CALNAME"]) == name.strip()


@pytest.mark.django_db
@EXAMPLES
@example(title="Resume clinic", description="Bring\r\nyours", speaker="Ann Alvarez")
# A blank title or speaker (after trimming) is answered with its reason on every run, not by chance.
@example(title="   ", description="", speaker="Ann Alvarez")
@example(title="Resume clinic", description="", speaker="  ")
@given(title=API_TEXT, description=API_TEXT, speaker=API_TEXT)
def test_api_meeting_create_with_any_text(title: str, description: str, speaker: str) -> None:
    group = GroupFactory(kind=Kind.SPEAKERS, format=Format.VIRTUAL)
    fac = facilitator_of(group)
    body = {
        "title": title, "start": "2027-03-02T18:00", "format": Format.VIRTUAL, "description": description,
        "video_url": "https://meet.example.org/roundtable",
        "talk": {"speaker_name": speaker, "title": "Resumes that work"},
    }  # fmt: skip
    r = Client().post(
        f"/api/v1/groups/{group.slug}/meetings", json.dumps(body), content_type="application/json", **_bearer(fac)
    )
    title, description, speaker = _received(title), _received(description), _received(speaker)
    problems = _api_reasons((title, False), (description, True), (speaker, False))
    if problems or not title or not speaker:
        assert r.status_code == 422
        assert all(reason in r.json()["detail"] for reason in problems)
        return
    # The meeting services trim every text's surrounding whitespace (str.strip), as forms do.
    title, speaker = title.strip(), speaker.strip()
    if not title:
        assert (r.status_code, r.json()) == (400, {"detail": "Give the meeting a title."})
        return
    if not speaker:
        assert (r.status_code, r.json()) == (
            400,
            {"detail": "A talk needs a speaker and a title."},
        )
        return
    assert r.status_code == 201
    meeting = Meeting.objects.select_related("talk").get(public_id=r.json()["id"])
    assert (meeting.title, meeting.talk.speaker_name) == (title, speaker)
    assert meeting.description == description.replace("\r\n", "\n").replace("\r", "\n").strip()
    cal, other = _both(Client().get(meeting_url(meeting, "feeds:meeting_ics")).content)
    assert str(cal.events[0]["SUMMARY"]) == f"{title}: Resumes that work"
    assert other.events[0].summary == f"{title}: Resumes that work"  # type: ignore[attr-defined]
    assert html.escape(title) in _valid_html(Client().get(meeting_url(meeting)))


# ---------------------------------------------------------------- forms


@pytest.mark.django_db
@EXAMPLES
@given(name=TEXT, ground_rules=TEXT)
def test_group_form_with_any_text(name: str, ground_rules: str) -> None:
    user = UserFactory()
    data = {
        "name": name, "kind": Kind.SUPPORT, "format": Format.VIRTUAL, "meeting_minutes": "60",
        "join_policy": JoinPolicy.OPEN, "visibility": GroupVisibility.LISTED, "ground_rules": ground_rules,
    }  # fmt: skip
    r = _as(user).post(reverse("groups:create") + "?kind=support", data)
    # Django's CharField strips surrounding whitespace (str.strip) before any validator runs.
    name_in, rules_in = name.strip(), ground_rules.replace("\r\n", "\n").replace("\r", "\n").strip()
    problems = [p.reason for p in (problem_in(name_in, multiline=False), problem_in(rules_in, multiline=True)) if p]
    if problems or not name_in or len(name_in) > 120:
        assert r.status_code == 400
        page = _valid_html(r)
        assert all(html.escape(reason) in page for reason in problems)
        assert not Group.objects.filter(created_by=user).exists()
        return
    assert r.status_code == 302
    group = Group.objects.get(created_by=user)
    assert (group.name, group.ground_rules) == (name_in, rules_in)
    assert html.escape(name_in) in _valid_html(Client().get(reverse("groups:detail", args=[group.slug])))


@pytest.mark.django_db
@EXAMPLES
@given(display_name=TEXT, pitch=TEXT)
def test_profile_form_with_any_text(display_name: str, pitch: str) -> None:
    user = UserFactory()
    data = {"display_name": display_name, "time_zone": "America/New_York", "search_status": "searching",
            "pitch": pitch, "vis_pitch": "everyone"}  # fmt: skip
    r = _as(user).post(reverse("accounts:profile_edit"), data)
    name_in, pitch_in = display_name.strip(), pitch.replace("\r\n", "\n").replace("\r", "\n").strip()
    problems = [p.reason for p in (problem_in(name_in, multiline=False), problem_in(pitch_in, multiline=True)) if p]
    profile = Profile.objects.get(user=user)
    if problems or not name_in or len(name_in) > 80:
        assert r.status_code == 400
        page = _valid_html(r)
        assert all(html.escape(reason) in page for reason in problems)
        assert profile.display_name != name_in or not name_in
        return
    assert r.status_code == 302
    assert (profile.display_name, profile.pitch) == (name_in, pitch_in)
    _valid_html(_as(UserFactory()).get(profile_url(user)))


# ---------------------------------------------------------------- the live room's socket actions


@pytest.mark.django_db
@EXAMPLES
@given(challenge=API_TEXT, commitment=API_TEXT)
def test_live_room_text_actions_with_any_text(challenge: str, commitment: str) -> None:
    room = make_room(starts_at=datetime.now().astimezone())
    here(room)  # the seat goes to someone who is here
    roundtable_start(roundtable=room.rt, by=room.fac)
    seat = room.fresh().current_turn.user  # type: ignore[union-attr]
    for action, text, multiline, model in (
        ("challenge_set", challenge, True, Challenge),
        ("commitment_add", commitment, False, Commitment),
    ):
        sent = text.strip()
        expected = sent.replace("\r\n", "\n").replace("\r", "\n")
        problem = problem_in(sent, multiline=multiline)
        if problem is None and expected:
            ACTIONS[action](Ctx(room_id=room.rt.pk, user=seat, params={"text": text}))
            assert model.objects.get(turn__roundtable=room.rt).text == expected
            continue
        with pytest.raises(LiveError) as refused:
            ACTIONS[action](Ctx(room_id=room.rt.pk, user=seat, params={"text": text}))
        assert refused.value.status == 400
        assert refused.value.message.endswith(problem.reason if problem else "first.")
    phase_next(roundtable=room.rt, by=room.fac)
    _valid_html(_as(seat).get(meeting_url(room.meeting, "live:room")))


# ---------------------------------------------------------------- pages that read text without a form


@pytest.mark.django_db
def test_join_answer_and_talk_filters_refuse_control_characters_with_the_reason() -> None:
    group = GroupFactory(join_policy=JoinPolicy.APPROVAL, eligibility_question="What role?")
    user = UserFactory()
    r = _as(user).post(reverse("groups:join", args=[group.slug]), {"answer": "Data\x00 analyst"})
    assert r.status_code == 400
    reason = "Remove the invisible control character U+0000 at character 5: text cannot hold it."
    assert html.escape(reason) in _valid_html(r)
    assert not group.memberships.filter(user=user).exists()
    talks = Client().get(reverse("meetings:talks"), {"topic": "resumes\x00", "near": "Boston\x12"})
    assert talks.status_code == 400
    page = _valid_html(talks)
    assert html.escape("Remove the invisible control character U+0000 at character 8: text cannot hold it.") in page
    assert html.escape("Remove the invisible control character U+0012 at character 7: text cannot hold it.") in page
    answer = "Line one\r\nline two"
    assert _as(user).post(reverse("groups:join", args=[group.slug]), {"answer": answer}).status_code == 302
    assert group.memberships.get(user=user).answer == "Line one\nline two"


# ---------------------------------------------------------------- search words and filters


@pytest.mark.django_db
@EXAMPLES
@given(words=TEXT)
def test_search_words_and_filters_with_any_text(words: str) -> None:
    GroupFactory(name="Harbor Circle", visibility=GroupVisibility.LISTED)
    client = Client(raise_request_exception=False)
    sent = words.strip()
    problem = problem_in(sent, multiline=False)
    page = client.get(reverse("groups:discover"), {"q": words})
    assert page.status_code == (400 if problem or len(sent) > 200 else 200)
    text = _valid_html(page)
    if problem is not None:
        assert html.escape(problem.reason) in text
    api_problem = problem_in(words, multiline=False)
    listing = client.get("/api/v1/groups", {"q": words})
    assert listing.status_code == (422 if api_problem or len(words) > 200 else 200)
    if api_problem is not None:
        assert api_problem.reason in listing.json()["detail"]
    for url in ("/api/v1/meetings", reverse("meetings:talks")):
        answer = client.get(url, {"topic": words[:60]})
        assert answer.status_code in (200, 400, 422)
        assert (answer.status_code == 200) == (problem_in(words[:60], multiline=False) is None)
