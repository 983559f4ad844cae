"""Markup rules the page sweep (tests/e2e/test_page_sweep.py) checks in a browser, held here
too without one, so a slip shows in the fast suite: the page list covers every route, htmx
attributes are written as valid HTML (data-hx-*), headings do not skip levels, controls'
names start with their visible words (WCAG 2.5.3), <time datetime> values are valid."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from roundtable.groups.models import Kind
from tests.e2e.pages import EXCLUDED, PAGES, PHONE_ONLY
from tests.factories import (
    GroupFactory,
    InviteFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    TalkFactory,
    UserFactory,
    facilitator_of,
)

ROOT = Path(__file__).resolve().parents[2] / "roundtable"


def _routes(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Every named route as `reverse` spells it; unnamed ones as `<namespace>:<pattern>`."""
    found = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _routes(p, inner)
        elif isinstance(p, URLPattern):
            found.append(f"{namespace}{p.name}" if p.name else f"{namespace}{p.pattern}")
    return found


def _covered(route: str) -> bool:
    if route in PAGES or route in EXCLUDED:
        return True
    return any(key.endswith(":") and route.startswith(key) for key in EXCLUDED)


def test_every_route_is_in_the_page_sweep_or_excluded_with_a_reason() -> None:
    routes = _routes()
    assert [r for r in routes if not _covered(r)] == []
    # Both lists name only routes that exist, and no route is in both.
    assert sorted(set(PAGES) - set(routes)) == []
    assert sorted(k for k in EXCLUDED if not k.endswith(":") and k not in routes) == []
    assert sorted(set(PAGES) & set(EXCLUDED)) == []
    assert all(reason.strip() for reason in EXCLUDED.values())
    # The phone sweep's extra pages (the admin) are real routes too.
    assert sorted(set(PHONE_ONLY) - set(routes)) == []


def test_a_new_route_without_an_entry_fails_the_coverage_check() -> None:
    assert _covered("meetings:detail") is True
    assert _covered("admin:auth_group_changelist") is True
    assert _covered("meetings:brand_new_page") is False


# A page's table is a card per row on phones (site.css, table.cards; issue 11), and every
# data cell names its column there. Emails are not pages: mail clients lay them out.
TABLE = re.compile(r"<table\b[^>]*>")


def test_every_table_on_a_page_is_cards_on_phones() -> None:
    pages = [p for p in ROOT.rglob("templates/**/*.html") if "email" not in p.relative_to(ROOT).parts[2:]]
    tables = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in pages for m in TABLE.finditer(p.read_text())]
    assert len(tables) >= 6
    assert sorted(t for t in tables if 'class="cards' not in t) == []


@pytest.mark.django_db
def test_every_data_cell_of_the_dashboard_names_its_column(client: Client) -> None:
    rosa = UserFactory()
    group = GroupFactory(join_policy="approval", eligibility_question="What are you changing from and to?")
    facilitator_of(group, user=rosa)
    MembershipFactory(group=group, state="pending", answer="Teaching to UX research.")
    MembershipFactory(group=group)
    InviteFactory(group=group, created_by=rosa, note="Spring")
    client.force_login(rosa)
    html = client.get(reverse("groups:dashboard", args=[group.slug])).content.decode()
    labels = re.findall(r'<span class="cell-label">([^<]+)</span>', html)
    # Two cells a request, three an invite, two for each of the two members.
    assert labels == [
        "What are you changing from and to?", "Asked", "Joins as", "Expires", "Used", "Role", "Since", "Role", "Since",
    ]  # fmt: skip


# htmx reads data-hx-* as it reads hx-*; only the data- form is valid HTML.
BARE_HX = re.compile(r"""(?<![\w-])hx-[a-z-]+\s*=|["']hx-[a-z-]+["']\s*[:,)]|setAttribute\(\s*["']hx-""")


def test_no_template_or_script_writes_a_bare_hx_attribute() -> None:
    files = [*ROOT.rglob("templates/**/*.html"), *(p for p in ROOT.rglob("static/**/*.js") if "vendor" not in p.parts)]
    assert len(files) > 40
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files for m in BARE_HX.finditer(p.read_text())]
    assert offenders == []
    assert BARE_HX.search('<form hx-post="/x">') is not None
    assert BARE_HX.search('<form data-hx-post="/x">') is None


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def heading_skips(html: str) -> list[tuple[int, int]]:
    """Pairs (previous, next) where a heading goes more than one level deeper (h1 -> h3):
    what the Nu checker reports as an error."""
    parser = _Headings()
    parser.feed(html)
    return [(a, b) for a, b in zip([0, *parser.levels], parser.levels, strict=False) if b > a + 1]


def test_heading_skips_finds_h1_to_h3() -> None:
    assert heading_skips("<h1>a</h1><h3>b</h3><h2>c</h2><h3>d</h3>") == [(1, 3)]


@pytest.mark.django_db
def test_lists_of_cards_do_not_skip_heading_levels() -> None:
    """My groups, search results, the agenda and talks list cards with h3 titles: each list
    has an h2 above it, so none jumps from the page's h1 to h3."""
    fac = UserFactory()
    group = GroupFactory(kind=Kind.SPEAKERS, name="Speakers Night")
    facilitator_of(group, user=fac)
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    TalkFactory(meeting=meeting)
    RsvpFactory(meeting=meeting, user=fac)
    client = Client()
    client.force_login(fac)
    for url in (
        reverse("groups:mine"),
        reverse("groups:discover"),
        reverse("meetings:agenda"),
        reverse("meetings:talks"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="card result' in html, url
        assert heading_skips(html) == [], url


@pytest.mark.django_db
def test_attendance_buttons_are_named_by_their_visible_words_first() -> None:
    group = GroupFactory()
    fac = facilitator_of(group)
    ann = UserFactory(name="Ann Alvarez")
    MembershipFactory(group=group, user=ann)
    meeting = MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=1))
    RsvpFactory(meeting=meeting, user=ann, attended=True)
    client = Client()
    client.force_login(fac)
    html = client.get(reverse("meetings:detail", args=[meeting.public_id])).content.decode()
    buttons = re.findall(r'<button[^>]*name="attended"[^>]*>(.*?)</button>', html, re.S)
    assert buttons == [
        'Came<span class="visually-hidden">: Ann Alvarez</span>',
        'No-show<span class="visually-hidden">: Ann Alvarez</span>',
    ]
    # No aria-label replacing the visible word.
    assert re.findall(r'<button[^>]*name="attended"[^>]*aria-label', html) == []
    assert 'name="attended" value="yes" aria-pressed="true"' in html


@pytest.mark.django_db
def test_meeting_times_carry_a_valid_html_datetime() -> None:
    """HTML allows at most three digits of a second; a start saved with microseconds (the
    API, a factory) wrote six."""
    start = datetime(2030, 3, 5, 23, 0, 0, 123456, tzinfo=UTC)
    meeting = MeetingFactory(starts_at=start)
    html = Client().get(reverse("meetings:detail", args=[meeting.public_id])).content.decode()
    assert re.findall(r'<time datetime="([^"]+)"', html) == ["2030-03-05T23:00:00+00:00"]


@pytest.mark.django_db
def test_month_view_names_the_month_of_days_outside_it() -> None:
    """Days of the neighbouring months say which month they are in (not by a paler colour
    alone: the 0.55 opacity they had made their text 3.65:1, under WCAG 1.4.3's 4.5:1)."""
    user = UserFactory()
    client = Client()
    client.force_login(user)
    html = client.get(reverse("meetings:agenda") + "?view=month&date=2030-05-01").content.decode()
    # Each day is a list item of its week's list (issue 9, item 8: a list per week on phones).
    dates = re.findall(r'<li class="cal-day( out)?[^"]*">\s*<p class="cal-date">([^<]+)', html)
    # May 2030 starts on a Wednesday: Monday 29 and Tuesday 30 April come first.
    assert dates[:3] == [(" out", "Mon 29 Apr"), (" out", "Tue 30 Apr"), ("", "Wed 1")]
    assert dates[-1] == (" out", "Sun 2 Jun")
    css = (ROOT / "core" / "static" / "core" / "site.css").read_text()
    rule = re.search(r"\.cal-day\.out \{([^}]*)\}", css)
    assert rule is not None
    assert "opacity" not in rule.group(1)


@pytest.mark.django_db
def test_api_docs_are_server_rendered_html_in_the_site_layout() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"<h1>([^<]+)", html) == ["Roundtable API "]
    assert '<h3 id="roundtable_groups_api_list_groups"><code>GET /api/v1/groups</code></h3>' in html
    assert '<a href="#schema-groupout">GroupOut</a>' in html
    assert '<a href="/api/v1/openapi.json">' in html
    # The descriptions' `backticks` become code, escaped.
    assert "Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>;" in html
    # No Swagger UI, no script of its own: only the site's two.
    assert "swagger" not in html.lower()
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/vendor/htmx-2.0.11.min.js", "/static/core/site.js"]
    assert heading_skips(html) == []
