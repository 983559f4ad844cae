"""Others with a challenge like yours: full-text search over challenges (of people who share
anonymously, from ended roundtables, with what they starred), lessons and stories; nobody named,
nor a secret group, nor a meeting's date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.accounts.services import api_token_create
from roundtable.live.models import Challenge, RoomStatus, Turn
from roundtable.stories import search, selectors, services
from roundtable.stories.models import Audience, HelpEntry
from tests.factories import (
    ChallengeFactory,
    MeetingFactory,
    RoundtableFactory,
    SuggestionFactory,
    TurnFactory,
    UserFactory,
)

from .factories import LessonFactory, StoryFactory
from .world import World, as_client, world

pytestmark = pytest.mark.django_db

CHALLENGE = "Recruiters stop replying after the first phone screen, and I never hear back."
ASKED = "Recruiters never reply after my phone screen"


def _turn(w: World, *, status: str = RoomStatus.ENDED) -> Turn:
    past = timezone.now() - timedelta(days=20)
    meeting = MeetingFactory(group=w.secret, title="Quiet Circle, March 3", starts_at=past)
    room = RoundtableFactory(meeting=meeting, status=status)
    turn = TurnFactory(roundtable=room, user=w.author, status="done")
    ChallengeFactory(turn=turn, text=CHALLENGE)
    suggester = UserFactory(name="Sue Suggester")
    SuggestionFactory(turn=turn, author=suggester, text="Send a short thank-you note the same day.",
                      contact="Dana at Acme", starred=True, starred_by=w.author)  # fmt: skip
    SuggestionFactory(turn=turn, author=suggester, text="Just wait it out.", starred=False)
    return turn


def _api(user):  # type: ignore[no-untyped-def]
    _t, secret = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_nothing_shows_until_the_person_chooses_to_share_and_then_only_what_they_starred() -> None:
    w = world()
    _turn(w)
    assert selectors.like_yours(w.outsider, ASKED) == []
    services.anonymous_sharing_set(user=w.author, share=True)
    found = selectors.like_yours(w.outsider, ASKED)
    assert found == [
        selectors.Helped(
            source="turn",
            text=CHALLENGE,
            group_label="a strategic planning group",
            suggestions=["Send a short thank-you note the same day."],
        )
    ]
    for body in (
        as_client(w.outsider).get("/stories/like-yours/", {"text": ASKED}).content.decode(),
        as_client(w.outsider).get("/stories/like-yours/", {"text": ASKED, "panel": "1"}).content.decode(),
        _api(w.outsider).get("/api/v1/like-yours", {"text": ASKED}).content.decode(),
    ):
        assert "Send a short thank-you note the same day." in body
        for secret in ("Avery Author", "Sue Suggester", "Dana at Acme", "Quiet Circle", "quiet-circle",
                       "March 3", "Just wait it out.", w.author.public_id):  # fmt: skip
            assert secret not in body
    # Turning it off takes it out at once.
    services.anonymous_sharing_set(user=w.author, share=False)
    assert selectors.like_yours(w.outsider, ASKED) == []
    assert HelpEntry.objects.filter(source="turn").count() == 0


def test_a_challenge_written_after_choosing_to_share_is_found_and_follows_edits() -> None:
    w = world()
    services.anonymous_sharing_set(user=w.author, share=True)
    turn = _turn(w)  # the challenge is written after the choice: the signal indexes it
    assert [h.text for h in selectors.like_yours(w.member, ASKED)] == [CHALLENGE]
    challenge = Challenge.objects.get(turn=turn)
    challenge.text = "Salary negotiation scares me."
    challenge.save()
    assert selectors.like_yours(w.member, ASKED) == []
    assert [h.text for h in selectors.like_yours(w.member, "negotiation of salary")] == [
        "Salary negotiation scares me."
    ]
    challenge.delete()
    assert HelpEntry.objects.filter(source="turn").count() == 0


def test_rooms_still_running_and_ones_own_challenges_are_left_out() -> None:
    w = world()
    services.anonymous_sharing_set(user=w.author, share=True)
    _turn(w, status=RoomStatus.RUNNING)
    assert selectors.like_yours(w.member, ASKED) == []
    _turn(w)
    assert len(selectors.like_yours(w.member, ASKED)) == 1
    assert selectors.like_yours(w.author, ASKED) == []


def test_lessons_and_stories_follow_their_audience_and_rank_best_first() -> None:
    w = world()
    LessonFactory(author=w.author, text="Follow up with recruiters within a day.", audience=Audience.GROUPS)
    LessonFactory(author=w.member, text="Recruiters answer phone screen follow ups sent the same day.",
                  audience=Audience.MEMBERS, anonymous=True)  # fmt: skip
    StoryFactory(author=w.member, title="From a phone screen to an offer", audience=Audience.PUBLIC,
                 what_worked="I asked each recruiter for feedback after every phone screen.")  # fmt: skip
    found = selectors.like_yours(w.outsider, ASKED)
    # The groups-only lesson is not the outsider's to read; the story shares the most words.
    assert [h.source for h in found] == ["story", "lesson"]
    assert found[1].text == "Recruiters answer phone screen follow ups sent the same day."
    assert [h.source for h in selectors.like_yours(w.other_member, ASKED)] == ["story", "lesson", "lesson"]


def test_text_with_no_word_worth_matching_finds_nothing_and_the_page_says_what_to_do() -> None:
    w = world()
    LessonFactory(author=w.author, text="The and of it.", audience=Audience.PUBLIC)
    assert search.similar_words("What has kept me back since the last time?") == []
    assert selectors.like_yours(w.member, "and the of") == []
    page = as_client(w.member).get("/stories/like-yours/").content.decode()
    assert "Write your challenge to see what helped others with one like it." in page
    page = as_client(w.member).get("/stories/like-yours/", {"text": "zebra"}).content.decode()
    assert "Nothing shared yet matches this challenge." in page


def test_the_search_is_for_members_only_and_refuses_bad_text() -> None:
    w = world()
    assert Client().get("/stories/like-yours/").status_code == 302
    assert Client().get("/api/v1/like-yours", {"text": "recruiters"}).status_code == 401
    api = _api(w.member)
    r = api.get("/api/v1/like-yours", {"text": "recruiters\x00"})
    assert r.status_code == 422
    page = as_client(w.member).get("/stories/like-yours/", {"text": "recruiters\x01"})
    assert page.status_code == 200
    assert "Remove the invisible control character U+0001" in page.content.decode()
    assert api.get("/api/v1/like-yours", {"text": "x" * 1001}).status_code == 422


def test_similar_words_keep_the_longest_words_once_without_common_ones() -> None:
    assert search.similar_words("The recruiters, the RECRUITERS and my résumé gaps") == ["recruiters", "résumé", "gaps"]


def test_a_story_naming_a_secret_group_says_its_kind_to_outsiders_and_never_its_name() -> None:
    w = world()
    StoryFactory(author=w.author, title="From a phone screen to an offer", audience=Audience.PUBLIC, group=w.secret,
                 what_worked="I asked each recruiter for feedback after every phone screen.")  # fmt: skip
    for viewer in (w.outsider, w.former, w.banned, w.other_member, w.member):
        [found] = selectors.like_yours(viewer, ASKED)
        assert (found.source, found.group_label, found.story_title) == (
            "story", "a strategic planning group", "From a phone screen to an offer"
        )  # fmt: skip
        page = as_client(viewer).get("/stories/like-yours/", {"text": ASKED}).content.decode()
        assert "From a landed story, helped by a strategic planning group" in page
        [item] = _api(viewer).get("/api/v1/like-yours", {"text": ASKED}).json()
        assert (item["source"], item["group"]) == ("story", "a strategic planning group")
        for body in (page, str(item)):
            assert "Quiet Circle" not in body
            assert "quiet-circle" not in body
