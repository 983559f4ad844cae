from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.core.paginator import Page
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat, pluralize
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.core import nav
from roundtable.core.confirm import render_confirm
from roundtable.core.http import AuthedRequest, HtmxRequest
from roundtable.core.text import TextError, clean_text
from roundtable.live import selectors as live_selectors
from roundtable.meetings.selectors import group_schedules, upcoming_for_group
from roundtable.safety.audit import audit_record

from . import cache as discovery_cache
from . import identity, permissions, rules, selectors, services
from .forms import DiscoveryForm, GroupForm, InviteForm, JoinRequestForm, PseudonymForm
from .models import Group, Invite, JoinPolicy, Kind, Membership, MembershipRole, MembershipState, Topic
from .pages import Make, anonymous_page
from .schedule_note import shown_note
from .selectors import DiscoveryFilters
from .templates_of_kind import KIND_ADVICE, TEMPLATES

if TYPE_CHECKING:
    from roundtable.meetings.models import Meeting


@dataclass(frozen=True)
class Schedule:
    """What a page shows of a group's schedule (meetings.selectors.GroupSchedule.text)."""

    text: str


def _schedule_lifetimes(groups: list[Group], *, now: datetime | None = None) -> dict[int, tuple[str, int]]:
    """Each group's schedule line, with the seconds it stays true: until its next meeting
    ends (then "Next: ..." moves on), or as long as the cache keeps anything. Two queries
    for any number of groups."""
    now = now or timezone.now()
    lifetimes = {}
    for pk, schedule in group_schedules(groups, now=now).items():
        ends = [schedule.next_meeting.ends_at] if schedule.next_meeting else []
        lifetimes[pk] = (schedule.text, lasts(ends, now))
    return lifetimes


def lasts(ends: list[datetime], now: datetime) -> int:
    """Seconds a cached fragment that shows meetings ending at `ends` stays true: until the
    first of them ends (a second past it), at most as long as the cache keeps anything."""
    return min([*(int((end - now).total_seconds()) + 1 for end in ends), discovery_cache.timeout()])


def _with_schedules(groups: list[Group]) -> None:
    """Give each group `schedule` (what its meetings say about when it meets) and
    `schedule_note` (its note, when that adds to the schedule rather than contradicts it):
    the only "how often" any page shows (issue 9, item 1). Cached per group at the
    discovery generation, which every change of a group's meetings bumps; two queries for
    the groups not cached, whatever their number."""
    by_pk = {g.pk: g for g in groups}
    texts = discovery_cache.cached_many(
        "schedule", list(by_pk), lambda missing: _schedule_lifetimes([by_pk[pk] for pk in missing])
    )
    for g in groups:
        g.schedule = Schedule(texts[g.pk])  # type: ignore[attr-defined]
        g.schedule_note = shown_note(g.cadence)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Card:
    """A group's card on discovery, as everyone who may see the group sees it, in two
    pieces: the viewer's distance goes between them (the reasons go after)."""

    head: str
    tail: str
    # When it stops being true (the clock's seconds): its next meeting's end, or the cache's
    # timeout. Kept with the card so a process's own copy (_with_cards) ends with it.
    until: float = 0.0


_TOPICS = Prefetch("topics", queryset=Topic.objects.order_by("name"))


def _render_cards(groups: list[Group]) -> dict[int, tuple[Card, int]]:
    if any("topics" not in getattr(g, "_prefetched_objects_cache", {}) for g in groups):
        prefetch_related_objects(groups, _TOPICS)
    lifetimes = _schedule_lifetimes(groups)
    head, tail = get_template("groups/discover.html#card_head"), get_template("groups/discover.html#card_tail")
    cards, now = {}, time.time()
    for g in groups:
        text, seconds = lifetimes[g.pk]
        g.schedule = Schedule(text)  # type: ignore[attr-defined]
        until = now + min(seconds, discovery_cache.timeout())
        cards[g.pk] = (Card(head.render({"group": g}), tail.render({"group": g}), until), seconds)
    return cards


# Each process keeps the cards it used at the current generation (a few thousand at most):
# a card found here costs a dict lookup, not a key hashed and an entry read and unpickled
# from the shared cache (in process: an eighth of an uncached search's view, issue 13 item
# 3; with Redis, a round trip). Keyed by the generation the request pinned, so any write
# that bumps it leaves them unread, as the shared entries are; each ends with its `until`.
_CARD_COPIES: tuple[int, dict[int, Card]] = (-1, {})
_CARD_COPIES_KEPT = 5000


def _with_cards(results: list[selectors.GroupResult]) -> None:
    """Give each result `card`: its group's card, cached per group at the discovery
    generation (what the card shows changes only with a write that bumps it, or when the
    next meeting ends), rendered only for the groups not cached, with their topics and
    schedules fetched then (three queries, whatever their number; four when the results
    carry only their keys: the groups' other fields first). A result whose group was
    deleted meanwhile has no card and is dropped."""
    global _CARD_COPIES  # replaced whole for a new generation
    by_pk = {r.group.pk: r.group for r in results}
    at, now = discovery_cache.generation(), time.time()
    copies_at, copies = _CARD_COPIES
    if copies_at != at or len(copies) >= _CARD_COPIES_KEPT:
        copies = {}
        _CARD_COPIES = (at, copies)
    cards = {pk: card for pk in by_pk if (card := copies.get(pk)) is not None and card.until > now}
    if missing := [pk for pk in by_pk if pk not in cards]:
        found = discovery_cache.cached_many(
            "card", missing, lambda missing: _render_cards(selectors.with_all_fields([by_pk[pk] for pk in missing]))
        )
        cards |= found
        copies.update(found)
    results[:] = [r for r in results if r.group.pk in cards]
    for r in results:
        card = cards[r.group.pk]
        # Rendered by our own template from escaped values.
        r.card = Card(mark_safe(card.head), mark_safe(card.tail))  # type: ignore[attr-defined]  # noqa: S308


def _popular_topics() -> list[Topic]:
    return discovery_cache.cached("topics", "", selectors.popular_topics)


def _kinds() -> list[dict[str, str]]:
    return [{"value": k.value, "label": k.label, "advice": KIND_ADVICE[k]} for k in Kind]


@require_GET
def discover(request: HtmxRequest) -> HttpResponse:
    with discovery_cache.pinned():
        return _discover(request)


def _discover(request: HtmxRequest) -> HttpResponse:
    # The whole page as every anonymous visitor with this query sees it (the form echoes the
    # query, the results are the anonymous ones; no token, nothing of a person), cached as the
    # results are: a repeat costs a cache read, not the form and the frame again. Not for
    # htmx (its answer is the results alone) nor with messages waiting (the frame shows them).
    whole = not request.user.is_authenticated and not request.htmx and not len(get_messages(request))
    if whole and (page := discovery_cache.found("page", _normalised_query(request))) is not None:
        return HttpResponse(page)
    form = DiscoveryForm(request.GET or None)
    valid = not request.GET or form.is_valid()
    querystring = _querystring_without_page(request)
    results_html = _results_html(request, form, querystring) if valid else _invalid_results_html(form)
    status = 200 if valid else 400
    if request.htmx and not request.htmx.boosted:
        # htmx swaps nothing on a 4xx answer, which left the last results ("4 groups within
        # 10 km of Cambridge") beside the bad input (issue 9, item 6). Its answer is a 200:
        # the results region says what is wrong, and each field's message goes beside it.
        slots = render_to_string("groups/discover.html#error_slots", {"form": form}) if request.GET else ""
        return HttpResponse(results_html + slots)
    ctx = {
        "form": form,
        "results_html": results_html,
        "kinds": _kinds(),
        # Called by the template when it renders the form (not when the page comes from its
        # shell): unpickling the cached topics was a tenth of an uncached search.
        "topics": _popular_topics,
        # Shown on the phone's "Filters" button, so folded filters are not forgotten.
        "active_filters": len([key for key in request.GET if key != "page" and str(request.GET.get(key, "")).strip()]),
    }
    shelled = _from_shell(request, form, ctx) if whole and valid and request.GET else None
    if shelled is not None:
        response = HttpResponse(shelled)
    else:
        response = render(request, "groups/discover.html", ctx, status=status)
    if whole and valid:
        discovery_cache.keep("page", _normalised_query(request), response.content.decode())
    return response


# An anonymous discovery page is the same page for every visitor who typed the same things:
# its shell (the frame and the filter form, everything but the results) is rendered once per
# process for each state of the choices (kind, format, unit, sort, topic, online; which typed
# fields hold something; how many filters are on), with a mark where each typed value goes,
# and each request puts its own escaped values in the marks. Rendering the shell was a
# quarter of an uncached search's time (issue 13, item 3); a repeat of the same state costs
# a few string replacements. Only for valid searches without messages, as the whole-page
# cache; tests/groups/test_discovery_shell.py compares it with the page rendered in full.
_TYPED = ("q", "near", "radius", "audience")
_MARKS = {name: f"rtshellmark{name}rtshellmark" for name in _TYPED}
_RESULTS_MARK = "rtshellmarkresultsrtshellmark"
_SHELLS: dict[tuple[object, ...], tuple[list[str], list[str]] | None] = {}
_SHELLS_KEPT = 256
_UNSET = object()


def _from_shell(request: HtmxRequest, form: DiscoveryForm, ctx: dict[str, object]) -> str | None:
    """The anonymous discovery page for a valid search, from its shell; None when the shell
    cannot say it (a mark would not land exactly once): then the page is rendered in full."""
    if not getattr(settings, "ROUNDTABLE_DISCOVERY_SHELL", True):
        return None
    # What each field holds as BoundField.value() gives it, read once by the form's own
    # _clean_fields (a BoundField per field was a fifth of this function).
    raw = form.raw_values
    typed = {name: raw[name] for name in _TYPED}
    chosen = tuple((name, raw[name]) for name in form.fields if name not in _TYPED and name != "page")
    key = (discovery_cache.generation(), chosen, tuple(bool(v) for v in typed.values()), ctx["active_filters"])
    split = _SHELLS.get(key, _UNSET)
    if split is _UNSET:
        if len(_SHELLS) >= _SHELLS_KEPT:
            _SHELLS.clear()  # older generations' shells, mostly
        data = request.GET.copy()
        for name, value in typed.items():
            if value:
                data[name] = _MARKS[name]
        marked = DiscoveryForm(data)
        # The real form was valid: the marks are rendered without checking them.
        marked._errors = ErrorDict()  # type: ignore[attr-defined]
        shell = render_to_string(
            "groups/discover.html",
            {**ctx, "form": marked, "results_html": mark_safe(_RESULTS_MARK)},  # noqa: S308 - our own mark
            request=request,
        )
        split = _SHELLS[key] = _split(shell, [name for name, value in typed.items() if value])
    if not isinstance(split, tuple):
        return None
    pieces, names = split
    values = {**{name: escape(value) for name, value in typed.items() if value}, "results": str(ctx["results_html"])}
    out = [pieces[0]]
    for name, piece in zip(names, pieces[1:], strict=True):
        out += [values[name], piece]
    return "".join(out)


def _split(shell: str, typed: list[str]) -> tuple[list[str], list[str]] | None:
    """The shell cut at its marks: the pieces between them, and the name of each mark in
    the order they come; None unless each mark is there exactly once and no other is."""
    marks = {_MARKS[name]: name for name in typed} | {_RESULTS_MARK: "results"}
    found = re.findall(r"rtshellmark\w+?rtshellmark", shell)
    if sorted(found) != sorted(marks):
        return None
    pieces = re.split("|".join(re.escape(m) for m in marks), shell)
    return pieces, [marks[m] for m in found]


def _results_html(request: HtmxRequest, form: DiscoveryForm, querystring: str) -> str:
    """The results region, rendered without the request: it holds no nonce, token or
    per-person data, so what an anonymous visitor sees can be cached and shared."""

    def make() -> str:
        filters = form.filters() if request.GET else DiscoveryFilters()
        # Topics are fetched for the cards not cached only (and for a signed-in viewer's
        # reasons, which compare them with the viewer's interests).
        # Anonymous viewers: the page's keys and places only; the rest of a group is read
        # only when its card is not cached (_with_cards).
        authenticated = request.user.is_authenticated
        page, results = selectors.discover(
            request.user, filters, with_topics=authenticated, keys_only=not authenticated
        )
        _with_cards(results)
        if results:
            return _results_region(form, page, results, querystring)
        return _empty_region()

    if request.user.is_authenticated:
        # Signed-in viewers may see unlisted and secret groups, and reasons of their own.
        return make()
    return discovery_cache.cached("results", _normalised_query(request), make)


@functools.cache
def _empty_region() -> str:
    """The results region of a search that found nothing: the same for every such search (it
    names no filter), rendered once per process. Two in five of the benchmark's varied
    searches find nothing; rendering it each time was a tenth of their cost."""
    return render_to_string("groups/discover.html#results", {"results": []})


def _results_region(
    form: DiscoveryForm, page: Page[Group], results: list[selectors.GroupResult], querystring: str
) -> str:
    """The results region of groups/discover.html#results for a search that found groups,
    written in Python: the template spent a sixth of an uncached search walking its tags for
    what is, with the cards cached, a few joins (issue 13, item 3). The template stays the
    reference (the empty and invalid states, and tests/groups/test_results_region.py, which
    compares the two byte for byte)."""
    paginator = page.paginator
    count = paginator.count
    # f"{count:,}" is intcomma's output in English (the only language), without its locale
    # look-ups (2% of an uncached search).
    summary = f"{count:,}{'+' if getattr(paginator, 'capped', False) else ''} group{pluralize(count)}"
    cleaned = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    if near := cleaned.get("near"):
        unit = "miles" if cleaned.get("unit") == "mi" else "km"
        summary += f" within {floatformat(cleaned.get('radius') or 40, 0)} {unit} of {conditional_escape(near.label)}"
    out = [
        '\n  <section id="results" class="results-region" aria-live="polite" aria-label="Search results">\n    \n'
        '      <h2 class="visually-hidden">Groups found</h2>\n'
        f'      <p class="muted">{summary}</p>\n      <ul class="results">\n        '
    ]
    for r in results:
        card = r.card  # type: ignore[attr-defined]
        distance = f" · {conditional_escape(r.distance)}" if r.distance else ""
        reasons = ""
        if r.reasons:
            items = "".join(f"<li>{conditional_escape(reason)}</li>" for reason in r.reasons)
            reasons = f'<ul class="reasons" aria-label="Why it may fit you">{items}</ul>'
        out.append(
            f'\n        <li class="card result">\n          {card.head}{distance}{card.tail}\n'
            f"          {reasons}\n        </li>\n        "
        )
    out.append("\n      </ul>\n      ")
    if page.has_other_pages():
        qs = conditional_escape(querystring)
        amp = "&amp;" if querystring else ""
        prev = (
            f'<a class="button button-secondary button-small" href="?{qs}{amp}page={page.previous_page_number()}"'
            ' rel="prev">Previous</a>'
            if page.has_previous()
            else ""
        )
        nxt = (
            f'<a class="button button-secondary button-small" href="?{qs}{amp}page={page.next_page_number()}"'
            ' rel="next">Next</a>'
            if page.has_next()
            else ""
        )
        out.append(
            f'\n      <nav class="pagination" aria-label="Pages">\n        {prev}\n'
            f"        <span>Page {page.number} of {paginator.num_pages}</span>\n        {nxt}\n      </nav>\n      "
        )
    out.append("\n    \n  </section>\n")
    # Built from our cached cards and escaped values, as the template's output is.
    return mark_safe("".join(out))  # noqa: S308


def _invalid_results_html(form: DiscoveryForm) -> str:
    return render_to_string("groups/discover.html#results", {"results": None, "form": form})


def _normalised_query(request: HtmxRequest) -> str:
    # The same parameters in another order are the same search. Only the keys are sorted:
    # of repeated values the form reads the last, so their order stays. Kept on the request:
    # the page and the results are each looked up and stored by it.
    known: str | None = getattr(request, "_discovery_query", None)
    if known is not None:
        return known
    pairs = [(k, v) for k, values in request.GET.lists() for v in values]
    request._discovery_query = urlencode(sorted(pairs, key=lambda kv: kv[0]))  # type: ignore[attr-defined]
    return request._discovery_query  # type: ignore[attr-defined,no-any-return]


def _querystring_without_page(request: HtmxRequest) -> str:
    # QueryDict.urlencode's output, without copying the QueryDict (a deep copy).
    return urlencode([(k, v) for k, values in request.GET.lists() if k != "page" for v in values])


# One page view after joining or creating a group, its page leads with what to do next
# (issue 9: a dead end is a bug). Kept in the session so a reload shows the plain page.
NEXT_STEP_KEY = "group_next_step"


def _next_step_set(request: HtmxRequest, group: Group, step: str) -> None:
    request.session[NEXT_STEP_KEY] = {"group": group.pk, "step": step}


@require_GET
def detail(request: HtmxRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        nav.mark_group(request, member=False)
        return anonymous_page(request, "groups/detail.html", "anonymous_page", slug, _anonymous_make(request, slug))
    group = permissions.group_for_viewer(request.user, slug)
    ctx = _detail_context(request, group)
    pending = request.session.pop(NEXT_STEP_KEY, None) if request.user.is_authenticated else None
    if pending and pending.get("group") == group.pk and (ctx["is_member"] or ctx["is_facilitator"]):
        ctx["next_step"] = pending.get("step")
        ctx["next_meeting"] = next(
            (m for m in ctx["upcoming"] if not m.is_cancelled and m.starts_at > timezone.now()),  # type: ignore[attr-defined]
            None,
        )
    return render(request, "groups/detail.html", ctx)


def _anonymous_make(request: HtmxRequest, slug: str) -> Make:
    """What makes the group's page for anonymous visitors (groups/pages.py caches it whole at
    the discovery generation, which every change the body shows bumps: the group, its
    visibility, its members' count, topics and meetings): its name and body, which lives
    until the first meeting it lists ends. A hit asks the database nothing: an entry exists
    only for a group anonymous visitors may see (group_for_viewer answered), and hiding the
    group bumps the generation. A group they may not see raises Http404 and caches nothing,
    as a missing one. The body holds no token and nothing of a person: anonymous visitors
    get no form, only "Log in to join"."""

    def make() -> tuple[tuple[str, str], int]:
        group = permissions.group_for_viewer(request.user, slug)
        ctx = _detail_context(request, group)
        upcoming: list[Meeting] = ctx["upcoming"]  # type: ignore[assignment]
        body = render_to_string("groups/detail.html#body", ctx, request=request)
        return (group.name, body), lasts([m.ends_at for m in upcoming], timezone.now())

    return make


def _detail_context(
    request: HtmxRequest,
    group: Group,
    *,
    join_form: JoinRequestForm | None = None,
    join_error: str = "",
    rules_error: str = "",
    pseudonym_error: str = "",
) -> dict[str, object]:
    membership = permissions.membership_of(request.user, group)
    is_member = membership is not None and membership.state == MembershipState.ACTIVE
    nav.mark_group(request, member=is_member)
    _with_schedules([group])
    # The join form shows the rules beside its "I accept" box (then not again below).
    rules_in_form = (
        request.user.is_authenticated
        and (
            membership is None
            or (
                membership.state not in (MembershipState.ACTIVE, MembershipState.PENDING)
                and not membership.ban_in_force
            )
        )
        and group.archived_at is None
        and group.join_policy in (JoinPolicy.OPEN, JoinPolicy.APPROVAL)
    )
    return {
        "must_accept_rules": rules.must_accept(membership, group),
        "rules_in_form": rules_in_form,
        "rules_error": rules_error,
        "group": group,
        "membership": membership,
        "is_member": is_member,
        "is_facilitator": membership is not None and membership.is_facilitator,
        "topics": list(group.topics.all()),
        "venue": permissions.venue_for(request.user, group),
        "facilitators": identity.dress(selectors.facilitators_of(group), request.user) if is_member else [],
        "join_form": join_form or JoinRequestForm(),
        "join_error": join_error,
        "pseudonym_error": pseudonym_error,
        "pseudonym_help": services.PSEUDONYM_HELP,
        "advice": KIND_ADVICE[group.kind],
        "show_count": group.visibility != "secret" or is_member,
        "upcoming": upcoming_for_group(group, request.user),
    }


@require_GET
def members(request: HtmxRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_viewer(request.user, slug)
    if not permissions.can_see_members(request.user, group):
        return render(request, "groups/members_hidden.html", {"group": group}, status=403)
    nav.mark_group(request, member=permissions.is_member(request.user, group))
    ahead = [m for m in upcoming_for_group(group, request.user) if not m.is_cancelled]
    ctx = {
        "group": group,
        "members": identity.dress(selectors.members_of(group), request.user),
        "next_meeting": ahead[0] if ahead else None,
        "mine": permissions.membership_of(request.user, group),
    }
    return render(request, "groups/members.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def appearance(request: AuthedRequest, slug: str) -> HttpResponse:
    """How you appear in this group: your profile name, or a pseudonym where the group allows
    them (identity.py). Anyone without an active or pending membership gets the group's 404."""
    group = permissions.group_for_viewer(request.user, slug)
    membership = permissions.membership_of(request.user, group)
    if membership is None or membership.state not in (MembershipState.ACTIVE, MembershipState.PENDING):
        raise Http404("No such group.")
    data = request.POST if request.method == "POST" else None
    form = PseudonymForm(data, initial={"pseudonym": membership.pseudonym})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                chosen = form.cleaned_data["pseudonym"]
                services.membership_pseudonym_set(group=group, user=request.user, pseudonym=chosen)
            except services.GroupError as exc:
                exc.add_to(form)
                status = exc.status
            else:
                membership.refresh_from_db()
                if membership.pseudonym:
                    messages.success(request, f"You appear as {membership.pseudonym} in this group.")
                else:
                    messages.success(request, "You appear by your profile name in this group.")
                return redirect("groups:appearance", slug=group.slug)
    nav.mark_group(request, member=membership.state == MembershipState.ACTIVE)
    ctx = {
        "group": group,
        "membership": membership,
        "form": form,
        "shown": identity.appearance(user=request.user, pseudonym=membership.pseudonym, viewer=request.user),
    }
    return render(request, "groups/appearance.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if request.method == "GET" and kind not in Kind.values:
        return render(request, "groups/create_choose.html", {"kinds": _kinds(), "templates": TEMPLATES})
    form = GroupForm(request.POST if request.method == "POST" else None, initial=GroupForm.initial_for_kind(kind))
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(creator=request.user, data=form.data_object())
        except services.GroupError as exc:
            exc.add_to(form)
        else:
            _next_step_set(request, group, "created")
            return redirect("groups:detail", slug=group.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "groups/form.html", {"form": form, "creating": True}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    initial = {f: getattr(group, f) for f in GroupForm.base_fields if f != "topics" and hasattr(group, f)}
    initial["topics"] = ", ".join(t.name for t in group.topics.all())
    # A note from before the schedule came from the meetings may state one; it is not
    # shown, and must not block saving the other settings.
    initial["cadence"] = shown_note(group.cadence)
    form = GroupForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, data=form.data_object(), by=request.user)
        except services.GroupError as exc:
            exc.add_to(form)
        else:
            messages.success(request, "Settings saved.")
            return redirect("groups:dashboard", slug=group.slug)
    group.refresh_from_db()
    status = 400 if request.method == "POST" else 200
    return render(request, "groups/form.html", {"form": form, "group": group, "creating": False}, status=status)


@login_required
@require_POST
def join(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_viewer(request.user, slug)
    form = JoinRequestForm(request.POST)
    try:
        # Read without the form (an open group asks no question), under the same text rule.
        answer = clean_text(request.POST.get("answer", ""), multiline=True)
        m = services.membership_join(
            group=group,
            user=request.user,
            answer=answer,
            accept_rules=request.POST.get("accept_rules") == "yes",
            pseudonym=request.POST.get("pseudonym", "") if group.allow_pseudonyms else "",
        )
    except TextError as exc:
        form.is_valid()
        ctx = _detail_context(request, group, join_form=form, join_error=exc.reason)
        return render(request, "groups/detail.html", ctx, status=400)
    except services.GroupError as exc:
        if exc.field in ("answer", "accept_rules", "pseudonym"):
            # What was typed stays; the refusal goes beside its field.
            form.is_valid()
            key = {"answer": "join_error", "accept_rules": "rules_error", "pseudonym": "pseudonym_error"}[exc.field]
            error = {key: exc.message}
            ctx = _detail_context(request, group, join_form=form, **error)
            return render(request, "groups/detail.html", ctx, status=400)
        messages.error(request, exc.message)
        return redirect("groups:detail", slug=group.slug)
    if m.state == MembershipState.PENDING:
        messages.success(request, "Your request was sent. The facilitators will let you know by email.")
    else:
        _next_step_set(request, group, "joined")
    return redirect("groups:detail", slug=group.slug)


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: AuthedRequest, slug: str) -> HttpResponse:
    """GET asks (core/confirm.py's pattern); POST leaves. The only facilitator chooses
    what becomes of the group: hand it to a member, or archive it (issue 9)."""
    group = permissions.group_for_viewer(request.user, slug)
    membership = permissions.membership_of(request.user, group)
    if membership is None or membership.state not in (MembershipState.ACTIVE, MembershipState.PENDING):
        messages.error(request, "You are not a member of this group.")
        return redirect("groups:detail", slug=group.slug)
    error = ""
    if request.method == "POST":
        choice = request.POST.get("then", "")
        successor_id = _int_or_none(request.POST.get("successor")) if choice == "hand_over" else None
        try:
            m = services.membership_leave(
                group=group, user=request.user, successor_id=successor_id, archive=choice == "archive"
            )
        except services.GroupError as exc:
            error = exc.message
        else:
            if m.state == MembershipState.LEFT and membership.state == MembershipState.PENDING:
                messages.success(request, "Your request was withdrawn.")
            elif group.archived_at is not None:
                messages.success(
                    request, f"You left {group.name}. It is archived: its upcoming meetings were cancelled."
                )
            else:
                messages.success(request, f"You left {group.name}.")
            if not permissions.can_view_group(request.user, group, m):
                return redirect("groups:mine")
            return redirect("groups:detail", slug=group.slug)
    sole = membership.is_facilitator and services.is_sole_facilitator(group=group, user=request.user)
    ctx = {
        "group": group,
        "membership": membership,
        "sole": sole,
        "candidates": identity.dress(selectors.members_of(group).exclude(user=request.user), request.user)
        if sole
        else [],
        "upcoming_count": selectors.meetings_ahead_count(group) if sole else 0,
        "pending_count": selectors.pending_requests(group).count() if sole else 0,
        "error": error,
    }
    return render(request, "groups/leave.html", ctx, status=409 if error else 200)


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def hand_over(request: AuthedRequest, slug: str) -> HttpResponse:
    """Hand the group to another member: they become a facilitator, you a member."""
    group = permissions.group_for_facilitator(request.user, slug)
    error = ""
    if request.method == "POST":
        try:
            successor = services.group_hand_over(
                group=group, by=request.user, successor_id=_int_or_none(request.POST.get("successor")) or 0
            )
        except services.GroupError as exc:
            error = exc.message
        else:
            messages.success(request, f"{successor.user.display_name} now facilitates {group.name}. You are a member.")
            return redirect("groups:detail", slug=group.slug)
    candidates = identity.dress(selectors.members_of(group).exclude(user=request.user), request.user)
    ctx = {"group": group, "candidates": candidates, "error": error}
    return render(request, "groups/hand_over.html", ctx, status=409 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def archive(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    if request.method == "POST":
        n = services.group_archive(group=group, by=request.user)
        messages.success(
            request,
            f"{group.name} is archived."
            + (f" {n} upcoming meeting{'s were' if n != 1 else ' was'} cancelled." if n else ""),
        )
        return redirect("groups:dashboard", slug=group.slug)
    upcoming = selectors.meetings_ahead_count(group)
    pending = selectors.pending_requests(group).count()
    return render_confirm(
        request,
        title=f"Archive {group.name}?",
        subject="",
        consequences=[
            "It leaves discovery and takes no new members; members keep its page and history.",
            f"Its {upcoming} upcoming meeting{pluralize(upcoming)} will be cancelled, and people going are told."
            if upcoming
            else "It has no upcoming meetings.",
            f"{pending} waiting request{pluralize(pending)} will be declined."
            if pending
            else "No one is waiting to join.",
            "Invite links stop working. A facilitator can restore the group later.",
        ],
        action_url=reverse("groups:archive", args=[group.slug]),
        confirm_label="Archive group",
        back_url=reverse("groups:dashboard", args=[group.slug]),
        back_label="Keep it running",
    )


@login_required
@require_POST
def restore(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    services.group_restore(group=group, by=request.user)
    messages.success(request, f"{group.name} is running again. Schedule its next meeting when you're ready.")
    return redirect("groups:dashboard", slug=group.slug)


@login_required
@require_GET
def dashboard(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    return render(request, "groups/dashboard.html", _dashboard_context(request, group, InviteForm()))


def _dashboard_context(request: AuthedRequest, group: Group, invite_form: InviteForm) -> dict[str, object]:
    members = identity.dress(selectors.members_of(group), request.user)
    return {
        "group": group,
        "pending": identity.dress(selectors.pending_requests(group), request.user),
        "members": members,
        # Members who let facilitators see their roundtable history get a link to it; never
        # one who goes by a pseudonym here (the link carries their profile's public id).
        "sharing": live_selectors.sharing_history([m.user_id for m in members if not m.pseudonym]),
        "banned": identity.dress(selectors.banned_of(group), request.user),
        "invites": list(Invite.objects.filter(group=group, revoked_at__isnull=True).order_by("-created_at")[:50]),
        "invite_form": invite_form,
        "new_invite_url": request.session.pop(f"new_invite_{group.pk}", None),
        "JoinPolicy": JoinPolicy,
    }


def _membership_in(group: Group, membership_id: int) -> Membership:
    return get_object_or_404(Membership, pk=membership_id, group=group)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: AuthedRequest, slug: str, membership_id: int) -> HttpResponse:
    """POST approves or declines; GET ?action=decline asks first (core/confirm.py)."""
    group = permissions.group_for_facilitator(request.user, slug)
    m = _membership_in(group, membership_id)
    if request.method == "GET":
        if request.GET.get("action") != "decline" or m.state != MembershipState.PENDING:
            return redirect("groups:dashboard", slug=group.slug)
        return render_confirm(
            request,
            title=f"Decline {m.user.display_name}'s request?",
            subject=group.name,
            consequences=[
                f"{m.user.display_name} is told by email that the request was declined.",
                "They can ask again later; nothing else changes.",
            ],
            action_url=reverse("groups:decide", args=[group.slug, m.pk]),
            fields={"action": "decline"},
            confirm_label="Decline request",
            back_url=reverse("groups:dashboard", args=[group.slug]),
            back_label="Keep it waiting",
        )
    action = request.POST.get("action")
    if action not in ("approve", "decline"):
        return HttpResponse("Choose approve or decline.", status=400)
    try:
        services.membership_decide(membership=m, by=request.user, approve=action == "approve")
    except services.GroupError as exc:
        messages.error(request, exc.message)
    else:
        who = m.user.display_name
        messages.success(request, f"{who} is now a member." if action == "approve" else f"Declined {who}'s request.")
    return redirect("groups:dashboard", slug=group.slug)


_MEMBER_CONFIRM = {
    "remove": (
        "Remove {name} from {group}?",
        [
            "{name} stops being a member at once: their RSVPs are withdrawn and their seats go to the waitlist.",
            "They can join again later (or ask to, if the group needs approval).",
        ],
        "Remove",
    ),
    "ban": (
        "Ban {name} from {group}?",
        [
            "{name} stops being a member at once: their RSVPs are withdrawn and their seats go to the waitlist.",
            "They can never rejoin, not even with an invite link, until you lift the ban.",
        ],
        "Ban",
    ),
    "make_member": (
        "Make {name} a member of {group}?",
        [
            "{name} stops being a facilitator at once: they can no longer approve requests, schedule "
            "meetings, open the live room or manage members.",
            "They stay in the group as a member, and you can make them a facilitator again at any time.",
        ],
        "Make member",
    ),
}


MEMBER_AUDIT = {
    "remove": "moderation.remove",
    "ban": "moderation.ban",
    "unban": "moderation.unban",
    "make_facilitator": "groups.role_facilitator",
    "make_member": "groups.role_member",
}


@login_required
@require_http_methods(["GET", "POST"])
def member_action(request: AuthedRequest, slug: str, membership_id: int) -> HttpResponse:
    """POST acts; GET ?action=remove|ban|make_member asks first (core/confirm.py)."""
    group = permissions.group_for_facilitator(request.user, slug)
    m = _membership_in(group, membership_id)
    if request.method == "GET":
        action = request.GET.get("action", "")
        asked = _MEMBER_CONFIRM.get(action)
        if asked is None or m.state != MembershipState.ACTIVE or (action == "make_member" and not m.is_facilitator):
            return redirect("groups:dashboard", slug=group.slug)
        title, lines, label = asked
        names = {"name": m.user.display_name, "group": group.name}
        return render_confirm(
            request,
            title=title.format(**names),
            subject="",
            consequences=[line.format(**names) for line in lines],
            action_url=reverse("groups:member_action", args=[group.slug, m.pk]),
            fields={"action": action},
            confirm_label=label,
            back_url=reverse("groups:dashboard", args=[group.slug]),
            back_label="Keep them" if action != "make_member" else "Keep them a facilitator",
        )
    action = request.POST.get("action", "")
    try:
        # The change and its line in the moderation log (safety.audit) commit together.
        with transaction.atomic():
            if action == "remove":
                services.membership_remove(membership=m, by=request.user, ban=False)
                messages.success(request, f"Removed {m.user.display_name}.")
            elif action == "ban":
                services.membership_remove(membership=m, by=request.user, ban=True)
                messages.success(request, f"Banned {m.user.display_name}. They can't rejoin.")
            elif action == "unban":
                services.membership_unban(membership=m, by=request.user)
                messages.success(request, f"Lifted the ban on {m.user.display_name}.")
            elif action == "make_facilitator":
                services.membership_set_role(membership=m, by=request.user, role=MembershipRole.FACILITATOR)
                messages.success(request, f"{m.user.display_name} is now a facilitator.")
            elif action == "make_member":
                services.membership_set_role(membership=m, by=request.user, role=MembershipRole.MEMBER)
                messages.success(request, f"{m.user.display_name} is now a member.")
            else:
                return HttpResponse("Unknown action.", status=400)
            audit_record(action=MEMBER_AUDIT[action], actor=request.user, subject=m.user, group=group, request=request)
    except services.GroupError as exc:
        messages.error(request, exc.message)
    if action in ("make_member",) and m.user_id == request.user.pk:
        return redirect("groups:detail", slug=group.slug)
    return redirect("groups:dashboard", slug=group.slug)


@login_required
@require_POST
def invite_new(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            _invite, token = services.invite_create(
                group=group,
                by=request.user,
                days=form.cleaned_data["days"],
                note=form.cleaned_data["note"],
                role=form.cleaned_data["role"] or MembershipRole.MEMBER,
            )
        except services.GroupError as exc:
            exc.add_to(form)
    if form.errors:
        # The dashboard again, each error beside its field and what was typed kept.
        return render(request, "groups/dashboard.html", _dashboard_context(request, group, form), status=400)
    request.session[f"new_invite_{group.pk}"] = request.build_absolute_uri(reverse("groups:invite", args=[token]))
    return redirect("groups:dashboard", slug=group.slug)


@login_required
@require_http_methods(["GET", "POST"])
def invite_revoke(request: AuthedRequest, slug: str, invite_id: int) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    invite = get_object_or_404(Invite, pk=invite_id, group=group)
    if request.method == "GET":
        return render_confirm(
            request,
            title="Revoke this invite link?",
            subject=invite.note or f"Link made {invite.created_at:%b %-d, %Y}",
            consequences=[
                "Anyone who opens it from now on is told the link no longer works.",
                "People who already joined through it stay members.",
            ],
            action_url=reverse("groups:invite_revoke", args=[group.slug, invite.pk]),
            confirm_label="Revoke link",
            back_url=reverse("groups:dashboard", args=[group.slug]),
            back_label="Keep it",
        )
    services.invite_revoke(invite=invite)
    messages.success(request, "Invite link revoked. It no longer works.")
    return redirect("groups:dashboard", slug=group.slug)


@require_http_methods(["GET", "POST"])
def invite_accept(request: HtmxRequest, token: str) -> HttpResponse:
    invite = services.invite_lookup(token)
    if invite is None:
        return render(request, "groups/invite_invalid.html", status=404)
    group = invite.group
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.membership_join(
                group=group,
                user=request.user,  # type: ignore[arg-type]
                invite=invite,
                accept_rules=request.POST.get("accept_rules") == "yes",
            )
        except services.GroupError as exc:
            if exc.field == "accept_rules":
                membership = permissions.membership_of(request.user, group)
                _with_schedules([group])
                ctx = {"group": group, "invite": invite, "membership": membership, "rules_error": exc.message}
                return render(request, "groups/invite.html", ctx, status=400)
            messages.error(request, exc.message)
            return render(request, "groups/invite_invalid.html", status=403)
        _next_step_set(request, group, "joined")
        return redirect("groups:detail", slug=group.slug)
    membership = permissions.membership_of(request.user, group)
    if membership is not None and membership.ban_in_force:
        return render(request, "groups/invite_invalid.html", status=404)
    nav.mark_group(request, member=membership is not None and membership.state == MembershipState.ACTIVE)
    _with_schedules([group])
    return render(request, "groups/invite.html", {"group": group, "invite": invite, "membership": membership})


@login_required
@require_http_methods(["GET", "POST"])
def ground_rules(request: AuthedRequest, slug: str) -> HttpResponse:
    """A member's page for the group's ground rules: GET shows them (with Accept when the rules
    changed since they accepted), POST accepts them and goes on to `next` (a path on this
    site: the page they came from, the live room) or the group's page. Only for active
    members: anyone else gets the same 404 as for a group that does not exist."""
    group = permissions.group_for_viewer(request.user, slug)
    membership = permissions.membership_of(request.user, group)
    if membership is None or membership.state != MembershipState.ACTIVE:
        raise Http404("No such group.")
    next_url = _safe_next(request, request.POST.get("next") if request.method == "POST" else request.GET.get("next"))
    if request.method == "POST":
        was_due = rules.must_accept(membership, group)
        services.ground_rules_accept(group=group, user=request.user)
        if was_due:
            messages.success(request, f"Thank you: you accepted the ground rules of {group.name}.")
        return redirect(next_url or reverse("groups:detail", args=[group.slug]))
    nav.mark_group(request, member=True)
    ctx = {
        "group": group,
        "must_accept": rules.must_accept(membership, group),
        "accepted_at": membership.rules_accepted_at,
        "next": next_url,
        # Sent here by the live room (live.views): the button says where it leads.
        "for_room": bool(next_url) and request.GET.get("room") == "1",
    }
    return render(request, "groups/rules.html", ctx)


def _safe_next(request: HtmxRequest, raw: str | None) -> str:
    """`raw` if it is a path on this site (no other host, no scheme), else ""."""
    if not raw or len(raw) > 500 or not raw.startswith("/") or raw.startswith("//"):
        return ""
    if not url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return ""
    return raw


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    memberships = list(selectors.my_groups(request.user))
    facilitated = [m.group_id for m in memberships if m.is_facilitator]
    counts = selectors.pending_counts(facilitated)
    for m in memberships:
        m.pending_count = counts.get(m.group_id, 0)  # type: ignore[attr-defined]
    _with_schedules([m.group for m in memberships])
    return render(request, "groups/mine.html", {"memberships": memberships})
