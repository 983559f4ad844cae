"""Every page of the app, in every state that changes its markup, for each kind of viewer:
the list that the page sweep (test_page_sweep.py) checks with axe-core and the W3C Nu
HTML checker, and that tests/core/test_page_list.py holds against the URL resolver.

A route is either in PAGES (how to reach each of its states) or in EXCLUDED (why it is
not a page: JSON, iCalendar, POST-only, a redirect). A new route in neither fails.

Page URLs are built in one place, `_url` below, from the objects the world holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts import blocks
from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import Group, GroupVisibility, Invite, JoinPolicy, Kind, Membership, MembershipState
from roundtable.groups.services import invite_create, membership_remove
from roundtable.journal.services import goal_set
from roundtable.live import services as live
from roundtable.live.models import HistorySharing, Roundtable
from roundtable.meetings.feed_services import calendar_feed_create
from roundtable.meetings.models import Meeting
from roundtable.meetings.services import meeting_cancel, rsvp_set
from roundtable.tracker.models import Landing
from tests.buddies.world import sweep_world as buddies_sweep_world
from tests.factories import (
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    TalkFactory,
    TopicFactory,
    UserFactory,
    facilitator_of,
)

# The kinds of viewer. A newcomer is a signed-in member with nothing yet: the empty
# states of personal pages (my groups, agenda, history). Staff see the site as any
# signed-in person does, and the admin besides (PHONE_ONLY below).
ANONYMOUS, NEWCOMER, MEMBER, FACILITATOR = "anonymous", "newcomer", "member", "facilitator"
STAFF = "staff"
VIEWERS = (ANONYMOUS, NEWCOMER, MEMBER, FACILITATOR, STAFF)
EMAILS = {
    NEWCOMER: "nia@example.com", MEMBER: "ann@example.com", FACILITATOR: "rosa@example.com", STAFF: "sam@example.com"
}  # fmt: skip
EVERYONE = (ANONYMOUS, MEMBER, FACILITATOR)
CONNECTED = "#room-conn[data-state=connected]"
SIGNED_IN = (MEMBER, FACILITATOR)


@dataclass(frozen=True)
class Visit:
    """One page in one state. `submit` makes it an error state: the page's form
    (`form`, a CSS selector) is posted with these values, browser validation off, and the
    answer is what gets checked."""

    route: str
    state: str
    path: str
    viewers: tuple[str, ...]
    submit: dict[str, str] | None = None
    form: str = "main form[method=post]"
    # The page's script is done once this is visible (the live room: connected).
    ready: str | None = None
    # The status the state answers with: an error state that answered 200 or 302 would
    # not be the state it claims.
    status: int = 200


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    invite_token: str = ""
    memberships: dict[str, Membership] = field(default_factory=dict)
    invite: Invite | None = None
    token_id: int = 0
    confirm_key: str = ""
    reset_key: dict[str, str] = field(default_factory=dict)
    tracker: dict[str, str] = field(default_factory=dict)  # public ids of Ann's tracker rows
    introduction: str = ""  # public id of Ann's ask to meet Ben, waiting for Rosa
    stories: dict[str, str] = field(default_factory=dict)  # public ids of the newcomer's story, Ann's lesson
    speakers: dict[str, str] = field(default_factory=dict)  # public ids of experts and invitations


LONG_EMAIL = "daniela.wolfeschlegelsteinhausenbergerdorff@career-transitions.example.com"
MANY_NAMES = ("Ada", "Bo", "Chidi", "Dmitri", "Esperanza", "Farida", "Gustavo", "Hiroshi", "Ines", "Jamal", "Kalani")
LAST_NAMES = ("Nakamura-Okonkwo", "Li", "Fitzgerald", "Oyelaran-Henderson", "Ng")


def _url(name: str, obj: Any = None, **kwargs: Any) -> str:
    """Every page URL of the sweep, from the object it shows. The one place that knows how
    a meeting, a profile or a group is addressed."""
    if isinstance(obj, Meeting):
        return reverse(name, args=[obj.public_id])
    if isinstance(obj, User):
        return reverse(name, args=[obj.public_id])
    if isinstance(obj, Membership):
        return reverse(name, args=[obj.group.slug, obj.pk])
    if isinstance(obj, Invite):
        return reverse(name, args=[obj.group.slug, obj.pk])
    if isinstance(obj, Group):
        if "user" in kwargs:
            return reverse(name, args=[obj.slug, kwargs.pop("user").public_id])
        return reverse(name, args=[obj.slug])
    return reverse(name, kwargs=kwargs or None)


def build_world() -> World:
    """Groups, meetings and live rooms so that every page has each of its states."""
    now = timezone.now()
    w = World()
    rosa = UserFactory(email=EMAILS[FACILITATOR], name="Rosa Martinez")
    ann = UserFactory(email=EMAILS[MEMBER], name="Ann Alvarez")
    nia = UserFactory(email=EMAILS[NEWCOMER], name="Nia Okafor")
    ben = UserFactory(email="ben@example.com", name="Ben Brooks")
    cat = UserFactory(email="cat@example.com", name="Cat Chen")
    # Real names and addresses run long, in one unbreakable word: the phone sweep's worst case.
    dan = UserFactory(email=LONG_EMAIL, name="Daniela Wolfeschlegelsteinhausenbergerdorff-Díaz")
    sam = UserFactory(email=EMAILS[STAFF], name="Sam Staff", is_staff=True, is_superuser=True)
    w.users = {"rosa": rosa, "ann": ann, "nia": nia, "ben": ben, "cat": cat, "dan": dan, "sam": sam}
    # A second address, long and not yet confirmed: the email page's every action shows.
    EmailAddress.objects.create(user=ann, email=f"ann.{LONG_EMAIL}", verified=False, primary=False)
    profile = ann.profile
    profile.headline = "Data analyst moving into product"
    profile.pitch = "I turn messy questions into clear decisions, and I'm looking for a product role."
    profile.save()
    profile.interests.add(TopicFactory(name="Interviewing"))

    # A strategic group in full: members, rules, meetings in every state.
    strategic = GroupFactory(
        name="Boston Strategic Roundtable", slug="boston-strategic", kind=Kind.STRATEGIC,
        ground_rules="What is said here stays here.", description="Each of us gets a turn.",
    )  # fmt: skip
    strategic.topics.add(TopicFactory(name="Networking"))
    facilitator_of(strategic, user=rosa)
    for key, user in (("ann", ann), ("ben", ben), ("cat", cat)):
        w.memberships[f"strategic-{key}"] = MembershipFactory(group=strategic, user=user)
    # A speakers group with a talk; an approval group with a request and a ban; an empty
    # group (a facilitator, nothing scheduled); a members-only group Ann is not in.
    speakers = GroupFactory(name="LinkedIn Speakers Night", slug="speakers-night", kind=Kind.SPEAKERS)
    facilitator_of(speakers, user=rosa)
    MembershipFactory(group=speakers, user=ann)
    approval = GroupFactory(
        name="Career Changers Circle: teachers, nurses and veterans moving into tech, product and UX",
        slug="changers", kind=Kind.SUPPORT, join_policy=JoinPolicy.APPROVAL,
        eligibility_question="What are you changing from and to?",
    )  # fmt: skip
    facilitator_of(approval, user=rosa)
    w.memberships["request"] = MembershipFactory(
        group=approval, user=dan, state=MembershipState.PENDING,
        answer="Twelve years teaching middle-school science, now UX research. My portfolio: "
        "https://portfolio.example.com/daniela-wolfeschlegelsteinhausenbergerdorff/case-studies/onboarding",
    )  # fmt: skip
    MembershipFactory(group=approval, user=cat, state=MembershipState.PENDING, answer="Nursing to health tech.")
    # Many members, in the dashboard's table and on the members page.
    for i, first in enumerate(MANY_NAMES):
        person = UserFactory(email=f"member{i}@example.com", name=f"{first} {LAST_NAMES[i % len(LAST_NAMES)]}")
        MembershipFactory(group=approval, user=person)
        MembershipFactory(group=strategic, user=person)
    invite_create(group=approval, by=rosa, note="For the spring cohort from the Boston teachers' networking night")
    banned = MembershipFactory(group=approval, user=ben)
    membership_remove(membership=banned, by=rosa, ban=True)
    empty = GroupFactory(name="Quiet Start Group", slug="quiet-start", kind=Kind.STRATEGIC, ground_rules="")
    facilitator_of(empty, user=rosa)
    unlisted = GroupFactory(name="Invite Only Group", slug="invite-only", visibility=GroupVisibility.UNLISTED)
    facilitator_of(unlisted, user=rosa)
    w.invite, w.invite_token = invite_create(group=unlisted, by=rosa, note="Welcome!")
    # A group whose ground rules changed after Ann joined (issue 12): its pages ask her to
    # accept them again; Rosa changed them, so accepted them.
    changed = GroupFactory(
        name="Job Search Support Circle", slug="rules-changed", kind=Kind.SUPPORT,
        ground_rules="What is said here stays here.\nOne person speaks at a time.\n"
        "No selling or recruiting: this circle is for support.",
        rules_version=2, rules_changed_at=now - timedelta(days=1), allow_pseudonyms=True,
    )  # fmt: skip
    facilitator_of(changed, user=rosa, rules_version_accepted=2)
    # Ann goes by a pseudonym there (issue 12, item 4): its pages name her by it alone.
    MembershipFactory(group=changed, user=ann, pseudonym="Kestrel")
    w.groups = {
        "strategic": strategic, "speakers": speakers, "approval": approval, "empty": empty, "changed": changed
    }  # fmt: skip

    # Meetings: full with a waitlist, a talk, past, cancelled.
    full = MeetingFactory(group=strategic, title="Weekly roundtable", capacity=2, starts_at=now + timedelta(days=3))
    for user in (ann, ben):
        RsvpFactory(meeting=full, user=user)
    RsvpFactory(meeting=full, user=cat, status="waitlisted")
    Meeting.objects.filter(pk=full.pk).update(going_count=2, waitlist_count=1)
    talk_meeting = MeetingFactory(group=speakers, title="LinkedIn that works", starts_at=now + timedelta(days=5))
    TalkFactory(meeting=talk_meeting).topics.add(TopicFactory(name="LinkedIn"))
    RsvpFactory(meeting=talk_meeting, user=ann)
    goal_set(owner=ann, meeting=talk_meeting, reasons=["learn_topic", "meet_speaker"], note="Ask about headlines")
    past = MeetingFactory(group=strategic, title="Last week's roundtable", starts_at=now - timedelta(days=7))
    RsvpFactory(meeting=past, user=ann, attended=True)
    RsvpFactory(meeting=past, user=ben, attended=False)
    RsvpFactory(meeting=past, user=cat)
    # The newcomer landed (the page after "I landed").
    Landing.objects.create(owner=nia, company_name="Acme", role="Analyst", source="networking",
                           landed_on=now.date() - timedelta(days=1))  # fmt: skip
    cancelled = MeetingFactory(group=strategic, title="Holiday roundtable", starts_at=now + timedelta(days=10))
    meeting_cancel(meeting=cancelled, by=rosa)
    waiting = MeetingFactory(
        group=speakers, title="Resumes that get read", capacity=1, starts_at=now + timedelta(days=6)
    )
    rsvp_set(meeting=waiting, user=rosa, going=True)
    rsvp_set(meeting=waiting, user=ann, going=True)

    # Live rooms: not open yet, open (before), running (during), ended (after), and a
    # speakers question queue.
    def started(title: str, group: Group = strategic) -> Meeting:
        m = MeetingFactory(group=group, title=title, starts_at=now - timedelta(minutes=5), main_minutes=120)
        for i, user in enumerate((ann, ben)):
            if group is strategic or user is ann:
                RsvpFactory(meeting=m, user=user, created_at=now - timedelta(days=1, minutes=-i))
        return m

    unopened = started("Room not open yet")
    lobby = started("Room in the lobby")
    rt = live.roundtable_open(meeting=lobby, by=rosa)
    live.participant_join(roundtable=rt, user=ann)
    running = started("Room under way")
    rt = live.roundtable_open(meeting=running, by=rosa)
    for user in (ann, ben):
        live.participant_join(roundtable=rt, user=user)
    rt = live.roundtable_start(roundtable=rt, by=rosa)
    turn = rt.current_turn
    assert turn is not None
    live.challenge_set(turn=turn, by=ann, text="Recruiters stop replying after the first call.")
    for _ in range(2):  # update, challenge: on to the brainstorm
        live.phase_next(roundtable=rt, by=rosa)
    live.suggestion_add(turn=turn, by=ben, text="Ask for the next step before the call ends.")
    live.commitment_add(turn=turn, by=ann, text="Send three follow-ups this week.")
    ended = started("Room that has ended")
    rt = live.roundtable_open(meeting=ended, by=rosa)
    for user in (ann, ben):
        live.participant_join(roundtable=rt, user=user)
    rt = live.roundtable_start(roundtable=rt, by=rosa)
    assert rt.current_turn is not None
    for _ in range(2):
        live.phase_next(roundtable=rt, by=rosa)
    live.suggestion_add(turn=rt.current_turn, by=ben, text="Try a warm introduction.")
    live.roundtable_end(roundtable=Roundtable.objects.get(pk=rt.pk), by=rosa)
    questions = started("Questions for the speaker", group=speakers)
    rt = live.roundtable_open(meeting=questions, by=rosa)
    live.participant_join(roundtable=rt, user=ann)
    rt = live.roundtable_start(roundtable=rt, by=rosa)
    live.question_raise(roundtable=rt, by=ann, text="How long should the About section be?")
    HistorySharing.objects.create(user=ann, share_with_facilitators=True)
    w.meetings = {
        "full": full, "talk": talk_meeting, "past": past, "cancelled": cancelled, "waiting": waiting,
        "unopened": unopened, "lobby": lobby, "running": running, "ended": ended, "questions": questions,
    }  # fmt: skip

    # allauth: an address to confirm, a password to reset, an API token to list.
    unconfirmed = UserFactory(email="eve@example.com", name="Eve Evans")
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)
    w.confirm_key = EmailConfirmationHMAC(EmailAddress.objects.get(user=unconfirmed)).key
    w.reset_key = {"uidb36": user_pk_to_url_str(cat), "key": default_token_generator.make_token(cat)}
    w.token_id = api_token_create(user=rosa, name="My calendar sync")[0].pk
    # Rosa blocked two people (the list, and Unblock with the longest name on a phone).
    blocks.block_create(blocker=rosa, blocked=unconfirmed)
    blocks.block_create(blocker=rosa, blocked=dan)
    calendar_feed_create(user=rosa)
    w.tracker = build_tracker(ann, past)
    buddies_sweep_world(ann, ben, rosa, w.groups["strategic"])
    w.stories = build_stories(nia, ann)
    w.speakers = build_speakers(w)
    assert Membership.objects.filter(user=nia).count() == 0
    w.introduction = build_network(w)
    build_safety(w)
    return w


def build_safety(w: World) -> None:
    """Reports for the moderation pages: Ann reports Ben's story in the strategic group (Rosa's
    queue) and Dan (the operators'); Rosa warned Ben and hid a story of his (the logs)."""
    from roundtable.safety import services as safety
    from roundtable.stories import services as stories

    ann, ben, dan, rosa, sam = (w.users[k] for k in ("ann", "ben", "dan", "rosa", "sam"))
    # A story follows "I landed" (stories.services.story_create).
    Landing.objects.create(owner=ben, company_name="Globex", role="Analyst", source="networking",
                           landed_on=timezone.now().date() - timedelta(days=2))  # fmt: skip
    story = stories.story_create(author=ben, data=stories.StoryData(
        title="Landed through the group", what_worked="A member's introduction.", audience="members",
        group=w.groups["strategic"],
    ))  # fmt: skip
    hidden = stories.story_create(author=ben, data=stories.StoryData(
        title="Buy my course", what_worked="Buy it.", audience="members", group=w.groups["strategic"],
    ))  # fmt: skip
    safety.report_create(reporter=ann, kind="story", ref=story.public_id, reason="off_topic", details="An advert.")
    safety.report_create(reporter=ann, kind="person", ref=dan.public_id, reason="harassment", details="Messages.")
    safety.member_warn(group=w.groups["strategic"], person=ben, by=rosa, reason="Please keep it on topic.")
    safety.content_hide(by=rosa, kind="story", ref=hidden.public_id, reason="An advert")
    safety.member_warn(group=None, person=dan, by=sam, reason="Be kind in messages.")


def build_network(w: World) -> str:
    """Who to meet at the full meeting for Ann (Ben works where she wants a role), and Ann's
    ask to meet Ben through Rosa, waiting for Rosa's answer."""
    from roundtable.accounts.models import Profile
    from roundtable.network.services import introduction_ask

    Profile.objects.filter(user=w.users["ann"]).update(target_companies="Northwind Health", target_roles="Analyst")
    Profile.objects.filter(user=w.users["ben"]).update(
        current_company="Northwind Health", past_companies="Contoso Learning", target_roles="Analyst"
    )
    intro = introduction_ask(
        asker=w.users["ann"], group=w.groups["strategic"], introducer=w.users["rosa"], target=w.users["ben"],
        note="I'd like to hear how Northwind hires analysts.",
    )  # fmt: skip
    return intro.public_id


def build_tracker(ann: User, met_at: Meeting) -> dict[str, str]:
    """Ann's job search: contacts, opportunities in several stages, a week of activities, a
    target, tasks (one overdue). The newcomer has none: the tracker's empty states."""
    from roundtable.tracker import services as tracker
    from roundtable.tracker.selectors import today_for

    # Ann's today, where she lives (the tracker refuses an application dated after it): the
    # site's date runs ahead of hers for a few hours after midnight UTC.
    today = today_for(ann)
    dana = tracker.contact_create(owner=ann, data=tracker.ContactData(
        name="Dana Ortiz", company_name="Northwind Health", role="Director of Product", email="dana@example.com",
        how_met="Speaker at LinkedIn Speakers Night", next_touch_on=today, notes="Said to write after the launch.",
    ))  # fmt: skip
    tracker.contact_create(owner=ann, data=tracker.ContactData(name="Li Wei", company_name="Contoso Learning"))
    opp = tracker.opportunity_create(owner=ann, data=tracker.OpportunityData(
        company_name="Northwind Health", role="Product analyst", stage="applied", source="referral",
        link="https://jobs.example.com/northwind/product-analyst",
    ))  # fmt: skip
    tracker.opportunity_move(opportunity=opp, stage="interviewing")
    tracker.opportunity_create(owner=ann, data=tracker.OpportunityData(company_name="Contoso Learning",
                                                                       role="UX researcher"))  # fmt: skip
    activity = tracker.activity_create(owner=ann, data=tracker.ActivityData(
        kind="conversation", occurred_on=today, contact=dana, note="Coffee: she will introduce me to her team.",
        meeting=met_at,
    ))  # fmt: skip
    tracker.activity_create(owner=ann, data=tracker.ActivityData(kind="application", occurred_on=today,
                                                                 opportunity=opp))  # fmt: skip
    tracker.targets_set(owner=ann, per_week={"outreach": 10, "conversation": 3, "application": 2})
    task = tracker.task_create(owner=ann, title="Thank Dana for the coffee", due_on=today - timedelta(days=1),
                               contact=dana)  # fmt: skip
    tracker.task_create(owner=ann, title="Update the resume for Northwind", due_on=today + timedelta(days=3))
    return {"contact": dana.public_id, "company": dana.company.public_id, "opportunity": opp.public_id,
            "activity": activity.public_id, "task": task.public_id}  # fmt: skip


def build_stories(nia: User, ann: User) -> dict[str, str]:
    """The newcomer's landed story (public, anonymous) and Ann's lesson, found by her challenge."""
    from roundtable.stories import services as stories

    story = stories.story_create(author=nia, data=stories.StoryData(
        title="Three months, one warm introduction", what_worked="A warm introduction from a former colleague.",
        what_did_not="Cold applications.", advice="Follow up after every phone screen.", audience="public",
        anonymous=True,
    ))  # fmt: skip
    lesson = stories.lesson_create(author=ann, data=stories.LessonData(
        text="Recruiters reply when you follow up the same day.", audience="public",
    ))  # fmt: skip
    return {"story": story.public_id, "lesson": lesson.public_id}


def build_speakers(w: World) -> dict[str, str]:
    """Experts: Ben (in person and online, a past talk with slides at the speakers group) and
    Ann (online; Rosa's invitation to her waits for an answer); Cat declined one. The newcomer
    has no expert profile: the volunteer form's first state."""
    from roundtable.speakers import services as speakers

    ann, ben, cat, rosa = (w.users[k] for k in ("ann", "ben", "cat", "rosa"))
    speakers_group = w.groups["speakers"]
    b = speakers.expert_save(
        user=ben,
        data=speakers.ExpertData(
            bio="Recruiter for twelve years, now coaching people back into work.",
            speaks_about="How recruiters search LinkedIn, and what a profile needs to show up.",
            topics=("LinkedIn", "Interviewing"),
            in_person=True,
            region="Boston, MA",
        ),
    )
    start = timezone.now() - timedelta(days=30)
    old = MeetingFactory(
        group=speakers_group, title="Winter speaker night", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    TalkFactory(
        meeting=old,
        speaker=ben,
        speaker_name="Ben Brooks",
        title="Found in the search",
        abstract="What recruiters type, and what they see first.",
        slides_url="https://slides.example.org/found",
    )
    a = speakers.expert_save(
        user=ann,
        data=speakers.ExpertData(
            bio="Data analyst moving into product.",
            speaks_about="Spreadsheets that keep a job search on track.",
            topics=("Job search strategy",),
        ),
    )
    c = speakers.expert_save(
        user=cat,
        data=speakers.ExpertData(
            bio="Nurse turned health-tech analyst.", speaks_about="Career change into health tech."
        ),
    )
    pending = speakers.invitation_create(
        by=rosa,
        expert=a,
        group=speakers_group,
        proposed_on=timezone.now().date() + timedelta(days=40),
        topic=a.topics.first(),
        note="Our members keep asking how to organise a search.",
    )
    answered = speakers.invitation_create(
        by=rosa, expert=c, group=speakers_group, proposed_on=timezone.now().date() + timedelta(days=50)
    )
    speakers.invitation_decline(by=cat, invitation=answered, note="Travelling that month, sorry.")
    return {"ben": b.public_id, "ann": a.public_id, "pending": pending.public_id, "answered": answered.public_id}


# ---------------------------------------------------------------------------- the list


def _tracker_list(name: str) -> Callable[[World], list[Visit]]:
    """A tracker list: full for Ann, its empty state for the newcomer."""
    return lambda w: [
        Visit(f"tracker:{name}", "full", reverse(f"tracker:{name}"), (MEMBER,)),
        Visit(f"tracker:{name}", "empty", reverse(f"tracker:{name}"), (NEWCOMER,)),
    ]


def _tracker_row(name: str, key: str) -> Callable[[World], list[Visit]]:
    """A page of one of Ann's tracker rows."""
    return lambda w: [Visit(f"tracker:{name}", "default", reverse(f"tracker:{name}", args=[w.tracker[key]]), (MEMBER,))]


# A route's states, from the world. Keys are URL names as `reverse` takes them.
PAGES: dict[str, Callable[[World], list[Visit]]] = {
    "home": lambda w: [Visit("home", "default", _url("home"), (*EVERYONE, NEWCOMER, STAFF))],
    "contact": lambda w: [Visit("contact", "default", _url("contact"), (ANONYMOUS, MEMBER))],
    "privacy": lambda w: [Visit("privacy", "default", _url("privacy"), (ANONYMOUS, MEMBER))],
    "terms": lambda w: [Visit("terms", "default", _url("terms"), (ANONYMOUS,))],
    "code_of_conduct": lambda w: [Visit("code_of_conduct", "default", _url("code_of_conduct"), (ANONYMOUS, MEMBER))],
    "groups:rules": lambda w: [
        Visit("groups:rules", "accepted", _url("groups:rules", w.groups["strategic"]), SIGNED_IN),
        Visit("groups:rules", "to-accept", _url("groups:rules", w.groups["changed"]), (MEMBER,)),
        Visit(
            "groups:rules",
            "before-the-room",
            _url("groups:rules", w.groups["changed"]) + "?room=1&next=" + _url("groups:detail", w.groups["changed"]),
            (MEMBER,),
        ),
    ],
    "groups:discover": lambda w: [
        Visit("groups:discover", "full", _url("groups:discover"), EVERYONE),
        Visit("groups:discover", "empty", _url("groups:discover") + "?q=zebra+xylophone", (ANONYMOUS,)),
        Visit("groups:discover", "error", _url("groups:discover") + "?near=02139&radius=0", (ANONYMOUS,), status=400),
    ],
    "groups:create": lambda w: [
        Visit("groups:create", "choose", _url("groups:create"), (MEMBER,)),
        Visit("groups:create", "form", _url("groups:create") + "?kind=strategic", (MEMBER,)),
        Visit(
            "groups:create",
            "error",
            _url("groups:create") + "?kind=speakers",
            (MEMBER,),
            submit={"name": ""},
            status=400,
        ),
    ],
    "groups:mine": lambda w: [
        Visit("groups:mine", "full", _url("groups:mine"), SIGNED_IN),
        Visit("groups:mine", "empty", _url("groups:mine"), (NEWCOMER,)),
    ],
    "groups:invite": lambda w: [
        Visit("groups:invite", "valid", _url("groups:invite", token=w.invite_token), (ANONYMOUS, MEMBER)),
        Visit("groups:invite", "bad-link", _url("groups:invite", token="inv_not-a-real-one"), (ANONYMOUS,), status=404),
    ],
    "groups:detail": lambda w: [
        Visit("groups:detail", "full", _url("groups:detail", w.groups["strategic"]), EVERYONE),
        Visit("groups:detail", "speakers", _url("groups:detail", w.groups["speakers"]), EVERYONE),
        Visit("groups:detail", "empty", _url("groups:detail", w.groups["empty"]), (ANONYMOUS, FACILITATOR)),
        Visit("groups:detail", "approval", _url("groups:detail", w.groups["approval"]), (ANONYMOUS, MEMBER)),
        # Issue 12: joining shows the rules with "I accept"; changed rules ask a member again.
        Visit("groups:detail", "join-with-rules", _url("groups:detail", w.groups["strategic"]), (NEWCOMER,)),
        Visit(
            "groups:detail",
            "rules-not-ticked",
            _url("groups:detail", w.groups["strategic"]),
            (NEWCOMER,),
            submit={"accept_rules": ""},  # the box left unticked
            form="form[action$='/join/']",
            status=400,
        ),
        Visit("groups:detail", "rules-changed", _url("groups:detail", w.groups["changed"]), (MEMBER,)),
        Visit(
            "groups:detail",
            "error",
            _url("groups:detail", w.groups["approval"]),
            (MEMBER,),
            submit={"answer": ""},
            form="form[action$='/join/']",
            status=400,
        ),
    ],
    "groups:members": lambda w: [
        Visit("groups:members", "full", _url("groups:members", w.groups["strategic"]), SIGNED_IN),
        Visit("groups:members", "hidden", _url("groups:members", w.groups["strategic"]), (ANONYMOUS,), status=403),
        Visit("groups:members", "pseudonyms", _url("groups:members", w.groups["changed"]), SIGNED_IN),
    ],
    "groups:appearance": lambda w: [
        Visit("groups:appearance", "pseudonym", _url("groups:appearance", w.groups["changed"]), (MEMBER,)),
        Visit("groups:appearance", "profile-name", _url("groups:appearance", w.groups["changed"]), (FACILITATOR,)),
        Visit("groups:appearance", "not-offered", _url("groups:appearance", w.groups["strategic"]), (MEMBER,)),
        Visit(
            "groups:appearance",
            "error",
            _url("groups:appearance", w.groups["changed"]),
            (MEMBER,),
            submit={"pseudonym": "!!!"},
            status=400,
        ),
    ],
    "groups:dashboard": lambda w: [
        Visit("groups:dashboard", "full", _url("groups:dashboard", w.groups["approval"]), (FACILITATOR,)),
        Visit("groups:dashboard", "empty", _url("groups:dashboard", w.groups["empty"]), (FACILITATOR,)),
    ],
    "groups:leave": lambda w: [
        Visit("groups:leave", "member", _url("groups:leave", w.groups["strategic"]), (MEMBER,)),
        Visit("groups:leave", "only-facilitator", _url("groups:leave", w.groups["strategic"]), (FACILITATOR,)),
        Visit("groups:leave", "nobody-to-hand-to", _url("groups:leave", w.groups["empty"]), (FACILITATOR,)),
        Visit(
            "groups:leave",
            "error",
            _url("groups:leave", w.groups["empty"]),
            (FACILITATOR,),
            submit={"then": "hand_over"},
            status=409,
        ),
    ],
    "groups:hand_over": lambda w: [
        Visit("groups:hand_over", "choose", _url("groups:hand_over", w.groups["strategic"]), (FACILITATOR,)),
        Visit("groups:hand_over", "nobody", _url("groups:hand_over", w.groups["empty"]), (FACILITATOR,)),
    ],
    "groups:archive": lambda w: [
        Visit("groups:archive", "confirm", _url("groups:archive", w.groups["strategic"]), (FACILITATOR,)),
    ],
    "groups:decide": lambda w: [
        Visit(
            "groups:decide",
            "confirm",
            _url("groups:decide", w.memberships["request"]) + "?action=decline",
            (FACILITATOR,),
        ),
    ],
    "groups:member_action": lambda w: [
        Visit(
            "groups:member_action",
            "confirm",
            _url("groups:member_action", w.memberships["strategic-cat"]) + "?action=ban",
            (FACILITATOR,),
        ),
    ],
    "groups:invite_revoke": lambda w: [
        Visit("groups:invite_revoke", "confirm", _url("groups:invite_revoke", w.invite), (FACILITATOR,)),
    ],
    "groups:edit": lambda w: [
        Visit("groups:edit", "form", _url("groups:edit", w.groups["strategic"]), (FACILITATOR,)),
        Visit(
            "groups:edit",
            "error",
            _url("groups:edit", w.groups["strategic"]),
            (FACILITATOR,),
            submit={"name": ""},
            status=400,
        ),
    ],
    "meetings:create": lambda w: [
        Visit("meetings:create", "form", _url("meetings:create", w.groups["speakers"]), (FACILITATOR,)),
        Visit(
            "meetings:create",
            "error",
            _url("meetings:create", w.groups["strategic"]),
            (FACILITATOR,),
            submit={"title": "", "date": "not a date"},
            status=400,
        ),
    ],
    "meetings:detail": lambda w: [
        Visit("meetings:detail", "full", _url("meetings:detail", w.meetings["full"]), EVERYONE),
        Visit("meetings:detail", "talk", _url("meetings:detail", w.meetings["talk"]), EVERYONE),
        Visit("meetings:detail", "waitlisted", _url("meetings:detail", w.meetings["waiting"]), (MEMBER,)),
        Visit("meetings:detail", "past", _url("meetings:detail", w.meetings["past"]), SIGNED_IN),
        Visit("meetings:detail", "cancelled", _url("meetings:detail", w.meetings["cancelled"]), SIGNED_IN),
        Visit("meetings:detail", "not-a-member", _url("meetings:detail", w.meetings["talk"]), (NEWCOMER,)),
    ],
    "journal:goal": lambda w: [
        Visit("journal:goal", "form", _url("journal:goal", w.meetings["talk"]), (MEMBER,)),
        Visit("journal:goal", "not-going", _url("journal:goal", w.meetings["full"]), (FACILITATOR,)),
        Visit(
            "journal:goal",
            "error",
            _url("journal:goal", w.meetings["talk"]),
            (MEMBER,),
            submit={"note": "x" * 301},
            status=400,
        ),
    ],
    "journal:reflection": lambda w: [
        Visit("journal:reflection", "form", _url("journal:reflection", w.meetings["past"]), (MEMBER,)),
        Visit(
            "journal:reflection",
            "error",
            _url("journal:reflection", w.meetings["past"]),
            (MEMBER,),
            submit={"value": ""},
            status=400,
        ),
    ],
    "buddies:home": lambda w: [
        Visit("buddies:home", "paired", _url("buddies:home"), (MEMBER,)),
        Visit("buddies:home", "waiting", _url("buddies:home"), (FACILITATOR,)),
        Visit("buddies:home", "empty", _url("buddies:home"), (NEWCOMER,)),
        Visit(
            "buddies:home",
            "error",
            _url("buddies:home"),
            (MEMBER,),
            submit={"commitments": ""},
            form="main form[action$='/checkin/']",
            status=400,
        ),
    ],
    "buddies:group_pool": lambda w: [
        Visit("buddies:group_pool", "default", _url("buddies:group_pool", w.groups["strategic"]), (FACILITATOR,))
    ],
    "journal:journal": lambda w: [Visit("journal:journal", "default", _url("journal:journal"), (MEMBER, NEWCOMER))],
    "journal:insights": lambda w: [
        Visit("journal:insights", "default", _url("journal:insights"), (MEMBER,)),
        Visit("journal:insights", "empty", _url("journal:insights"), (NEWCOMER,)),
    ],
    "journal:landed": lambda w: [
        Visit("journal:landed", "form", _url("journal:landed"), (MEMBER,)),
        Visit("journal:landed", "error", _url("journal:landed"), (MEMBER,), submit={"company_name": ""}, status=400),
    ],
    "speakers:directory": lambda w: [
        Visit("speakers:directory", "full", _url("speakers:directory"), EVERYONE),
        Visit("speakers:directory", "empty", _url("speakers:directory") + "?q=zebra+xylophone", (ANONYMOUS,)),
        Visit("speakers:directory", "error", _url("speakers:directory") + "?format=pigeon", (ANONYMOUS,), status=400),
    ],
    "speakers:expert": lambda w: [
        Visit("speakers:expert", "default", reverse("speakers:expert", args=[w.speakers["ben"]]), EVERYONE),
        Visit("speakers:expert", "own", reverse("speakers:expert", args=[w.speakers["ann"]]), (MEMBER,)),
    ],
    "speakers:volunteer": lambda w: [
        Visit("speakers:volunteer", "new", _url("speakers:volunteer"), (NEWCOMER,)),
        Visit("speakers:volunteer", "edit", _url("speakers:volunteer"), (MEMBER,)),
        Visit("speakers:volunteer", "error", _url("speakers:volunteer"), (NEWCOMER,), submit={"bio": ""}, status=400),
    ],
    "speakers:invite": lambda w: [
        Visit("speakers:invite", "form", reverse("speakers:invite", args=[w.speakers["ben"]]), (FACILITATOR,)),
        Visit(
            "speakers:invite",
            "error",
            reverse("speakers:invite", args=[w.speakers["ben"]]),
            (FACILITATOR,),
            submit={"proposed_on": "9999-12-31"},
            status=400,
        ),
    ],
    "speakers:invitations": lambda w: [
        Visit("speakers:invitations", "full", _url("speakers:invitations"), (MEMBER, FACILITATOR)),
        Visit("speakers:invitations", "empty", _url("speakers:invitations"), (NEWCOMER,)),
    ],
    "speakers:invitation": lambda w: [
        Visit(
            "speakers:invitation",
            "pending",
            reverse("speakers:invitation", args=[w.speakers["pending"]]),
            (MEMBER, FACILITATOR),
        ),
        Visit(
            "speakers:invitation",
            "answered",
            reverse("speakers:invitation", args=[w.speakers["answered"]]),
            (FACILITATOR,),
        ),
    ],
    "journal:landed_done": lambda w: [
        Visit("journal:landed_done", "default", _url("journal:landed_done"), (NEWCOMER,))
    ],
    "journal:health": lambda w: [
        Visit("journal:health", "default", _url("journal:health", w.groups["strategic"]), (FACILITATOR,)),
        Visit("journal:health", "empty", _url("journal:health", w.groups["empty"]), (FACILITATOR,)),
    ],
    "meetings:edit": lambda w: [
        Visit("meetings:edit", "form", _url("meetings:edit", w.meetings["talk"]), (FACILITATOR,)),
        Visit(
            "meetings:edit",
            "error",
            _url("meetings:edit", w.meetings["full"]),
            (FACILITATOR,),
            submit={"title": ""},
            status=400,
        ),
    ],
    "meetings:cancel": lambda w: [
        Visit("meetings:cancel", "confirm", _url("meetings:cancel", w.meetings["full"]), (FACILITATOR,)),
    ],
    "meetings:agenda": lambda w: [
        Visit("meetings:agenda", "list", _url("meetings:agenda"), SIGNED_IN),
        Visit("meetings:agenda", "week", _url("meetings:agenda") + "?view=week", (MEMBER,)),
        Visit("meetings:agenda", "month", _url("meetings:agenda") + "?view=month", (MEMBER,)),
        Visit("meetings:agenda", "empty", _url("meetings:agenda"), (NEWCOMER,)),
    ],
    "meetings:talks": lambda w: [
        Visit("meetings:talks", "full", _url("meetings:talks"), (ANONYMOUS, MEMBER)),
        Visit("meetings:talks", "empty", _url("meetings:talks") + "?topic=no-such-topic", (ANONYMOUS,)),
        Visit("meetings:talks", "error", _url("meetings:talks") + "?near=zzqx+nowhere", (ANONYMOUS,), status=400),
    ],
    "feeds:mine": lambda w: [
        Visit("feeds:mine", "default", _url("feeds:mine"), SIGNED_IN),
        Visit("feeds:mine", "confirm-revoke", _url("feeds:mine") + "?confirm=revoke_feed", (FACILITATOR,)),
    ],
    "accounts:token_revoke": lambda w: [
        Visit("accounts:token_revoke", "confirm", reverse("accounts:token_revoke", args=[w.token_id]), (FACILITATOR,)),
    ],
    "accounts:block": lambda w: [
        Visit("accounts:block", "confirm", _url("accounts:block", w.users["ben"]), (MEMBER,)),
    ],
    "accounts:unblock": lambda w: [
        Visit("accounts:unblock", "confirm", _url("accounts:unblock", w.users["dan"]), (FACILITATOR,)),
    ],
    "safety:report": lambda w: [
        Visit(
            "safety:report", "form", _url("safety:report") + f"?kind=person&ref={w.users['ben'].public_id}", (MEMBER,)
        ),
        Visit(
            "safety:report",
            "error",
            _url("safety:report") + f"?kind=person&ref={w.users['ben'].public_id}",
            (MEMBER,),
            submit={"reason": "other", "details": ""},
            status=400,
        ),
    ],
    "safety:my_reports": lambda w: [
        Visit("safety:my_reports", "full", _url("safety:my_reports"), (MEMBER,)),
        Visit("safety:my_reports", "empty", _url("safety:my_reports"), (NEWCOMER,)),
    ],
    "safety:queue": lambda w: [
        Visit("safety:queue", "full", _url("safety:queue", w.groups["strategic"]), (FACILITATOR,)),
        Visit("safety:queue", "empty", _url("safety:queue", w.groups["speakers"]), (FACILITATOR,)),
    ],
    "safety:person": lambda w: [
        Visit(
            "safety:person", "form", _url("safety:person", w.groups["strategic"], user=w.users["ben"]), (FACILITATOR,)
        ),
        Visit(
            "safety:person",
            "error",
            _url("safety:person", w.groups["strategic"], user=w.users["ben"]),
            (FACILITATOR,),
            submit={"action": "warn", "reason": ""},
            status=400,
        ),
    ],
    "safety:operators": lambda w: [Visit("safety:operators", "full", _url("safety:operators"), (STAFF,))],
    "safety:audit": lambda w: [
        Visit("safety:audit", "full", _url("safety:audit"), (STAFF,)),
        Visit("safety:audit", "empty", _url("safety:audit") + "?action=nothing.here", (STAFF,)),
        Visit("safety:audit", "error", _url("safety:audit") + "?since=someday", (STAFF,), status=400),
    ],
    "safety:operator_person": lambda w: [
        Visit("safety:operator_person", "form", _url("safety:operator_person", w.users["dan"]), (STAFF,)),
    ],
    "accounts:blocked": lambda w: [
        Visit("accounts:blocked", "empty", _url("accounts:blocked"), (MEMBER,)),
        Visit("accounts:blocked", "full", _url("accounts:blocked"), (FACILITATOR,)),
    ],
    "accounts:profile_edit": lambda w: [
        Visit("accounts:profile_edit", "full", _url("accounts:profile_edit"), (MEMBER,)),
        Visit("accounts:profile_edit", "empty", _url("accounts:profile_edit"), (NEWCOMER,)),
        Visit(
            "accounts:profile_edit",
            "error",
            _url("accounts:profile_edit"),
            (MEMBER,),
            submit={"display_name": "", "time_zone": "Not/AZone"},
            status=400,
        ),
    ],
    "accounts:profile": lambda w: [
        Visit("accounts:profile", "full", _url("accounts:profile", w.users["ann"]), EVERYONE),
        Visit("accounts:profile", "empty", _url("accounts:profile", w.users["nia"]), (ANONYMOUS, NEWCOMER)),
    ],
    "accounts:security": lambda w: [Visit("accounts:security", "default", _url("accounts:security"), (MEMBER,))],
    "usersessions_list": lambda w: [Visit("usersessions_list", "default", _url("usersessions_list"), (MEMBER,))],
    "mfa_index": lambda w: [Visit("mfa_index", "off", _url("mfa_index"), (MEMBER,))],
    "mfa_activate_totp": lambda w: [Visit("mfa_activate_totp", "form", _url("mfa_activate_totp"), (MEMBER,))],
    "mfa_list_webauthn": lambda w: [Visit("mfa_list_webauthn", "empty", _url("mfa_list_webauthn"), (MEMBER,))],
    "mfa_add_webauthn": lambda w: [Visit("mfa_add_webauthn", "form", _url("mfa_add_webauthn"), (MEMBER,))],
    "privacy:data": lambda w: [Visit("privacy:data", "default", _url("privacy:data"), (MEMBER, FACILITATOR))],
    "privacy:summary": lambda w: [Visit("privacy:summary", "full", _url("privacy:summary"), (FACILITATOR,))],
    "privacy:deleted": lambda w: [Visit("privacy:deleted", "default", _url("privacy:deleted"), (ANONYMOUS,))],
    "accounts:tokens": lambda w: [
        Visit("accounts:tokens", "empty", _url("accounts:tokens"), (MEMBER,)),
        Visit("accounts:tokens", "full", _url("accounts:tokens"), (FACILITATOR,)),
        Visit("accounts:tokens", "error", _url("accounts:tokens"), (MEMBER,), submit={"name": ""}, status=400),
    ],
    "live:room": lambda w: [
        Visit("live:room", "not-open", _url("live:room", w.meetings["unopened"]), SIGNED_IN),
        Visit("live:room", "before", _url("live:room", w.meetings["lobby"]), SIGNED_IN, ready=CONNECTED),
        Visit("live:room", "during", _url("live:room", w.meetings["running"]), SIGNED_IN, ready=CONNECTED),
        Visit("live:room", "after", _url("live:room", w.meetings["ended"]), SIGNED_IN),
        Visit(
            "live:room",
            "questions",
            _url("live:room", w.meetings["questions"]),
            SIGNED_IN,
            ready=CONNECTED,
        ),
    ],
    "live:display": lambda w: [
        Visit("live:display", "before", _url("live:display", w.meetings["lobby"]), SIGNED_IN, ready=CONNECTED),
        Visit("live:display", "during", _url("live:display", w.meetings["running"]), SIGNED_IN, ready=CONNECTED),
        Visit("live:display", "after", _url("live:display", w.meetings["ended"]), SIGNED_IN),
    ],
    "live:summary": lambda w: [
        Visit("live:summary", "during", _url("live:summary", w.meetings["running"]), (MEMBER,)),
        Visit("live:summary", "after", _url("live:summary", w.meetings["ended"]), SIGNED_IN),
    ],
    "live:my_history": lambda w: [
        Visit("live:my_history", "full", _url("live:my_history"), (MEMBER,)),
        Visit("live:my_history", "empty", _url("live:my_history"), (NEWCOMER,)),
    ],
    "live:member_history": lambda w: [
        Visit(
            "live:member_history",
            "full",
            _url("live:member_history", w.groups["strategic"], user=w.users["ann"]),
            (FACILITATOR,),
        ),
    ],
    **{
        f"tracker:{name}": _tracker_list(name)
        for name in ("home", "contacts", "companies", "board", "activities", "tasks")
    },
    **{
        f"tracker:{name}": _tracker_row(name, name.split("_")[0])
        for name in (
            "contact",
            "contact_edit",
            "contact_delete",
            "company",
            "company_edit",
            "company_delete",
            "opportunity",
            "opportunity_edit",
            "opportunity_delete",
            "activity_edit",
            "activity_delete",
            "task_edit",
            "task_delete",
        )
    },
    "tracker:contact_new": lambda w: [
        Visit("tracker:contact_new", "form", reverse("tracker:contact_new"), (MEMBER,)),
        Visit(
            "tracker:contact_new",
            "error",
            reverse("tracker:contact_new"),
            (MEMBER,),
            submit={"name": "", "email": "not an address", "next_touch_on": "9999-01-01"},
            status=400,
        ),
    ],
    "tracker:company_new": lambda w: [
        Visit("tracker:company_new", "form", reverse("tracker:company_new"), (MEMBER,)),
        Visit(
            "tracker:company_new",
            "error",
            reverse("tracker:company_new"),
            (MEMBER,),
            submit={"name": "Northwind Health"},
            status=400,
        ),
    ],
    "tracker:opportunity_new": lambda w: [
        Visit("tracker:opportunity_new", "form", reverse("tracker:opportunity_new"), (MEMBER,)),
        Visit(
            "tracker:opportunity_new",
            "error",
            reverse("tracker:opportunity_new"),
            (MEMBER,),
            submit={"company": "", "role": ""},
            status=400,
        ),
    ],
    "tracker:activity_new": lambda w: [
        Visit("tracker:activity_new", "form", reverse("tracker:activity_new"), (MEMBER, NEWCOMER)),
        Visit(
            "tracker:activity_new",
            "error",
            reverse("tracker:activity_new"),
            (MEMBER,),
            submit={"kind": "application", "start_time": "10:00", "day": "3000-01-01"},
            status=400,
        ),
    ],
    "tracker:targets": lambda w: [
        Visit("tracker:targets", "form", reverse("tracker:targets"), (MEMBER, NEWCOMER)),
        Visit("tracker:targets", "error", reverse("tracker:targets"), (MEMBER,), submit={"outreach": "-3"}, status=400),
    ],
    "tracker:import": lambda w: [
        Visit("tracker:import", "form", reverse("tracker:import"), (MEMBER,)),
        Visit("tracker:import", "error", reverse("tracker:import"), (MEMBER,), submit={"kind": "contacts"}, status=400),
    ],
    "tracker:export": lambda w: [Visit("tracker:export", "default", reverse("tracker:export"), (MEMBER,))],
    "stories:list": lambda w: [
        Visit("stories:list", "full", _url("stories:list"), (*EVERYONE, NEWCOMER)),
        Visit("stories:list", "filtered-empty", _url("stories:list") + "?channel=recruiter", (MEMBER,)),
    ],
    "stories:new": lambda w: [
        Visit("stories:new", "form", _url("stories:new"), (NEWCOMER,)),
        Visit("stories:new", "error", _url("stories:new"), (NEWCOMER,), submit={"title": ""}, status=400),
        Visit("stories:new", "not-landed", _url("stories:new"), (MEMBER,)),
    ],
    "stories:story": lambda w: [
        Visit("stories:story", "default", reverse("stories:story", args=[w.stories["story"]]), (*EVERYONE, NEWCOMER)),
    ],
    "stories:story_edit": lambda w: [
        Visit("stories:story_edit", "form", reverse("stories:story_edit", args=[w.stories["story"]]), (NEWCOMER,)),
    ],
    "stories:story_delete": lambda w: [
        Visit(
            "stories:story_delete", "confirm", reverse("stories:story_delete", args=[w.stories["story"]]), (NEWCOMER,)
        ),
    ],
    "stories:lessons": lambda w: [Visit("stories:lessons", "full", _url("stories:lessons"), (*EVERYONE, NEWCOMER))],
    "stories:lesson_new": lambda w: [
        Visit("stories:lesson_new", "form", _url("stories:lesson_new"), (MEMBER,)),
        Visit("stories:lesson_new", "error", _url("stories:lesson_new"), (MEMBER,), submit={"text": ""}, status=400),
    ],
    "stories:lesson_edit": lambda w: [
        Visit("stories:lesson_edit", "form", reverse("stories:lesson_edit", args=[w.stories["lesson"]]), (MEMBER,)),
    ],
    "stories:lesson_delete": lambda w: [
        Visit(
            "stories:lesson_delete", "confirm", reverse("stories:lesson_delete", args=[w.stories["lesson"]]), (MEMBER,)
        ),
    ],
    "stories:like_yours": lambda w: [
        Visit("stories:like_yours", "empty", _url("stories:like_yours"), SIGNED_IN),
        Visit("stories:like_yours", "results", _url("stories:like_yours") + "?text=recruiters+follow+up", (NEWCOMER,)),
    ],
    "notifications:inbox": lambda w: [
        Visit("notifications:inbox", "empty", reverse("notifications:inbox"), (NEWCOMER, MEMBER)),
    ],
    "notifications:preferences": lambda w: [
        Visit("notifications:preferences", "default", reverse("notifications:preferences"), (MEMBER,)),
    ],
    "notifications:unsubscribe": lambda w: [
        Visit(
            "notifications:unsubscribe",
            "bad-link",
            reverse("notifications:unsubscribe", args=["not-a-token"]),
            (ANONYMOUS,),
            status=404,
        ),
    ],
    "api:openapi-view": lambda w: [Visit("api:openapi-view", "default", _url("api:openapi-view"), (ANONYMOUS,))],
    # allauth's pages, in the site's layout.
    "account_login": lambda w: [
        Visit("account_login", "form", _url("account_login"), (ANONYMOUS,)),
        Visit(
            "account_login",
            "error",
            _url("account_login"),
            (ANONYMOUS,),
            submit={"login": "nobody@example.com", "password": "wrong-password-1"},
        ),
    ],
    "account_signup": lambda w: [
        Visit("account_signup", "form", _url("account_signup"), (ANONYMOUS,)),
        Visit(
            "account_signup",
            "error",
            _url("account_signup"),
            (ANONYMOUS,),
            submit={"email": "not-an-address", "password1": "short", "password2": "other"},
        ),
    ],
    "account_logout": lambda w: [Visit("account_logout", "confirm", _url("account_logout"), (MEMBER,))],
    "account_inactive": lambda w: [Visit("account_inactive", "default", _url("account_inactive"), (ANONYMOUS,))],
    "account_reauthenticate": lambda w: [
        Visit("account_reauthenticate", "form", _url("account_reauthenticate"), (MEMBER,)),
    ],
    "account_email": lambda w: [Visit("account_email", "default", _url("account_email"), (MEMBER,))],
    "account_email_verification_sent": lambda w: [
        Visit("account_email_verification_sent", "default", _url("account_email_verification_sent"), (ANONYMOUS,)),
    ],
    "account_confirm_email": lambda w: [
        Visit("account_confirm_email", "valid", _url("account_confirm_email", key=w.confirm_key), (ANONYMOUS,)),
        Visit("account_confirm_email", "bad-link", _url("account_confirm_email", key="not-a-key"), (ANONYMOUS,)),
    ],
    "account_change_password": lambda w: [
        Visit("account_change_password", "form", _url("account_change_password"), (MEMBER,)),
        Visit(
            "account_change_password",
            "error",
            _url("account_change_password"),
            (MEMBER,),
            submit={"oldpassword": "wrong-password-1", "password1": "short", "password2": "other"},
        ),
    ],
    "account_reset_password": lambda w: [
        Visit("account_reset_password", "form", _url("account_reset_password"), (ANONYMOUS,)),
        Visit("account_reset_password", "error", _url("account_reset_password"), (ANONYMOUS,), submit={"email": "x"}),
    ],
    "account_reset_password_done": lambda w: [
        Visit("account_reset_password_done", "default", _url("account_reset_password_done"), (ANONYMOUS,)),
    ],
    "account_reset_password_from_key": lambda w: [
        Visit(
            "account_reset_password_from_key",
            "valid",
            _url("account_reset_password_from_key", **w.reset_key),
            (ANONYMOUS,),
        ),
        Visit(
            "account_reset_password_from_key",
            "bad-link",
            _url("account_reset_password_from_key", uidb36=w.reset_key["uidb36"], key="bad-key"),
            (ANONYMOUS,),
        ),
    ],
    "network:who_to_meet": lambda w: [
        Visit("network:who_to_meet", "default", _url("network:who_to_meet", w.meetings["full"]), (MEMBER,)),
        Visit("network:who_to_meet", "not-going", _url("network:who_to_meet", w.meetings["full"]), (FACILITATOR,)),
    ],
    "network:introductions": lambda w: [
        Visit("network:introductions", "full", _url("network:introductions"), (MEMBER, FACILITATOR)),
        Visit("network:introductions", "empty", _url("network:introductions"), (NEWCOMER,)),
    ],
    "network:ask": lambda w: [
        Visit("network:ask", "choose", _url("network:ask"), (MEMBER,)),
        Visit("network:ask", "no-groups", _url("network:ask"), (NEWCOMER,)),
        Visit("network:ask", "form", _url("network:ask") + "?group=boston-strategic", (MEMBER,)),
        Visit(
            "network:ask",
            "error",
            _url("network:ask") + "?group=boston-strategic",
            (MEMBER,),
            submit={"note": ""},
            status=400,
        ),
    ],
    "network:introduction": lambda w: [
        Visit("network:introduction", "asker", reverse("network:introduction", args=[w.introduction]), (MEMBER,)),
        Visit(
            "network:introduction", "to-answer", reverse("network:introduction", args=[w.introduction]), (FACILITATOR,)
        ),
    ],
    "network:suggestions": lambda w: [
        Visit("network:suggestions", "default", _url("network:suggestions", w.groups["strategic"]), (FACILITATOR,)),
        Visit("network:suggestions", "empty", _url("network:suggestions", w.groups["empty"]), (FACILITATOR,)),
    ],
    "account_reset_password_from_key_done": lambda w: [
        Visit(
            "account_reset_password_from_key_done",
            "default",
            _url("account_reset_password_from_key_done"),
            (ANONYMOUS,),
        ),
    ],
}

# Not pages: each with the reason. A key ending in ":" covers a whole namespace.
POST_ONLY = "POST only: answers with a redirect; its error states render pages that are in PAGES"
LEGACY = "an old numeric address: a redirect to the public one for listed groups' meetings, else the 404 page"
# allauth's two-factor pages that need an account with it on: tests/accounts/test_security.py.
NEEDS_TOTP = "needs an account with two-factor login on (tests/accounts/test_security.py)"
EXCLUDED: dict[str, str] = {
    "mfa_authenticate": "the code step of a half-done login, " + NEEDS_TOTP,
    "mfa_reauthenticate": NEEDS_TOTP,
    "mfa_deactivate_totp": NEEDS_TOTP,
    "mfa_view_recovery_codes": NEEDS_TOTP,
    "mfa_generate_recovery_codes": NEEDS_TOTP,
    "mfa_download_recovery_codes": "a text file of recovery codes, not a page",
    "mfa_reauthenticate_webauthn": "needs an account with a passkey (the browser's authenticator confirms)",
    "mfa_remove_webauthn": "needs an account with a passkey (allauth's confirmation page)",
    "mfa_edit_webauthn": "needs an account with a passkey (allauth's rename form)",
    "mfa_login_webauthn": "passkey login: JSON for the login page's script, POST only",
    "speakers:listing": POST_ONLY,
    "safety:decide": POST_ONLY,
    "safety:content": POST_ONLY,
    "safety:operator_decide": POST_ONLY,
    "safety:operator_content": POST_ONLY,
    "speakers:accept": POST_ONLY,
    "speakers:decline": POST_ONLY,
    "admin:": "Django's own admin, for staff: its markup is Django's, not the app's (phones: PHONE_ONLY)",
    "api:": "the JSON API (its docs page, api:openapi-view, is in PAGES)",
    "healthz": "a plain-text liveness answer",
    "readyz": "a plain-text readiness answer (200 or 503, one line per check)",
    "feeds:meeting_ics": "an iCalendar file",
    "feeds:private": "an iCalendar feed",
    "privacy:download": "a JSON file download (the same content as privacy:summary, which is in PAGES)",
    "privacy:delete": (
        "behind allauth's reauthentication, which the sweep's sessions have not done (it answers a redirect to "
        "account_reauthenticate, in PAGES); its markup is checked in tests/e2e/test_data_rights_journey.py"
    ),
    "feeds:group": "an iCalendar feed",
    "live:status": "JSON the not-open-yet page polls",
    "live:open": POST_ONLY,
    "live:history_sharing": POST_ONLY,
    "meetings:rsvp": POST_ONLY + " (its htmx fragment is the RSVP card of meetings:detail)",
    "meetings:attendance": POST_ONLY,
    "meetings:message": POST_ONLY,
    "meetings:talk_links": POST_ONLY,
    "groups:join": POST_ONLY + " (the ask-to-join error is groups:detail's error state)",
    "groups:invite_new": POST_ONLY,
    "groups:restore": POST_ONLY,
    "account_set_password": "a redirect to account_change_password for every account here (all have a password)",
    "account_confirm_login_code": "login by emailed code is off: a redirect to the login page",
    "journal:goal_clear": POST_ONLY + " (its htmx fragment is the journal card of meetings:detail)",
    "journal:reflection_dismiss": POST_ONLY,
    "network:meet": POST_ONLY + " (its htmx fragment is the card of network:who_to_meet)",
    "network:accept": POST_ONLY + " (its error state is network:introduction's form)",
    "network:decline": POST_ONLY,
    "network:unmeet": POST_ONLY + " (its htmx fragment is the card of network:who_to_meet)",
    "network:withdraw": POST_ONLY + " (its result is network:introduction's page)",
    "network:propose": POST_ONLY,
    "buddies:pool": POST_ONLY,
    "buddies:leave": POST_ONLY,
    "buddies:checkin": POST_ONLY + " (its error state is buddies:home's)",
    "buddies:reply": POST_ONLY,
    "buddies:end": POST_ONLY,
    "tracker:opportunity_move": POST_ONLY + " (the board's script asks it for JSON)",
    "tracker:task_done": POST_ONLY + " (its htmx fragment is a task row of tracker:tasks)",
    "tracker:quick_add": "an htmx fragment: the quick-add's pickers, inside every signed-in page's layout",
    "tracker:export_file": "a download: a zip of CSV files, or JSON",
    "stories:sharing": POST_ONLY,
    "notifications:open": "a redirect: marks the notification read, then to where acting on it happens",
    "notifications:mark_read": POST_ONLY,
    "notifications:mark_all_read": POST_ONLY,
    "meetings:legacy_detail": LEGACY,
    "meetings:legacy_ics": LEGACY,
    "meetings:legacy_room": LEGACY,
    "meetings:legacy_summary": LEGACY,
}

# Not a route but a page all the same.
EXTRA: dict[str, Callable[[World], list[Visit]]] = {
    "404": lambda w: [Visit("404", "missing", "/no-such-page/", (ANONYMOUS, MEMBER), status=404)],
    # Error pages a person can meet: staff-only pages, a form sent after its token expired, and
    # a button's address opened as a link.
    "403": lambda w: [Visit("403", "not-staff", "/admin/", (MEMBER,), status=403)],
    "403_csrf": lambda w: [
        Visit(
            "403_csrf",
            "expired-form",
            _url("accounts:profile_edit"),
            (MEMBER,),
            submit={"csrfmiddlewaretoken": "expired"},
            status=403,
        )
    ],
    "405": lambda w: [
        Visit("405", "button-as-link", _url("groups:join", w.groups["strategic"]), (MEMBER,), status=405)
    ],
}


# Pages only the phone sweep loads: Django's admin, which staff open on phones too. Its
# markup is Django's (hence not in the accessibility sweep), but it must still fit.
PHONE_ONLY: dict[str, Callable[[World], list[Visit]]] = {
    "admin:index": lambda w: [Visit("admin:index", "default", _url("admin:index"), (STAFF,))],
    "admin:groups_group_changelist": lambda w: [
        Visit("admin:groups_group_changelist", "full", _url("admin:groups_group_changelist"), (STAFF,)),
    ],
    "admin:groups_membership_changelist": lambda w: [
        Visit("admin:groups_membership_changelist", "full", _url("admin:groups_membership_changelist"), (STAFF,)),
    ],
    "admin:groups_group_change": lambda w: [
        Visit(
            "admin:groups_group_change",
            "form",
            reverse("admin:groups_group_change", args=[w.groups["approval"].pk]),
            (STAFF,),
        ),
    ],
}


def visits(world: World) -> list[Visit]:
    """What the accessibility and HTML sweep loads."""
    return [v for make in (*PAGES.values(), *EXTRA.values()) for v in make(world)]


def phone_visits(world: World) -> list[Visit]:
    """What the phone sweep loads: every page, and the admin besides."""
    return [*visits(world), *(v for make in PHONE_ONLY.values() for v in make(world))]
