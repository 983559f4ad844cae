"""What stories holds about a person (roundtable.privacy.registry explains the terms)."""

from __future__ import annotations

from typing import Any

from roundtable.privacy.registry import Deletion, register

from .models import AnonymousSharing, HelpEntry, Lesson, Story


def _keep(user: Any) -> None:
    from .services import posts_keep_anonymised

    posts_keep_anonymised(author=user)


def _remove(user: Any) -> None:
    from .services import posts_remove

    posts_remove(author=user)


KEEP_OR_REMOVE = (
    'Your choice: remove them, or keep them for others, anonymous, as by "a former member". Kept, '
    "your own words stay as you wrote them (edit them first if they name you); those shared only "
    "with your groups are removed either way."
)
register(
    Story, area="Stories", label="Your landed stories", mine=("author",), deletion=Deletion.CHOICE,
    anonymise=_keep, remove=_remove, note=KEEP_OR_REMOVE,
)  # fmt: skip
# The same choice covers lessons: both are done by the story's entry (posts_keep_anonymised).
register(
    Lesson, area="Stories", label="Your lessons", mine=("author",), deletion=Deletion.CHOICE,
    anonymise=_keep, remove=_remove, note=KEEP_OR_REMOVE,
)  # fmt: skip
register(
    AnonymousSharing, area="Stories", label="Sharing your roundtable history anonymously", mine=("user",),
    deletion=Deletion.ERASE,
)  # fmt: skip
register(
    HelpEntry, area="Stories", label="Your entries in \"others with a challenge like yours\"", mine=("owner",),
    deletion=Deletion.ERASE, fields=("source", "search_text"),
    note="Nothing of yours stays in the search for \"others with a challenge like yours\".",
)  # fmt: skip
