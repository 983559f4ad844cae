"""What happened in the stories app that someone should hear about: one call per event, each
handing its notifications to the notifications app (notify.py holds the kinds), which records
them after commit and re-checks access when it records, emails and shows them."""

from __future__ import annotations

from roundtable.groups import identity
from roundtable.notifications.services import notify

from . import selectors
from .models import Story
from .notify import NEW_STORY


def story_published(story: Story) -> None:
    """A new story names a group that helped: its other active members hear of it (those who
    may not read it are left out by the kind's may_see). Nothing when it names no group. The
    actor is the author only when the story is not anonymous and its author goes by their own
    name in the group (no pseudonym: groups/identity.py), so no inbox can name them."""
    hidden = story.anonymous or (
        story.group_id is not None
        and story.author_id is not None
        and bool(identity.pseudonyms(story.group_id, [story.author_id]))
    )
    for person in selectors.new_story_recipients(story):
        notify(recipient=person, kind=NEW_STORY, subject=story, actor=None if hidden else story.author)
