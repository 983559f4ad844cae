"""The demo's speakers builder (roundtable/demo/speakers.py): experts to find, past talks linked
to them, and one invitation waiting for the demo member, made without queueing any email.
Built over a small world of its own (the whole demo loads in tests/demo)."""

from __future__ import annotations

import random

import pytest
from django.db import transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult

from roundtable.demo.speakers import OFFERS, build_speakers, quiet_events
from roundtable.demo.world import MEMBER_EMAIL, Loaded
from roundtable.groups.models import Kind, MembershipRole
from roundtable.meetings.models import Talk
from roundtable.notifications.models import Notification
from roundtable.speakers.models import Expert, Invitation
from tests.factories import GroupFactory, MembershipFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_experts_talks_and_a_pending_invitation() -> None:
    coaches = [UserFactory(name=f"Coach {i}") for i in range(18)]
    member = UserFactory(email=MEMBER_EMAIL, name="Demo Member")
    boston = GroupFactory(name="Boston Job Seekers Speaker Series", kind=Kind.SPEAKERS)
    MembershipFactory(group=boston, user=UserFactory(name="Boston Coach"), role=MembershipRole.FACILITATOR)
    loaded = Loaded(
        users={MEMBER_EMAIL: member},
        coaches=coaches,
        metro_of={c.pk: "Boston" for c in coaches},
        groups={boston.name: boston},
    )
    with quiet_events(), transaction.atomic():
        assert build_speakers(random.Random(2026), loaded) == len(OFFERS) + 1
    assert Expert.objects.filter(listed=True).count() == len(OFFERS) + 1
    assert Talk.objects.filter(speaker__expert__isnull=False).count() == sum(len(o[4]) for o in OFFERS)
    assert set(Talk.objects.values_list("meeting__group", flat=True)) == {boston.pk}
    [inv] = Invitation.objects.all()
    assert (inv.expert.user, inv.group, inv.status, inv.meeting, inv.topic is not None) == (
        member,
        boston,
        "pending",
        None,
        True,
    )
    assert not DBTaskResult.objects.exists()  # no email queued for the demo's history
    assert not Notification.objects.exists()  # nor anything in an inbox
    c = Client()
    c.force_login(member)
    assert f'href="/speakers/invitations/{inv.public_id}/"' in c.get("/speakers/invitations/").content.decode()
    body = Client().get("/speakers/").content.decode()
    assert "Coach 0" in body
    assert "7 experts" in body
