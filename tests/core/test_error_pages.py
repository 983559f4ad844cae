"""Every error a person can meet is a whole page of the site: a main landmark, a heading that
says what happened, and a way on; never Django's bare text or an empty body (issue 8, class 5)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import GroupFactory, UserFactory


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match is not None, "the page has no h1"
    return match.group(1).strip()


@pytest.mark.django_db
def test_a_button_address_opened_as_a_link_explains_itself_and_keeps_allow() -> None:
    group = GroupFactory()
    client = Client()
    client.force_login(UserFactory(name="Ann"))
    r = client.get(reverse("groups:join", args=[group.slug]))
    html = r.content.decode()
    assert (r.status_code, r["Allow"]) == (405, "POST")
    assert '<main id="main"' in html
    assert _h1(html) == "This address works through a button"


@pytest.mark.django_db
def test_the_api_keeps_its_json_405() -> None:
    group = GroupFactory()
    r = Client().get(f"/api/v1/groups/{group.slug}/join")
    assert (r.status_code, r["Content-Type"], r.json()) == (
        405,
        "application/json",
        {"detail": "This endpoint does not take that method."},
    )


@pytest.mark.django_db
def test_the_admin_answers_a_signed_in_member_with_a_page() -> None:
    client = Client()
    client.force_login(UserFactory(name="Ann"))
    r = client.get("/admin/", follow=True)
    html = r.content.decode()
    assert (r.redirect_chain, r.status_code) == ([("/admin/login/?next=/admin/", 302)], 403)
    assert '<main id="main"' in html
    assert _h1(html) == "This page isn't open to your account"
    assert reverse("groups:mine") in html


@pytest.mark.django_db
def test_an_expired_form_says_so_and_changes_nothing() -> None:
    user = UserFactory(name="Ann")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    group = GroupFactory()
    r = client.post(reverse("groups:join", args=[group.slug]), {"answer": ""})
    html = r.content.decode()
    assert r.status_code == 403
    assert _h1(html) == "That form had expired"
    assert "Nothing was changed." in html
    assert group.memberships.count() == 0


@pytest.mark.django_db
def test_a_failing_page_answers_a_standalone_500_page(settings: pytest.FixtureRequest) -> None:
    settings.ROOT_URLCONF = "tests.api.urls_failing"  # type: ignore[attr-defined]
    r = Client(raise_request_exception=False).get("/failing-page")
    html = r.content.decode()
    assert r.status_code == 500
    assert '<main id="main"' in html
    assert _h1(html) == "Something went wrong on our side"
