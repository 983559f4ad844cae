"""Every write of the stories app (design convention 2): stories, lessons, the anonymous-
sharing choice, and the search index that follows them (models.HelpEntry).

Services take objects the caller may touch (views and the API resolve public ids through
permissions.py, which answers 404 for anyone else's). Free text follows roundtable.core.text;
a refusal raises StoriesError with the field it concerns, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.core.errors import ServiceError
from roundtable.core.text import TextError, clean_text
from roundtable.groups.cache import bump_discovery_generation
from roundtable.groups.models import Group
from roundtable.journal.landing import creditable_groups
from roundtable.live.models import Challenge
from roundtable.tracker.models import Landing

from . import events
from .models import AnonymousSharing, Audience, HelpEntry, HelpSource, Lesson, LessonKind, Story, StoryField

TITLE_MAX = 120
LONG_MAX = 3000
ADVICE_MAX = 2000
LESSON_MAX = 500


class StoriesError(ServiceError):
    """A story or lesson change that cannot be carried out."""


def _text(value: str, *, field: str, max_length: int, multiline: bool = False, required: bool = False) -> str:
    try:
        cleaned = clean_text(value.strip(), multiline=multiline, max_length=max_length)
    except TextError as exc:
        raise StoriesError(exc.reason, field=field) from exc
    if required and not cleaned:
        raise StoriesError("Please fill this in.", field=field)
    return cleaned


def _audience(value: str) -> str:
    if value not in Audience.values:
        raise StoriesError("Choose who may read it from the list.", field="audience")
    return value


@dataclass(frozen=True)
class StoryData:
    """What a story says: a one-line title (120), what worked (3,000, required), what did not
    (3,000), advice (2,000), the field (models.Field), the group that helped (one the author is
    or was in, or None), the audience (models.Audience) and whether to stay anonymous."""

    title: str
    what_worked: str
    field: str = StoryField.OTHER
    what_did_not: str = ""
    advice: str = ""
    group: Group | None = None
    audience: str = Audience.MEMBERS
    anonymous: bool = False


def _story_values(author: User, data: StoryData) -> dict[str, object]:
    values: dict[str, object] = {
        "title": _text(data.title, field="title", max_length=TITLE_MAX, required=True),
        "what_worked": _text(data.what_worked, field="what_worked", max_length=LONG_MAX, multiline=True, required=True),
        "what_did_not": _text(data.what_did_not, field="what_did_not", max_length=LONG_MAX, multiline=True),
        "advice": _text(data.advice, field="advice", max_length=ADVICE_MAX, multiline=True),
        "audience": _audience(data.audience),
        "anonymous": bool(data.anonymous),
        "group": data.group,
    }
    if data.field not in StoryField.values:
        raise StoriesError("Choose your field from the list.", field="field")
    values["field"] = data.field
    if data.group is not None and data.group.pk not in {g.pk for g in creditable_groups(author)}:
        raise StoriesError("No such group.", field="group", status=404)
    return values


def _group_pages_changed(story: Story) -> None:
    """A story naming a group shows on the group's page, which anonymous visitors get from the
    discovery cache (groups/cache.py): a story written, edited (made anonymous, say) or deleted
    must not linger there, so the cache's generation moves on."""
    if story.group_id is not None:
        bump_discovery_generation()


def _story_search_text(story: Story) -> str:
    return "\n".join(part for part in (story.title, story.what_worked, story.advice) if part)


def story_create(*, author: User, data: StoryData) -> Story:
    """Write the author's landed story. Raises StoriesError: 409 when they have not said they
    landed (journal's "I landed" first: the story's channel is the landing's); 404 for a group
    they may not name; 400 for missing or bad text or an unknown choice. Members of the group
    that helped hear of it after commit (events.story_published)."""
    landing = Landing.objects.filter(owner=author).first()
    if landing is None:
        raise StoriesError("Say you landed first: your story tells how.", status=409)
    values = _story_values(author, data)
    with transaction.atomic():
        story = Story.objects.create(author=author, channel=landing.source, **values)
        HelpEntry.objects.create(
            source=HelpSource.STORY, owner=author, story=story, search_text=_story_search_text(story)
        )
        _group_pages_changed(story)
        events.story_published(story)
    return story


def story_update(*, story: Story, data: StoryData) -> Story:
    """Edit a story (its author's, from permissions.story_for_author). Same refusals as create;
    the channel stays the one it was written with. No one is told of an edit."""
    # Only its author edits a story (story_for_author), so it has one.
    assert story.author is not None
    values = _story_values(story.author, data)
    with transaction.atomic():
        _group_pages_changed(story)  # the group it named before
        for name, value in values.items():
            setattr(story, name, value)
        story.save()
        HelpEntry.objects.filter(story=story).update(search_text=_story_search_text(story))
        _group_pages_changed(story)
    return story


def story_delete(*, story: Story) -> None:
    """Delete a story for good (its search entry goes with it)."""
    with transaction.atomic():
        _group_pages_changed(story)
        story.delete()


@dataclass(frozen=True)
class LessonData:
    """A lesson: its kind (models.LessonKind), its text (500, required), audience, anonymous."""

    text: str
    kind: str = LessonKind.TIP
    audience: str = Audience.MEMBERS
    anonymous: bool = False


def _lesson_values(data: LessonData) -> dict[str, object]:
    if data.kind not in LessonKind.values:
        raise StoriesError("Choose a tip or a misstep.", field="kind")
    return {
        "text": _text(data.text, field="text", max_length=LESSON_MAX, multiline=True, required=True),
        "kind": data.kind,
        "audience": _audience(data.audience),
        "anonymous": bool(data.anonymous),
    }


def lesson_create(*, author: User, data: LessonData) -> Lesson:
    """Share a lesson. Raises StoriesError (400) for missing or bad text or an unknown choice."""
    values = _lesson_values(data)
    with transaction.atomic():
        lesson = Lesson.objects.create(author=author, **values)
        HelpEntry.objects.create(source=HelpSource.LESSON, owner=author, lesson=lesson, search_text=lesson.text)
    return lesson


def lesson_update(*, lesson: Lesson, data: LessonData) -> Lesson:
    """Edit a lesson (its author's, from permissions.lesson_for_author)."""
    values = _lesson_values(data)
    with transaction.atomic():
        for name, value in values.items():
            setattr(lesson, name, value)
        lesson.save()
        HelpEntry.objects.filter(lesson=lesson).update(search_text=lesson.text)
    return lesson


def lesson_delete(*, lesson: Lesson) -> None:
    lesson.delete()


# ------------------------------------------------------------- anonymous sharing and turns


def shares_anonymously(user_id: int) -> bool:
    """Whether the person chose to share their roundtable history anonymously (default off)."""
    return AnonymousSharing.objects.filter(user_id=user_id, share_anonymously=True).exists()


def anonymous_sharing_set(*, user: User, share: bool) -> AnonymousSharing:
    """Record the person's choice. Turning it on puts each of their roundtable challenges into
    the search index (what helped them shows, without names, to others with similar
    challenges); turning it off takes every one out at once."""
    with transaction.atomic():
        sharing, _ = AnonymousSharing.objects.update_or_create(
            user=user, defaults={"share_anonymously": share, "updated_at": timezone.now()}
        )
        HelpEntry.objects.filter(source=HelpSource.TURN, owner=user).delete()
        if share:
            challenges = Challenge.objects.filter(turn__user=user).exclude(text="").values_list("turn_id", "text")
            HelpEntry.objects.bulk_create(
                [HelpEntry(source=HelpSource.TURN, owner=user, turn_id=t, search_text=text) for t, text in challenges]
            )
    return sharing


def help_entry_for_challenge(*, challenge: Challenge) -> None:
    """Keep the index in step with a challenge written or changed in a live room (signals.py):
    indexed only while the turn's member shares anonymously; a blank challenge is taken out."""
    turn = challenge.turn
    if not challenge.text.strip() or not shares_anonymously(turn.user_id):
        HelpEntry.objects.filter(turn_id=turn.pk).delete()
        return
    HelpEntry.objects.update_or_create(
        turn_id=turn.pk, defaults={"source": HelpSource.TURN, "owner_id": turn.user_id, "search_text": challenge.text}
    )


def help_entry_for_challenge_gone(*, turn_id: int) -> None:
    HelpEntry.objects.filter(turn_id=turn_id).delete()


# ------------------------------------------------------------------- an account deleted


def posts_keep_anonymised(*, author: User) -> None:
    """The author's account is being deleted and they chose to keep their stories and lessons
    (privacy.services.account_delete): each stays, anonymous, with no author ("a former
    member"). Posts shared only with the author's groups go: "their groups" is read from the
    author's memberships, which go with the account, so nobody could be shown them. Their
    search entries go with the account (HelpEntry.owner), so nothing of theirs stays searchable."""
    with transaction.atomic():
        stories = Story.objects.filter(author=author)
        if stories.exclude(group=None).exists():
            bump_discovery_generation()
        stories.filter(audience=Audience.GROUPS).delete()
        stories.update(author=None, anonymous=True)
        lessons = Lesson.objects.filter(author=author)
        lessons.filter(audience=Audience.GROUPS).delete()
        lessons.update(author=None, anonymous=True)


def posts_remove(*, author: User) -> None:
    """The author's account is being deleted and they chose to remove their stories and lessons."""
    with transaction.atomic():
        stories = Story.objects.filter(author=author)
        if stories.exclude(group=None).exists():
            bump_discovery_generation()
        stories.delete()
        Lesson.objects.filter(author=author).delete()
