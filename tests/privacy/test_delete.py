from __future__ import annotations

import time

import pytest
from django.test import Client

from roundtable.accounts.models import User
from roundtable.groups.models import Group
from roundtable.privacy.services import FORMER_MEMBER, account_delete, needles
from roundtable.safety.models import AuditEvent
from roundtable.stories.models import Lesson, Story
from tests.clients import mark_reauthenticated, signed_in

from .world import EMAIL, FIRST, LAST, NAME, build, reauthenticated, traces

pytestmark = pytest.mark.django_db


def _needles(user: User) -> list[str]:
    return [*needles(user), user.public_id]


@pytest.mark.parametrize("keep", [True, False])
def test_after_deletion_no_row_names_the_person(keep: bool) -> None:
    w = build()
    pk, found = w.me.pk, _needles(w.me)
    assert {EMAIL, NAME, FIRST, LAST} <= set(found)
    before = traces(pk, found)  # the walk finds them before: a row, a text, a waiting job's arguments
    assert "accounts.User row" in before
    assert any(t.startswith("django_tasks_database.DBTaskResult.args_kwargs") for t in before)
    assert any(t.startswith("notifications.Notification.data") for t in before)
    account_delete(user=w.me, keep_contributions=keep)
    assert traces(pk, found) == []


def test_keeping_contributions_leaves_them_anonymous() -> None:
    w = build()
    account_delete(user=w.me, keep_contributions=True)
    story = Story.objects.get()
    assert (story.author_id, story.anonymous) == (None, True)
    assert Lesson.objects.filter(author=None, anonymous=True).count() == 1
    # Other members still read it, by no name.
    page = signed_in(w.third).get(story.get_absolute_url())
    assert page.status_code == 200
    assert NAME not in page.content.decode()


def test_removing_contributions_deletes_them() -> None:
    w = build()
    account_delete(user=w.me, keep_contributions=False)
    assert (Story.objects.count(), Lesson.objects.count()) == (0, 0)


def test_suggestions_in_others_turns_stay_anonymised_and_notifications_no_longer_name_them() -> None:
    from roundtable.live.models import Suggestion
    from roundtable.notifications.models import Notification

    w = build()
    account_delete(user=w.me, keep_contributions=True)
    kept = Suggestion.objects.get(text="Try the alumni association")
    assert kept.author_id is None
    told = Notification.objects.get(recipient=w.other)
    assert told.data == {"expert": FORMER_MEMBER, "note": f"Thanks, {FORMER_MEMBER}"}


def test_sole_facilitators_group_is_archived_and_shared_one_carries_on() -> None:
    w = build()
    page = reauthenticated(w.me).get("/me/delete/").content.decode()
    assert "You are the only facilitator of these groups" in page
    assert "Zeb&#x27;s circle" in page
    account_delete(user=w.me, keep_contributions=False)
    assert Group.objects.get(pk=w.sole_group.pk).archived_at is not None
    assert Group.objects.get(pk=w.group.pk).archived_at is None


def test_the_deletion_is_audited_naming_nobody() -> None:
    w = build()
    pk = w.me.pk
    account_delete(user=w.me, keep_contributions=False)
    event = AuditEvent.objects.get(action="privacy.account_deleted")
    assert (event.actor_id, event.subject_id, event.object_id) == (None, None, "")
    assert event.reason == "Contributions removed."
    assert str(pk) not in event.reason


def test_the_page_needs_reauthentication() -> None:
    w = build()
    client = signed_in(w.me)
    # Signed in 301 s ago, past the 300-second window: deleting asks for the password again.
    mark_reauthenticated(client, w.me, at=time.time() - 301)
    response = client.get("/me/delete/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_wrong_confirmation_deletes_nothing() -> None:
    w = build()
    client = reauthenticated(w.me)
    for typed in ("delete", "someone@example.com", "x" * 10_000, "DEL\x00ETE"):
        response = client.post("/me/delete/", {"contributions": "keep", "confirm": typed})
        assert response.status_code == 400
    assert client.post("/me/delete/", {"confirm": "DELETE"}).status_code == 400
    assert User.objects.filter(pk=w.me.pk).exists()


def test_sessions_tokens_and_feeds_stop_working() -> None:
    w = build()
    client = reauthenticated(w.me)
    elsewhere = signed_in(w.me)
    profile_url = f"/people/{w.me.public_id}/"
    assert Client().get(profile_url).status_code == 200
    feed = f"/calendar/{w.feed_token}.ics"
    feed_before = Client().get(feed).status_code
    response = client.post("/me/delete/", {"contributions": "remove", "confirm": EMAIL.upper()})
    assert response.status_code == 302
    assert response["Location"] == "/account-deleted/"
    assert not User.objects.filter(email=EMAIL).exists()
    assert elsewhere.get("/me/profile/").status_code == 302  # signed out: sent to sign in
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {w.token_secret}")
    assert api.status_code == 401
    assert (feed_before, Client().get(feed).status_code) == (200, 404)
    assert Client().get(profile_url).status_code == 404
    signin = Client().post("/accounts/login/", {"login": EMAIL, "password": "x"})
    assert signin.status_code == 200
