"""Fixed query counts at two data sizes: the stories page (filtered or not), a story, the
lessons page, the group page's stories section, the API lists and "a challenge like yours"."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.services import api_token_create
from roundtable.stories import selectors, services
from roundtable.stories.models import Audience
from tests.factories import UserFactory
from tests.queries import page_queries

from .factories import LandingFactory, LessonFactory, StoryFactory
from .world import World, as_client, world

pytestmark = pytest.mark.django_db


def _fill(w: World, n: int) -> None:
    StoryFactory(author=w.author, group=w.group, audience=Audience.PUBLIC, title="Open to all")
    audiences = [Audience.GROUPS, Audience.MEMBERS, Audience.PUBLIC]
    for i in range(n):
        author = UserFactory(name=f"Writer {i}")
        group = w.group if i % 2 else w.secret
        from tests.factories import MembershipFactory

        MembershipFactory(group=group, user=author)
        StoryFactory(author=author, group=group, audience=audiences[i % 3], anonymous=i % 4 == 0,
                     what_worked=f"Recruiter follow ups, try {i}.")  # fmt: skip
        LessonFactory(author=author, audience=audiences[i % 3], anonymous=i % 2 == 0,
                      text=f"Recruiter follow ups help {i}.")  # fmt: skip


def _api_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [3, 15])
def test_stories_pages_take_a_fixed_number_of_queries(n: int) -> None:
    w = world()
    _fill(w, n)
    LandingFactory(owner=w.member)
    member = as_client(w.member)
    counts = {
        "list": page_queries(member, "/stories/"),
        "filtered": page_queries(member, "/stories/?channel=networking&field=technology&kind=strategic"),
        "anonymous": page_queries(Client(), "/stories/"),
        "lessons": page_queries(member, "/stories/lessons/"),
        "like_yours": page_queries(member, "/stories/like-yours/?text=recruiter+follow+ups"),
    }
    story = StoryFactory(author=w.author, group=w.group, audience=Audience.PUBLIC)
    counts["story"] = page_queries(member, f"/stories/{story.public_id}/")
    # The list: session, user, the landing ("Tell your story"), count, page, the viewer's groups,
    # the base template's own, and the navigation's unread badge for a signed-in viewer.
    assert counts == {"list": 8, "filtered": 8, "anonymous": 2, "lessons": 6, "like_yours": 7, "story": 6}
    found = member.get("/stories/like-yours/?text=recruiter+follow+ups").content.decode()
    assert found.count('class="card stack like-yours-item"') == min(
        8, len(selectors.like_yours(w.member, "recruiter follow ups"))
    )
    assert found.count('class="card stack like-yours-item"') >= 3


@pytest.mark.parametrize("n", [3, 15])
def test_api_lists_take_a_fixed_number_of_queries(n: int) -> None:
    w = world()
    _fill(w, n)
    _t, secret = api_token_create(user=w.member)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    counts = {
        "stories": _api_queries(api, "/api/v1/stories"),
        "lessons": _api_queries(api, "/api/v1/lessons"),
        "like_yours": _api_queries(api, "/api/v1/like-yours?text=recruiter%20follow"),
    }
    assert counts == {"stories": 5, "lessons": 3, "like_yours": 3}
    assert len(api.get("/api/v1/like-yours?text=recruiter%20follow").json()) == len(
        selectors.like_yours(w.member, "recruiter follow")
    )


@pytest.mark.parametrize("n", [3, 15])
def test_group_page_section_takes_a_fixed_number_of_queries(n: int) -> None:
    w = world()
    _fill(w, n)
    baseline = page_queries(as_client(w.member), "/groups/quiet-circle/")
    assert page_queries(as_client(w.member), "/groups/harbor/") == baseline


def test_sharing_the_history_is_off_until_chosen() -> None:
    user = UserFactory()
    assert services.shares_anonymously(user.pk) is False
    c = as_client(user)
    assert "You don't share them now." in c.get("/me/profile/").content.decode()
    r = c.post("/stories/sharing/", {"share": "yes", "next": "/me/profile/"})
    assert (r.status_code, r["Location"]) == (302, "/me/profile/")
    assert services.shares_anonymously(user.pk) is True
    assert "You share them now." in c.get("/me/profile/").content.decode()
    r = c.post("/stories/sharing/", {"share": "maybe", "next": "https://evil.example/"})
    assert (r.status_code, r["Location"]) == (302, "/stories/like-yours/")
    assert services.shares_anonymously(user.pk) is True
