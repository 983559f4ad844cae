"""Background work of the stories app: the "a new story in your group" email."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.urls import reverse

from roundtable.accounts.models import User
from roundtable.core.email import send_templated
from roundtable.groups.models import Membership, MembershipState

from . import permissions
from .models import Story


def new_story_recipients(story: Story) -> list[User]:
    """The active members of the story's group, but its author, with an active account, who
    may read the story now (permissions.may_see_story)."""
    if story.group_id is None:
        return []
    member = Membership.objects.filter(user_id=OuterRef("pk"), group_id=story.group_id, state=MembershipState.ACTIVE)
    people = User.objects.filter(Exists(member), is_active=True).exclude(pk=story.author_id).select_related("profile")
    return [person for person in people.order_by("pk") if permissions.may_see_story(person, story)]


@task()
def email_new_story(*, story_id: int) -> int:
    """Email each recipient (new_story_recipients, checked when the task runs) a short note: the
    story's title and group, never the author's name when the story is anonymous. Returns the
    number of messages sent; 0 when the story has gone."""
    story = Story.objects.select_related("group", "author__profile").filter(pk=story_id).first()
    if story is None or story.group is None:
        return 0
    url = settings.SITE_URL + reverse("stories:story", args=[story.public_id])
    sent = 0
    for person in new_story_recipients(story):
        sent += send_templated(
            template="stories/email/new_story",
            to=[person.email],
            context={
                "name": person.display_name,
                "story": story,
                "group": story.group,
                "author_name": "" if story.anonymous else story.author.display_name,
                "story_url": url,
            },
        )
    return sent
