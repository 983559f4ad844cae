"""Known XSS payloads render inert on every surface (issue 12).

Every text a person can write is a CharField or TextField of one of our models. The world of
the authorization matrix (tests/authz/world.py: a group, meetings, a live room under way, a
tracker, a story, a lesson, an expert, an invitation, an introduction, a buddy pair with
check-ins, a notification, a report and a hidden suggestion) is built once; then, for each
payload, every such field of every row is set to it (cut to the column's length) straight in
the database, as a row written before core.text's rule could hold it, and each surface that
shows the text is read:

- pages, parsed: no attribute named on*, no href/src/action starting javascript: or data:,
  no <script> without our nonce (JSON data islands aside), no <style> element and no style
  attribute (the CSP forbids both), no element or attribute the payload names, and no
  template code evaluated;
- emails: HTML and text parts as pages; headers hold no CR or LF;
- iCalendar feeds: lines unfolded (RFC 5545 3.1), no property the payload tries to inject;
- the live room's state frame and the API: valid JSON whose strings hold the payload as data;
- a person's data export (roundtable/privacy, EXPORTS): the readable summary as a page; the
  JSON file and the API's copy valid, the payload only as string data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.groups.models import Group, Membership, MembershipState
from roundtable.groups.services import render_markdown
from roundtable.groups.tasks import email_membership
from roundtable.live import clock
from roundtable.live.models import Roundtable
from roundtable.meetings.tasks import email_message_going
from tests.authz.world import FACILITATOR, MEMBER, MUTED, OPERATOR, World, build_world

# The corpus. Each names the element or attribute it tries to make with "xss" in it, so that
# anything the payload managed to create is found by name.
PAYLOADS = [
    '<script>alert("xss")</script>',
    '"><script class="xss">alert(1)</script>',
    "'><img src=x class=xss onerror=alert(1)>",
    "<svg/onload=alert(1) class=xss>",
    "<svg><script class=xss>alert(1)</script></svg>",
    '<a href="javascript:alert(1)" class="xss">click</a>',
    "[click](javascript:alert(1)) <javascript:alert(1)>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe class="xss" src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<div class="xss" style="background:url(javascript:alert(1))">x</div>',
    "<style class=xss>body{background:expression(alert(1))}</style>",
    '" onmouseover="alert(1)" data-xss="',
    "' onfocus='alert(1)' autofocus data-xss='",
    "{{ request.user.email }}{% widthratio 7 1 7 %}xsst",
    "${7*7}xssj <%= 7*7 %> #{7*7}",
    "\uff1cscript class=xss\uff1ealert(1)\uff1c/script\uff1e",
    "javascript&#58;alert(1) &lt;script class=xss&gt;",
    "<math><mtext><table><mglyph><style><img class=xss src=x onerror=alert(1)>",
    "</textarea><script class=xss>alert(1)</script>",
    "</title><script class=xss>alert(1)</script>",
    "<!--<img class=xss src=--><img class=xss src=x onerror=alert(1)//-->",
    "<base href=javascript:alert(1)//><form class=xss action=javascript:alert(1)><button>x</button></form>",
    # Header and iCalendar injection: a line break and a property or header after it.
    "Title\r\nX-INJECTED:1\r\nBcc: xss@example.com",
    "Title\nATTENDEE;X-XSS=1:mailto:xss@example.com",
    # Very long: every column is filled to its length.
    "<script class=xss>alert(1)</script>" + "A" * 20_000,
]
# Fields that hold codes, addresses, keys or machine data, not a person's words.
NOT_WORDS = re.compile(
    r"(^|_)(slug|public_id|token|hash|key|secret|kind|status|state|role|stage|source|mode|phase|time_zone|"
    r"timezone|zone|country|lang|language|method|event|format|fmt|reaction|audience|visibility|policy|"
    r"email|url|link|ip|prefix|code|type|scope|password|action|reasons?|last_week|channel|digest|frequency|week|"
    r"rule|search_text|worker_id|hostname|object_id|network)$"
)
# Written by the server from a person's words, not by the person: set from them below.
DERIVED = {"description_html"}
# A person's data export (roundtable/privacy), as Rosa (who owns most of the world's rows)
# downloads it: the JSON file, the same over the API, and the readable summary page.
EXPORTS: list[tuple[str, str]] = [
    ("privacy:download", "json"),
    ("/api/v1/me/data", "json"),
    ("privacy:summary", "html"),
]


def _writable_fields() -> list[tuple[type[models.Model], str, int | None]]:
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("roundtable.") or not model._meta.managed or model._meta.proxy:
            continue
        for f in model._meta.concrete_fields:
            if type(f) not in (models.CharField, models.TextField) or f.choices or f.primary_key:
                continue
            if NOT_WORDS.search(f.name) or f.name in DERIVED or model._meta.app_label == "core":
                continue
            found.append((model, f.name, f.max_length))
    return found


def test_the_fields_filled_include_every_kind_of_text_the_issue_names() -> None:
    names = {f"{m._meta.label}.{f}" for m, f, _ in _writable_fields()}
    for expected in (
        "accounts.Profile.display_name", "accounts.Profile.headline", "accounts.Profile.pitch", "groups.Group.name",
        "groups.Group.description", "groups.Group.ground_rules", "meetings.Meeting.title",
        "meetings.Meeting.description", "meetings.Talk.title", "stories.Story.advice", "stories.Lesson.text",
        "tracker.Contact.notes", "tracker.Company.name", "journal.Goal.note", "live.Challenge.text",
        "live.Suggestion.text", "network.Introduction.asker_note", "buddies.CheckIn.commitments",
        "speakers.Expert.bio",
    ):  # fmt: skip
        assert expected in names


class World2:
    def __init__(self, w: World) -> None:
        self.w = w
        self.clients = {}
        for kind in (FACILITATOR, MEMBER, OPERATOR):
            c = Client()
            c.force_login(w.user(kind))
            self.clients[kind] = c


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World2]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield World2(build_world())
        transaction.set_rollback(True)


def _unique_fields(model: type[models.Model]) -> set[str]:
    names = {f.name for f in model._meta.concrete_fields if f.unique}
    for c in model._meta.constraints:
        if isinstance(c, models.UniqueConstraint):
            names |= set(c.fields) | set(re.findall(r"F\((\w+)\)", str(c.expressions)))
    for together in model._meta.unique_together:
        names |= set(together)
    return names


def _fill(payload: str) -> None:
    """Every text field of every row: the payload, cut to the column (with the row's id after
    it where the column is unique)."""
    by_model: dict[type[models.Model], dict[str, Any]] = {}
    for model, name, length in _writable_fields():
        if name in _unique_fields(model):
            cut = payload[: (length or 10_000) - 12]
            value: Any = Concat(Value(cut + " "), Cast("pk", models.CharField()), output_field=models.CharField())
        else:
            value = payload[:length] if length else payload
        by_model.setdefault(model, {})[name] = value
    for model, values in by_model.items():
        model._default_manager.all().update(**values)
    # The group's description as the server renders it (markdown: links, emphasis).
    for group in Group.objects.all():
        Group.objects.filter(pk=group.pk).update(description_html=render_markdown(group.description))


class Page(HTMLParser):
    """What a page holds that a payload could have made."""

    def __init__(self, *, email: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        # Mail clients need inline styles (no CSP there); emails carry no script at all.
        self.email = email

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "xss" in tag or any("xss" in k for k in a):
            self.problems.append(f"<{tag} {a}>")
        if "xss" in a.get("class", "").split():
            self.problems.append(f"<{tag} class=xss>")
        for k, v in a.items():
            if k.startswith("on"):
                self.problems.append(f"<{tag} {k}=...>")
            if k in ("href", "src", "action", "formaction", "xlink:href") and re.sub(r"\s", "", v).lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"<{tag} {k}={v[:40]}>")
            if k == "style" and not self.email:
                self.problems.append(f"<{tag} style=...>")
        if tag == "script" and self.email:
            self.problems.append("<script> in an email")
        elif tag == "script" and "nonce" not in a and a.get("type") != "application/json" and "src" not in a:
            self.problems.append("<script> without a nonce")
        if tag in ("base", "iframe", "svg", "math") or (tag == "style" and not self.email):
            self.problems.append(f"<{tag}>")


def _html_problems(html: str, *, email: bool = False) -> list[str]:
    parser = Page(email=email)
    parser.feed(html)
    problems = parser.problems
    if "49xsst" in html or "49xssj" in html:  # {% widthratio 7 1 7 %} or ${7*7} evaluated
        problems.append("template code evaluated")
    return problems


def _text_of(attachment: Any) -> str:
    if hasattr(attachment, "get_content"):  # a MIMEPart (core.email's calendar)
        return str(attachment.get_content())
    content = attachment[1]
    return content.decode() if isinstance(content, bytes) else str(content)


def _ics_problems(body: str) -> list[str]:
    unfolded = re.sub(r"\r\n[ \t]", "", body)
    lines = unfolded.split("\r\n")
    return [line[:60] for line in lines if line.startswith(("X-INJECTED", "ATTENDEE", "BCC"))]


def _json_problems(doc: Any, payload: str) -> list[str]:
    """Keys that hold the payload (it became structure), or no string that holds it."""
    problems: list[str] = []
    strings: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if "xss" in k.lower() or payload[:20] in k:
                    problems.append(f"key {k[:40]!r}")
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            strings.append(value)

    walk(doc)
    if not any(payload[:30] in s for s in strings):
        problems.append("the payload is nowhere in the export")
    return problems


PAGES = (
    ("groups:detail", "group", FACILITATOR), ("groups:members", "group", FACILITATOR),
    ("groups:dashboard", "group", FACILITATOR), ("groups:rules", "group", MEMBER),
    ("meetings:detail", "meeting", MEMBER), ("meetings:detail", "past", FACILITATOR),
    ("accounts:profile", "rosa", MEMBER), ("stories:story", "story", MEMBER), ("stories:lessons", None, MEMBER),
    ("tracker:contact", "contact", FACILITATOR), ("tracker:contacts", None, FACILITATOR),
    ("tracker:board", None, FACILITATOR), ("tracker:activities", None, FACILITATOR),
    ("tracker:tasks", None, FACILITATOR), ("tracker:company", "company", FACILITATOR),
    ("tracker:opportunity", "opportunity", FACILITATOR), ("journal:journal", None, FACILITATOR),
    ("live:room", "room", MEMBER), ("live:display", "room", FACILITATOR), ("live:summary", "room", MEMBER),
    ("speakers:expert", "expert", MEMBER), ("speakers:directory", None, MEMBER),
    ("speakers:invitation", "invitation", MEMBER), ("network:introduction", "introduction", FACILITATOR),
    ("network:introductions", None, MEMBER), ("buddies:home", None, MEMBER), ("notifications:inbox", None, FACILITATOR),
    ("home", None, MEMBER), ("groups:mine", None, MEMBER), ("meetings:talks", None, MEMBER),
    ("meetings:agenda", None, MEMBER), ("groups:discover", None, MEMBER),
    # Reports and moderation: the group's queue (reports, excerpts, hidden content, mutes, its
    # log), a person's page, the reporter's list, the operators' queue and audit log.
    ("safety:queue", "group", FACILITATOR), ("safety:person", "group+muted", FACILITATOR),
    ("safety:my_reports", None, MEMBER), ("safety:operators", None, OPERATOR), ("safety:audit", None, OPERATOR),
    ("groups:appearance", "group", MEMBER),
)  # fmt: skip


def _arg(w: World, which: str | None) -> list[str]:
    if which is None:
        return []
    if which == "group+muted":
        # As the moderation pages address her: by her handle when the corpus gave her a pseudonym.
        from roundtable.safety.views import people_in

        muted = w.user(MUTED)
        return [*_arg(w, "group"), people_in(w.group, w.user(FACILITATOR), [muted])[muted.pk][1]]
    assert w.group is not None
    return [{
        "group": lambda: w.group.slug, "meeting": lambda: w.meeting.public_id, "past": lambda: w.past.public_id,
        "room": lambda: w.room.public_id, "rosa": lambda: w.user(FACILITATOR).public_id,
        "story": lambda: w.stories["story"], "contact": lambda: w.tracker["contact"],
        "company": lambda: w.tracker["company"], "opportunity": lambda: w.tracker["opportunity"],
        "expert": lambda: w.expert, "invitation": lambda: w.invitation, "introduction": lambda: w.introduction,
    }[which]()]  # type: ignore[union-attr]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payload_is_inert_on_every_surface(world: World2, payload: str) -> None:
    w = world.w
    assert w.group is not None
    assert w.meeting is not None
    problems: list[str] = []
    with transaction.atomic():
        _fill(payload)
        # Pages.
        for route, which, kind in PAGES:
            r = world.clients[kind].get(reverse(route, args=_arg(w, which)))
            assert (route, r.status_code) == (route, 200)
            problems += [f"{route}: {p}" for p in _html_problems(r.text)]
        # iCalendar: a meeting, the group's public feed.
        for url in (
            reverse("feeds:meeting_ics", args=[w.meeting.public_id]),
            reverse("feeds:group", args=[w.group.slug]),
        ):
            r = Client().get(url)
            assert r.status_code == 200
            problems += [f"{url}: {p}" for p in _ics_problems(r.text)]
        # API JSON.
        token = {"HTTP_AUTHORIZATION": f"Bearer {w.secrets[FACILITATOR]}"}
        for url in (f"/api/v1/groups/{w.group.slug}", f"/api/v1/meetings/{w.meeting.public_id}",
                    "/api/v1/me/contacts", "/api/v1/stories", "/api/v1/me/notifications"):  # fmt: skip
            r = Client().get(url, **token)
            assert (url, r.status_code, r["Content-Type"]) == (url, 200, "application/json; charset=utf-8")
            json.loads(r.content)
        # Exports: the summary parsed as a page; the JSON valid, the payload in it only as
        # string data (never a key, never structure), and there (the fill reached it).
        for where, form in EXPORTS:
            if where.startswith("/api/"):
                r = Client().get(where, **token)
            else:
                r = world.clients[FACILITATOR].get(reverse(where))
            assert (where, r.status_code) == (where, 200)
            if form == "html":
                problems += [f"{where}: {p}" for p in _html_problems(r.text)]
            else:
                assert r["Content-Type"] == "application/json; charset=utf-8"
                problems += [f"{where}: {p}" for p in _json_problems(json.loads(r.content), payload)]
        # The live room's state frame: JSON, the text as data.
        rt = Roundtable.objects.get(meeting=w.room)
        frame = json.loads(json.dumps(clock.snapshot(rt, timezone.now())))
        assert frame["id"] == rt.pk
        # Emails: a request to join (the person's name and answer), a message to those going.
        mail.outbox = []
        request = Membership.objects.get(group=w.group, state=MembershipState.PENDING)
        email_membership.call(membership_id=request.pk, event="request_received")
        email_message_going.call(
            meeting_id=w.meeting.pk, sender_id=w.user(FACILITATOR).pk, subject=payload[:200], body=payload[:5000]
        )
        assert len(mail.outbox) >= 2
        for message in mail.outbox:
            for header, value in message.message().items():
                if "\r" in value or "\n" in value.replace("\n ", "").replace("\n\t", ""):
                    problems.append(f"email header {header}: {value[:60]!r}")
            html = next(c for c, t in message.alternatives if t == "text/html")
            problems += [f"email html: {p}" for p in _html_problems(str(html), email=True)]
            for attachment in message.attachments:
                problems += [f"email .ics: {p}" for p in _ics_problems(_text_of(attachment))]
        transaction.set_rollback(True)
    assert problems == []
