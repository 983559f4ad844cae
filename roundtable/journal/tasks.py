"""Background work for the journal: the "How was it?" email after a meeting, and the thanks
to a group's facilitators when a member landed (with the member's consent).

"How was it?" rides on the meetings tick (meetings.tasks.ticked, connected in apps.py): each
tick sends it to everyone owed one, that is: the meeting ended within PROMPT_WINDOW and was not
cancelled; the person was going or was marked as having come, is active, still an active
member of the group, has not reflected or dismissed yet, and keeps meeting emails on. The
preference reused is Profile.remind_day_before ("email me the day before a meeting"): the
goal link rides on that same email, so one switch covers the journal's two emails (before
and after). A ReflectionPromptSent row is claimed in the transaction of the send, so the
email goes once per person and meeting, whatever the number of ticks or workers.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from roundtable.accounts.models import User
from roundtable.core.email import send_templated
from roundtable.core.retry import Attempt, retry_transient
from roundtable.groups.models import Group, Membership, MembershipRole, MembershipState
from roundtable.meetings.models import MeetingStatus, Rsvp, went_q
from roundtable.meetings.tasks import send_each, when, zone_of
from roundtable.tracker.models import Landing

from .models import Goal, LandingThanks, Reflection, ReflectionPromptSent

logger = logging.getLogger(__name__)

# A meeting that ended longer ago than this is not emailed about (the home page still asks
# for PROMPT_DAYS: journal.selectors).
PROMPT_WINDOW = timedelta(days=2)
PROMPT_PREFERENCE = "remind_day_before"


def due_prompts(now: datetime) -> list[Rsvp]:
    """The RSVPs owed a "How was it?" email now (see the module docstring)."""
    member = Membership.objects.filter(
        user_id=OuterRef("user_id"), group_id=OuterRef("meeting__group_id"), state=MembershipState.ACTIVE
    )
    answered = Reflection.objects.filter(owner_id=OuterRef("user_id"), meeting_id=OuterRef("meeting_id"))
    sent = ReflectionPromptSent.objects.filter(user_id=OuterRef("user_id"), meeting_id=OuterRef("meeting_id"))
    return list(
        Rsvp.objects.filter(
            went_q(),
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__ends_at__lte=now,
            meeting__ends_at__gt=now - PROMPT_WINDOW,
            user__is_active=True,
            **{f"user__profile__{PROMPT_PREFERENCE}": True},
        )
        .filter(Exists(member))
        .exclude(Exists(answered))
        .exclude(Exists(sent))
        .select_related("meeting__group", "user__profile")
        .order_by("meeting__ends_at", "id")
    )


def _send_prompt(rsvp: Rsvp) -> int:
    meeting, user = rsvp.meeting, rsvp.user
    goal = Goal.objects.filter(owner=user, meeting=meeting).first()
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "name": user.display_name,
        "goal": goal,
        "reasons": goal.get_reason_labels() if goal else [],
        "when": when(meeting, zone_of(user, meeting.time_zone)),
        "reflect_url": settings.SITE_URL + reverse("journal:reflection", args=[meeting.public_id]),
        "preferences_url": settings.SITE_URL + reverse("feeds:mine"),
    }
    try:
        with transaction.atomic():
            ReflectionPromptSent.objects.create(meeting=meeting, user=user)
            return send_templated(template="journal/email/how_was_it", to=[user.email], context=context)
    except IntegrityError:
        return 0


def send_due_reflection_prompts(now: datetime | None = None) -> int:
    """Send every "How was it?" email owed now; returns how many went."""
    return send_each(due_prompts(now or timezone.now()), _send_prompt, what="Reflection prompt")


@task()
def send_reflection_prompts(*, at: str | None = None) -> int:
    """send_due_reflection_prompts as a task; `at` (ISO 8601, aware) stands in for now."""
    moment = None
    if at:
        moment = parse_datetime(at)
        if moment is None or timezone.is_naive(moment):
            raise ValueError(f"Expected an aware ISO 8601 time, got {at!r}.")
    return send_due_reflection_prompts(moment)


def on_tick(sender: object, *, now: datetime, **kwargs: object) -> int:
    """Receiver of meetings.tasks.ticked: the prompts ride on every tick."""
    return send_due_reflection_prompts(now)


def _thank(attempt: Attempt, *, owner: User, group: Group, to: list[str], context: dict[str, Any]) -> int:
    """Claim the thanks (LandingThanks, unique per person and group) and send it, in one
    transaction (core.retry tries it again after a passing lock; sent once)."""
    with transaction.atomic():
        LandingThanks.objects.create(owner=owner, group=group)
        sent = send_templated(template="journal/email/landed", to=to, context=context)
        attempt.sent = True
        return sent


@task()
def email_landing_thanks(*, owner_id: int) -> int:
    """Tell the facilitators of each group the person is an active member of that they landed:
    once per person and group (LandingThanks), only while the landing stands. Returns the
    number of messages sent."""
    owner = User.objects.select_related("profile").filter(pk=owner_id, is_active=True).first()
    landing = Landing.objects.filter(owner_id=owner_id).first()
    if owner is None or landing is None:
        return 0
    memberships = Membership.objects.filter(user=owner, state=MembershipState.ACTIVE).select_related("group")
    sent = 0
    for membership in memberships:
        group = membership.group
        facilitators = list(
            Membership.objects.filter(
                group=group, role=MembershipRole.FACILITATOR, state=MembershipState.ACTIVE, user__is_active=True
            )
            .exclude(user=owner)
            .values_list("user__email", flat=True)
        )
        if not facilitators:
            continue
        context = {
            "group": group,
            "name": owner.display_name,
            "through_group": landing.group_id == group.pk,
            "health_url": settings.SITE_URL + reverse("journal:health", args=[group.slug]),
        }

        try:
            sent += retry_transient(
                partial(_thank, owner=owner, group=group, to=facilitators, context=context),
                what=f"Landing thanks from user {owner.pk} to group {group.pk}",
            )
        except IntegrityError:
            continue
        except Exception:
            logger.exception("Landing thanks from user %s to group %s failed", owner.pk, group.pk)
    return sent
