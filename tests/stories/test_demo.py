"""The demo's stories, lessons and shared roundtable history: what `make run` shows."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from roundtable.accounts.models import User
from roundtable.stories import selectors
from roundtable.stories.models import AnonymousSharing, HelpEntry, Lesson, Story


@pytest.mark.django_db
def test_demo_has_stories_lessons_and_shared_history(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_DEMO_DATA = True
    call_command("demo_data", "--if-empty", stdout=StringIO())
    assert Story.objects.count() == 3
    assert Story.objects.filter(anonymous=True).count() == 1
    assert Lesson.objects.count() == 4
    assert AnonymousSharing.objects.filter(share_anonymously=True).count() == 3
    assert HelpEntry.objects.filter(source="turn").count() == 3
    member = User.objects.get(email="member@demo.roundtable")
    found = selectors.like_yours(member, "Recruiters never call me back after a phone screen")
    assert found[0].source == "turn"
    assert found[0].suggestions == [
        "Ask at the end of the screen what the next step is and when to expect it.",
        "Send a short thank-you the same day that repeats one thing you'd bring to the role.",
    ]
