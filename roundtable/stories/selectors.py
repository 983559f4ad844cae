"""Reads of the stories app that cross relations, each with its own select_related/prefetch and
a fixed number of queries whatever the data's size.

Anonymity lives here: every card hands out `author_name` and `author_id` ("" for the author's
public id) only when the post is not anonymous, or the viewer is its author. Templates, the API
and emails read cards, never `post.author`.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from roundtable.accounts.models import User
from roundtable.groups.models import Group, GroupVisibility, Kind, Membership, MembershipState
from roundtable.groups.permissions import Viewer
from roundtable.journal import health
from roundtable.live.models import RoomStatus, Suggestion
from roundtable.tracker.models import Source

from . import permissions, search
from .models import AnonymousSharing, HelpEntry, HelpSource, Lesson, LessonKind, Story, StoryField

LIKE_YOURS_LIMIT = 8
GROUP_SECTION_STORIES = 3


@dataclass(frozen=True)
class StoryCard:
    """A story as a viewer may see it. `group_name` and `group_slug` are "" where the viewer
    may not see the group's name: an unlisted or secret group, to anyone outside it (then
    `group_kind` still says what kind of group helped, as "a challenge like yours" does).
    `group_is_secret` is True only for a viewer inside a secret group: the story's page tells
    them who else sees its name."""

    public_id: str
    title: str
    channel: str
    channel_label: str
    field: str
    field_label: str
    group_name: str
    group_slug: str
    group_kind: str
    group_kind_label: str
    group_is_secret: bool
    audience: str
    anonymous: bool
    author_name: str
    author_id: str
    is_mine: bool
    what_worked: str
    what_did_not: str
    advice: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class LessonCard:
    public_id: str
    kind: str
    kind_label: str
    text: str
    audience: str
    anonymous: bool
    author_name: str
    author_id: str
    is_mine: bool
    created_at: datetime


def _my_group_ids(viewer: Viewer) -> set[int]:
    if not viewer.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user_id=viewer.pk, state=MembershipState.ACTIVE).values_list("group_id", flat=True)
    )


def _names_group(group: Group | None, mine: set[int]) -> bool:
    """A group's name is shown where it is listed, or to its active members."""
    return group is not None and (group.visibility == GroupVisibility.LISTED or group.pk in mine)


def _author(post: Story | Lesson, viewer: Viewer) -> tuple[str, str, bool]:
    mine = viewer.is_authenticated and post.author_id == viewer.pk
    if post.author is None or (post.anonymous and not mine):  # None: a deleted account's, kept anonymous
        return "", "", False
    return post.author.display_name, post.author.public_id, mine


def story_card(story: Story, viewer: Viewer, mine_groups: set[int]) -> StoryCard:
    """The card of a story the viewer may read (permissions.visible_stories): select_related
    author__profile and group first."""
    name, author_id, is_mine = _author(story, viewer)
    group = story.group
    pseudonym = getattr(story, "author_pseudonym", None) or ""
    if pseudonym and name and not is_mine:
        # An author who goes by a pseudonym in the story's group (groups/identity.py): named by
        # it, unlinked, to the group's members; anonymous to everyone else, so that neither
        # the pseudonym nor the membership shows outside the group.
        name, author_id = (pseudonym if story.group_id in mine_groups else ""), ""
    named = _names_group(group, mine_groups)
    kinds = dict(Kind.choices)
    return StoryCard(
        public_id=story.public_id,
        title=story.title,
        channel=story.channel,
        channel_label=str(dict(Source.choices).get(story.channel, "")),
        field=story.field,
        field_label=str(dict(StoryField.choices).get(story.field, "")),
        group_name=group.name if group is not None and named else "",
        group_slug=group.slug if group is not None and named else "",
        group_kind=group.kind if group is not None else "",
        group_kind_label=str(kinds.get(group.kind, "")) if group is not None else "",
        group_is_secret=group is not None and named and group.visibility == GroupVisibility.SECRET,
        audience=story.audience,
        anonymous=story.anonymous,
        author_name=name,
        author_id=author_id,
        is_mine=is_mine,
        what_worked=story.what_worked,
        what_did_not=story.what_did_not,
        advice=story.advice,
        created_at=story.created_at,
        updated_at=story.updated_at,
    )


def lesson_card(lesson: Lesson, viewer: Viewer) -> LessonCard:
    name, author_id, is_mine = _author(lesson, viewer)
    return LessonCard(
        public_id=lesson.public_id,
        kind=lesson.kind,
        kind_label=str(dict(LessonKind.choices).get(lesson.kind, "")),
        text=lesson.text,
        audience=lesson.audience,
        anonymous=lesson.anonymous,
        author_name=name,
        author_id=author_id,
        is_mine=is_mine,
        created_at=lesson.created_at,
    )


def stories(viewer: Viewer, *, channel: str = "", field: str = "", kind: str = "") -> QuerySet[Story]:
    """The stories the viewer may read, newest first, filtered by channel (tracker.Source),
    field (models.Field) and kind of group (groups.Kind); an unknown value filters nothing."""
    qs = permissions.visible_stories(viewer).select_related("author__profile", "group")
    if channel in Source.values:
        qs = qs.filter(channel=channel)
    if field in StoryField.values:
        qs = qs.filter(field=field)
    if kind in Kind.values:
        qs = qs.filter(group__kind=kind)
    return qs.order_by("-created_at", "-id")


def story_cards(viewer: Viewer, rows: list[Story]) -> list[StoryCard]:
    """Cards for a page of stories: one query (the viewer's groups)."""
    mine = _my_group_ids(viewer) if rows else set()
    return [story_card(s, viewer, mine) for s in rows]


def lessons(viewer: Viewer, *, kind: str = "") -> QuerySet[Lesson]:
    """The lessons the viewer may read, newest first, of one kind when asked."""
    qs = permissions.visible_lessons(viewer).select_related("author__profile")
    if kind in LessonKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class GroupStories:
    """The group page's section: a few stories naming the group, how many there are, and how
    many members landed as journal/health.py shows it (None below its threshold)."""

    cards: list[StoryCard]
    total: int
    landed: int | None


def group_stories(viewer: Viewer, group: Group, *, limit: int = GROUP_SECTION_STORIES) -> GroupStories:
    """Stories the viewer may read that name the group (newest first, up to `limit`), their
    count and the group's landed figure from journal.health (moved only in steps of
    health.MIN_CONTRIBUTORS landings, so no single landing shows). Four queries, five when
    the landed figure moves."""
    # The caller shows the group's page, so the viewer may see the group; a secret group's
    # stories are listed only to its members all the same (permissions.secret_group_member_q).
    qs = stories(viewer).filter(permissions.secret_group_member_q(viewer), group=group)
    rows = list(qs[:limit])
    total = len(rows) if len(rows) < limit else qs.count()
    landed, _median = health.group_landings(group)  # health's own figure, never a new count
    return GroupStories(cards=story_cards(viewer, rows), total=total, landed=landed)


def new_story_recipients(story: Story) -> list[User]:
    """The active members of the story's group but its author, with active accounts, in a
    fixed order: who hears of a new story (events.story_published). One query; [] when the
    story names no group. Whether each may read it is the notification kind's may_see."""
    if story.group_id is None:
        return []
    member = Membership.objects.filter(user_id=OuterRef("pk"), group_id=story.group_id, state=MembershipState.ACTIVE)
    people = User.objects.filter(Exists(member), is_active=True)
    if story.author_id is not None:
        people = people.exclude(pk=story.author_id)
    return list(people.order_by("pk"))


# ------------------------------------------------------------------ a challenge like yours


@dataclass(frozen=True)
class Helped:
    """One thing that helped someone with a similar challenge, naming nobody: `source` is
    "turn" (a past challenge and the suggestions its member starred), "lesson" or "story".
    `group_label` says the kind of group ("a strategic planning group"); for a story whose
    group is listed, the group's name. Never a meeting's date nor a person."""

    source: str
    text: str
    group_label: str = ""
    suggestions: list[str] = dataclass_field(default_factory=list)
    kind_label: str = ""
    story_id: str = ""
    story_title: str = ""


def _kind_label(group: Group) -> str:
    return "a " + str(dict(Kind.choices).get(group.kind, "group")).lower()


def _group_label(group: Group | None) -> str:
    """A story's group: its name where it is listed (the author chose to name it), else its kind."""
    if group is None:
        return ""
    if group.visibility == GroupVisibility.LISTED:
        return group.name
    return _kind_label(group)


def like_yours_candidates(viewer: Viewer) -> QuerySet[HelpEntry]:
    """The entries the viewer may be shown (none for an anonymous visitor): challenges of ended
    roundtables whose member shares anonymously (checked again here, not only when indexed)
    and starred at least one suggestion; lessons and stories the viewer may read. Never the
    viewer's own."""
    if not viewer.is_authenticated:
        return HelpEntry.objects.none()
    sharing = AnonymousSharing.objects.filter(user_id=OuterRef("owner_id"), share_anonymously=True)
    starred = Suggestion.objects.filter(turn_id=OuterRef("turn_id"), starred=True)
    turns = (
        Q(source=HelpSource.TURN, owner__is_active=True, turn__roundtable__status=RoomStatus.ENDED)
        & Q(Exists(sharing))
        & Q(Exists(starred))
    )
    lessons_q = Q(source=HelpSource.LESSON, lesson_id__in=permissions.visible_lessons(viewer).values("pk"))
    stories_q = Q(source=HelpSource.STORY, story_id__in=permissions.visible_stories(viewer).values("pk"))
    return HelpEntry.objects.filter(turns | lessons_q | stories_q).exclude(owner_id=viewer.pk)


def like_yours(viewer: Viewer, text: str, *, limit: int = LIKE_YOURS_LIMIT) -> list[Helped]:
    """What helped others with a challenge like `text`, best match first (search.matching_ids
    over like_yours_candidates). Three queries when something matches, none for text with no
    word worth matching."""
    ids = search.matching_ids(like_yours_candidates(viewer), text, limit=limit)
    if not ids:
        return []
    starred = Suggestion.objects.filter(starred=True).only("id", "turn_id", "text").order_by("created_at", "id")
    rows = {
        e.pk: e
        for e in HelpEntry.objects.filter(pk__in=ids)
        .select_related("turn__roundtable__meeting__group", "lesson", "story__group")
        .prefetch_related(Prefetch("turn__suggestions", queryset=starred, to_attr="starred"))
    }
    found: list[Helped] = []
    for pk in ids:
        entry = rows.get(pk)
        if entry is None:
            continue
        if entry.source == HelpSource.TURN and entry.turn is not None:
            # A challenge is personal: its group is said by kind only, even a listed one, so that
            # its members cannot tell whose turn it was from the group and the words.
            group = entry.turn.roundtable.meeting.group
            found.append(
                Helped(
                    source=entry.source,
                    text=entry.search_text,
                    group_label=_kind_label(group),
                    suggestions=[s.text for s in entry.turn.starred],  # type: ignore[attr-defined]
                )
            )
        elif entry.source == HelpSource.LESSON and entry.lesson is not None:
            lesson = entry.lesson
            found.append(
                Helped(source=entry.source, text=lesson.text, kind_label=str(dict(LessonKind.choices)[lesson.kind]))
            )
        elif entry.source == HelpSource.STORY and entry.story is not None:
            story = entry.story
            found.append(
                Helped(
                    source=entry.source,
                    text=story.advice or story.what_worked,
                    group_label=_group_label(story.group),
                    story_id=story.public_id,
                    story_title=story.title,
                )
            )
    return found
