"""The meeting's speaker in who to meet: a candidate without an RSVP or a membership, marked
"Gives the talk" (page, card, API), scored with the same reasons from only the fields the
viewer may see; never when they turned recommendations off, are the viewer, were banned or
removed by the group, or refused the viewer's asks. Marking them names "the speaker" in the
goal. Query counts with a speaker are in test_queries.py."""

from __future__ import annotations

import pytest
from django.test import Client

from roundtable.accounts.models import Profile, User, Visibility
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import JoinPolicy, MembershipState
from roundtable.journal.selectors import goal_of
from roundtable.network.models import AskBlock
from roundtable.network.selectors import recommendations_for_meeting
from tests.factories import GroupFactory, MembershipFactory, TalkFactory, UserFactory

from .test_recommendations import EXPECTED
from .world import World, as_client, set_profile, world

pytestmark = pytest.mark.django_db

SAM_REASONS = ["works at Globex, where you want a role", "can introduce people in Healthcare, a field you want"]


def _api(user: User) -> Client:
    _, secret = api_token_create(user=user)
    return Client(headers={"authorization": f"Bearer {secret}"})


def _speaker(w: World, **visibility: str) -> User:
    """Sam, an expert from outside the group (no membership, no RSVP), giving the meeting's talk.
    Globex (Ann's target) and Healthcare (Ann's field) are shown to everyone; an Acme past
    and data analyst expertise are for people in Sam's groups only (Ann shares none)."""
    sam = UserFactory(name="Sam Speaker")
    set_profile(
        sam, current_company="Globex", can_introduce="Healthcare", past_companies="Acme",
        expertise="Data analyst", headline="Head of data, Globex", search_status="helping",
        visibility={"current_company": Visibility.EVERYONE.value, "can_introduce": Visibility.EVERYONE.value,
                    "headline": Visibility.EVERYONE.value, **visibility},
    )  # fmt: skip
    TalkFactory(meeting=w.meeting, speaker=sam, speaker_name="Sam Speaker", title="Data jobs in health")
    return sam


def _names(w: World) -> list[tuple[str, int, list[str], bool]]:
    return [(r.name, r.score, r.reasons, r.is_speaker) for r in recommendations_for_meeting(w.ann, w.meeting)]


def test_the_speaker_is_ranked_among_the_people_going_with_only_the_fields_ann_may_see() -> None:
    w = world()
    _speaker(w)
    assert _names(w) == [
        ("Sam Speaker", 8, SAM_REASONS, True),
        ("Bea Baker", 7, EXPECTED[0][1], False),
        ("Cal Chen", 4, EXPECTED[1][1], False),
        ("Dee Diaz", 4, EXPECTED[2][1], False),
    ]  # fmt: skip


def test_fields_sam_shares_with_his_groups_count_once_ann_is_in_one() -> None:
    w = world()
    sam = _speaker(w)
    vetted = GroupFactory(name="Data circle", join_policy=JoinPolicy.APPROVAL)
    MembershipFactory(group=vetted, user=sam)
    MembershipFactory(group=vetted, user=w.ann)
    # Acme is named by its strongest tie only, and Sam's own current company comes first.
    assert _names(w)[0] == (
        "Sam Speaker", 15,
        ["works at Globex, where you want a role", "worked at Acme, where you want a role",
         "can introduce people in Healthcare, a field you want"],
        True,
    )  # fmt: skip


def test_page_card_and_api_say_gives_the_talk_and_nothing_hidden() -> None:
    w = world()
    sam = _speaker(w)
    url = f"/meetings/{w.meeting.public_id}/who-to-meet/"
    c = as_client(w.ann)
    page = c.get(url).content.decode()
    card = c.get(url, headers={"HX-Request": "true"}).content.decode()
    for html in (page, card):
        assert 'Sam Speaker</a> <span class="pill">Gives the talk</span>' in html
        assert "Works at Globex, where you want a role" in html
        assert html.count("Gives the talk") == 1
    body = _api(w.ann).get(f"/api/v1/meetings/{w.meeting.public_id}/recommendations").json()
    assert body["results"][0] == {
        "person": sam.public_id, "name": "Sam Speaker", "headline": "Head of data, Globex", "score": 8,
        "reasons": SAM_REASONS, "in_my_goal": False, "gives_the_talk": True,
    }  # fmt: skip
    assert [r["gives_the_talk"] for r in body["results"]] == [True, False, False, False]
    api = str(body)
    for text in (page, card, api):
        assert "worked at Acme" not in text.lower()
        assert "knows Data analyst work" not in text


def test_a_speaker_who_turned_recommendations_off_never_appears() -> None:
    w = world()
    sam = _speaker(w)
    Profile.objects.filter(user=sam).update(show_in_recommendations=False)
    assert _names(w) == [(n, s, r, False) for (n, r), s in zip(EXPECTED, [7, 4, 4], strict=True)]
    url = f"/meetings/{w.meeting.public_id}/who-to-meet/"
    page = as_client(w.ann).get(url).content.decode()
    api = _api(w.ann).get(f"/api/v1/meetings/{w.meeting.public_id}/recommendations").content.decode()
    for body in (page, api):
        assert "Sam Speaker" not in body
        assert "Gives the talk" not in body
        assert 'gives_the_talk": true' not in body
        assert "Head of data" not in body
    # Nor can they be marked through the recommendation's button or the API.
    assert as_client(w.ann).post(f"{url}{sam.public_id}/meet/").status_code == 404
    r = _api(w.ann).post(
        f"/api/v1/meetings/{w.meeting.public_id}/recommendations/meet", {"person": sam.public_id},
        content_type="application/json",
    )  # fmt: skip
    assert (r.status_code, r.json()) == (404, {"detail": "No such person."})
    assert goal_of(w.ann, w.meeting) is None


def test_the_viewer_giving_the_talk_is_not_suggested_to_themselves() -> None:
    w = world()
    TalkFactory(meeting=w.meeting, speaker=w.ann, speaker_name="Ann Alvarez")
    assert [(r.name, r.reasons) for r in recommendations_for_meeting(w.ann, w.meeting)] == EXPECTED


def test_a_talk_without_an_account_adds_nobody() -> None:
    w = world()
    TalkFactory(meeting=w.meeting, speaker=None, speaker_name="Guest Speaker")
    assert [(r.name, r.reasons) for r in recommendations_for_meeting(w.ann, w.meeting)] == EXPECTED


def test_a_member_going_who_gives_the_talk_appears_once_as_the_speaker() -> None:
    w = world()
    cal = w.people["cal"]
    TalkFactory(meeting=w.meeting, speaker=cal, speaker_name="Cal Chen")
    assert _names(w) == [
        ("Bea Baker", 7, EXPECTED[0][1], False),
        ("Cal Chen", 4, EXPECTED[1][1], True),
        ("Dee Diaz", 4, EXPECTED[2][1], False),
    ]  # fmt: skip


def test_a_speaker_with_nothing_to_offer_the_viewer_is_not_suggested() -> None:
    w = world()
    TalkFactory(meeting=w.meeting, speaker=w.people["eve"], speaker_name="Eve Evans")
    assert [(r.name, r.reasons) for r in recommendations_for_meeting(w.ann, w.meeting)] == EXPECTED


@pytest.mark.parametrize("state", [MembershipState.BANNED, MembershipState.REMOVED])
def test_a_speaker_the_group_sent_away_is_not_suggested(state: str) -> None:
    w = world()
    sam = _speaker(w)
    MembershipFactory(group=w.group, user=sam, state=state)
    assert "Sam Speaker" not in [r.name for r in recommendations_for_meeting(w.ann, w.meeting)]


@pytest.mark.parametrize("state", [MembershipState.LEFT, MembershipState.PENDING])
def test_a_speaker_who_left_or_asked_to_join_still_gives_the_talk(state: str) -> None:
    w = world()
    sam = _speaker(w)
    MembershipFactory(group=w.group, user=sam, state=state)
    assert _names(w)[0] == ("Sam Speaker", 8, SAM_REASONS, True)


@pytest.mark.parametrize("who", ["speaker", "viewer"])
def test_a_refused_ask_either_way_keeps_the_speaker_out(who: str) -> None:
    w = world()
    sam = _speaker(w)
    blocker, blocked = (sam, w.ann) if who == "speaker" else (w.ann, sam)
    AskBlock.objects.create(blocker=blocker, blocked=blocked)
    assert "Sam Speaker" not in [r.name for r in recommendations_for_meeting(w.ann, w.meeting)]


def test_a_deactivated_speaker_is_not_suggested() -> None:
    w = world()
    sam = _speaker(w)
    User.objects.filter(pk=sam.pk).update(is_active=False)
    assert "Sam Speaker" not in [r.name for r in recommendations_for_meeting(w.ann, w.meeting)]


def test_id_like_to_meet_the_speaker_names_the_speaker_in_the_goal() -> None:
    w = world()
    sam = _speaker(w)
    c = as_client(w.ann)
    r = c.post(f"/meetings/{w.meeting.public_id}/who-to-meet/{sam.public_id}/meet/")
    assert (r.status_code, r["Location"]) == (302, f"/meetings/{w.meeting.public_id}/who-to-meet/")
    goal = goal_of(w.ann, w.meeting)
    assert goal is not None
    assert goal.reasons == ["meet_attendees"]
    assert [(p.person_id, p.is_speaker, p.why) for p in goal.people.all()] == [
        (None, True, "works at Globex, where you want a role")
    ]
    c.post(f"/meetings/{w.meeting.public_id}/who-to-meet/{sam.public_id}/meet/")  # again: no change
    assert goal.people.count() == 1
    recs = recommendations_for_meeting(w.ann, w.meeting)
    assert [(r.name, r.marked) for r in recs] == [
        ("Sam Speaker", True), ("Bea Baker", False), ("Cal Chen", False), ("Dee Diaz", False)
    ]  # fmt: skip
    html = c.get(f"/meetings/{w.meeting.public_id}/who-to-meet/").content.decode()
    assert html.count("In your goal") == 1
    body = _api(w.ann).get(f"/api/v1/meetings/{w.meeting.public_id}/recommendations").json()
    assert [(x["name"], x["in_my_goal"], x["gives_the_talk"]) for x in body["results"]] == [
        ("Sam Speaker", True, True), ("Bea Baker", False, False), ("Cal Chen", False, False),
        ("Dee Diaz", False, False),
    ]  # fmt: skip


def test_the_api_marks_the_speaker_too() -> None:
    w = world()
    sam = _speaker(w)
    url = f"/api/v1/meetings/{w.meeting.public_id}/recommendations/meet"
    r = _api(w.ann).post(url, {"person": sam.public_id}, content_type="application/json")
    assert r.status_code == 200
    assert [(x["name"], x["in_my_goal"]) for x in r.json()["results"]][:2] == [
        ("Sam Speaker", True), ("Bea Baker", False)
    ]  # fmt: skip
    goal = goal_of(w.ann, w.meeting)
    assert goal is not None
    assert [(p.person_id, p.is_speaker) for p in goal.people.all()] == [(None, True)]


def test_the_speaker_picked_in_the_goal_form_shows_as_in_your_goal() -> None:
    # The journal's own goal form names "speaker": who to meet reads it the same way.
    from roundtable.journal.services import GoalPick, goal_set

    w = world()
    _speaker(w)
    goal_set(owner=w.ann, meeting=w.meeting, reasons=["meet_speaker"], people=[GoalPick("speaker", "Ask about SQL")])
    first = recommendations_for_meeting(w.ann, w.meeting)[0]
    assert (first.name, first.marked) == ("Sam Speaker", True)


def test_a_member_going_who_is_already_in_the_goal_and_then_gives_the_talk_is_not_added_twice() -> None:
    w = world()
    cal = w.people["cal"]
    c = as_client(w.ann)
    c.post(f"/meetings/{w.meeting.public_id}/who-to-meet/{cal.public_id}/meet/")
    TalkFactory(meeting=w.meeting, speaker=cal, speaker_name="Cal Chen")
    c.post(f"/meetings/{w.meeting.public_id}/who-to-meet/{cal.public_id}/meet/")
    goal = goal_of(w.ann, w.meeting)
    assert goal is not None
    assert [(p.person_id, p.is_speaker) for p in goal.people.all()] == [(cal.pk, False)]
