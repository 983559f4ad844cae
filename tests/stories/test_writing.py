"""Writing stories and lessons through the pages and the API: what is saved, and each refusal
(no landing yet, control characters, line breaks in a title, lengths, another person's group,
unknown choices): a form error or a 4xx with a reason, never a 500, nothing half-written."""

from __future__ import annotations

import pytest
from django.test import Client

from roundtable.accounts.services import api_token_create
from roundtable.stories.models import HelpEntry, Lesson, Story
from roundtable.tracker.models import Source
from tests.factories import GroupFactory, MembershipFactory

from .factories import LandingFactory
from .world import as_client, world

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Six months, one referral",
    "field": "finance",
    "what_worked": "Weekly coffee chats.\r\nA referral in the end.",
    "what_did_not": "Cold applications.",
    "advice": "Ask for advice, not a job.",
    "group": "harbor",
    "audience": "groups",
}


def _api(user):  # type: ignore[no-untyped-def]
    _t, secret = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_a_story_is_offered_after_landing_and_takes_its_channel_from_it() -> None:
    w = world()
    c = as_client(w.author)
    page = c.get("/stories/new/").content.decode()
    assert "A landed story starts with the job" in page
    assert c.post("/stories/new/", FORM).status_code == 409
    assert Story.objects.count() == 0
    LandingFactory(owner=w.author, source=Source.REFERRAL, group=w.group)
    assert 'href="/stories/new/"' in c.get("/me/landed/next/").content.decode()
    assert 'href="/stories/new/"' in c.get("/me/landed/").content.decode()
    form = c.get("/stories/new/").content.decode()
    assert '<option value="harbor" selected>Harbor Job Seekers</option>' in form
    r = c.post("/stories/new/", FORM)
    story = Story.objects.get()
    assert (r.status_code, r["Location"]) == (302, f"/stories/{story.public_id}/")
    assert (story.channel, story.field, story.group, story.audience, story.anonymous) == (
        "referral", "finance", w.group, "groups", False
    )  # fmt: skip
    assert story.what_worked == "Weekly coffee chats.\nA referral in the end."
    assert HelpEntry.objects.get(story=story).search_text == (
        "Six months, one referral\nWeekly coffee chats.\nA referral in the end.\nAsk for advice, not a job."
    )
    # Editing keeps the channel, and the search entry follows.
    r = c.post(f"/stories/{story.public_id}/edit/", {**FORM, "title": "Seven months", "anonymous": "on"})
    story.refresh_from_db()
    assert (r.status_code, story.title, story.anonymous, story.channel) == (302, "Seven months", True, "referral")
    assert HelpEntry.objects.get(story=story).search_text.startswith("Seven months\n")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "Two\nlines"}, "Keep this to one line: remove the line break at character 4."),
        ({"title": "x" * 121}, "Ensure this value has at most 120 characters (it has 121)."),
        ({"what_worked": "bad \x01 byte"}, "Remove the invisible control character U+0001"),
        ({"what_worked": ""}, "This field is required."),
        ({"group": "quiet-elsewhere"}, "Select a valid choice."),
        ({"audience": "everyone"}, "Select a valid choice."),
        ({"field": "astrology"}, "Select a valid choice."),
    ],
)
def test_refusals_on_the_form_keep_nothing(change: dict[str, str], message: str) -> None:
    w = world()
    GroupFactory(slug="quiet-elsewhere")
    LandingFactory(owner=w.author)
    r = as_client(w.author).post("/stories/new/", {**FORM, **change})
    assert r.status_code == 400
    assert message in r.content.decode()
    assert Story.objects.count() == 0


def test_the_api_writes_and_refuses_with_reasons() -> None:
    w = world()
    api = _api(w.author)
    body = {"title": "Through the group", "what_worked": "Practice interviews.", "group": "harbor",
            "audience": "public", "anonymous": True}  # fmt: skip
    r = api.post("/api/v1/stories", body, content_type="application/json")
    assert (r.status_code, r.json()) == (409, {"detail": "Say you landed first: your story tells how."})
    LandingFactory(owner=w.author, source=Source.GROUP, group=w.group)
    r = api.post("/api/v1/stories", body, content_type="application/json")
    assert r.status_code == 201
    out = r.json()
    assert (out["channel"], out["group"], out["anonymous"], out["is_mine"]) == ("group", "harbor", True, True)
    # Another person's group (one the author was never in) answers as a missing one.
    other = GroupFactory(slug="elsewhere")
    MembershipFactory(group=other)
    r = api.post("/api/v1/stories", {**body, "group": "elsewhere"}, content_type="application/json")
    assert (r.status_code, r.json()) == (404, {"detail": "No such group."})
    for bad in ({"title": "a\nb"}, {"what_worked": "x\x00"}, {"audience": "friends"}, {"title": "t" * 121}):
        r = api.post("/api/v1/stories", {**body, **bad}, content_type="application/json")
        assert r.status_code == 422
    assert Story.objects.count() == 1
    # Lessons.
    r = api.post(
        "/api/v1/lessons", {"text": "Bring printed copies.", "kind": "misstep"}, content_type="application/json"
    )
    assert (r.status_code, r.json()["kind"], r.json()["audience"]) == (201, "misstep", "members")
    r = api.post("/api/v1/lessons", {"text": "   "}, content_type="application/json")
    assert (r.status_code, r.json()) == (400, {"detail": "Please fill this in."})
    assert Lesson.objects.count() == 1


def test_lessons_through_the_pages() -> None:
    w = world()
    c = as_client(w.outsider)
    assert Client().get("/stories/lessons/new/").status_code == 302
    r = c.post("/stories/lessons/new/", {"kind": "tip", "text": "Practise your pitch aloud.", "audience": "public"})
    assert (r.status_code, r["Location"]) == (302, "/stories/lessons/")
    lesson = Lesson.objects.get()
    assert (lesson.author, lesson.kind, lesson.audience, lesson.anonymous) == (w.outsider, "tip", "public", False)
    assert "Practise your pitch aloud." in Client().get("/stories/lessons/").content.decode()
    r = c.post("/stories/lessons/new/", {"kind": "tip", "text": "x" * 501, "audience": "public"})
    assert r.status_code == 400
    r = c.post(
        f"/stories/lessons/{lesson.public_id}/edit/", {"kind": "misstep", "text": "Edited.", "audience": "groups"}
    )
    lesson.refresh_from_db()
    assert (r.status_code, lesson.kind, lesson.text, HelpEntry.objects.get(lesson=lesson).search_text) == (
        302, "misstep", "Edited.", "Edited."
    )  # fmt: skip


def test_filters_and_empty_states_say_what_to_do_next() -> None:
    w = world()
    member = as_client(w.member)
    page = member.get("/stories/").content.decode()
    assert "No stories yet" in page
    assert "Read the lessons" in page
    assert "Sign in to read the stories shared with members." in Client().get("/stories/").content.decode()
    page = member.get("/stories/?channel=referral&field=nonsense&kind=\x00").content.decode()
    assert "No story matches these filters yet" in page
    assert '<option value="referral" selected>' in page


def test_the_anonymous_group_page_never_keeps_a_story_its_author_changed() -> None:
    w = world()
    LandingFactory(owner=w.author, group=w.group)
    c = as_client(w.author)
    c.post("/stories/new/", {**FORM, "audience": "public"})
    story = Story.objects.get()
    visitor = Client()
    page = visitor.get("/groups/harbor/").content.decode()  # cached whole for anonymous visitors
    assert ("Six months, one referral" in page, "Avery Author" in page) == (True, True)
    c.post(f"/stories/{story.public_id}/edit/", {**FORM, "audience": "public", "anonymous": "on"})
    page = visitor.get("/groups/harbor/").content.decode()
    assert ("Six months, one referral" in page, "Avery Author" in page) == (True, False)
    c.post(f"/stories/{story.public_id}/delete/")
    assert "Six months, one referral" not in visitor.get("/groups/harbor/").content.decode()


def test_the_form_says_what_naming_a_secret_group_does_before_it_is_shared() -> None:
    w = world()
    LandingFactory(owner=w.author, group=w.secret)
    c = as_client(w.author)
    form = c.get("/stories/new/").content.decode()
    assert '<option value="quiet-circle" selected>Quiet Circle</option>' in form
    hint = (
        "Quiet Circle is secret: only its members see its name on your story. "
        "Everyone else who may read it sees only what kind of group helped you."
    )
    assert f'<span class="help" id="id_group_helptext">{hint}</span>' in form
    assert 'aria-describedby="id_group_helptext"' in form
    r = c.post("/stories/new/", {**FORM, "group": "quiet-circle", "audience": "public"})
    story = Story.objects.get()
    assert (r.status_code, story.group, story.audience) == (302, w.secret, "public")
    # Someone in no secret group is not told about secret groups at all.
    LandingFactory(owner=w.other_member, group=w.group)
    other = as_client(w.other_member).get("/stories/new/").content.decode()
    assert "secret" not in other


def test_the_hint_names_each_secret_group() -> None:
    from roundtable.groups.models import GroupVisibility
    from roundtable.stories.forms import secret_groups_help

    w = world()
    night = GroupFactory(name="Night Owls", visibility=GroupVisibility.SECRET)
    assert secret_groups_help([w.group]) == ""
    assert secret_groups_help([w.secret, w.group, night]) == (
        "Quiet Circle and Night Owls are secret: only their members see the group's name on your story. "
        "Everyone else who may read it sees only what kind of group helped you."
    )
