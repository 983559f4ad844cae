"""Reporting (anyone signed in), the facilitators' moderation queue and the operators' pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.models import User
from roundtable.core.http import AuthedRequest
from roundtable.core.ids import is_public_id
from roundtable.groups import identity
from roundtable.groups import selectors as group_selectors
from roundtable.groups.models import Group
from roundtable.live import seats

from . import content, selectors, services
from .forms import ActionForm, AuditFilterForm, ContentForm, DecideForm, ReportForm
from .models import Report
from .permissions import group_for_moderator, may_moderate_report, require_operator


def _target_or_404(request: AuthedRequest, kind: str, ref: str) -> content.Target:
    target = content.target_for(request.user, kind, ref)
    if target is None:
        raise Http404("Not found.")
    return target


@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthedRequest) -> HttpResponse:
    """GET ?kind=&ref= shows the form for one thing the viewer may see (404 otherwise); POST sends it."""
    source = request.POST if request.method == "POST" else request.GET
    kind, ref = str(source.get("kind", ""))[:20], str(source.get("ref", ""))[:80]
    target = _target_or_404(request, kind, ref)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            _, created = services.report_create(
                reporter=request.user, kind=kind, ref=ref,
                reason=form.cleaned_data["reason"], details=form.cleaned_data["details"],
            )  # fmt: skip
        except services.SafetyError as exc:
            if exc.status == 404:
                raise Http404("Not found.") from None
            exc.add_to(form)
        else:
            messages.success(
                request,
                "Thank you: your report is with the moderators. We'll tell you when it's decided."
                if created
                else "Thank you: we updated your earlier report of this.",
            )
            return redirect("safety:my_reports")
    status = 400 if request.method == "POST" else 200
    ctx = {"form": form, "target": target, "kind": kind, "ref": ref}
    return render(request, "safety/report.html", ctx, status=status)


@login_required
@require_GET
def my_reports(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.reports_by(request.user), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "safety/my_reports.html", {"page": page})


# ---------------------------------------------------------------- facilitators


def people_in(group: Group, viewer: Any, users: Iterable[Any]) -> dict[int, tuple[str, str]]:
    """Each of these people (None skipped) as the group's moderation pages show them: (name,
    reference for links). A member who goes by a pseudonym in the group is named by it and
    addressed by their group-scoped handle (live/seats.py), never by their real name or
    profile id (groups/identity.py: facilitators see the pseudonym only). One query."""
    found = {u.pk: u for u in users if u is not None}
    shown = identity.appearances(group.pk, found.values(), viewer)
    return {pk: (a.name, a.public_id if not a.pseudonymous else seats.handle(group.pk, pk)) for pk, a in shown.items()}


def _queue_context(group: Group, request: AuthedRequest) -> dict[str, Any]:
    log = Paginator(selectors.group_log(group.pk), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    reports = selectors.open_reports(group.pk)
    decided = selectors.recently_decided(group.pk)
    pending = list(group_selectors.pending_requests(group))
    hidden = selectors.hidden_content(group.pk)
    mutes = selectors.mutes_of(group.pk)
    users = [
        *(u for row in (*reports, *decided) for u in (row.report.subject, row.report.reporter, row.report.decided_by)),
        *(m.user for m in pending),
        *(u for row in hidden for u in (row.hidden.author, row.hidden.hidden_by)),
        *(m.user for m in mutes),
        *(u for e in log for u in (e.actor, e.subject)),
    ]
    return {
        "group": group,
        "reports": reports,
        "decided": decided,
        "pending": pending,
        "hidden": hidden,
        "mutes": mutes,
        "log": log,
        "decide_form": DecideForm(),
        "people": people_in(group, request.user, users),
    }


@login_required
@require_GET
def queue(request: AuthedRequest, slug: str) -> HttpResponse:
    group = group_for_moderator(request.user, slug)
    return render(request, "safety/queue.html", _queue_context(group, request))


def _report_or_404(user: Any, public_id: str) -> Report:
    found = (
        Report.objects.select_related("group").filter(public_id=public_id).first() if is_public_id(public_id) else None
    )
    if found is None or not may_moderate_report(user, found):
        raise Http404("Not found.")
    return found


def _decide(request: AuthedRequest, found: Report, back: str) -> HttpResponse:
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose “Action taken” or “No breach found”.")
        return redirect(back)
    try:
        n = services.report_decide(
            report=found, by=request.user, actioned=form.cleaned_data["decision"] == "actioned",
            outcome=form.cleaned_data["outcome"], request=request,
        )  # fmt: skip
    except services.SafetyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Decided. The reporter is told." if n == 1 else f"Decided. {n} reporters are told.")
    return redirect(back)


@login_required
@require_POST
def decide(request: AuthedRequest, slug: str, public_id: str) -> HttpResponse:
    group = group_for_moderator(request.user, slug)
    found = _report_or_404(request.user, public_id)
    if found.group_id != group.pk:
        raise Http404("Not found.")
    return _decide(request, found, reverse("safety:queue", args=[group.slug]))


def _content_action(request: AuthedRequest, back: str) -> HttpResponse:
    form = ContentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That action isn't possible.")
        return redirect(back)
    d = form.cleaned_data
    try:
        if d["do"] == "hide":
            services.content_hide(by=request.user, kind=d["kind"], ref=d["ref"], reason=d["reason"], request=request)
            messages.success(request, "Hidden. Nobody else sees it now; you can unhide it below.")
        else:
            services.content_unhide(by=request.user, kind=d["kind"], ref=d["ref"], reason=d["reason"], request=request)
            messages.success(request, "Shown again.")
    except services.SafetyError as exc:
        if exc.status == 404:
            raise Http404("Not found.") from None
        messages.error(request, exc.message)
    return redirect(back)


@login_required
@require_POST
def content_action(request: AuthedRequest, slug: str) -> HttpResponse:
    group = group_for_moderator(request.user, slug)
    target = content.load(str(request.POST.get("kind", ""))[:20], str(request.POST.get("ref", ""))[:80])
    if target is None or target.group is None or target.group.pk != group.pk:
        raise Http404("Not found.")
    return _content_action(request, reverse("safety:queue", args=[group.slug]))


def _person_or_404(public_id: str) -> User:
    person = User.objects.select_related("profile").filter(public_id=public_id).first()
    if person is None:
        raise Http404("Not found.")
    return person


def _member_or_404(group: Group, ref: str) -> User:
    """The person a group's moderation page addresses: by the group-scoped handle for a member
    who goes by a pseudonym there, else by public id. A pseudonymous member's public id answers
    404 here, as a missing person: the page must not confirm who is behind a pseudonym."""
    if len(ref) == seats.HANDLE_LENGTH and ref.startswith("p"):
        [user_id] = seats.resolve_all(group.pk, [ref])
        person = User.objects.select_related("profile").filter(pk=user_id).first() if user_id else None
        if person is None:
            raise Http404("Not found.")
        return person
    if not is_public_id(ref):
        raise Http404("Not found.")
    person = _person_or_404(ref)
    if identity.pseudonyms(group.pk, [person.pk]):
        raise Http404("Not found.")
    return person


GROUP_DONE = {
    "warn": "Warning sent.",
    "mute": "Muted in this group's live rooms.",
    "unmute": "Unmuted.",
    "remove": "Removed from the group.",
    "ban": "Banned from the group.",
    "unban": "The ban is lifted.",
}


@login_required
@require_http_methods(["GET", "POST"])
def person(request: AuthedRequest, slug: str, public_id: str) -> HttpResponse:
    """One person in the group, for a facilitator: their state and the actions on them."""
    group = group_for_moderator(request.user, slug)
    who = _member_or_404(group, public_id)
    state = selectors.person_state(group.pk, who)
    if state["membership"] is None:
        raise Http404("Not found.")
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        action, reason = d["action"], d["reason"]
        common = {"group": group, "person": who, "by": request.user, "reason": reason, "request": request}
        try:
            if action == "warn":
                services.member_warn(**common)
            elif action == "mute":
                services.member_mute(**common, until=form.until_in(group.time_zone))
            elif action == "unmute":
                services.member_unmute(**common)
            elif action == "remove":
                services.member_remove(**common)
            elif action == "ban":
                services.member_ban(**common, until=form.until_in(group.time_zone))
            else:
                services.member_unban(**common)
        except services.SafetyError as exc:
            if exc.status == 404:
                raise Http404("Not found.") from None
            exc.add_to(form)
        else:
            messages.success(request, GROUP_DONE[action])
            return redirect("safety:person", slug=group.slug, public_id=public_id)
    log = list(selectors.group_log(group.pk).filter(subject=who)[:20])
    ctx = {
        "group": group,
        "person": who,
        **state,
        "form": form,
        "log": log,
        "people": people_in(group, request.user, [who, *(e.actor for e in log)]),
    }
    return render(request, "safety/person.html", ctx, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- operators


@login_required
@require_GET
def operators(request: AuthedRequest) -> HttpResponse:
    require_operator(request.user)
    ctx = {
        "people": None,
        "reports": selectors.open_reports(None),
        "decided": selectors.recently_decided(None),
        "hidden": selectors.hidden_content(None),
        "decide_form": DecideForm(),
    }
    return render(request, "safety/operators.html", ctx)


@login_required
@require_POST
def operator_decide(request: AuthedRequest, public_id: str) -> HttpResponse:
    require_operator(request.user)
    return _decide(request, _report_or_404(request.user, public_id), reverse("safety:operators"))


@login_required
@require_POST
def operator_content(request: AuthedRequest) -> HttpResponse:
    require_operator(request.user)
    return _content_action(request, reverse("safety:operators"))


SITE_DONE = {"warn": "Warning sent.", "suspend": "The account is suspended.", "restore": "The account is restored."}


@login_required
@require_http_methods(["GET", "POST"])
def operator_person(request: AuthedRequest, public_id: str) -> HttpResponse:
    require_operator(request.user)
    who = _person_or_404(public_id)
    form = ActionForm(request.POST if request.method == "POST" else None, site=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        common = {"person": who, "by": request.user, "reason": d["reason"], "request": request}
        try:
            if d["action"] == "warn":
                services.member_warn(group=None, **common)
            elif d["action"] == "suspend":
                services.account_suspend(**common)
            else:
                services.account_restore(**common)
        except services.SafetyError as exc:
            exc.add_to(form)
        else:
            messages.success(request, SITE_DONE[d["action"]])
            return redirect("safety:operator_person", public_id=who.public_id)
    log = selectors.operator_log(selectors.LogFilters(person=who.public_id))[:20]
    # people None: operators' pages name everyone by their real name (name_in, ref_in).
    ctx = {"person": who, "form": form, "log": list(log), "people": None}
    return render(request, "safety/operator_person.html", ctx, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def audit(request: AuthedRequest) -> HttpResponse:
    require_operator(request.user)
    form = AuditFilterForm(request.GET)
    f = selectors.LogFilters()
    if form.is_valid():
        d = form.cleaned_data
        f = selectors.LogFilters(d["action"].strip(), d["group"], d["person"].strip(), d["since"], d["until"])
    page = Paginator(selectors.operator_log(f), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"form": form, "page": page, "query": query.urlencode(), "people": None}
    return render(request, "safety/audit.html", ctx, status=200 if form.is_valid() else 400)
