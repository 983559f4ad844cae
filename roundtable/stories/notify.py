"""The stories app's notification kinds (issue 11's contract: roundtable.notifications.kinds),
registered in StoriesConfig.ready().

"A new story in my groups": told to the active members of the group a new story names
(events.story_published). Its title names the story's author only when the story is not
anonymous and the group only where the recipient may see its name (selectors.story_cards);
access is re-checked whenever it is recorded, emailed or shown: the recipient may read the
story (permissions.visible_stories) and, for a secret group's story, is still one of its
active members (permissions.secret_group_member_q), so someone who left a secret group hears
nothing more of its stories, even public ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse

from roundtable.notifications.kinds import Kind, Rendered, register

from . import permissions, selectors
from .models import Story

if TYPE_CHECKING:
    from roundtable.accounts.models import User
    from roundtable.notifications.models import Notification

NEW_STORY = "stories.new_story"


def _may_hear_of(user: User) -> QuerySet[Story]:
    return permissions.visible_stories(user).filter(permissions.secret_group_member_q(user))


def _may_see(user: User, story: Any) -> bool:
    return isinstance(story, Story) and _may_hear_of(user).filter(pk=story.pk).exists()


def _may_see_many(user: User, stories: list[Any]) -> set[Any]:
    ids = [s.pk for s in stories if isinstance(s, Story)]
    return set(_may_hear_of(user).filter(pk__in=ids).values_list("pk", flat=True))


def _render(notification: Notification) -> Rendered:
    story = notification.subject
    if not isinstance(story, Story):  # pragma: no cover - the subject is always a story
        return Rendered(title="A new landed story", text="", url=reverse("stories:list"))
    card = selectors.story_cards(notification.recipient, [story])[0]
    who = card.author_name or "A member"
    where = f" of {card.group_name}" if card.group_name else ""
    return Rendered(
        title=f"{who}{where} landed a job and told how: {card.title}",
        text=card.advice[:200] if card.advice else "",
        url=reverse("stories:story", args=[card.public_id]),
    )


NEW_STORY_KIND = Kind(
    key=NEW_STORY,
    label="A member of one of my groups tells how they landed",
    email_default="digest",
    may_see=_may_see,
    render=_render,
    may_see_many=_may_see_many,
)


def register_kinds() -> None:
    register(NEW_STORY_KIND)
