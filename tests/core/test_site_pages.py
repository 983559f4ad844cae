"""The footer's contact, privacy and terms pages, and the menu's current item (issue 9, item 13)."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from roundtable.core.nav import current_items
from tests.clients import signed_in
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory


def _current(html: str) -> dict[str, str]:
    """{link text: aria-current} for the links of the main menu."""
    nav = html[html.index('<nav id="site-nav"') : html.index("</nav>")]
    out = {}
    for attrs, text in re.findall(r"<a ([^>]*)>([^<]+)</a>", nav):
        current = re.search(r'aria-current="(\w+)"', attrs)
        if current:
            out[text.strip()] = current.group(1)
    return out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "heading"), [("/contact/", "Contact"), ("/privacy/", "Privacy notice"), ("/terms/", "Terms of use")]
)
def test_footer_pages_exist_and_are_linked_from_every_page(path: str, heading: str) -> None:
    r = Client().get(path)
    assert r.status_code == 200
    assert f"<h1>{heading}</h1>" in r.text
    for other in ("/", "/groups/", "/accounts/login/"):
        footer = Client().get(other).text.split('<footer class="site-footer">')[1]
        assert f'href="{path}"' in footer


@pytest.mark.django_db
@override_settings(DEFAULT_FROM_EMAIL="Roundtable Boston <help@rt.example.org>")
def test_contact_and_privacy_give_the_operators_address() -> None:
    for path in ("/contact/", "/privacy/"):
        assert 'href="mailto:help@rt.example.org"' in Client().get(path).text


def test_current_items_match_full_view_names() -> None:
    assert current_items("groups:mine") == {"mine": "page"}
    # The calendar page is also named "mine" (feeds:mine): it belongs to the agenda.
    assert current_items("feeds:mine") == {"agenda": "true"}
    assert current_items("groups:detail") == {"discover": "true"}
    assert current_items("groups:detail", member=True) == {"mine": "true"}
    assert current_items("account_email") == {"account": "true"}
    assert current_items("home") == {"home": "page"}
    assert current_items(None) == {}
    assert current_items("api:openapi-view") == {}


@pytest.mark.django_db
def test_the_menu_marks_the_right_item_on_each_page() -> None:
    user = UserFactory(name="Ann Alvarez")
    group = GroupFactory()
    MembershipFactory(group=group, user=user)
    meeting = MeetingFactory(group=group)
    c = signed_in(user)  # just logged in: the password page asks for no re-authentication yet
    expected = {
        "/groups/": {"Find a group": "page"},
        f"/groups/{group.slug}/": {"My groups": "true"},
        "/me/groups/": {"My groups": "page"},
        "/me/agenda/": {"Agenda": "page"},
        "/me/calendar/": {"Agenda": "true"},
        f"/meetings/{meeting.public_id}/": {"My groups": "true"},
        "/groups/new/": {"My groups": "true"},
        "/network/introductions/": {"People": "page"},
        "/network/introductions/ask/": {"People": "true"},
        "/me/buddy/": {"People": "true"},
        "/speakers/": {"Talks": "true"},
        "/speakers/volunteer/": {"Talks": "true"},
        "/speakers/invitations/": {"Talks": "true"},
        "/me/profile/": {"Ann Alvarez": "page"},
        "/accounts/email/": {"Ann Alvarez": "true"},
        "/accounts/password/change/": {"Ann Alvarez": "true"},
        "/me/security/": {"Ann Alvarez": "true"},
        "/accounts/sessions/": {"Ann Alvarez": "true"},
        "/accounts/2fa/": {"Ann Alvarez": "true"},
        "/accounts/2fa/webauthn/": {"Ann Alvarez": "true"},
        "/talks/": {"Talks": "page"},
        "/stories/": {"Stories": "page"},
        "/tracker/": {"Job search": "page"},
        "/contact/": {},
    }
    for path, items in expected.items():
        r = c.get(path)
        assert r.status_code == 200, path
        assert _current(r.text) == items, path


@pytest.mark.django_db
def test_the_brand_is_current_on_home() -> None:
    html = Client().get("/").text
    assert re.search(r'<a class="brand" href="/" aria-label="Roundtable home" aria-current="page">', html)
    assert _current(Client().get("/accounts/login/").text) == {"Log in": "page"}
    assert _current(Client().get("/accounts/signup/").text) == {"Sign up": "page"}


@pytest.mark.django_db
def test_the_menu_button_controls_the_menu() -> None:
    html = Client().get("/").text
    assert '<button type="button" class="menu-button" aria-expanded="false" aria-controls="site-nav" hidden>' in html
    assert '<nav id="site-nav" class="site-nav" aria-label="Main">' in html


def _tabs(html: str) -> dict[str, str]:
    """The section's tabs (`<nav class="section-nav">`): {label: aria-current or ""}."""
    nav = html[html.index('<nav class="section-nav"') :]
    nav = nav[: nav.index("</nav>")]
    return {
        text.strip(): (found.group(1) if (found := re.search(r'aria-current="(\w+)"', attrs)) else "")
        for attrs, text in re.findall(r"<a ([^>]*)>([^<]+)</a>", nav)
    }


@pytest.mark.django_db
def test_people_and_talks_sections_have_tabs_marking_the_page() -> None:
    c = Client()
    c.force_login(UserFactory())
    assert _tabs(c.get("/network/introductions/").text) == {"Introductions": "page", "Work search buddy": ""}
    assert _tabs(c.get("/me/buddy/").text) == {"Introductions": "", "Work search buddy": "page"}
    signed_in = {"Upcoming talks": "", "Experts": "", "Invitations to speak": "", "My expert profile": ""}
    assert _tabs(c.get("/talks/").text) == {**signed_in, "Upcoming talks": "page"}
    assert _tabs(c.get("/speakers/").text) == {**signed_in, "Experts": "page"}
    assert _tabs(c.get("/speakers/invitations/").text) == {**signed_in, "Invitations to speak": "page"}
    # Anonymous visitors see the talks and the experts, nothing of their own.
    assert _tabs(Client().get("/speakers/").text) == {"Upcoming talks": "", "Experts": "page"}
