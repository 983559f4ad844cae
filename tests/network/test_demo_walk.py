"""The README's "Try meeting the right people", step by step on the demo data (make run's own
`demo_data`), through the pages as the demo member, the facilitator and the person asked: each
name and sentence the README promises is on the page it names."""

from __future__ import annotations

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.journal.selectors import goal_of
from roundtable.meetings.models import Meeting, MeetingStatus
from roundtable.network.models import Introduction

pytestmark = pytest.mark.django_db(transaction=True)  # the task worker, as make run starts it

PASSWORD = "demo-pass-2026"
ROUNDTABLE = "Boston Strategic Job Search Roundtable"
SPEAKERS = "Boston Job Seekers Speaker Series"


def _signed_in(email: str) -> Client:
    c = Client()
    assert c.login(email=email, password=PASSWORD) is True
    return c


def _main(c: Client, url: str) -> str:
    """The page's main region as text, its character references read back."""
    r = c.get(url)
    assert r.status_code == 200, url
    body = r.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _next(group: str) -> Meeting:
    return (
        Meeting.objects.filter(group__name=group, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )  # type: ignore[return-value]


def _names(text: str) -> list[str]:
    """The names on a who-to-meet page, in order (each is followed by its "I'd like to meet them")."""
    return re.findall(r"I'd like to meet them : ([A-Z][a-z]+ [A-Z][a-z]+)", text)


def test_every_step_of_the_readme_works_on_the_demo() -> None:
    call_command("demo_data", stdout=StringIO())
    maya = _signed_in("member@demo.roundtable")
    member = User.objects.get(email="member@demo.roundtable")
    assert member.display_name == "Maya Thompson"

    # Who to meet: Agenda, the roundtable's next meeting, its card and the full list.
    meeting = _next(ROUNDTABLE)
    assert meeting.get_absolute_url() in maya.get("/me/agenda/").content.decode()
    assert "See who is worth meeting at this meeting" in _main(maya, meeting.get_absolute_url())
    who = _main(maya, f"/meetings/{meeting.public_id}/who-to-meet/")
    assert _names(who) == ["Kenji Lee", "Hana Rossi", "Tariq Nakamura"]
    assert "Landed at Northwind Health, where you want a role" in who
    r = maya.post(
        f"/meetings/{meeting.public_id}/who-to-meet/{User.objects.get(email='kenji.lee@demo.roundtable').public_id}/meet/"
    )
    assert r.status_code == 302
    goal = goal_of(member, meeting)
    assert goal is not None
    assert [p.person.display_name for p in goal.people.all() if p.person] == ["Kenji Lee"]
    # The speaker of the next speaker night, from outside the group and without an RSVP.
    night = _next(SPEAKERS)
    assert night.talk.speaker is not None
    assert night.talk.speaker.display_name == "Aisha Tanaka"
    speaker_night = _main(maya, f"/meetings/{night.public_id}/who-to-meet/")
    assert "Aisha Tanaka Gives the talk" in speaker_night
    assert "Can introduce people at Summit Analytics, where you want a role" in speaker_night
    assert "Aisha Tanaka" in _names(speaker_night)

    # Introductions: one accepted (with Tariq Nakamura's email), one waiting for Daniel, one for Maya.
    mine = _main(maya, "/network/introductions/")
    assert "Waiting for your answer Hana Rossi and Yara Sato Waiting for your answer" in mine
    assert "You and Tariq Nakamura Accepted: you can now contact each other" in mine
    assert "You and Marcus Torres Waiting for Daniel Reyes" in mine
    tariq = Introduction.objects.get(asker=member, target__email="tariq.nakamura@demo.roundtable")
    assert "Email: tariq.nakamura@demo.roundtable" in _main(maya, f"/network/introductions/{tariq.public_id}/")

    # Ask for an introduction to Kenji, through Daniel; Daniel passes it on, Kenji accepts.
    slug = meeting.group.slug
    ask_page = _main(maya, f"/network/introductions/ask/?group={slug}")
    assert "Kenji Lee" in ask_page
    assert "Daniel Reyes" in ask_page
    people = {
        u.display_name: u.public_id
        for u in User.objects.filter(profile__display_name__in=["Kenji Lee", "Daniel Reyes"])
    }
    r = maya.post("/network/introductions/ask/", {"group": slug, "target": people["Kenji Lee"],
                                                  "introducer": people["Daniel Reyes"],
                                                  "note": "I'd like to hear how your team hires."})  # fmt: skip
    assert r.status_code == 302
    intro = Introduction.objects.get(asker=member, target__email="kenji.lee@demo.roundtable")
    url = f"/network/introductions/{intro.public_id}/"
    assert "kenji.lee@demo.roundtable" not in _main(maya, url)
    daniel = _signed_in("facilitator@demo.roundtable")
    assert "Maya Thompson and Kenji Lee" in _main(daniel, "/network/introductions/")
    assert daniel.post(f"{url}accept/", {"note": "Kenji hires for his team: worth a coffee."}).status_code == 302
    kenji = _signed_in("kenji.lee@demo.roundtable")
    assert "member@demo.roundtable" not in _main(kenji, url)
    assert kenji.post(f"{url}accept/", {"note": ""}).status_code == 302
    assert "Email: kenji.lee@demo.roundtable" in _main(maya, url)
    assert "Email: member@demo.roundtable" in _main(kenji, url)
    # The facilitator's Introductions page links to each group's suggested introductions.
    assert f"Suggested introductions in {ROUNDTABLE}" in _main(daniel, "/network/introductions/")

    # Buddy: Maya's buddy is Daniel, who has not checked in this week; his check-in appears on hers.
    buddy = _main(maya, "/me/buddy/")
    assert "Your buddy Daniel Reyes" in buddy
    assert "Why we paired you" in buddy
    assert "Your buddy hasn't checked in yet this week." in buddy
    his = _main(daniel, "/me/buddy/")
    assert "Your buddy Maya Thompson" in his
    assert "You haven't checked in yet this week" in his
    assert f"Buddy pool of {ROUNDTABLE}" in his
    from roundtable.buddies.models import BuddyPair

    pair = BuddyPair.objects.get(members__user=member, ended_at__isnull=True)
    r = daniel.post(f"/me/buddy/pairs/{pair.public_id}/checkin/",
                    {"commitments": "Two coffee chats\nOne tailored application", "last_week": "done"})  # fmt: skip
    assert r.status_code == 302
    buddy = _main(maya, "/me/buddy/")
    assert "Daniel Reyes Last week: Done This week: Two coffee chats One tailored application React or reply" in buddy
    # Everyone in the demo pool is paired: no "Match now" until two are waiting, and it says so.
    pool = _main(daniel, f"/groups/{slug}/buddies/")
    assert "Nobody is waiting, so a run now would pair nobody." in pool
    assert "Match now" not in pool

    # Stories: one anonymous, named nowhere; the filters and "A challenge like yours".
    stories = _main(maya, "/stories/")
    assert "Nine months, and a referral from a coffee chat By a member who chose to stay anonymous" in stories
    assert "How the job came" in stories
    assert "A challenge like yours" in stories

    # Experts: the directory, and an invitation to speak waiting for Maya.
    experts = _main(maya, "/speakers/")
    assert "7 experts" in experts
    assert "Aisha Tanaka In person around Boston, or online, from anywhere 2 past talks" in experts
    assert "Boston Job Seekers Speaker Series" in _main(maya, "/speakers/invitations/")

    # Inbox: the ask waiting for her, the accepted introductions (Tariq's, and now Kenji's),
    # once the task worker that make run starts has delivered them.
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    inbox = _main(maya, "/inbox/")
    assert "Hana Rossi asks you for an introduction to Yara Sato" in inbox
    assert "You and Kenji Lee can now contact each other" in inbox
    assert "You and Tariq Nakamura can now contact each other" in inbox
    assert "Choose what reaches you" in inbox
    prefs = _main(maya, "/inbox/preferences/")
    for choice in ("Email me at once", "In my daily digest", "Never by email"):
        assert choice in prefs
