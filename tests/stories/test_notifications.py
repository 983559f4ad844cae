""" "A new story in my groups" through the notifications app: who is told, what it says, and
access re-checked when it is shown (a member who leaves a group stops seeing a groups-only
story's notification)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from roundtable.groups.models import Membership, MembershipState
from roundtable.notifications.selectors import inbox_for
from roundtable.notifications.services import preference_set
from roundtable.stories import services
from roundtable.stories.models import Audience
from roundtable.stories.notify import NEW_STORY

from .factories import LandingFactory
from .world import world

pytestmark = pytest.mark.django_db(transaction=True)


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def test_a_named_story_tells_the_group_with_its_author_and_access_is_checked_again() -> None:
    w = world()
    LandingFactory(owner=w.author, group=w.group)
    preference_set(person=w.other_member, kind=NEW_STORY, inbox=True, email="now")
    services.story_create(
        author=w.author,
        data=services.StoryData(
            title="Practice paid off",
            what_worked="Mock interviews.",
            group=w.group,
            audience=Audience.GROUPS,
            advice="Do three mock interviews.",
        ),
    )
    _run_tasks()
    expected = [(NEW_STORY, "Avery Author of Harbor Job Seekers landed a job and told how: Practice paid off",
                 "Do three mock interviews.", "Avery Author")]  # fmt: skip
    for person in (w.member, w.facilitator, w.other_member):
        assert [(i.kind, i.title, i.text, i.actor_name) for i in inbox_for(person)] == expected
    assert [m.to for m in mail.outbox] == [[w.other_member.email]]
    assert "Avery Author of Harbor Job Seekers landed a job" in mail.outbox[0].body
    # Olga leaves the group: she shares no group with the author any more, so the
    # groups-only story, and its notification, are gone for her.
    Membership.objects.filter(user=w.other_member, group=w.group).update(state=MembershipState.LEFT)
    assert inbox_for(w.other_member) == []
    assert len(inbox_for(w.member)) == 1


def test_a_story_naming_no_group_and_an_edit_tell_nobody() -> None:
    w = world()
    LandingFactory(owner=w.author)
    story = services.story_create(author=w.author, data=services.StoryData(title="Solo", what_worked="Applications."))
    services.story_update(story=story, data=services.StoryData(title="Solo", what_worked="Applications.",
                                                              group=w.group))  # fmt: skip
    _run_tasks()
    for person in (w.member, w.facilitator, w.other_member):
        assert inbox_for(person) == []
    assert mail.outbox == []


def test_a_public_story_naming_a_secret_group_is_told_to_its_members_only_while_they_are() -> None:
    w = world()
    LandingFactory(owner=w.author, group=w.secret)
    preference_set(person=w.member, kind=NEW_STORY, inbox=True, email="now")
    services.story_create(
        author=w.author,
        data=services.StoryData(title="Quiet thanks", what_worked="The circle.", group=w.secret,
                                audience=Audience.PUBLIC),
    )  # fmt: skip
    _run_tasks()
    told = [(NEW_STORY, "Avery Author of Quiet Circle landed a job and told how: Quiet thanks", "", "Avery Author")]
    for person in (w.member, w.facilitator):
        assert [(i.kind, i.title, i.text, i.actor_name) for i in inbox_for(person)] == told
    for person in (w.outsider, w.banned, w.former, w.other_member):
        assert inbox_for(person) == []
    assert [m.to for m in mail.outbox] == [[w.member.email]]
    # Mel leaves the secret group: the story is public and she may still read it, but she hears
    # nothing more of it as one of the group's stories.
    Membership.objects.filter(user=w.member, group=w.secret).update(state=MembershipState.LEFT)
    assert inbox_for(w.member) == []
    assert len(inbox_for(w.facilitator)) == 1
