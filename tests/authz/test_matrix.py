"""The per-URL authorization matrix (issue 12): every route from the URL resolver and every
operation of the API's routers, for every kind of viewer, answers as tests/authz/matrix.py
says; a route or operation without an entry fails; refused writes change nothing.

One world (tests/authz/world.py) is built once for the module, inside a transaction rolled
back at the end; each request runs inside a savepoint rolled back after it, so a write that
succeeds leaves nothing for the next request to see."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from roundtable.groups.models import Membership
from tests.authz import matrix
from tests.authz.routes import API_BODIES, PAGE_BODIES, api_operations, api_url, page_routes, page_url
from tests.authz.world import ANONYMOUS, MEMBER, VIEWERS, World, build_world
from tests.clients import signed_in, unmask

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
REFUSED = {matrix.LOGIN, 401, 403, 404, 405}


def _covered(route: str) -> bool:
    if route in matrix.PAGES or route in matrix.EXCLUDED:
        return True
    return any(key.endswith(":") and route.startswith(key) for key in matrix.EXCLUDED)


def test_every_route_and_operation_has_an_entry_and_every_entry_a_route() -> None:
    routes = page_routes()
    assert [r for r in routes if not _covered(r)] == []
    assert sorted(set(matrix.PAGES) - set(routes)) == []
    assert sorted(k for k in matrix.EXCLUDED if not k.endswith(":") and k not in routes) == []
    assert all(reason.strip() for reason in matrix.EXCLUDED.values())
    operations = api_operations()
    assert sorted(set(operations) - set(matrix.API)) == []
    assert sorted(set(matrix.API) - set(operations)) == []
    secret = {k.removesuffix("@secret") for k in matrix.SECRET}
    page_keys = {f"{m} {r}" for r, methods in matrix.PAGES.items() for m in methods}
    assert sorted(secret - page_keys - set(operations)) == []
    # Every expectation names every kind of viewer, and GET is always checked.
    expectations = [e for methods in matrix.PAGES.values() for e in methods.values()]
    expectations += [*matrix.API.values(), *matrix.SECRET.values()]
    assert [e for e in expectations if set(e) != set(VIEWERS)] == []
    assert [r for r, methods in matrix.PAGES.items() if "GET" not in methods] == []


def test_a_new_route_without_an_entry_fails_the_coverage_check() -> None:
    assert _covered("groups:detail") is True
    assert _covered("admin:auth_group_changelist") is True
    assert _covered("groups:brand_new_page") is False


# ---------------------------------------------------------------------------- the world


class Viewers:
    """The world, a session per signed-in viewer, and the row counts nothing refused may change."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.sessions: dict[str, str] = {}
        self.secrets = world.secrets
        for kind in VIEWERS:
            if kind != ANONYMOUS:
                # Signed in just now, as through the sign-in page: allauth's re-authentication
                # window is open (password, email and two-factor pages; new API tokens).
                c = signed_in(world.user(kind))
                self.sessions[kind] = c.cookies[settings.SESSION_COOKIE_NAME].value
        self.before = fingerprint()

    def page(self, kind: str, method: str, url: str, body: dict[str, str] | None = None) -> HttpResponse:
        c = Client()
        if kind != ANONYMOUS:
            c.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[kind]
        return c.generic(method, url, urlencode(body or {}), "application/x-www-form-urlencoded")

    def api(self, kind: str, method: str, url: str, body: dict[str, object] | None = None) -> HttpResponse:
        auth = {} if kind == ANONYMOUS else {"HTTP_AUTHORIZATION": f"Bearer {self.secrets[kind]}"}
        data = json.dumps(body or {}) if method in WRITES else ""
        return Client().generic(method, url, data, "application/json", **auth)


def fingerprint() -> tuple[Any, ...]:
    """Every table's row count (one query) and every membership's state and role."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
        # Signing in is not a write of the app's, nor is the device's "last active" row, which
        # accounts.middleware writes every five minutes of a long run (each request's savepoint
        # rolls it back, so every request after the first five minutes would write it again).
        - {"django_session", "usersessions_usersession"}
    )
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Table names from the models, quoted: nothing from outside.
        counts_sql = ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables)  # noqa: S608
        cursor.execute(f"SELECT {counts_sql}")
        counts = cursor.fetchone()
    memberships = tuple(Membership.objects.order_by("pk").values_list("pk", "state", "role"))
    return (*zip(tables, counts, strict=True), memberships)


# The tests that use the world are marked django_db: that is how pytest-django knows to make
# the test database, and each test runs in its own savepoint inside the module's transaction.
@pytest.fixture(scope="module")
def viewers(django_db_setup: None, django_db_blocker: Any) -> Iterator[Viewers]:
    # The viewers signed in when the world was built: the whole run stays inside allauth's
    # re-authentication window (5 minutes by default), however long it takes.
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(ACCOUNT_REAUTHENTICATION_TIMEOUT=3600):
        yield Viewers(build_world())
        transaction.set_rollback(True)


def _status(r: HttpResponse) -> matrix.Status:
    if r.status_code == 302 and r["Location"].startswith(reverse("account_login")):
        return matrix.LOGIN
    return r.status_code


def _check(v: Viewers, key: str, expect: matrix.Expect, send: Any) -> list[str]:
    """Send the request as each viewer, each in a savepoint rolled back after it; the
    mismatches, and refused writes that changed something."""
    method = key.split(" ", 1)[0]
    problems = []
    for kind in VIEWERS:
        cache.clear()  # rate limits: every request starts fresh
        with transaction.atomic():
            r = send(kind)
            got = _status(r)
            if got != expect[kind]:
                problems.append(f"{key} as {kind}: {got}, expected {expect[kind]}")
            elif method in WRITES and got in REFUSED and (after := fingerprint()) != v.before:
                changed = [a[0] if isinstance(a, tuple) and len(a) == 2 else "memberships"
                           for a, b in zip(after, v.before, strict=True) if a != b]  # fmt: skip
                problems.append(f"{key} as {kind}: refused with {got} but changed rows: {changed}")
            transaction.set_rollback(True)
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(matrix.PAGES))
def test_page(viewers: Viewers, route: str) -> None:
    url = page_url(route, viewers.world)
    problems = []
    for method, expect in matrix.PAGES[route].items():
        get_body = PAGE_BODIES.get(f"{method} {route}")
        body = get_body(viewers.world) if get_body else None
        problems += _check(
            viewers, f"{method} {route}", expect, lambda kind, m=method, b=body: viewers.page(kind, m, url, b)
        )
    if "POST" not in matrix.PAGES[route]:
        # A route listed with GET alone takes no POST.
        with transaction.atomic():
            got = viewers.page(MEMBER, "POST", url).status_code
            transaction.set_rollback(True)
        if got not in (405, matrix.PAGES[route]["GET"][MEMBER]):
            problems.append(f"POST {route} as member: {got}, expected 405 (or list POST in the matrix)")
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(matrix.API))
def test_api_operation(viewers: Viewers, operation: str) -> None:
    method = operation.split(" ", 1)[0]
    url = api_url(operation, viewers.world)
    expect = matrix.API[operation]
    get_body = API_BODIES.get(operation)
    body = get_body(viewers.world) if get_body else None
    assert _check(viewers, operation, expect, lambda kind: viewers.api(kind, method, url, body)) == []


def _secret_url(key: str, w: World) -> str:
    assert w.secret is not None
    assert w.secret_meeting is not None
    target = key.split(" ", 1)[1].removesuffix("@secret")
    if target.startswith("/api/"):
        return target.replace("{slug}", w.secret.slug).replace("{public_id}", w.secret_meeting.public_id)
    if target in ("meetings:detail", "feeds:meeting_ics"):
        return reverse(target, args=[w.secret_meeting.public_id])
    return reverse(target, args=[w.secret.slug])


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(matrix.SECRET))
def test_secret_group(viewers: Viewers, key: str) -> None:
    method = key.split(" ", 1)[0]
    url = _secret_url(key, viewers.world)
    send: Any = viewers.api if "/api/" in key else viewers.page
    bodies: dict[str, Any] = API_BODIES if "/api/" in key else PAGE_BODIES
    get_body = bodies.get(key.removesuffix("@secret"))
    body = get_body(viewers.world) if get_body else None
    assert _check(viewers, key, matrix.SECRET[key], lambda kind: send(kind, method, url, body)) == []


@pytest.mark.django_db
def test_a_hidden_secret_group_answers_as_a_missing_one(viewers: Viewers) -> None:
    w = viewers.world
    assert w.secret is not None
    for kind in (ANONYMOUS, "outsider", "pending", "banned", "ex_member"):
        hidden = viewers.page(kind, "GET", reverse("groups:detail", args=[w.secret.slug]))
        missing = viewers.page(kind, "GET", reverse("groups:detail", args=["no-such-group"]))
        assert (kind, hidden.status_code, len(hidden.content)) == (kind, 404, len(missing.content))


@pytest.mark.django_db
def test_hidden_content_answers_its_report_as_missing_content(viewers: Viewers) -> None:
    """A suggestion a moderator hid is left out of every surface: the report form and the API
    answer everyone (its group's members included) as for a suggestion that does not exist."""
    w = viewers.world
    missing = str(int(w.suggestion) + 1000)
    for kind in ("member", "facilitator", "blocked", "outsider"):
        pages = [
            unmask(viewers.page(kind, "GET", f"{reverse('safety:report')}?kind=suggestion&ref={ref}").text)
            for ref in (w.hidden, missing)
        ]
        assert (kind, pages[0]) == (kind, pages[1])
        for ref in (w.hidden, missing):
            with transaction.atomic():
                body = {"kind": "suggestion", "ref": ref, "reason": "spam"}
                r = viewers.api(kind, "POST", "/api/v1/reports", body)
                transaction.set_rollback(True)
            assert (kind, ref, r.status_code, r.json()) == (kind, ref, 404, {"detail": "Not found."})
