"""What can be reported, and how each kind is found for the person reporting it.

A report names a thing by a kind word (models.ReportKind) and a reference: a person's or a
story's public id, a group's slug, a live-room suggestion's id as the room's frames carry it.
`target_for(viewer, kind, ref)` answers the thing only when the viewer may see it, through
the owning app's own permissions helper; otherwise None, which every surface answers as 404,
exactly as for a thing that does not exist (a secret group's content included, and content a
moderator hid: it is left out of every surface, this form too).

Where a report goes (`Target.group`): content that belongs to a group goes to that group's
facilitators; a person, a group itself, and content of no group (a lesson, a story that
names no group, a check-in reply of a pair from the open pool) go to operators (group None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import reverse

from roundtable.accounts import blocks
from roundtable.accounts.models import Block, User
from roundtable.core.ids import is_public_id
from roundtable.groups import identity
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group

from .hiding import is_hidden
from .models import ReportKind


@dataclass(frozen=True)
class Target:
    kind: str
    ref: str
    pk: int
    group: Group | None
    subject: User | None  # the person reported, or the content's author
    label: str  # "Sam's suggestion", "the group Career Changers", for the report form


def _person(viewer: Any, ref: str) -> Target | None:
    if not is_public_id(ref):
        return None
    person = User.objects.select_related("profile").filter(public_id=ref, is_active=True).first()
    if person is None or person.pk == viewer.pk:
        return None
    # Someone who blocked the reporter is missing to them (their profile answers 404 too);
    # someone the reporter blocked may still be reported.
    if blocks.kept_apart(viewer.pk, person.pk) and not Block.objects.filter(blocker=viewer, blocked=person).exists():
        return None
    return Target(ReportKind.PERSON, ref, person.pk, None, person, person.display_name)


def _group(viewer: Any, ref: str) -> Target | None:
    if not ref or len(ref) > 60:
        return None
    try:
        group = group_perms.group_for_viewer(viewer, ref)
    except Http404:
        return None
    return Target(ReportKind.GROUP, group.slug, group.pk, None, None, f"the group {group.name}")


def _suggestion(viewer: Any, ref: str) -> Target | None:
    from roundtable.live.models import Suggestion

    if not ref.isdigit() or len(ref) > 18:
        return None
    s = (
        Suggestion.objects.select_related("author__profile", "turn__roundtable__meeting__group")
        .filter(pk=int(ref))
        .first()
    )
    if s is None or s.author_id == viewer.pk or is_hidden(ReportKind.SUGGESTION, s.pk):
        return None
    group = s.turn.roundtable.meeting.group
    if not group_perms.is_member(viewer, group):
        return None
    # As the author goes by in the group (a pseudonym stays one here too: groups/identity.py).
    name = identity.appearance_in(group.pk, s.author, viewer).name if s.author else "someone"
    return Target(ReportKind.SUGGESTION, ref, s.pk, group, s.author, f"a suggestion by {name}")


def _story(viewer: Any, ref: str) -> Target | None:
    from roundtable.stories.permissions import story_for_viewer

    try:
        story = story_for_viewer(viewer, ref)
    except Http404:
        return None
    if story.author_id == viewer.pk:
        return None
    return Target(ReportKind.STORY, ref, story.pk, story.group, story.author, f"the story “{story.title}”")


def _lesson(viewer: Any, ref: str) -> Target | None:
    from roundtable.stories.permissions import visible_lessons

    if not is_public_id(ref):
        return None
    lesson = visible_lessons(viewer).select_related("author").filter(public_id=ref).first()
    if lesson is None or lesson.author_id == viewer.pk:
        return None
    return Target(ReportKind.LESSON, ref, lesson.pk, None, lesson.author, "a lesson")


def _checkin_reply(viewer: Any, ref: str) -> Target | None:
    from roundtable.buddies.models import CheckInReply

    if not is_public_id(ref):
        return None
    reply = (
        CheckInReply.objects.select_related("author__profile", "checkin__pair__group")
        .filter(public_id=ref, checkin__pair__members__user=viewer)
        .first()
    )
    if reply is None or reply.author_id == viewer.pk or is_hidden(ReportKind.CHECKIN_REPLY, reply.pk):
        return None
    return Target(ReportKind.CHECKIN_REPLY, ref, reply.pk, reply.checkin.pair.group, reply.author, "a check-in reply")


def _introduction(viewer: Any, ref: str) -> Target | None:
    from roundtable.network.permissions import introduction_for_viewer

    try:
        intro = introduction_for_viewer(viewer, ref)
    except Http404:
        return None
    # The note is the other side's: the asker's, or (for the asker) the introducer's.
    author = intro.introducer if intro.asker_id == viewer.pk else intro.asker
    if author.pk == viewer.pk:
        return None
    return Target(ReportKind.INTRODUCTION, ref, intro.pk, intro.group, author, "an introduction note")


FINDERS = {
    ReportKind.PERSON: _person,
    ReportKind.GROUP: _group,
    ReportKind.SUGGESTION: _suggestion,
    ReportKind.STORY: _story,
    ReportKind.LESSON: _lesson,
    ReportKind.CHECKIN_REPLY: _checkin_reply,
    ReportKind.INTRODUCTION: _introduction,
}

# The kinds that are content: they can be hidden (a person or a group cannot).
CONTENT_KINDS = (
    ReportKind.SUGGESTION,
    ReportKind.STORY,
    ReportKind.LESSON,
    ReportKind.CHECKIN_REPLY,
    ReportKind.INTRODUCTION,
)


def target_for(viewer: Any, kind: str, ref: str) -> Target | None:
    """The thing `viewer` reports, or None when it is missing, their own, or not theirs to see."""
    if not getattr(viewer, "is_authenticated", False) or not isinstance(ref, str):
        return None
    finder = FINDERS.get(kind)  # type: ignore[call-overload]
    return finder(viewer, ref.strip()) if finder is not None else None


# ---------------------------------------------------------------- for moderators


def excerpts(items: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The words of each piece of content, for the moderators' queue: one query a kind."""
    from roundtable.buddies.models import CheckInReply
    from roundtable.live.models import Suggestion
    from roundtable.network.models import Introduction
    from roundtable.stories.models import Lesson, Story

    by_kind: dict[str, set[int]] = {}
    for kind, pk in items:
        by_kind.setdefault(kind, set()).add(pk)
    out: dict[tuple[str, int], str] = {}
    models: dict[str, tuple[Any, Any]] = {
        ReportKind.SUGGESTION: (Suggestion, lambda o: o.text),
        ReportKind.STORY: (Story, lambda o: f"{o.title}: {o.what_worked}"),
        ReportKind.LESSON: (Lesson, lambda o: o.text),
        ReportKind.CHECKIN_REPLY: (CheckInReply, lambda o: o.text or o.get_reaction_display()),
        ReportKind.INTRODUCTION: (
            Introduction,
            lambda o: " / ".join(n for n in (o.asker_note, o.introducer_note) if n),
        ),
    }
    for kind, pks in by_kind.items():
        if kind not in models:
            continue
        model, words = models[kind]
        for obj in model.objects.filter(pk__in=pks):
            out[(kind, obj.pk)] = words(obj)[:300]
    return out


def where(kind: str, ref: str) -> str:
    """Where a moderator can see the thing for themselves ("" where there is no page for it)."""
    if kind == ReportKind.PERSON:
        return reverse("accounts:profile", args=[ref])
    if kind == ReportKind.GROUP:
        return reverse("groups:detail", args=[ref])
    if kind == ReportKind.STORY:
        return reverse("stories:story", args=[ref])
    return ""


def load(kind: str, ref: str) -> Target | None:
    """The thing behind a kind and reference, for a moderator (who may see any of it: the
    callers check that they moderate its group). None for a missing one."""
    from roundtable.buddies.models import CheckInReply
    from roundtable.live.models import Suggestion
    from roundtable.network.models import Introduction
    from roundtable.stories.models import Lesson, Story

    ref = ref.strip() if isinstance(ref, str) else ""
    if kind == ReportKind.SUGGESTION:
        if not ref.isdigit() or len(ref) > 18:
            return None
        s = Suggestion.objects.select_related("author", "turn__roundtable__meeting__group").filter(pk=int(ref)).first()
        if s is None:
            return None
        return Target(kind, ref, s.pk, s.turn.roundtable.meeting.group, s.author, "a suggestion")
    if not is_public_id(ref):
        return None
    if kind == ReportKind.STORY:
        story = Story.objects.select_related("author", "group").filter(public_id=ref).first()
        return Target(kind, ref, story.pk, story.group, story.author, "a story") if story else None
    if kind == ReportKind.LESSON:
        lesson = Lesson.objects.select_related("author").filter(public_id=ref).first()
        return Target(kind, ref, lesson.pk, None, lesson.author, "a lesson") if lesson else None
    if kind == ReportKind.CHECKIN_REPLY:
        reply = CheckInReply.objects.select_related("author", "checkin__pair__group").filter(public_id=ref).first()
        if reply is None:
            return None
        return Target(kind, ref, reply.pk, reply.checkin.pair.group, reply.author, "a check-in reply")
    if kind == ReportKind.INTRODUCTION:
        intro = Introduction.objects.select_related("asker", "group").filter(public_id=ref).first()
        return Target(kind, ref, intro.pk, intro.group, intro.asker, "an introduction note") if intro else None
    return None
