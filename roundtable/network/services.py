"""Every write of the network app (design convention 2): asks, proposals, answers, blocks and
"I'd like to meet them". Views and the API resolve public ids through `permissions` first.

Consent, step by step (models.Introduction): a member's ask needs the introducer's yes, then
the target's; a facilitator's proposal needs the asker's and the target's, in any order.
Nothing beyond what each may already see passes until everyone said yes; then both become
contacts in each other's tracker (tracker.services), linked to the introduction.

Limits: a person asks for at most ASKS_PER_WEEK introductions in any seven days (declined,
refused and withdrawn ones count too, so asking and withdrawing cannot flood introducers; an
ask that stalled because someone else left the group does not), and a facilitator proposes at
most PROPOSALS_PER_WEEK. Two people who are already connected (an introduction between them
was accepted) are not introduced again: 409.

An ask the target or the introducer refused for good (AskBlock), or where a block (accounts.blocks)
stands between any two of the three, or a repeat of an ask the
target declined within ASK_AGAIN_AFTER, is recorded but refused, telling nobody and showing
nobody but the asker: to the asker it reads as waiting for the introducer until its
`closed_at`, drawn between REFUSAL_DELAY's bounds ahead (a person's pace, not a machine's),
and then "not possible at the moment", with the same message as after any "not now"
(tasks.send_due_refusals). The asker may withdraw it meanwhile, as any open ask.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from roundtable.accounts import blocks
from roundtable.accounts.models import Block, User
from roundtable.core.errors import ServiceError
from roundtable.core.text import TextError, clean_text
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group
from roundtable.journal import selectors as journal_selectors
from roundtable.journal.models import GoalReason
from roundtable.journal.services import GoalPick, JournalError, goal_clear, goal_set
from roundtable.meetings.models import Meeting
from roundtable.tracker.models import Contact
from roundtable.tracker.services import ContactData, TrackerError, contact_from_member, contact_update

from . import events, permissions
from .models import AskBlock, ClosedBy, Introduction, IntroStatus, Role

ASKS_PER_WEEK = 5
PROPOSALS_PER_WEEK = 20
ASK_AGAIN_AFTER = timedelta(days=90)
# How long a refused ask looks like one waiting for an answer (finding 6 on issue 11): the
# "not possible" must not come within seconds, which would tell the asker it was automatic.
REFUSAL_DELAY = (timedelta(hours=20), timedelta(hours=72))
NOTE_MAX = 500
NO_SUCH_PERSON = "No such person in this group."


class NetworkError(ServiceError):
    """A network change that cannot be carried out."""


def _note(value: str, *, field: str = "note") -> str:
    try:
        return clean_text(value.strip(), multiline=False, max_length=NOTE_MAX)
    except TextError as exc:
        raise NetworkError(exc.reason, field=field) from exc


def _member(user: User | None, group: Group) -> User:
    if user is None or not user.is_active or not group_perms.is_member(user, group):
        raise NetworkError(NO_SUCH_PERSON, status=404)
    return user


def _refused(asker: User, introducer: User, target: User, now: datetime) -> bool:
    """Whether the target or the introducer refused asks from the asker (or the asker the
    target), or the target declined this asker within ASK_AGAIN_AFTER."""
    blocked = AskBlock.objects.filter(
        Q(blocker__in=(target, introducer), blocked=asker) | Q(blocker=asker, blocked=target)
    ).exists()
    if blocked:
        return True
    # A general block (accounts.blocks) between any two of the three, either way.
    if blocks.pairs_among((asker.pk, introducer.pk, target.pk)):
        return True
    return Introduction.objects.filter(
        asker=asker, target=target, closed_by=ClosedBy.TARGET, closed_at__gte=now - ASK_AGAIN_AFTER
    ).exists()


def _not_blocked_by(asker: User, other: User, *, field: str) -> None:
    """A clear refusal when the asker blocked `other` themselves (they know of it); a block the
    other made is refused silently instead (_refused), as the module docstring says."""
    if Block.objects.filter(blocker=asker, blocked=other).exists():
        raise NetworkError(
            f"You blocked {other.display_name}: unblock them from “People you blocked” first.", field=field, status=409
        )


def _refusal_due(moment: datetime) -> datetime:
    """When a refused ask made at `moment` turns "not possible": a random time within
    REFUSAL_DELAY, to the minute."""
    low, high = REFUSAL_DELAY
    minutes = int((high - low).total_seconds() // 60)
    return moment + low + timedelta(minutes=secrets.randbelow(minutes + 1))


def _connected(a: User, b: User) -> bool:
    """Whether an introduction between the two (either way round) was accepted."""
    pair = Q(asker=a, target=b) | Q(asker=b, target=a)
    return Introduction.objects.filter(pair, status=IntroStatus.ACCEPTED).exists()


def _still_open(moment: datetime) -> Q:
    """Open, or refused but still reading as open to its starter (permissions.looks_open)."""
    return Q(status=IntroStatus.OPEN) | Q(closed_by=ClosedBy.BLOCKED, closed_at__gt=moment)


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B}"


@transaction.atomic
def introduction_ask(
    *, asker: User, group: Group, introducer: User | None, target: User | None, note: str, now: datetime | None = None
) -> Introduction:
    """The asker asks `introducer` to introduce them to `target`, all three active members of
    `group`, with a note (one line, 500 characters at most). Raises NetworkError: 404 for a
    person who is not an active member of the group (or the group not the asker's), 400 for
    the same person twice or bad text, 409 when the same ask is already open, 429 past
    ASKS_PER_WEEK, 409 when the two are already connected. A refused ask (see the module
    docstring) is created refused, silently."""
    moment = now or timezone.now()
    if not asker.is_active or not group_perms.is_member(asker, group):
        raise NetworkError("No such group.", status=404)
    introducer = _member(introducer, group)
    target = _member(target, group)
    if len({asker.pk, introducer.pk, target.pk}) < 3:
        raise NetworkError("Pick someone else: asker, introducer and the person to meet are three people.")
    text = _note(note)
    if not text:
        raise NetworkError("Say in a line why you'd like to meet them.", field="note")
    _not_blocked_by(asker, introducer, field="introducer")
    _not_blocked_by(asker, target, field="target")
    week_ago = moment - timedelta(days=7)
    # Counted under a lock on the asker's row, so two asks at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=asker.pk).first()
    asked = Introduction.objects.filter(asker=asker, proposed=False, created_at__gte=week_ago).exclude(
        _stalled_by_others()
    )
    if asked.count() >= ASKS_PER_WEEK:
        first = asked.order_by("created_at").values_list("created_at", flat=True).first() or moment
        again = _day(first + timedelta(days=7))
        raise NetworkError(
            f"You've asked for {ASKS_PER_WEEK} introductions this week: you can ask again from {again}.", status=429
        )
    if _connected(asker, target):
        raise NetworkError(
            f"You're already connected with {target.display_name}: an introduction between you was accepted, "
            "and they are in your tracker's contacts.",
            field="target",
            status=409,
        )
    waiting = Introduction.objects.filter(_still_open(moment), asker=asker, target=target)
    if waiting.exclude(permissions.stalled_condition(moment)).exists():
        raise NetworkError("You've already asked for this introduction: it is waiting for an answer.", status=409)
    intro = Introduction(
        group=group, asker=asker, introducer=introducer, target=target, asker_note=text, asker_ok_at=moment,
        created_at=moment,
    )  # fmt: skip
    if _refused(asker, introducer, target, moment):
        intro.status, intro.closed_by, intro.closed_at = IntroStatus.DECLINED, ClosedBy.BLOCKED, _refusal_due(moment)
        intro.save()
        return intro
    intro.save()
    events.introduction_requested(intro)
    return intro


@transaction.atomic
def introduction_propose(
    *, facilitator: User, group: Group, asker: User | None, target: User | None, note: str, now: datetime | None = None
) -> Introduction:
    """A facilitator of `group` proposes that `asker` meet `target` (both active members), with
    a note to both; both must accept. Raises NetworkError: 404 for a group the proposer does
    not facilitate or a person not in it, 400 for the same person twice or bad text, 409 when
    an introduction between them is open or they are already connected, 429 past
    PROPOSALS_PER_WEEK. A pair where one refused the other is recorded refused, silently, as
    a refused ask (the module docstring)."""
    moment = now or timezone.now()
    if not group_perms.is_facilitator(facilitator, group):
        raise NetworkError("No such group.", status=404)
    asker = _member(asker, group)
    target = _member(target, group)
    if len({facilitator.pk, asker.pk, target.pk}) < 3:
        raise NetworkError("Pick two other members to introduce.")
    text = _note(note)
    if not text:
        raise NetworkError("Say in a line why they should meet.", field="note")
    User.objects.select_for_update().filter(pk=facilitator.pk).first()
    if (
        Introduction.objects.filter(
            introducer=facilitator, proposed=True, created_at__gte=moment - timedelta(days=7)
        ).count()
        >= PROPOSALS_PER_WEEK
    ):
        raise NetworkError(
            f"You've proposed {PROPOSALS_PER_WEEK} introductions this week: try again next week.", status=429
        )
    if _connected(asker, target):
        raise NetworkError(
            f"{asker.display_name} and {target.display_name} are already connected: an introduction between them "
            "was accepted.",
            status=409,
        )
    pair = Q(asker=asker, target=target) | Q(asker=target, target=asker)
    if Introduction.objects.filter(pair, _still_open(moment)).exclude(permissions.stalled_condition(moment)).exists():
        raise NetworkError("An introduction between them is already waiting for answers.", status=409)
    intro = Introduction(
        group=group, asker=asker, introducer=facilitator, target=target, proposed=True, introducer_note=text,
        introducer_ok_at=moment, created_at=moment,
    )  # fmt: skip
    refused = AskBlock.objects.filter(Q(blocker=asker, blocked=target) | Q(blocker=target, blocked=asker)).exists()
    if refused or blocks.pairs_among((asker.pk, target.pk, facilitator.pk)):
        intro.status, intro.closed_by, intro.closed_at = IntroStatus.DECLINED, ClosedBy.BLOCKED, _refusal_due(moment)
        intro.save()
        return intro
    intro.save()
    events.introduction_proposed(intro)
    return intro


def _lock(intro: Introduction) -> Introduction:
    """The introduction's row, locked, read again (another answer may have come meanwhile)."""
    locked = Introduction.objects.select_for_update().select_related("group").get(pk=intro.pk)
    # Whether it stalled is read apart: PostgreSQL refuses FOR UPDATE beside some subqueries.
    stalled = Introduction.objects.filter(permissions.stalled_condition(), pk=intro.pk).exists()
    setattr(locked, "stalled", stalled)  # noqa: B010 - the flag permissions.with_state gives other reads
    return locked


def _stalled_by_others() -> Q:
    """Asks (open or withdrawn) whose introducer or target is no longer able to answer."""
    able = permissions.able_condition
    return Q(status__in=(IntroStatus.OPEN, IntroStatus.WITHDRAWN)) & ~(able("introducer_id") & able("target_id"))


def _role_to_answer(user: User, intro: Introduction) -> str:
    role = intro.role_of(user.pk)
    if not role or not permissions.may_see(user, intro):
        raise NetworkError(permissions.NOT_FOUND, status=404)
    if not permissions.awaiting(intro, role):
        raise NetworkError("This introduction isn't waiting for your answer.", status=409)
    return role


@transaction.atomic
def introduction_accept(
    *, user: User, introduction: Introduction, note: str = "", now: datetime | None = None
) -> Introduction:
    """The user says yes in their role: the introducer passes the ask on (with a note of
    their own, required), the target or (for a proposal) the asker accepts. Once all three
    said yes: accepted, and both become contacts in each other's tracker. Raises NetworkError:
    404 for someone who may not see it, 409 when it is not waiting for their answer."""
    moment = now or timezone.now()
    intro = _lock(introduction)
    role = _role_to_answer(user, intro)
    if role == Role.INTRODUCER:
        text = _note(note)
        if not text:
            raise NetworkError("Add a line for them: why these two should meet.", field="note")
        intro.introducer_note, intro.introducer_ok_at = text, moment
    elif role == Role.TARGET:
        intro.target_ok_at = moment
    else:
        intro.asker_ok_at = moment
    if intro.asker_ok_at and intro.introducer_ok_at and intro.target_ok_at:
        intro.status, intro.accepted_at = IntroStatus.ACCEPTED, moment
        intro.save()
        _exchange_contacts(intro)
        events.introduction_accepted(intro)
    else:
        intro.save()
        if role == Role.INTRODUCER:
            events.introduction_passed_on(intro)
    _answered(intro, user)
    return intro


def _fill_contact(contact: Contact, *, email: str, how_met: str, group: Group) -> Contact:
    """Add the other's email and how they met, keeping what the owner already wrote."""
    data = ContactData(
        name=contact.name, company_name=contact.company.name if contact.company else "", role=contact.role,
        email=contact.email or email, phone=contact.phone, linkedin_url=contact.linkedin_url,
        how_met=contact.how_met or how_met, notes=contact.notes, last_touch_on=contact.last_touch_on,
        next_touch_on=contact.next_touch_on, meeting=contact.meeting, group=contact.group or group,
    )  # fmt: skip
    return contact_update(contact=contact, data=data)


def _exchange_contacts(intro: Introduction) -> None:
    how = f"Introduced by {intro.introducer.display_name}"[:200]
    try:
        mine = contact_from_member(owner=intro.asker, person=intro.target)
        intro.asker_contact = _fill_contact(mine, email=intro.target.email, how_met=how, group=intro.group)
        theirs = contact_from_member(owner=intro.target, person=intro.asker)
        intro.target_contact = _fill_contact(theirs, email=intro.asker.email, how_met=how, group=intro.group)
    except TrackerError as exc:  # an address the tracker refuses: keep the contact without it
        raise NetworkError(exc.message) from exc
    intro.save(update_fields=["asker_contact", "target_contact", "updated_at"])


@transaction.atomic
def introduction_decline(
    *, user: User, introduction: Introduction, block: bool = False, now: datetime | None = None
) -> Introduction:
    """The user says "not now" in their role; `block` also refuses further asks from the asker
    (the asker, declining a proposal, refuses the target). The asker is told only that it is
    not possible at the moment. Raises NetworkError as introduction_accept."""
    moment = now or timezone.now()
    intro = _lock(introduction)
    role = _role_to_answer(user, intro)
    intro.status, intro.closed_at = IntroStatus.DECLINED, moment
    closed_by: dict[str, str] = {Role.INTRODUCER: ClosedBy.INTRODUCER, Role.TARGET: ClosedBy.TARGET}
    intro.closed_by = closed_by.get(role, ClosedBy.ASKER)
    intro.save()
    if block:
        ask_block(blocker=user, blocked=intro.target if role == Role.ASKER else intro.asker)
    if not intro.proposed:
        events.introduction_declined(intro)
    _answered(intro, user)
    return intro


@transaction.atomic
def introduction_withdraw(*, user: User, introduction: Introduction, now: datetime | None = None) -> Introduction:
    """The asker withdraws their ask (or the facilitator their proposal) while it still looks
    open to them (permissions.may_withdraw): open, stalled or not, or refused but not yet
    "not possible". Nobody is told; what asked the others for an answer is marked read.
    Raises NetworkError: 404 for someone who may not see it, 409 for someone else's or one
    already answered or closed."""
    moment = now or timezone.now()
    intro = _lock(introduction)
    if not intro.role_of(user.pk) or not permissions.may_see(user, intro):
        raise NetworkError(permissions.NOT_FOUND, status=404)
    if intro.role_of(user.pk) != (Role.INTRODUCER if intro.proposed else Role.ASKER):
        who = "the facilitator who proposed it" if intro.proposed else "the person who asked for it"
        raise NetworkError(f"Only {who} can withdraw an introduction.", status=409)
    if not permissions.may_withdraw(user, intro, moment):
        raise NetworkError("This introduction isn't waiting for answers any more: there is nothing to withdraw.",
                           status=409)  # fmt: skip
    intro.status, intro.closed_by, intro.closed_at = IntroStatus.WITHDRAWN, ClosedBy.NONE, moment
    intro.save()
    _answered(intro)
    return intro


def _answered(intro: Introduction, user: User | None = None) -> None:
    """What asked for an answer about this introduction is done: the user's own (they answered),
    or everyone's once it is no longer open (notifications.services.notifications_acted_on)."""
    from roundtable.notifications.services import notifications_acted_on

    notifications_acted_on(subject=intro, recipient=None if not intro.is_open else user)


def ask_block(*, blocker: User, blocked: User) -> AskBlock:
    """ "Don't let them ask me again" (idempotent)."""
    if blocker.pk == blocked.pk:
        raise NetworkError("You can't block yourself.")
    try:
        with transaction.atomic():
            block, _ = AskBlock.objects.get_or_create(blocker=blocker, blocked=blocked)
    except IntegrityError:
        block = AskBlock.objects.get(blocker=blocker, blocked=blocked)
    return block


def ask_unblock(*, blocker: User, blocked: User) -> bool:
    """Let them ask again; True when there was a block."""
    deleted, _ = AskBlock.objects.filter(blocker=blocker, blocked=blocked).delete()
    return deleted > 0


def meet_mark(
    *, owner: User, meeting: Meeting, person: User, why: str = "", speaker: bool = False, now: datetime | None = None
) -> None:
    """ "I'd like to meet them": add `person` to the owner's goal for the meeting (creating the
    goal, with "Meet particular attendees", when there is none), through the journal's own
    goal_set, which checks that the owner may set a goal and may name the person. `speaker`:
    `person` gives the meeting's talk (selectors.Recommendation.is_speaker), named in the goal
    as "the speaker", as the goal form does. Marking someone already in the goal changes
    nothing. Raises NetworkError with the journal's reason and status."""
    goal = journal_selectors.goal_of(owner, meeting)
    reasons = list(goal.reasons) if goal else []
    if GoalReason.MEET_ATTENDEES not in reasons:
        reasons.append(GoalReason.MEET_ATTENDEES)
    picks = []
    if goal is not None:
        for p in goal.people.all():
            who = "speaker" if p.is_speaker else p.person.public_id if p.person else ""
            if who:
                picks.append(GoalPick(who, p.why))
    who = "speaker" if speaker else person.public_id
    if {who, person.public_id} & {p.who for p in picks}:
        return
    picks.append(GoalPick(who, why[:200]))
    try:
        goal_set(owner=owner, meeting=meeting, reasons=reasons, note=goal.note if goal else "", people=picks, now=now)
    except JournalError as exc:
        raise NetworkError(exc.message, field=exc.field, status=exc.status) from exc


def meet_unmark(
    *, owner: User, meeting: Meeting, person: User, speaker: bool = False, now: datetime | None = None
) -> bool:
    """Undo "I'd like to meet them": take `person` (or "the speaker" when `speaker`) out of the
    owner's goal for the meeting, keeping everything else in it. When nobody is left and
    "Meet particular attendees" was the goal's only reason with no note, the goal goes too
    (meet_mark made it); otherwise that reason goes when nobody is left to meet. Returns
    whether anything changed. Raises NetworkError with the journal's reason and status (a
    meeting that takes no goal any more: 400)."""
    goal = journal_selectors.goal_of(owner, meeting)
    if goal is None:
        return False
    picks: list[GoalPick] = []
    removed = False
    for p in goal.people.all():
        who = "speaker" if p.is_speaker else p.person.public_id if p.person else ""
        if not who:
            continue
        if who == person.public_id or (speaker and who == "speaker") or p.person_id == person.pk:
            removed = True
            continue
        picks.append(GoalPick(who, p.why))
    if not removed:
        return False
    reasons = list(goal.reasons)
    try:
        if not picks and reasons == [GoalReason.MEET_ATTENDEES] and not goal.note:
            goal_clear(owner=owner, meeting=meeting, now=now)
            return True
        if not picks and len(reasons) > 1:
            reasons = [r for r in reasons if r != GoalReason.MEET_ATTENDEES]
        goal_set(owner=owner, meeting=meeting, reasons=reasons, note=goal.note, people=picks, now=now)
    except JournalError as exc:
        raise NetworkError(exc.message, field=exc.field, status=exc.status) from exc
    return True
