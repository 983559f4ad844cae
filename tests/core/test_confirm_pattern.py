"""Issue 9, item 3, beyond groups: revoking an API token and revoking or replacing the
calendar link ask first on the same confirmation page (core/confirm.py)."""

from __future__ import annotations

import pytest

from roundtable.accounts.models import ApiToken
from roundtable.accounts.services import api_token_create
from roundtable.meetings.feed_services import calendar_feed_create
from roundtable.meetings.models import CalendarFeed
from tests.clients import signed_in as _as
from tests.factories import UserFactory


@pytest.mark.django_db
def test_revoking_a_token_asks_first() -> None:
    user = UserFactory()
    token, _secret = api_token_create(user=user, name="Sheets sync")
    c = _as(user)
    assert f'href="/me/tokens/{token.pk}/revoke/"' in c.get("/me/tokens/").text
    ask = c.get(f"/me/tokens/{token.pk}/revoke/")
    assert ask.status_code == 200
    assert "Revoke “Sheets sync”?" in ask.text
    assert "Scripts and apps using this token are refused from now on." in ask.text
    token.refresh_from_db()
    assert token.is_active
    c.post(f"/me/tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get(pk=token.pk).is_active is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "question"),
    [("revoke_feed", "Revoke your calendar link?"), ("new_feed", "Replace your calendar link?")],
)
def test_ending_the_calendar_link_asks_first(action: str, question: str) -> None:
    user = UserFactory()
    feed, _token = calendar_feed_create(user=user)
    c = _as(user)
    assert f'href="?confirm={action}"' in c.get("/me/calendar/").text
    ask = c.get(f"/me/calendar/?confirm={action}")
    assert question in ask.text
    assert f'<input type="hidden" name="action" value="{action}">' in ask.text
    feed.refresh_from_db()
    assert feed.revoked_at is None
    c.post("/me/calendar/", {"action": action})
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).count() == (1 if action == "new_feed" else 0)
