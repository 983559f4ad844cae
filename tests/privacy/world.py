"""A person who has used every feature (for the export and deletion tests), and the walk that
looks for any trace of them in every model after deletion."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client

from roundtable.accounts.blocks import block_create
from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.buddies.models import BuddyPair, CheckIn, CheckInReply, PairMember, PoolEntry
from roundtable.groups.models import MembershipRole
from roundtable.journal.tasks import email_landing_thanks
from roundtable.meetings.feed_services import calendar_feed_create
from roundtable.network.models import Introduction
from roundtable.notifications.models import Notification
from roundtable.safety.audit import audit_record
from roundtable.speakers.models import Expert, Invitation
from tests.factories import (
    ActivityFactory,
    ApiTokenFactory,
    ChallengeFactory,
    CommitmentFactory,
    CompanyFactory,
    ContactFactory,
    GoalFactory,
    GroupFactory,
    InviteFactory,
    MeetingFactory,
    MembershipFactory,
    OpportunityFactory,
    ParticipantFactory,
    QuestionFactory,
    ReflectionFactory,
    RoundtableFactory,
    RsvpFactory,
    SuggestionFactory,
    TalkFactory,
    TaskFactory,
    TurnFactory,
    UserFactory,
    WeeklyTargetFactory,
)
from tests.stories.factories import LessonFactory, StoryFactory

EMAIL = "zebulon.quillfeather@example.com"
FIRST, LAST = "Zebulon", "Quillfeather"
NAME = "Zeb Quillfeather-Moss"


@dataclass
class World:
    me: User
    other: User
    third: User
    group: Any  # facilitated with `other`
    sole_group: Any  # facilitated by `me` alone
    token_secret: str
    feed_token: str


def build(*, stories: int = 1, email: str = EMAIL) -> World:
    me = UserFactory(email=email, first_name=FIRST, last_name=LAST, name=NAME)
    other = UserFactory(name="Olive Other")
    third = UserFactory(name="Theo Third")
    group = GroupFactory(created_by=me)
    MembershipFactory(group=group, user=me, role=MembershipRole.FACILITATOR)
    MembershipFactory(group=group, user=other, role=MembershipRole.FACILITATOR, decided_by=me)
    MembershipFactory(group=group, user=third)
    sole_group = GroupFactory(name="Zeb's circle")
    MembershipFactory(group=sole_group, user=me, role=MembershipRole.FACILITATOR)
    InviteFactory(group=group, created_by=me, note=f"From {NAME}, welcome")

    meeting = MeetingFactory(group=group)
    RsvpFactory(meeting=meeting, user=me)
    TalkFactory(meeting=meeting, speaker=me, speaker_name=NAME, bio=f"{FIRST} coaches people")
    room = RoundtableFactory(meeting=meeting, opened_by=me)
    ParticipantFactory(roundtable=room, user=me)
    ParticipantFactory(roundtable=room, user=other, admitted_by=me)
    my_turn = TurnFactory(roundtable=room, user=me)
    ChallengeFactory(turn=my_turn, written_by=me)
    SuggestionFactory(turn=my_turn, author=other)
    other_turn = TurnFactory(roundtable=room, user=other, position=2)
    SuggestionFactory(turn=other_turn, author=me, text="Try the alumni association")
    CommitmentFactory(turn=my_turn)
    QuestionFactory(user=me)

    company = CompanyFactory(owner=me)
    ContactFactory(owner=me)
    OpportunityFactory(owner=me, company=company)
    ActivityFactory(owner=me)
    TaskFactory(owner=me)
    WeeklyTargetFactory(owner=me)
    ContactFactory(owner=other, person=me, name="A person from the meetup")

    GoalFactory(owner=me, meeting=meeting)
    ReflectionFactory(owner=me, meeting=meeting)
    for _ in range(stories):
        StoryFactory(author=me)
        LessonFactory(author=me)

    ApiTokenFactory(user=me)
    _, secret = api_token_create(user=me, name="script")
    _, feed_token = calendar_feed_create(user=me)
    block_create(blocker=me, blocked=third)
    block_create(blocker=other, blocked=me)

    user_type = ContentType.objects.get_for_model(User)
    Notification.objects.create(recipient=me, kind="groups.rules_changed", subject_type=user_type, subject_id=me.pk)
    Notification.objects.create(
        recipient=other, actor=me, kind="speakers.answered", subject_type=user_type, subject_id=other.pk,
        data={"expert": NAME, "note": f"Thanks, {FIRST}"},
    )  # fmt: skip

    PoolEntry.objects.create(user=me, field="tech")
    pair = BuddyPair.objects.create()
    PairMember.objects.create(pair=pair, user=me)
    PairMember.objects.create(pair=pair, user=other)
    checkin = CheckIn.objects.create(pair=pair, author=me, week="2026-W48", commitments="Three applications")
    CheckInReply.objects.create(checkin=checkin, author=other, text="Well done")

    Introduction.objects.create(group=group, asker=me, introducer=other, target=third, asker_note="Please")
    Introduction.objects.create(group=group, asker=third, introducer=me, target=other, asker_note="Third's note")
    expert = Expert.objects.create(user=me, bio="Speaker", speaks_about="Networking")
    Invitation.objects.create(expert=expert, group=group, invited_by=other, note="Come and talk")
    Invitation.objects.create(
        expert=Expert.objects.create(user=third, bio="b", speaks_about="s"), group=group, invited_by=me,
        note=f"Regards, {NAME}",
    )  # fmt: skip
    audit_record(action="account.password_changed", actor=me, subject=me)
    email_landing_thanks.enqueue(owner_id=me.pk)  # waiting for the worker: dropped on deletion
    return World(me, other, third, group, sole_group, secret, feed_token)


def reauthenticated(user: User) -> Client:
    """A signed-in client that has just reauthenticated (allauth's session record)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "reauthenticated": True, "email": user.email}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


PERSON_KEYS = ("user", "person", "owner", "actor", "author", "recipient", "asker", "target", "introducer")


def _json_traces(value: Any, pk: int, needles: list[str], key: str = "") -> list[str]:
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _json_traces(v, pk, needles, str(k))
    elif isinstance(value, list):
        for v in value:
            found += _json_traces(v, pk, needles, key)
    elif isinstance(value, str):
        found += [n for n in needles if n.casefold() in value.casefold()]
    elif isinstance(value, int) and value == pk and any(p in key.lower() for p in PERSON_KEYS):
        found.append(f"{key}={pk}")
    return found


def traces(pk: int, needles: list[str]) -> list[str]:
    """Every place in the database that still names the person: a foreign key to their id,
    a text field holding one of `needles`, a JSON value holding one (or their id under a key
    that names a person)."""
    user_model = apps.get_model("accounts", "User")
    found = []
    for model in apps.get_models():
        manager = model._default_manager
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is user_model:
                if manager.filter(**{f.attname: pk}).exists():
                    found.append(f"{model._meta.label}.{f.name} = id")
            elif f.primary_key and model is user_model:
                if manager.filter(pk=pk).exists():
                    found.append("accounts.User row")
            elif isinstance(f, models.CharField | models.TextField):
                for n in needles:
                    if manager.filter(**{f"{f.name}__icontains": n}).exists():
                        found.append(f"{model._meta.label}.{f.name} has {n!r}")
            elif isinstance(f, models.JSONField):
                for value in manager.values_list(f.name, flat=True):
                    loaded = json.loads(value) if isinstance(value, str) else value
                    found += [f"{model._meta.label}.{f.name}: {t}" for t in _json_traces(loaded, pk, needles)]
    return found
