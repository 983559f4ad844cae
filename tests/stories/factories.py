"""factory_boy factories for the stories app (kept here, beside its tests, so that the shared
tests/factories.py stays as it is while four helpers work at once)."""

from __future__ import annotations

from datetime import date

import factory

from roundtable.stories.models import Audience, HelpEntry, HelpSource, Lesson, LessonKind, Story, StoryField
from roundtable.tracker.models import Landing, Source
from tests.factories import UserFactory


class LandingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Landing

    owner = factory.SubFactory(UserFactory)
    company_name = "Acme"
    role = "Data analyst"
    source = Source.NETWORKING
    landed_on = date(2026, 9, 1)


class StoryFactory(factory.django.DjangoModelFactory):
    """A story row with its search entry, as services.story_create writes them."""

    class Meta:
        model = Story
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Story {n}")
    channel = Source.NETWORKING
    field = StoryField.TECHNOLOGY
    what_worked = "Coffee chats with people two steps ahead of me."
    audience = Audience.MEMBERS

    @factory.post_generation
    def indexed(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            text = "\n".join(p for p in (self.title, self.what_worked, self.advice) if p)
            HelpEntry.objects.create(source=HelpSource.STORY, owner=self.author, story=self, search_text=text)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    kind = LessonKind.TIP
    text = factory.Sequence(lambda n: f"Lesson {n}: follow up within two days.")
    audience = Audience.MEMBERS

    @factory.post_generation
    def indexed(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            HelpEntry.objects.create(source=HelpSource.LESSON, owner=self.author, lesson=self, search_text=self.text)
