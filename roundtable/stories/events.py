"""What happened in the stories app that someone should hear about: one call per event.

Until the notifications app is merged (issue 11's contract), each event hands its email to the
task worker after commit; the task re-checks access when it runs (permissions.may_see_story)."""

from __future__ import annotations

from django.db import transaction

from .models import Story


def story_published(story: Story) -> None:
    """A new story names a group that helped: its other active members who may read the story
    hear of it (tasks.email_new_story). Nothing when it names no group."""
    if story.group_id is None:
        return
    story_id = story.pk

    def enqueue() -> None:
        from . import tasks

        tasks.email_new_story.enqueue(story_id=story_id)

    transaction.on_commit(enqueue)
