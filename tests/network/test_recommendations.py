"""Who to meet: exact order and reasons on a fixture; hidden fields, people who turned
suggestions off and secret groups never used or shown (page and API bodies); "I'd like to
meet them" feeds the meeting goal through the journal."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from roundtable.accounts.models import Profile, Visibility
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import GroupVisibility, JoinPolicy, MembershipState
from roundtable.journal.selectors import goal_of
from roundtable.journal.services import goal_set
from roundtable.network.selectors import recommendations_for_meeting
from roundtable.tracker.models import Landing
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, UserFactory

from .world import as_client, member, world

pytestmark = pytest.mark.django_db

EXPECTED = [
    ("Bea Baker", ["works at Acme Inc., where you want a role", "also looking for Data analyst roles"]),
    ("Cal Chen", ["worked at Globex, where you want a role"]),
    ("Dee Diaz",
     ["also looking for data analyst roles", "also looking in healthcare", "at the same stage of the search"]),
]  # fmt: skip


def _plain(html: bytes) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


def _api(user) -> Client:  # type: ignore[no-untyped-def]
    _, secret = api_token_create(user=user)
    return Client(headers={"authorization": f"Bearer {secret}"})


def test_exact_order_and_reasons() -> None:
    w = world()
    recs = recommendations_for_meeting(w.ann, w.meeting)
    assert [(r.name, r.reasons) for r in recs] == EXPECTED
    assert [r.score for r in recs] == [7, 4, 4]


def test_the_page_and_the_api_say_the_same() -> None:
    w = world()
    page = as_client(w.ann).get(f"/meetings/{w.meeting.public_id}/who-to-meet/")
    assert page.status_code == 200
    html = page.content.decode()
    for name, reasons in EXPECTED:
        assert name in html
        for reason in reasons:
            assert reason[0].upper() + reason[1:] in html
    assert "Eve Evans" not in html
    body = _api(w.ann).get(f"/api/v1/meetings/{w.meeting.public_id}/recommendations").json()
    assert [(r["name"], r["reasons"]) for r in body["results"]] == EXPECTED
    assert body["results"][0] == {
        "person": w.people["bea"].public_id, "name": "Bea Baker", "headline": "Analytics lead", "score": 7,
        "reasons": EXPECTED[0][1], "in_my_goal": False, "gives_the_talk": False,
    }  # fmt: skip


def test_a_field_hidden_from_the_viewer_is_neither_used_nor_shown() -> None:
    w = world()
    bea = Profile.objects.get(user=w.people["bea"])
    bea.visibility = {**bea.visibility, "current_company": Visibility.ONLY_ME.value, "headline": Visibility.ONLY_ME}
    bea.save()
    recs = recommendations_for_meeting(w.ann, w.meeting)
    assert [(r.name, r.reasons) for r in recs] == [
        ("Cal Chen", EXPECTED[1][1]),
        ("Dee Diaz", EXPECTED[2][1]),
        ("Bea Baker", ["also looking for Data analyst roles"]),
    ]  # fmt: skip
    page = as_client(w.ann).get(f"/meetings/{w.meeting.public_id}/who-to-meet/").content.decode()
    api = _api(w.ann).get(f"/api/v1/meetings/{w.meeting.public_id}/recommendations").content.decode()
    for body in (page, api):
        assert "Acme Inc" not in body
        assert "Analytics lead" not in body


def test_members_only_fields_need_a_vetted_group_shared_now() -> None:
    # An open group does not make "people in my groups" (accounts.permissions): nothing of
    # what Bea shares with members counts there.
    w = world(join_policy=JoinPolicy.OPEN)
    assert recommendations_for_meeting(w.ann, w.meeting) == []


def test_people_who_turned_suggestions_off_never_appear() -> None:
    w = world()
    Profile.objects.filter(user=w.people["cal"]).update(show_in_recommendations=False)
    recs = recommendations_for_meeting(w.ann, w.meeting)
    assert [r.name for r in recs] == ["Bea Baker", "Dee Diaz"]
    page = as_client(w.ann).get(f"/meetings/{w.meeting.public_id}/who-to-meet/").content.decode()
    api = _api(w.ann).get(f"/api/v1/meetings/{w.meeting.public_id}/recommendations").content.decode()
    for body in (page, api):
        assert "Cal Chen" not in body
        assert "Globex" not in body
    # Nor can they be marked through the recommendation's button.
    c = as_client(w.ann)
    assert c.post(f"/meetings/{w.meeting.public_id}/who-to-meet/{w.people['cal'].public_id}/meet/").status_code == 404


def test_a_landing_counts_only_with_consent_and_the_company_visible() -> None:
    w = world()
    cal = w.people["cal"]
    Landing.objects.create(owner=cal, company_name="Globex", role="Analyst", source="group", landed_on=date(2026, 9, 1))
    assert recommendations_for_meeting(w.ann, w.meeting)[1].reasons == ["worked at Globex, where you want a role"]
    Landing.objects.filter(owner=cal).update(will_help_others=True)
    assert recommendations_for_meeting(w.ann, w.meeting)[1].reasons == ["landed at Globex, where you want a role"]
    p = Profile.objects.get(user=cal)
    p.visibility = {**p.visibility, "current_company": Visibility.ONLY_ME.value}
    p.save()
    assert "landed at Globex, where you want a role" not in str(recommendations_for_meeting(w.ann, w.meeting))


def test_a_secret_groups_meeting_answers_outsiders_as_a_missing_one() -> None:
    w = world(visibility=GroupVisibility.SECRET)
    outsider = UserFactory(name="Olly Outsider")
    c = as_client(outsider)
    hidden = c.get(f"/meetings/{w.meeting.public_id}/who-to-meet/")
    missing = c.get("/meetings/abcdefghijkm/who-to-meet/")
    assert hidden.status_code == missing.status_code == 404
    assert _plain(hidden.content) == _plain(missing.content)
    api = _api(outsider)
    a = api.get(f"/api/v1/meetings/{w.meeting.public_id}/recommendations")
    b = api.get("/api/v1/meetings/abcdefghijkm/recommendations")
    assert (a.status_code, a.json()) == (b.status_code, b.json()) == (404, {"detail": "No such meeting."})


def test_a_group_left_no_longer_shares_fields() -> None:
    w = world()
    secret = GroupFactory(visibility=GroupVisibility.SECRET, join_policy=JoinPolicy.INVITE)
    MembershipFactory(group=secret, user=w.ann, state=MembershipState.LEFT)
    stranger = member(secret, "Sid Secret", current_company="Acme")
    RsvpFactory(meeting=w.meeting, user=stranger)  # going, but not a member of the meeting's group
    assert "Sid Secret" not in [r.name for r in recommendations_for_meeting(w.ann, w.meeting)]


@pytest.mark.parametrize(
    "kind", ["anonymous", "non-member", "not going", "facilitator not going", "banned", "ex-member"]
)
def test_who_may_not_see_recommendations(kind: str) -> None:
    w = world()
    meeting_url = f"/meetings/{w.meeting.public_id}/who-to-meet/"
    if kind == "anonymous":
        response = Client().get(meeting_url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    if kind == "non-member":
        user = UserFactory()
    elif kind == "not going":
        user = member(w.group, "Nat Notgoing")
    elif kind == "facilitator not going":
        user = w.facilitator
    else:
        user = w.people["bea"]
        state = MembershipState.BANNED if kind == "banned" else MembershipState.LEFT
        w.group.memberships.filter(user=user).update(state=state)
    page = as_client(user).get(meeting_url)
    assert page.status_code == 200  # a listed group's meeting: the page says how to get it
    html = page.content.decode()
    assert "Who to meet is for members going to this meeting." in html
    assert "Cal Chen" not in html
    api = _api(user).get(f"/api/v1/meetings/{w.meeting.public_id}/recommendations")
    assert (api.status_code, api.json()) == (
        403, {"detail": "Who to meet is for members going to this meeting, until it ends."}
    )  # fmt: skip


def test_id_like_to_meet_them_feeds_the_goal_without_javascript() -> None:
    w = world()
    goal_set(owner=w.ann, meeting=w.meeting, reasons=["learn_topic"], note="Learn SQL tips")
    c = as_client(w.ann)
    bea = w.people["bea"]
    r = c.post(f"/meetings/{w.meeting.public_id}/who-to-meet/{bea.public_id}/meet/")
    assert r.status_code == 302
    assert r["Location"] == f"/meetings/{w.meeting.public_id}/who-to-meet/"
    goal = goal_of(w.ann, w.meeting)
    assert goal is not None
    assert goal.reasons == ["learn_topic", "meet_attendees"]
    assert goal.note == "Learn SQL tips"
    assert [(p.person_id, p.why) for p in goal.people.all()] == [(bea.pk, "works at Acme Inc., where you want a role")]
    c.post(f"/meetings/{w.meeting.public_id}/who-to-meet/{bea.public_id}/meet/")  # again: no change
    assert goal_of(w.ann, w.meeting).people.count() == 1  # type: ignore[union-attr]
    html = c.get(f"/meetings/{w.meeting.public_id}/who-to-meet/").content.decode()
    assert "In your goal" in html


def test_the_api_marks_someone_and_refuses_anyone_else() -> None:
    w = world()
    api = _api(w.ann)
    url = f"/api/v1/meetings/{w.meeting.public_id}/recommendations/meet"
    r = api.post(url, {"person": w.people["cal"].public_id}, content_type="application/json")
    assert r.status_code == 200
    assert [x["in_my_goal"] for x in r.json()["results"]] == [False, True, False]
    eve = api.post(url, {"person": w.people["eve"].public_id}, content_type="application/json")
    assert (eve.status_code, eve.json()) == (404, {"detail": "No such person."})
    bad = api.post(url, {"person": "x\x00y"}, content_type="application/json")
    assert bad.status_code == 422


def test_the_meeting_page_offers_the_card_to_people_going_only() -> None:
    w = world()
    url = w.meeting.get_absolute_url()
    assert f"/meetings/{w.meeting.public_id}/who-to-meet/" in as_client(w.ann).get(url).content.decode()
    assert "who-to-meet" not in as_client(w.facilitator).get(url).content.decode()
    assert "who-to-meet" not in Client().get(url).content.decode()


def test_the_card_fragment_for_htmx() -> None:
    w = world()
    r = as_client(w.ann).get(f"/meetings/{w.meeting.public_id}/who-to-meet/", headers={"HX-Request": "true"})
    html = r.content.decode()
    assert html.lstrip().startswith("{% comment") is False
    assert 'id="who-to-meet"' in html
    assert "See everyone worth meeting" in html
    assert "<html" not in html


def test_a_meeting_with_nobody_matching_says_what_to_do() -> None:
    w = world()
    Profile.objects.filter(user=w.ann).update(target_companies="", target_roles="", industries="")
    html = as_client(w.ann).get(f"/meetings/{w.meeting.public_id}/who-to-meet/").content.decode()
    assert "No suggestions yet." in html
    assert "Add what you're looking for" in html


def test_other_meetings_people_are_not_mixed_in() -> None:
    w = world()
    other = MeetingFactory(group=w.group)
    RsvpFactory(meeting=other, user=member(w.group, "Oli Other", current_company="Acme"))
    assert "Oli Other" not in [r.name for r in recommendations_for_meeting(w.ann, w.meeting)]


def test_undo_takes_them_out_and_keeps_the_rest_of_the_goal() -> None:
    """Tester's finding 16 on issue 11: "I'd like to meet them" undone on the who-to-meet page."""
    w = world()
    goal_set(owner=w.ann, meeting=w.meeting, reasons=["learn_topic"], note="Learn SQL tips")
    c = as_client(w.ann)
    bea, cal = w.people["bea"], w.people["cal"]
    base = f"/meetings/{w.meeting.public_id}/who-to-meet"
    c.post(f"{base}/{bea.public_id}/meet/")
    c.post(f"{base}/{cal.public_id}/meet/")
    html = c.get(f"{base}/").content.decode()
    assert f'action="{base}/{bea.public_id}/unmeet/"' in html
    assert 'Undo<span class="visually-hidden">: take Bea Baker out of your goal</span>' in html
    r = c.post(f"{base}/{bea.public_id}/unmeet/")
    assert (r.status_code, r["Location"]) == (302, f"{base}/")
    goal = goal_of(w.ann, w.meeting)
    assert goal is not None
    assert (goal.reasons, goal.note) == (["learn_topic", "meet_attendees"], "Learn SQL tips")
    assert [p.person_id for p in goal.people.all()] == [cal.pk]
    c.post(f"{base}/{cal.public_id}/unmeet/")
    goal = goal_of(w.ann, w.meeting)
    assert goal is not None
    assert (goal.reasons, goal.note, goal.people.count()) == (["learn_topic"], "Learn SQL tips", 0)
    assert f'action="{base}/{bea.public_id}/unmeet/"' not in c.get(f"{base}/").content.decode()


def test_undo_of_the_only_pick_removes_the_goal_it_made() -> None:
    w = world()
    c = as_client(w.ann)
    base = f"/meetings/{w.meeting.public_id}/who-to-meet"
    c.post(f"{base}/{w.people['bea'].public_id}/meet/")
    assert goal_of(w.ann, w.meeting) is not None
    c.post(f"{base}/{w.people['bea'].public_id}/unmeet/")
    assert goal_of(w.ann, w.meeting) is None


@pytest.mark.parametrize("who", ["member going", "member not going", "non-member", "anonymous"])
def test_the_undo_api_for_each_viewer(who: str) -> None:
    w = world()
    url = f"/api/v1/meetings/{w.meeting.public_id}/recommendations/unmeet"
    body = {"person": w.people["cal"].public_id}
    if who == "anonymous":
        assert Client().post(url, body, content_type="application/json").status_code == 401
        return
    user = {"member going": w.ann, "member not going": member(w.group, "Nat Notgoing"), "non-member": UserFactory()}[
        who
    ]
    api = _api(user)
    if who == "member going":
        api.post(url.replace("/unmeet", "/meet"), body, content_type="application/json")
    r = api.post(url, body, content_type="application/json")
    if who == "member going":
        assert r.status_code == 200
        assert [x["in_my_goal"] for x in r.json()["results"]] == [False, False, False]
        assert goal_of(w.ann, w.meeting) is None
    else:  # the group is listed: they may see the meeting, not who to meet at it
        expected = {"detail": "Who to meet is for members going to this meeting, until it ends."}
        assert (r.status_code, r.json()) == (403, expected)
