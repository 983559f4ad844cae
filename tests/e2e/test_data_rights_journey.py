"""Data rights in a browser (issue 12, item 6): from the profile's settings to "Your data",
download the JSON export, read the summary, then delete the account after signing in again;
afterwards signing in fails and the profile is a 404. Screenshots at 1280 and 360 px."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from roundtable.accounts.models import User
from tests.e2e.conftest import shot
from tests.e2e.live_helpers import AsgiServer, _off_loop, _watch_console
from tests.e2e.test_join_journey import _login
from tests.factories import UserFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.e2e

EMAIL = "rosa.marquez@example.com"


def _exists() -> bool:
    return User.objects.filter(email=EMAIL).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_export_then_delete_my_account(asgi_server: AsgiServer, new_page, width: int) -> None:  # type: ignore[no-untyped-def]
    base = asgi_server.url
    rosa = UserFactory(email=EMAIL, name="Rosa Márquez")
    StoryFactory(author=rosa, title="How a coffee chat became an offer")
    problems: list[str] = []
    page = new_page(width, 900)
    _watch_console(page, problems)
    _login(page, base, EMAIL)
    expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_have_count(1)

    page.goto(f"{base}/me/profile/")
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    shot(page, f"privacy-data-{width}")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download my data (JSON)").click()
    doc = json.loads(Path(downloaded.value.path()).read_text())
    assert (doc["format"], doc["person"]["email"]) == ("roundtable-export", EMAIL)
    assert [s["title"] for s in doc["stories.Story"]] == ["How a coffee chat became an offer"]

    page.get_by_role("link", name="View as a readable page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Everything Roundtable holds about you")
    expect(page.get_by_text("How a coffee chat became an offer", exact=True)).to_be_visible()
    shot(page, f"privacy-summary-{width}")

    page.goto(f"{base}/me/profile/")
    page.get_by_role("link", name="Delete your account").click()
    # Signed in moments ago: that counts as confirming it's them (accounts.security), so the
    # page opens without asking for the password again (tests/privacy asks after the window).
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    shot(page, f"privacy-delete-{width}")
    page.get_by_label("Keep them for others, anonymous").check()
    page.get_by_label("To confirm, type your email address or the word DELETE").fill("DELETE")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is deleted")
    shot(page, f"privacy-deleted-{width}")
    assert _off_loop(_exists) is False

    response = page.goto(f"{base}/people/{rosa.public_id}/")
    assert response is not None
    assert response.status == 404
    _login(page, base, EMAIL)
    expect(page.get_by_text("The email address and/or password you specified are not correct.")).to_be_visible()
    assert problems == ["error: Failed to load resource: the server responded with a status of 404 (Not Found)"]
