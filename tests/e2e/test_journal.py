"""The journal in a browser: a member sets a goal on a phone in two taps, the meeting ends, she
reflects and the people she met become contacts in her tracker; the facilitator sees the
group's health once five people reflected. Screenshots at 1280 and 360 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.groups.models import Kind, MembershipRole
from roundtable.journal import services
from roundtable.journal.models import Goal, Reflection
from roundtable.meetings.models import Meeting
from roundtable.tracker.models import Contact
from tests.e2e.conftest import shot
from tests.e2e.test_join_journey import _login
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, RsvpFactory, TalkFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_goal_reflection_contacts_and_group_health(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    group = GroupFactory(name="Harbor Speakers Night", kind=Kind.SPEAKERS)
    fac = MembershipFactory(group=group, role=MembershipRole.FACILITATOR,
                            user=UserFactory(email="fay@example.com", name="Fay Facilitator")).user  # fmt: skip
    ann = MembershipFactory(group=group, user=UserFactory(email="ann@example.com", name="Ann Alvarez")).user
    others = [MembershipFactory(group=group, user=UserFactory(name=n)).user
              for n in ("Ben Brooks", "Cat Chen", "Dev Patel", "Eve Stone", "Finn Ortiz")]  # fmt: skip
    meeting = MeetingFactory(group=group, title="LinkedIn that works", starts_at=timezone.now() + timedelta(days=2))
    TalkFactory(meeting=meeting, speaker_name="Jordan Lee")
    for u in (ann, *others):
        RsvpFactory(meeting=meeting, user=u)
    url = f"{base}/meetings/{meeting.public_id}/"

    # 1. On a phone: a reason chip and Save, two taps.
    phone = new_page(360, 780)
    _login(phone, base, ann.email)
    phone.goto(url)
    card = phone.locator("#journal-card")
    expect(card.get_by_role("heading", name="Your goal for this meeting")).to_be_visible()
    shot(phone, "j01-goal-phone")
    card.get_by_text("Meet the speaker", exact=True).click()
    card.get_by_role("button", name="Set my goal").click()
    expect(card.get_by_text("Goal set: Meet the speaker")).to_be_visible()
    assert Goal.objects.get(owner=ann).reasons == ["meet_speaker"]
    # Whom to meet, folded: Ben, with why.
    card.get_by_text("Whom do you want to meet?").click()
    card.get_by_role("checkbox", name="Ben Brooks").check()
    card.get_by_label("Why Ben Brooks?").fill("He works in fintech")
    with phone.expect_response(lambda r: r.url.endswith("/goal/") and r.request.method == "POST"):
        card.get_by_role("button", name="Save my goal").click()
    expect(card.get_by_text("Goal set: Meet the speaker")).to_be_visible()
    assert [(p.person, p.why) for p in Goal.objects.get(owner=ann).people.all()] == [(others[0], "He works in fintech")]
    shot(phone, "j02-goal-set-phone")

    # 2. The meeting ends; the home page and the meeting page ask how it was.
    start = timezone.now() - timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + timedelta(minutes=90))
    phone.goto(f"{base}/")
    expect(phone.get_by_text("How was LinkedIn that works?")).to_be_visible()
    phone.get_by_role("link", name="Reflect in 30 seconds").click()
    expect(phone.get_by_role("heading", name="How was LinkedIn that works?")).to_be_visible()
    # The goal beside the question it answers (on a phone, inside the question's group).
    expect(phone.locator("fieldset", has_text="Did you get what you came for?").locator("#goal-inline")).to_have_text(
        "Your goal: Meet the speaker"
    )
    phone.get_by_text("4 · Very useful").click()
    phone.get_by_text("Partly", exact=True).click()
    phone.get_by_label("Ben Brooks").check()
    phone.get_by_label("Cat Chen").check()
    phone.get_by_label("Takeaways (optional)").fill("Lead with the problem I solve.")
    shot(phone, "j03-reflect-phone")
    phone.get_by_role("button", name="Save my reflection").click()
    expect(phone.get_by_text("2 people are in your contacts.")).to_be_visible()
    expect(phone.get_by_text("You said: 4 of 5 · Very useful")).to_be_visible()
    reflection = Reflection.objects.get(owner=ann)
    assert (reflection.value, reflection.goal_met) == (4, "partly")
    assert sorted(Contact.objects.filter(owner=ann).values_list("name", "person", "meeting")) == [
        ("Ben Brooks", others[0].pk, meeting.pk),
        ("Cat Chen", others[1].pk, meeting.pk),
    ]

    # 3. The facilitator: not enough answers with one; figures once five reflected.
    desk = new_page(1280, 900)
    _login(desk, base, fac.email)
    desk.goto(f"{base}/groups/{group.slug}/manage/")
    desk.get_by_role("link", name="Group health").click()
    expect(desk.get_by_role("heading", name="Group health")).to_be_visible()
    expect(desk.locator(".figure", has_text="Average value").get_by_text("Not enough answers yet")).to_be_visible()
    meeting.refresh_from_db()
    for u, v in zip(others[:4], (5, 3, 4, 2), strict=True):
        services.reflection_save(owner=u, meeting=meeting, value=v)
    desk.reload()
    # Five answered, but the meeting's answers are open for a week: its average waits, so that
    # no one's answer can be picked out by watching it move.
    expect(desk.get_by_text("answers open until")).to_be_visible()
    expect(desk.locator(".figure", has_text="Average value").get_by_text("Not enough answers yet")).to_be_visible()
    # A week later (the five answered the day after the meeting, before answers closed).
    start = timezone.now() - timedelta(days=8)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + timedelta(minutes=90))
    Reflection.objects.filter(meeting=meeting).update(updated_at=start + timedelta(days=1))
    desk.reload()
    expect(desk.locator(".figure", has_text="Average value").get_by_text("3.6")).to_be_visible()
    expect(desk.get_by_role("img", name="Average value from 1 to 5 per meeting")).to_be_visible()
    body = desk.content()
    for u in (ann, *others):
        assert u.display_name not in body
    shot(desk, "j04-health-1280")
    small = new_page(360, 780)
    _login(small, base, fac.email)
    small.goto(f"{base}/groups/{group.slug}/health/")
    expect(small.get_by_role("heading", name="Group health")).to_be_visible()
    assert small.evaluate("document.documentElement.scrollWidth") <= 360
    shot(small, "j05-health-360")
    for width, name in ((1280, "j06-reflection-1280"), (360, "j07-journal-360")):
        p = new_page(width, 900)
        _login(p, base, ann.email)
        p.goto(f"{base}/meetings/{meeting.public_id}/reflection/" if width == 1280 else f"{base}/me/journal/")
        assert p.evaluate("document.documentElement.scrollWidth") <= width
        shot(p, name)
