"""Who may read a story or a lesson, for each kind of viewer, on every surface: the story's
page, the stories page, the group page's section and the API (permissions.py's rules)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.stories.models import Audience, Lesson, Story

from .factories import LessonFactory, StoryFactory
from .world import World, as_client, world

pytestmark = pytest.mark.django_db

VIEWERS = ("anonymous", "outsider", "member", "facilitator", "banned", "former", "other_member", "author")


def _viewer(w: World, name: str) -> User | None:
    return None if name == "anonymous" else getattr(w, name)


def _masked(body: bytes) -> str:
    """A page without its CSRF tokens (masked afresh for every response)."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


def _api(user: User | None) -> Client:
    if user is None:
        return Client()
    _t, secret = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _stories(w: World) -> dict[str, Story]:
    return {
        "groups": StoryFactory(author=w.author, title="For my groups", audience=Audience.GROUPS, group=w.group),
        "members": StoryFactory(author=w.author, title="For members", audience=Audience.MEMBERS, group=w.group),
        "public": StoryFactory(author=w.author, title="For everyone", audience=Audience.PUBLIC, group=w.group),
        "secret": StoryFactory(author=w.author, title="Thanks to a secret", audience=Audience.PUBLIC, group=w.secret),
    }


# "secret" is public and names the secret group: everyone reads it, only the group's members
# see the group's name (test_a_public_story_naming_a_secret_group_keeps_the_group_inside_it).
EXPECTED = {
    "anonymous": {"public", "secret"},
    "outsider": {"members", "public", "secret"},
    "member": {"groups", "members", "public", "secret"},
    "facilitator": {"groups", "members", "public", "secret"},
    "banned": {"members", "public", "secret"},
    "former": {"members", "public", "secret"},
    "other_member": {"groups", "members", "public", "secret"},
    "author": {"groups", "members", "public", "secret"},
}


@pytest.mark.parametrize("who", VIEWERS)
def test_each_viewer_reads_exactly_the_stories_their_place_allows(who: str) -> None:
    w = world()
    stories = _stories(w)
    viewer = _viewer(w, who)
    page_client, api_client = as_client(viewer), _api(viewer)
    pages = {key for key, s in stories.items() if page_client.get(f"/stories/{s.public_id}/").status_code == 200}
    assert pages == EXPECTED[who]
    listed = page_client.get("/stories/").content.decode()
    assert {key for key, s in stories.items() if s.title in listed} == EXPECTED[who]
    api = {key for key, s in stories.items() if api_client.get(f"/api/v1/stories/{s.public_id}").status_code == 200}
    assert api == EXPECTED[who]
    body = api_client.get("/api/v1/stories").json()
    assert {r["title"] for r in body["results"]} == {stories[k].title for k in EXPECTED[who]}
    assert body["count"] == len(EXPECTED[who])
    # The group page's section shows the stories naming it that the viewer may read.
    section = page_client.get("/groups/harbor/").content.decode()
    assert {k for k in ("groups", "members", "public") if stories[k].title in section} == EXPECTED[who] - {"secret"}


@pytest.mark.parametrize("who", VIEWERS)
def test_hidden_story_answers_exactly_as_a_missing_one(who: str) -> None:
    w = world()
    stories = _stories(w)
    viewer = _viewer(w, who)
    c, api = as_client(viewer), _api(viewer)
    missing_page, missing_api = c.get("/stories/zzzzzzzzzzzz/"), api.get("/api/v1/stories/zzzzzzzzzzzz")
    for key, story in stories.items():
        if key in EXPECTED[who]:
            continue
        page = c.get(f"/stories/{story.public_id}/")
        assert (page.status_code, _masked(page.content)) == (404, _masked(missing_page.content))
        r = api.get(f"/api/v1/stories/{story.public_id}")
        assert (r.status_code, r.json()) == (404, missing_api.json())


INSIDE = ("member", "facilitator", "author")
OUTSIDE = ("anonymous", "outsider", "banned", "former", "other_member")


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_public_story_naming_a_secret_group_keeps_the_group_inside_it(anonymous: bool) -> None:
    """The story reaches the audience its author chose; the secret group's name and link show
    to its active members only, everyone else sees its kind, as for an unlisted group."""
    w = world()
    story = StoryFactory(author=w.author, title="Quiet thanks", audience=Audience.PUBLIC, group=w.secret,
                         anonymous=anonymous)  # fmt: skip
    by = (
        "By a member who chose to stay anonymous"
        if anonymous
        else f'By <a href="/people/{w.author.public_id}/">Avery Author</a>'
    )
    for who in OUTSIDE + INSIDE:
        viewer = _viewer(w, who)
        c, api = as_client(viewer), _api(viewer)
        inside = who in INSIDE
        page = c.get(f"/stories/{story.public_id}/")
        assert page.status_code == 200, who
        body = page.content.decode()
        if inside:
            assert 'helped by <a href="/groups/quiet-circle/">Quiet Circle</a>' in body, who
            assert "Quiet Circle is secret: only its members see its name here." in body, who
        else:
            assert '<span class="byline-part">helped by a strategic planning group</span>' in body, who
            for trace in ("Quiet Circle", "quiet-circle", " is secret"):
                assert trace not in body, (who, trace)
        if who != "author":
            assert by in body, who
        # The stories page, its filter by kind of group, and the API, the same way.
        for url in ("/stories/", "/stories/?kind=strategic"):
            listed = c.get(url).content.decode()
            assert "Quiet thanks" in listed, (who, url)
            assert ("Quiet Circle" in listed) == inside, (who, url)
            assert ("quiet-circle" in listed) == inside, (who, url)
        one = api.get(f"/api/v1/stories/{story.public_id}").json()
        assert (one["group"], one["group_kind"]) == ("quiet-circle" if inside else None, "strategic"), who
        many = api.get("/api/v1/stories", {"kind": "strategic"}).json()
        assert [r["id"] for r in many["results"]] == [story.public_id], who
        assert ("Quiet Circle" in json.dumps(many)) is False  # the API gives slugs, never names
        assert ("quiet-circle" in json.dumps(many)) == inside, who


def test_a_story_of_a_deactivated_author_is_gone_for_others() -> None:
    w = world()
    story = StoryFactory(author=w.author, audience=Audience.PUBLIC)
    User.objects.filter(pk=w.author.pk).update(is_active=False)
    assert Client().get(f"/stories/{story.public_id}/").status_code == 404
    assert as_client(w.member).get(f"/stories/{story.public_id}/").status_code == 404


LESSON_EXPECTED = {
    "anonymous": {"public"},
    "outsider": {"members", "public"},
    "member": {"groups", "members", "public"},
    "facilitator": {"groups", "members", "public"},
    "banned": {"members", "public"},
    "former": {"members", "public"},
    "other_member": {"groups", "members", "public"},
    "author": {"groups", "members", "public"},
}


@pytest.mark.parametrize("who", VIEWERS)
def test_each_viewer_reads_exactly_the_lessons_their_place_allows(who: str) -> None:
    w = world()
    lessons: dict[str, Lesson] = {
        aud: LessonFactory(author=w.author, text=f"Lesson for {aud}", audience=aud)
        for aud in (Audience.GROUPS, Audience.MEMBERS, Audience.PUBLIC)
    }
    viewer = _viewer(w, who)
    page = as_client(viewer).get("/stories/lessons/").content.decode()
    assert {k for k, x in lessons.items() if x.text in page} == LESSON_EXPECTED[who]
    body = _api(viewer).get("/api/v1/lessons").json()
    assert {r["text"] for r in body["results"]} == {lessons[k].text for k in LESSON_EXPECTED[who]}


def test_only_the_author_edits_or_deletes_and_others_get_404() -> None:
    w = world()
    story = StoryFactory(author=w.author, audience=Audience.PUBLIC, title="Mine to change")
    lesson = LessonFactory(author=w.author, audience=Audience.PUBLIC)
    for who in ("member", "facilitator", "outsider"):
        c, api = as_client(getattr(w, who)), _api(getattr(w, who))
        urls = [f"/stories/{story.public_id}/{action}/" for action in ("edit", "delete")]
        urls += [f"/stories/lessons/{lesson.public_id}/{action}/" for action in ("edit", "delete")]
        for url in urls:
            assert c.get(url).status_code == 404
            assert c.post(url, {"title": "Taken", "text": "Taken"}).status_code == 404
        assert api.delete(f"/api/v1/stories/{story.public_id}").status_code == 404
        assert api.delete(f"/api/v1/lessons/{lesson.public_id}").status_code == 404
        r = api.put(f"/api/v1/lessons/{lesson.public_id}", {"text": "Taken"}, content_type="application/json")
        assert r.status_code == 404
    assert Story.objects.get(pk=story.pk).title == "Mine to change"
    assert Lesson.objects.filter(pk=lesson.pk).count() == 1
    # An anonymous visitor is sent to sign in.
    assert Client().get(f"/stories/{story.public_id}/edit/").status_code == 302
    assert as_client(w.author).get(f"/stories/{story.public_id}/edit/").status_code == 200
