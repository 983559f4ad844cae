"""Who may read or change a story or a lesson. Every surface asks here: the pages, the group
page's section, the API, the "new story" email, and the search ("others with a challenge like
yours").

The rules, for a story or a lesson (a "post"):
- its author always sees it and alone may edit or delete it (anyone else: the same 404 as a
  missing post);
- nobody else sees a post whose author's account is no longer active; a post whose author
  deleted their account and chose to keep it (author None, anonymous) is seen by its audience;
- audience "public": anyone, signed in or not; "members": anyone signed in with an active
  account; "groups": people who are active members of a group the author is in or has left
  (groups.permissions.BEEN_IN_STATES), so a story written after leaving still reaches the
  group that helped;
- a story naming a secret group reaches the audience its author chose, like any other, but
  the group's name and link show only to its active members: everyone else sees what kind
  of group helped ("helped by a support group"), exactly as for an unlisted group, on every
  surface (selectors.story_card; "a challenge like yours" says the kind too). Nothing tells
  an outsider that the group is secret, that it exists under any name, or who else is in
  it (design, "Privacy, precisely"), and the author's words still reach those they meant
  them for. The story form says so before it is shared (forms.secret_groups_help). "A new
  story in my groups" about such a story is for the group's active members alone
  (secret_group_member_q);
- banned, removed, refused and former members count as outsiders of that group: they see
  what any outsider sees.
Anonymous posts are visible by these same rules; what changes is that no surface names their
author (selectors.StoryCard.author_name is "" for them, except for the author themselves).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from roundtable.core.ids import is_public_id
from roundtable.groups import identity
from roundtable.groups.models import GroupVisibility, Membership, MembershipState
from roundtable.groups.permissions import BEEN_IN_STATES, Viewer
from roundtable.safety.hiding import visible
from roundtable.safety.models import ReportKind

from .models import Audience, Lesson, Story

NOT_FOUND = "No such story."
NO_LESSON = "No such lesson."


def _shares_group_with_author(viewer_id: int) -> Q:
    """The viewer is an active member of a group the post's author is in or has left."""
    viewer_groups = Membership.objects.filter(user_id=viewer_id, state=MembershipState.ACTIVE).values("group_id")
    author_in = Membership.objects.filter(
        user_id=OuterRef("author_id"), state__in=BEEN_IN_STATES, group_id__in=viewer_groups
    )
    return Q(Exists(author_in))


def _audience_q(viewer: Viewer) -> Q:
    if not viewer.is_authenticated or not viewer.is_active:
        return Q(audience=Audience.PUBLIC)
    return (
        Q(author_id=viewer.pk)
        | Q(audience__in=(Audience.PUBLIC, Audience.MEMBERS))
        | (Q(audience=Audience.GROUPS) & _shares_group_with_author(viewer.pk))
    )


def _author_q(viewer: Viewer) -> Q:
    """An active author, a deleted one (kept anonymised), or the viewer."""
    kept = Q(author__is_active=True) | Q(author__isnull=True)
    return kept | Q(author_id=viewer.pk) if viewer.is_authenticated else kept


def visible_stories(viewer: Viewer) -> QuerySet[Story]:
    """The stories the viewer may read (module rules), unordered beyond the model's newest first.
    Whether the viewer may see the name of the group a story names is selectors.story_card's
    question."""
    # author_pseudonym: the author's pseudonym in the story's group, for selectors.story_card
    # (groups/identity.py; issue 12, item 4). A story a moderator hid is shown to nobody (safety.hiding).
    stories = (
        Story.objects.filter(_audience_q(viewer))
        .filter(_author_q(viewer))
        .annotate(author_pseudonym=identity.pseudonym_subquery("author_id", "group_id"))
    )
    return visible(stories, ReportKind.STORY)


def secret_group_member_q(viewer: Viewer) -> Q:
    """The condition on stories that name no secret group, or a secret group the viewer is an
    active member of: where a story may be shown or told as one of that group's."""
    not_secret = Q(group__isnull=True) | ~Q(group__visibility=GroupVisibility.SECRET)
    if not viewer.is_authenticated:
        return not_secret
    member_of_group = Membership.objects.filter(
        user_id=viewer.pk, group_id=OuterRef("group_id"), state=MembershipState.ACTIVE
    )
    return not_secret | Q(Exists(member_of_group))


def visible_lessons(viewer: Viewer) -> QuerySet[Lesson]:
    """The lessons the viewer may read (module rules)."""
    lessons = Lesson.objects.filter(_audience_q(viewer)).filter(_author_q(viewer))
    return visible(lessons, ReportKind.LESSON)


def story_for_viewer(viewer: Viewer, public_id: str) -> Story:
    """The story behind a public id if the viewer may read it; Http404 otherwise."""
    story = None
    if is_public_id(public_id):
        story = visible_stories(viewer).select_related("author__profile", "group").filter(public_id=public_id).first()
    if story is None:
        raise Http404(NOT_FOUND)
    return story


def story_for_author(viewer: Viewer, public_id: str) -> Story:
    """The viewer's own story (to edit or delete); Http404 for anyone else's or a missing one."""
    story = None
    if viewer.is_authenticated and is_public_id(public_id):
        story = Story.objects.select_related("group").filter(public_id=public_id, author_id=viewer.pk).first()
    if story is None:
        raise Http404(NOT_FOUND)
    return story


def lesson_for_author(viewer: Viewer, public_id: str) -> Lesson:
    """The viewer's own lesson; Http404 for anyone else's or a missing one."""
    lesson = None
    if viewer.is_authenticated and is_public_id(public_id):
        lesson = Lesson.objects.filter(public_id=public_id, author_id=viewer.pk).first()
    if lesson is None:
        raise Http404(NO_LESSON)
    return lesson
