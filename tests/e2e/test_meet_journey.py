"""Issue 11's journey in Chromium, through the pages only: two members join their group's buddy
pool, the facilitator presses "Match now" and the real task worker pairs them, each writes this
week's check-in and sees the other's; a third member asks the facilitator for an introduction
to one of them, the facilitator passes it on and the target accepts, and only then do the
asker and the target see each other's email; a landed member tells an anonymous story, which
the first member finds on /stories/ without a name. Screenshots at 1280 and 360 px."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import Page, expect

from roundtable.accounts.models import Profile
from roundtable.buddies.models import BuddyPair, CheckIn
from roundtable.groups.models import JoinPolicy, MembershipRole
from roundtable.network.models import Introduction, IntroStatus
from roundtable.stories.models import Story
from roundtable.tracker.models import Contact, Landing
from tests.e2e.conftest import shot
from tests.factories import PASSWORD, GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e


def _login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("button", name="Log in", exact=True)).to_have_count(0)


def _shots(page: Page, name: str) -> None:
    """The page as it is, at 1280 px and at 360 px wide (then back to 1280)."""
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"meet-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def _run_the_task_worker() -> None:
    """What `make run` starts beside the server: the database task backend's worker
    (db_worker's own Worker), here for one batch, in a thread of its own: the test's thread
    runs Playwright's event loop, where the inbox's live update (async_to_sync) may not run,
    and db_worker's command sets signal handlers, which only the main thread may."""

    def work() -> None:
        try:
            Worker(queue_names=["*"], interval=0.1, batch=True, backend_name="default", startup_delay=False,
                   max_tasks=None, worker_id="journey", excluded_queue_names=[]).run()  # fmt: skip
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()


def _join_pool(page: Page, base: str) -> None:
    page.goto(f"{base}/me/buddy/")
    expect(page.get_by_role("heading", name="Find a buddy")).to_be_visible()
    page.get_by_label("Find a buddy among").select_option(label="Members of Harbor Roundtable")
    page.get_by_label("Check-in day").select_option(label="Monday")
    page.get_by_label("Your field", exact=True).select_option(label="Product")
    page.get_by_label("Where your search is").select_option(label="Applying and networking")
    page.get_by_role("button", name="Join the pool").click()
    expect(
        page.get_by_text("You're in the pool. We match people every Monday, and we'll email you your buddy.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="You're in the pool")).to_be_visible()


def _check_in(page: Page, base: str, commitments: str, note: str) -> None:
    page.goto(f"{base}/me/buddy/")
    form = page.get_by_role("region", name="This week's check-in")
    form.get_by_label("This week I will").fill(commitments)
    form.get_by_role("radio", name="No commitments last week").check()
    form.get_by_label("How it went (optional)").fill(note)
    form.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_text("Your check-in is saved. Your buddy can see it now.")).to_be_visible()
    form = page.get_by_role("region", name="This week's check-in")
    expect(form.get_by_text("You've checked in this week; saving again changes what your buddy sees.")).to_be_visible()
    expect(form.get_by_role("button", name="Update my check-in")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_buddies_an_introduction_and_an_anonymous_story(live_server, new_page) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    group = GroupFactory(name="Harbor Roundtable", slug="harbor", join_policy=JoinPolicy.APPROVAL)
    rosa = UserFactory(email="rosa@example.com", name="Rosa Rivera")
    ann = UserFactory(email="ann@example.com", name="Ann Alder")
    bo = UserFactory(email="bo@example.com", name="Bo Birch")
    cy = UserFactory(email="cy@example.com", name="Cy Cruz")
    lee = UserFactory(email="lee@example.com", name="Lee Landed")
    MembershipFactory(group=group, user=rosa, role=MembershipRole.FACILITATOR)
    for person in (ann, bo, cy, lee):
        MembershipFactory(group=group, user=person)
    Profile.objects.filter(user__in=(ann, bo)).update(time_zone="America/New_York", target_roles="Product manager")
    Landing.objects.create(owner=lee, company_name="Acme", role="Product manager", source="referral", group=group,
                           landed_on="2026-10-01")  # fmt: skip

    # 1. Ann and Bo join the Harbor pool on their buddy pages.
    ann_page = new_page()
    _login(ann_page, base, "ann@example.com")
    _join_pool(ann_page, base)
    _shots(ann_page, "01-buddy-waiting")
    bo_page = new_page(360, 740)
    _login(bo_page, base, "bo@example.com")
    _join_pool(bo_page, base)

    # 2. Rosa opens the group's pool from her buddy page and presses "Match now"; the worker pairs them.
    rosa_page = new_page()
    _login(rosa_page, base, "rosa@example.com")
    rosa_page.goto(f"{base}/me/buddy/")
    rosa_page.get_by_role("link", name="Buddy pool of Harbor Roundtable").click()
    expect(rosa_page.get_by_role("heading", name="Buddy pool of Harbor Roundtable")).to_be_visible()
    expect(
        rosa_page.get_by_text("Pair the 2 members waiting now. Each is told who their buddy is and why.")
    ).to_be_visible()
    rosa_page.get_by_role("button", name="Match now").click()
    expect(
        rosa_page.get_by_text("Matching has started. Members who are paired will get an email in a minute.")
    ).to_be_visible()
    assert BuddyPair.objects.count() == 0
    _run_the_task_worker()
    pair = BuddyPair.objects.get()
    assert sorted(m.user.display_name for m in pair.members.all()) == ["Ann Alder", "Bo Birch"]
    rosa_page.reload()
    runs = rosa_page.get_by_role("table")
    expect(runs.get_by_role("cell").nth(1)).to_have_text("People2")
    expect(runs.get_by_role("cell").nth(2)).to_have_text("Pairs made1")

    # 3. Each sees the other as their buddy, writes this week's check-in, and sees the other's.
    ann_page.goto(f"{base}/me/buddy/")
    buddy = ann_page.get_by_role("region", name="Your buddy")
    expect(buddy.get_by_text("Bo Birch", exact=True)).to_be_visible()
    expect(buddy.get_by_text("Targets: Product manager")).to_be_visible()
    _shots(ann_page, "02-buddy-paired")
    _check_in(ann_page, base, "3 coffee chats\nApply to 2 product roles", "A slow start, but I'm back on it.")
    bo_page.goto(f"{base}/me/buddy/")
    bo_page.get_by_role("region", name="This week's check-in").get_by_label("This week I will").fill(
        "Rewrite my resume summary"
    )
    _shots(bo_page, "03-checkin-form")
    _check_in(bo_page, base, "Rewrite my resume summary\n1 informational interview", "Nothing to report yet.")
    assert CheckIn.objects.count() == 2

    weeks = bo_page.get_by_role("region", name="Your weeks together")
    annes = weeks.get_by_role("article", name="Ann Alder")
    expect(annes.get_by_role("listitem")).to_have_text(["3 coffee chats", "Apply to 2 product roles"])
    expect(weeks.get_by_role("article", name="You").get_by_role("listitem")).to_have_text(
        ["Rewrite my resume summary", "1 informational interview"]
    )
    _shots(bo_page, "04-checkins-both")
    expect(annes.get_by_text("A slow start, but I'm back on it.")).to_be_visible()
    ann_page.goto(f"{base}/me/buddy/")
    bos = ann_page.get_by_role("region", name="Your weeks together").get_by_role("article", name="Bo Birch")
    expect(bos.get_by_role("listitem")).to_have_text(["Rewrite my resume summary", "1 informational interview"])
    expect(bos.get_by_text("Nothing to report yet.")).to_be_visible()

    # Ann cheers Bo on; Bo sees it under his check-in.
    bos.get_by_text("React or reply").click()
    bos.get_by_text("Cheering you on").click()
    bos.get_by_label("Reply (optional)").fill("The summary is the hardest part. You've got this.")
    _shots(ann_page, "04b-checkin-reply")
    bos.get_by_role("button", name="Send").click()
    expect(ann_page.get_by_text("Your reply is sent.")).to_be_visible()
    bo_page.reload()
    mine = bo_page.get_by_role("region", name="Your weeks together").get_by_role("article", name="You")
    # Each reply ends with its "Report this reply" link (safety).
    expect(mine.get_by_role("list").last).to_have_text(
        "Ann Alder: Cheering you on. The summary is the hardest part. You've got this. Report this reply"
    )

    # 4. Cy asks Rosa to introduce him to Bo.
    cy_page = new_page()
    _login(cy_page, base, "cy@example.com")
    cy_page.goto(f"{base}/network/introductions/")
    cy_page.get_by_role("link", name="Ask for an introduction").first.click()
    cy_page.get_by_role("link", name="Harbor Roundtable").click()
    expect(cy_page.get_by_text("In Harbor Roundtable. The person you ask passes it on", exact=False)).to_be_visible()
    _shots(cy_page, "04c-ask")
    cy_page.get_by_label("Who you'd like to meet").select_option(label="Bo Birch")
    cy_page.get_by_label("Who you ask to introduce you").select_option(label="Rosa Rivera")
    cy_page.get_by_label("Your note").fill("Bo moved into product from support, as I hope to.")
    cy_page.get_by_role("button", name="Send my ask").click()
    expect(cy_page.get_by_text("Your ask is sent. You'll hear when there's an answer.")).to_be_visible()
    expect(cy_page.get_by_role("heading", name="You and Bo Birch")).to_be_visible()
    expect(cy_page.get_by_text("Waiting for Rosa Rivera", exact=True)).to_be_visible()
    assert "bo@example.com" not in cy_page.content()
    intro = Introduction.objects.get()

    # 5. Rosa passes it on; until Bo accepts, neither Cy nor Bo sees the other's email.
    rosa_page.goto(f"{base}/network/introductions/")
    rosa_page.get_by_role("region", name="Waiting for your answer").get_by_role(
        "link", name="Cy Cruz and Bo Birch"
    ).click()
    rosa_page.get_by_label("Your note to Bo Birch: why should they meet?").fill("Cy is where you were a year ago.")
    rosa_page.get_by_role("button", name="Pass it on").click()
    expect(rosa_page.get_by_text("Thank you: your answer is saved.")).to_be_visible()
    expect(rosa_page.get_by_text("Waiting for Bo Birch", exact=True)).to_be_visible()

    bo_page.set_viewport_size({"width": 1280, "height": 900})
    bo_page.goto(f"{base}/network/introductions/")
    waiting = bo_page.get_by_role("region", name="Waiting for your answer")
    expect(waiting.get_by_role("link", name="Cy Cruz and you")).to_be_visible()
    _shots(bo_page, "05-introductions-to-answer")
    waiting.get_by_role("link", name="Cy Cruz and you").click()
    expect(bo_page.get_by_role("heading", name="Cy Cruz and you")).to_be_visible()
    expect(
        bo_page.get_by_text("In Harbor Roundtable. Rosa Rivera would like to introduce you to Cy Cruz.")
    ).to_be_visible()
    expect(bo_page.get_by_text("Cy is where you were a year ago.")).to_be_visible()
    expect(bo_page.get_by_role("heading", name="Contact Cy Cruz")).to_have_count(0)
    assert "cy@example.com" not in bo_page.content()
    _shots(bo_page, "06-introduction-to-answer")
    cy_page.reload()
    expect(cy_page.get_by_text("Waiting for Bo Birch", exact=True)).to_be_visible()
    expect(cy_page.get_by_role("heading", name="Contact Bo Birch")).to_have_count(0)
    assert "bo@example.com" not in cy_page.content()

    # 6. Bo accepts: now both see each other's email, and each is a contact in the other's tracker.
    bo_page.get_by_role("button", name="Accept").click()
    expect(bo_page.get_by_text("Thank you: your answer is saved.")).to_be_visible()
    expect(bo_page.get_by_text("Accepted: you can now contact each other", exact=True)).to_be_visible()
    expect(bo_page.get_by_text("In Harbor Roundtable. Rosa Rivera introduced you to Cy Cruz.")).to_be_visible()
    contact = bo_page.get_by_role("region", name="Contact Cy Cruz")
    expect(contact.get_by_text("Email: cy@example.com")).to_be_visible()
    expect(contact.get_by_role("link", name="cy@example.com")).to_have_attribute("href", "mailto:cy@example.com")
    _shots(bo_page, "07-introduction-accepted")
    cy_page.reload()
    expect(cy_page.get_by_text("Accepted: you can now contact each other", exact=True)).to_be_visible()
    expect(cy_page.get_by_role("region", name="Contact Bo Birch").get_by_text("Email: bo@example.com")).to_be_visible()
    intro.refresh_from_db()
    assert intro.status == IntroStatus.ACCEPTED
    assert sorted(Contact.objects.values_list("owner__profile__display_name", "name")) == [
        ("Bo Birch", "Cy Cruz"), ("Cy Cruz", "Bo Birch")
    ]  # fmt: skip
    cy_page.goto(f"{base}/network/introductions/")
    _shots(cy_page, "08-introductions-list")

    # 7. Lee, who landed, tells an anonymous story for all members; Ann finds it, unnamed.
    lee_page = new_page(360, 740)
    _login(lee_page, base, "lee@example.com")
    lee_page.goto(f"{base}/me/landed/next/")
    lee_page.get_by_role("link", name="Tell your story").click()
    lee_page.get_by_label("A title").fill("Product at Acme through a roundtable referral")
    lee_page.get_by_label("Your field").select_option(label="Technology and data")
    lee_page.get_by_label("What worked").fill("A member at the roundtable passed my resume to a hiring manager.")
    lee_page.get_by_role("radio", name="All Roundtable members").check()
    lee_page.get_by_label("Stay anonymous").check()
    lee_page.get_by_role("button", name="Share your story").click()
    expect(lee_page.get_by_role("heading", name="Product at Acme through a roundtable referral")).to_be_visible()
    story = Story.objects.get()
    assert (story.author, story.anonymous, story.audience) == (lee, True, "members")

    ann_page.goto(f"{base}/stories/")
    ann_page.get_by_role("link", name="Product at Acme through a roundtable referral").click()
    expect(ann_page).to_have_url(re.compile(rf"/stories/{story.public_id}/"))
    expect(ann_page.get_by_text("By a member who chose to stay anonymous")).to_be_visible()
    expect(ann_page.get_by_text("A member at the roundtable passed my resume to a hiring manager.")).to_be_visible()
    story_html = ann_page.content()
    ann_page.goto(f"{base}/stories/")
    for html in (story_html, ann_page.content()):
        assert "Lee Landed" not in html
        assert lee.public_id not in html
        assert "lee@example.com" not in html
