"""Anonymous means anonymous everywhere: no page, API answer, email or search result names the
author of an anonymous story or lesson (nor carries their public id), while the author still
sees, edits and deletes their own."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from roundtable.accounts.services import api_token_create
from roundtable.notifications.selectors import inbox_for
from roundtable.notifications.services import preference_set
from roundtable.stories import services
from roundtable.stories.models import Audience, Lesson, LessonKind, Story, StoryField
from roundtable.stories.notify import NEW_STORY

from .factories import LandingFactory
from .world import as_client, world


def _run_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


def _api(user):  # type: ignore[no-untyped-def]
    _t, secret = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_story_and_lesson_never_name_their_author() -> None:
    w = world()
    LandingFactory(owner=w.author, group=w.group)
    # The member wants these at once; the others keep the kind's default (the daily digest).
    preference_set(person=w.member, kind=NEW_STORY, inbox=True, email="now")
    story = services.story_create(
        author=w.author,
        data=services.StoryData(
            title="Quietly through a referral",
            what_worked="A referral from an old colleague after months of applications.",
            advice="Tell your old colleagues exactly which role you want.",
            field=StoryField.TECHNOLOGY,
            group=w.group,
            audience=Audience.PUBLIC,
            anonymous=True,
        ),
    )
    lesson = services.lesson_create(
        author=w.author,
        data=services.LessonData(
            text="Tell old colleagues the exact role you want.",
            kind=LessonKind.TIP,
            audience=Audience.PUBLIC,
            anonymous=True,
        ),
    )
    _run_tasks()
    name, pid = w.author.display_name, w.author.public_id
    member = as_client(w.member)
    pages = [
        "/stories/",
        f"/stories/{story.public_id}/",
        "/stories/lessons/",
        "/groups/harbor/",
        "/stories/like-yours/?text=referral+colleague+role",
        "/stories/like-yours/?panel=1&text=referral+colleague+role",
    ]
    for url in pages:
        body = member.get(url).content.decode()
        assert name not in body, url
        assert pid not in body, url
    for client in (Client(), as_client(w.outsider)):
        for url in ("/stories/", f"/stories/{story.public_id}/", "/stories/lessons/"):
            body = client.get(url).content.decode()
            assert (name in body, pid in body) == (False, False)
    # What the search found is the story and the lesson, unnamed.
    found = member.get("/stories/like-yours/?text=referral+colleague+role").content.decode()
    assert "Quietly through a referral" in found
    assert "Tell old colleagues the exact role you want." in found
    api = _api(w.member)
    for url in ("/api/v1/stories", f"/api/v1/stories/{story.public_id}", "/api/v1/lessons",
                "/api/v1/like-yours?text=referral%20colleague%20role"):  # fmt: skip
        r = api.get(url)
        assert r.status_code == 200
        assert name not in r.content.decode()
        assert pid not in r.content.decode()
    detail = api.get(f"/api/v1/stories/{story.public_id}").json()
    assert (detail["author"], detail["anonymous"], detail["is_mine"]) == (None, True, False)
    # The group's members hear of it in their inbox, and the member by email: "A member".
    title = "A member of Harbor Job Seekers landed a job and told how: Quietly through a referral"
    for person in (w.member, w.facilitator, w.other_member):
        assert [(i.kind, i.title, i.actor_name, i.url) for i in inbox_for(person)] == [
            (NEW_STORY, title, "", f"/stories/{story.public_id}/")
        ]
    for person in (w.author, w.outsider, w.banned, w.former):
        assert inbox_for(person) == []
    assert [m.to for m in mail.outbox] == [[w.member.email]]
    for message in mail.outbox:
        assert name not in message.body
        assert name not in str(message.alternatives[0][0])
        assert title in message.body
    # The author still sees it as theirs, and may edit and delete it.
    own = as_client(w.author).get(f"/stories/{story.public_id}/").content.decode()
    assert "By you (shown to others as anonymous)" in own
    assert f"/stories/{story.public_id}/edit/" in own
    mine = _api(w.author).get(f"/api/v1/stories/{story.public_id}").json()
    assert (mine["author"]["name"], mine["is_mine"]) == (name, True)
    r = as_client(w.author).post(f"/stories/{story.public_id}/delete/")
    assert (r.status_code, Story.objects.count()) == (302, 0)
    assert _api(w.author).delete(f"/api/v1/lessons/{lesson.public_id}").status_code == 204
    assert Lesson.objects.count() == 0


@pytest.mark.django_db
def test_a_named_story_names_its_author_to_those_who_may_read_it() -> None:
    w = world()
    LandingFactory(owner=w.author)
    story = services.story_create(
        author=w.author,
        data=services.StoryData(title="Named", what_worked="Networking.", audience=Audience.MEMBERS),
    )
    body = as_client(w.member).get(f"/stories/{story.public_id}/").content.decode()
    assert f'By <a href="/people/{w.author.public_id}/">Avery Author</a>' in body
    assert _api(w.member).get(f"/api/v1/stories/{story.public_id}").json()["author"] == {
        "id": w.author.public_id,
        "name": "Avery Author",
    }
