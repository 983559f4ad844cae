"""Every route and API operation the matrix checks, and the address of each in the world.

Routes come from the URL resolver (as tests/core/test_accessible_markup.py lists them) and
API operations from the django-ninja routers (roundtable.api.api). `page_url` knows how to
address every route that takes arguments, from the objects of tests/authz/world.py; a route
it does not know raises KeyError, which the matrix test reports as a route without an entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import reverse

from roundtable.api.api import api
from tests.authz.world import FACILITATOR, MEMBER, MUTED, World
from tests.core.test_accessible_markup import _routes

API_PREFIX = "/api/v1"
# The API's own addresses that are not operations: walked as pages.
API_PAGES = ("api:openapi-json", "api:openapi-view", "api:api-root")


def page_routes() -> list[str]:
    """Every named route outside the JSON API's operations and Django's admin (both walked
    apart: the API by operation, the admin as one entry)."""
    return sorted({r for r in _routes() if not r.startswith(("admin:", "api:")) or r in API_PAGES} | {"admin:index"})


def api_operations() -> list[str]:
    """Every API operation as "METHOD /path/{param}", from the routers."""
    ops = set()
    for prefix, router in _routers():
        for path, view in router.path_operations.items():
            for op in view.operations:
                for method in op.methods:
                    ops.add(f"{method} {API_PREFIX}{_join(prefix, path)}")
    return sorted(ops)


def _routers() -> list[tuple[str, object]]:
    return [(prefix, router) for prefix, router in api._routers]  # type: ignore[attr-defined]


def _join(prefix: str, path: str) -> str:
    url = "/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/"))
    return url


def _at(name: str, *get: Callable[[World], object]) -> Callable[[World], str]:
    """The route's address with the world's objects `get` picks, in order."""
    return lambda w: reverse(name, args=[g(w) for g in get])


def _group(w: World) -> str:
    assert w.group is not None
    return w.group.slug


def _meeting(attr: str) -> Callable[[World], str]:
    def get(w: World) -> str:
        meeting = getattr(w, attr)
        assert meeting is not None
        return str(meeting.public_id)

    return get


def _pk(attr: str) -> Callable[[World], object]:
    return lambda w: getattr(w, attr).pk


def _rosa(w: World) -> str:
    return w.user(FACILITATOR).public_id


def _ann(w: World) -> str:
    return w.user(MEMBER).public_id


def _muted(w: World) -> str:
    return w.user(MUTED).public_id


MEETING, PAST, ROOM = _meeting("meeting"), _meeting("past"), _meeting("room")
TRACKER_ROWS = (
    "contact", "contact_edit", "contact_delete", "company", "company_edit", "company_delete", "opportunity",
    "opportunity_edit", "opportunity_delete", "opportunity_move", "activity_edit", "activity_delete", "task_edit",
    "task_done", "task_delete",
)  # fmt: skip
GROUP_PAGES = (
    "groups:detail", "groups:members", "groups:join", "groups:rules", "groups:leave", "groups:dashboard",
    "groups:edit", "groups:hand_over", "groups:archive", "groups:restore", "groups:invite_new", "meetings:create",
    "feeds:group", "journal:health", "network:suggestions", "network:propose", "buddies:group_pool",
)  # fmt: skip
MEETING_PAGES = (
    "meetings:detail", "meetings:rsvp", "meetings:edit", "meetings:cancel", "meetings:message",
    "meetings:talk_links", "feeds:meeting_ics", "journal:goal", "journal:goal_clear", "network:who_to_meet",
)  # fmt: skip


INTRODUCTION_PAGES = ("introduction", "accept", "decline", "withdraw")


def _tracker_row(name: str) -> Callable[[World], str]:
    key = name.split("_")[0]
    return lambda w: reverse(f"tracker:{name}", args=[w.tracker[key]])


def _story(name: str) -> Callable[[World], str]:
    key = name.split("_")[0]
    return lambda w: reverse(f"stories:{name}", args=[w.stories[key]])


def _legacy(name: str) -> Callable[[World], str]:
    return _at(name, _pk("room"))


# Routes that take arguments: the address of the world's object each one shows.
ARGS: dict[str, Callable[[World], str]] = {
    "account_confirm_email": lambda w: reverse("account_confirm_email", kwargs={"key": "not-a-key"}),
    "account_reset_password_from_key": lambda w: reverse(
        "account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}
    ),
    "accounts:profile": _at("accounts:profile", _rosa),
    "accounts:block": _at("accounts:block", _rosa),
    "accounts:unblock": _at("accounts:unblock", _rosa),
    "accounts:token_revoke": _at("accounts:token_revoke", lambda w: w.token_id),
    "groups:invite": _at("groups:invite", lambda w: w.invite_token),
    **{name: _at(name, _group) for name in GROUP_PAGES},
    "groups:decide": _at("groups:decide", _group, _pk("request")),
    "groups:member_action": _at("groups:member_action", _group, _pk("target")),
    "groups:invite_revoke": _at("groups:invite_revoke", _group, _pk("invite")),
    **{name: _at(name, MEETING) for name in MEETING_PAGES},
    "meetings:attendance": _at("meetings:attendance", PAST),
    **{f"meetings:legacy_{n}": _legacy(f"meetings:legacy_{n}") for n in ("detail", "ics", "room", "summary")},
    "feeds:private": _at("feeds:private", lambda w: w.feed_token),
    **{f"live:{n}": _at(f"live:{n}", ROOM) for n in ("room", "open", "status", "display", "summary")},
    "live:member_history": _at("live:member_history", _group, _ann),
    "journal:reflection": _at("journal:reflection", PAST),
    "journal:reflection_dismiss": _at("journal:reflection_dismiss", PAST),
    **{f"tracker:{n}": _tracker_row(n) for n in TRACKER_ROWS},
    "tracker:export_file": lambda w: reverse("tracker:export_file", kwargs={"fmt": "json"}),
    "network:meet": _at("network:meet", MEETING, _ann),
    "network:unmeet": _at("network:unmeet", MEETING, _ann),
    **{
        f"network:{n}": _at(f"network:{n}", lambda w: w.introduction)
        for n in ("introduction", "accept", "decline", "withdraw")
    },
    **{f"speakers:{n}": _at(f"speakers:{n}", lambda w: w.invitation) for n in ("invitation", "accept", "decline")},
    "speakers:expert": _at("speakers:expert", lambda w: w.expert),
    "speakers:invite": _at("speakers:invite", lambda w: w.expert),
    "notifications:unsubscribe": _at("notifications:unsubscribe", lambda w: w.unsubscribe_token),
    "notifications:open": _at("notifications:open", lambda w: w.notification),
    "notifications:mark_read": _at("notifications:mark_read", lambda w: w.notification),
    "buddies:checkin": _at("buddies:checkin", lambda w: w.pair),
    "buddies:end": _at("buddies:end", lambda w: w.pair),
    "buddies:reply": _at("buddies:reply", lambda w: w.checkin),
    **{f"stories:{n}": _story(n) for n in ("lesson_edit", "lesson_delete", "story", "story_edit", "story_delete")},
    "groups:appearance": _at("groups:appearance", _group),
    # The report form for the muted member's suggestion (POST names it in the body too).
    "safety:report": lambda w: reverse("safety:report") + f"?kind=suggestion&ref={w.suggestion}",
    "safety:queue": _at("safety:queue", _group),
    "safety:decide": _at("safety:decide", _group, lambda w: w.report),
    "safety:content": _at("safety:content", _group),
    "safety:person": _at("safety:person", _group, _muted),
    "safety:operator_decide": _at("safety:operator_decide", lambda w: w.report),
    "safety:operator_person": _at("safety:operator_person", _muted),
    **{f"mfa_{n}_webauthn": _at(f"mfa_{n}_webauthn", lambda w: w.passkey) for n in ("edit", "remove")},
}

# Form bodies of page writes ("POST route"): valid where cheap, so that a refused write is
# refused for who asks, not for what was sent. Routes not here are sent an empty body.
PAGE_BODIES: dict[str, Callable[[World], dict[str, str]]] = {
    "POST groups:appearance": lambda w: {"pseudonym": ""},
    "POST safety:report": lambda w: {"kind": "suggestion", "ref": w.suggestion, "reason": "spam"},
    "POST safety:decide": lambda w: {"decision": "dismissed", "outcome": "Said in jest."},
    "POST safety:operator_decide": lambda w: {"decision": "dismissed"},
    "POST safety:content": lambda w: {"kind": "suggestion", "ref": w.hidden, "do": "unhide"},
    "POST safety:operator_content": lambda w: {"kind": "suggestion", "ref": w.hidden, "do": "unhide"},
    "POST safety:person": lambda w: {"action": "unmute", "reason": ""},
    "POST safety:operator_person": lambda w: {"action": "warn", "reason": "Be kind."},
    "POST mfa_edit_webauthn": lambda w: {"name": "Rosa's laptop"},
}

# JSON bodies of API writes, by operation: as PAGE_BODIES. Others are sent `{}`.
API_BODIES: dict[str, Callable[[World], dict[str, object]]] = {
    "PUT /api/v1/groups/{slug}/pseudonym": lambda w: {"pseudonym": ""},
    "POST /api/v1/reports": lambda w: {"kind": "suggestion", "ref": w.suggestion, "reason": "spam"},
}


def page_url(route: str, w: World) -> str:
    if route in ARGS:
        return ARGS[route](w)
    return reverse(route)


# API path parameters: the world's object for each operation's {param}.
def api_url(operation: str, w: World) -> str:
    method, path = operation.split(" ", 1)
    del method
    values = {
        "slug": _group(w),
        "kind": "contacts",
    }
    pid = _api_public_id(path, w)

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        return pid if name == "public_id" else values[name]

    return re.sub(r"\{(\w+)\}", fill, path)


def _api_public_id(path: str, w: World) -> str:
    """The public id a path names: the first path segment after /api/v1 (and /me) says what."""
    from roundtable.journal.models import Goal, Reflection

    rules: list[tuple[str, Callable[[World], str]]] = [
        ("/me/blocks/", lambda w: w.user("facilitator").public_id),
        ("/meetings/", MEETING),
        ("/me/goals/", lambda w: Goal.objects.filter(owner=w.user("facilitator")).get().public_id),
        ("/me/reflections/", lambda w: Reflection.objects.filter(owner=w.user("facilitator")).get().public_id),
        ("/me/companies/", lambda w: w.tracker["company"]),
        ("/me/contacts/", lambda w: w.tracker["contact"]),
        ("/me/opportunities/", lambda w: w.tracker["opportunity"]),
        ("/me/activities/", lambda w: w.tracker["activity"]),
        ("/me/tasks/", lambda w: w.tracker["task"]),
        ("/me/notifications/", lambda w: w.notification),
        ("/network/introductions/", lambda w: w.introduction),
        ("/me/buddy/pairs/", lambda w: w.pair),
        ("/me/buddy/checkins/", lambda w: w.checkin),
        ("/stories/", lambda w: w.stories["story"]),
        ("/lessons/", lambda w: w.stories["lesson"]),
        ("/speakers/invitations/", lambda w: w.invitation),
        ("/speakers/", lambda w: w.expert),
    ]
    for prefix, get in rules:
        if path.startswith(API_PREFIX + prefix):
            return get(w)
    return ""
