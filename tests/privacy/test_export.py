from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roundtable.groups.models import GroupVisibility
from roundtable.privacy import export
from roundtable.privacy.registry import HOLDINGS
from roundtable.privacy.services import EXPORTS_PER_HOUR
from roundtable.safety.models import AuditEvent
from tests.clients import signed_in
from tests.factories import GroupFactory, MembershipFactory

from .world import EMAIL, NAME, build

pytestmark = pytest.mark.django_db


def _download(client: Client) -> dict:
    response = client.get("/me/data/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="roundtable-data-')
    return json.loads(response.content)


def test_export_holds_every_registered_model_and_the_person() -> None:
    w = build()
    doc = _download(signed_in(w.me))
    assert doc["format"] == "roundtable-export"
    assert doc["version"] == 1
    assert doc["person"]["email"] == EMAIL
    assert doc["person"]["display_name"] == NAME
    assert set(HOLDINGS) <= set(doc)
    assert len(doc["tracker.Contact"]) == 1
    assert len(doc["stories.Story"]) == 1
    assert doc["accounts.Block"] == [{"blocked": "Theo Third", "created_at": doc["accounts.Block"][0]["created_at"]}]
    assert AuditEvent.objects.filter(action="privacy.export", subject=w.me).count() == 1


def test_export_names_other_people_only_as_the_person_could_see_them() -> None:
    w = build()
    hidden = GroupFactory(name="The Quiet Harbour Circle", visibility=GroupVisibility.SECRET)
    MembershipFactory(group=hidden, user=w.other)
    w.other.profile.pitch = "Olive's private pitch"
    w.other.profile.save()
    doc = _download(signed_in(w.me))
    text = json.dumps(doc)
    # Other people's emails, their private tracker and a group the person is not in never appear.
    assert w.other.email not in text
    assert w.third.email not in text
    assert "A person from the meetup" not in text
    assert "The Quiet Harbour Circle" not in text
    assert "Olive's private pitch" not in text
    suggestions = {s["text"]: s["author"] for s in doc["live.Suggestion"]}
    assert suggestions["Try the alumni association"] == export.YOU
    # `other` blocked the person: their name is hidden from them, as everywhere else.
    assert "Olive Other" not in text
    assert set(suggestions.values()) == {export.YOU, export.ANOTHER}
    # The note a third person wrote to them stays that person's.
    intros = {i["asker"]: i for i in doc["network.Introduction"]}
    assert intros[export.YOU]["asker_note"] == "Please"
    assert "Third's note" not in text
    assert all("token_hash" not in row for row in doc["accounts.ApiToken"])


def test_another_persons_export_is_never_reachable() -> None:
    w = build()
    doc = _download(signed_in(w.other))
    assert doc["person"]["email"] == w.other.email
    assert EMAIL not in json.dumps(doc)


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    for url in ("/me/data/", "/me/data/download/", "/me/data/summary/", "/me/delete/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_api_export_needs_a_token_and_gives_the_same_document() -> None:
    w = build()
    assert Client().get("/api/v1/me/data").status_code == 401
    response = Client().get("/api/v1/me/data", HTTP_AUTHORIZATION=f"Bearer {w.token_secret}")
    assert response.status_code == 200
    body = response.json()
    assert body["format"] == "roundtable-export"
    assert body["person"]["email"] == EMAIL
    assert set(HOLDINGS) <= set(body)
    assert len(body["tracker.Contact"]) == 1


def test_exports_are_limited_per_hour() -> None:
    w = build()
    client = signed_in(w.me)
    for _ in range(EXPORTS_PER_HOUR):
        assert client.get("/me/data/summary/").status_code == 200
    refused = client.get("/me/data/download/")
    assert refused.status_code == 429
    assert "5 times an hour" in refused.content.decode()


def test_pages_show_what_is_exported_and_the_readable_summary() -> None:
    w = build()
    client = signed_in(w.me)
    page = client.get("/me/data/").content.decode()
    assert "Download my data (JSON)" in page
    assert "View as a readable page" in page
    summary = client.get("/me/data/summary/").content.decode()
    assert "Everything Roundtable holds about you" in summary
    assert 'Your landed stories <span class="muted">(1)</span>' in summary
    assert "Try the alumni association" in summary
    # Readable: groups by name, keys in words, times in words (the JSON keeps ids and ISO times).
    assert "<dt>Group</dt><dd>Zeb&#x27;s circle</dd>" in summary
    assert "<dt>Created at</dt>" in summary
    assert "<dt>created_at</dt>" not in summary
    assert re.search(r"<dd>\d{4}-\d{2}-\d{2}T\d{2}:", summary) is None


def _export_queries(stories: int) -> int:
    w = build(stories=stories, email=f"zeb{stories}@example.com")
    with CaptureQueriesContext(connection) as ctx:
        export.document(w.me)
    return len(ctx.captured_queries)


def test_export_takes_a_fixed_number_of_queries() -> None:
    """One query a registered model (and one a many-to-many field it exports), whatever the
    number of rows, and two to name the other people (their profiles, the blocks between them and the person)."""
    small = _export_queries(1)
    assert small == len(HOLDINGS) + sum(len(h.many) for h in HOLDINGS.values()) + 2
    assert _export_queries(5) == small
