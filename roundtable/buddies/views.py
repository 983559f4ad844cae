"""The buddy pages: the person's own buddy page (join or change preferences, leave, the pair,
this week's check-in, history) and a group's pool for its facilitators. Thin: access in
`permissions`, reads in `selectors`, writes in `services`. Everything works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.core.http import AuthedRequest
from roundtable.groups.models import Membership, MembershipState

from . import permissions, selectors, services, tasks
from .forms import CheckInForm, PoolForm, ReplyForm
from .models import MatchRun, PoolEntry, Reaction
from .services import NOBODY_TO_PAIR


def _page(request: AuthedRequest, status: int = 200, **forms: Any) -> HttpResponse:
    page = selectors.buddy_page(request.user)
    groups = list(permissions.pool_groups(request.user))
    ctx = {
        "page": page,
        "pool_form": forms.get("pool_form") or PoolForm(groups=groups, entry=page.entry),
        "checkin_form": forms.get("checkin_form") or _checkin_form(page),
        "reply_error_for": forms.get("reply_error_for", ""),
        "reply_error": forms.get("reply_error", ""),
        "reactions": Reaction.choices,
    }
    return render(request, "buddies/home.html", ctx, status=status)


def _checkin_form(page: selectors.BuddyPage, data: Any = None) -> CheckInForm:
    initial = {}
    mine = page.weeks[0].mine if page.weeks and page.weeks[0].week == page.this_week else None
    if mine is not None and data is None:
        initial = {"commitments": mine.commitments, "last_week": mine.last_week, "last_week_note": mine.last_week_note,
                   "activities": [a.public_id for a in mine.activities.all()]}  # fmt: skip
    return CheckInForm(data, activities=page.activities, initial=initial)


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def pool(request: AuthedRequest) -> HttpResponse:
    groups = list(permissions.pool_groups(request.user))
    form = PoolForm(request.POST, groups=groups)
    if form.is_valid():
        was_in = permissions.open_entry(request.user) is not None
        try:
            services.pool_join(user=request.user, group=form.group(), preferences=form.preferences())
        except services.BuddyError as exc:
            exc.add_to(form)
        else:
            joined = "You're in the pool. We match people every Monday, and we'll email you your buddy."
            messages.success(request, "Your preferences are saved." if was_in else joined)
            return redirect("buddies:home")
    return _page(request, status=400, pool_form=form)


@login_required
@require_POST
def leave(request: AuthedRequest) -> HttpResponse:
    if services.pool_leave(user=request.user):
        messages.success(request, "You've left the buddy pool. You're welcome back any time.")
    return redirect("buddies:home")


@login_required
@require_POST
def checkin(request: AuthedRequest, public_id: str) -> HttpResponse:
    pair = permissions.pair_for_member(request.user, public_id)
    page = selectors.buddy_page(request.user)
    form = _checkin_form(page, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.checkin_save(author=request.user, pair=pair, commitments=d["commitments"],
                                  last_week=d["last_week"], last_week_note=d["last_week_note"],
                                  activities=d["activities"])  # fmt: skip
        except services.BuddyError as exc:
            exc.add_to(form)
        else:
            messages.success(request, "Your check-in is saved. Your buddy can see it now.")
            return redirect("buddies:home")
    return _page(request, status=400, checkin_form=form)


@login_required
@require_POST
def reply(request: AuthedRequest, public_id: str) -> HttpResponse:
    checkin = permissions.checkin_for_member(request.user, public_id)
    form = ReplyForm(request.POST)
    if form.is_valid() and permissions.may_reply(request.user, checkin):
        try:
            services.checkin_reply(author=request.user, checkin=checkin, reaction=form.cleaned_data["reaction"],
                                   text=form.cleaned_data["text"])  # fmt: skip
        except services.BuddyError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your reply is sent.")
            return redirect("buddies:home")
    elif form.is_valid():
        form.add_error(None, "You can reply to your buddy's check-ins while you're paired.")
    errors = [e for field_errors in form.errors.values() for e in field_errors]
    return _page(request, status=400, reply_error_for=checkin.public_id, reply_error=errors[0] if errors else "")


@login_required
@require_POST
def end(request: AuthedRequest, public_id: str) -> HttpResponse:
    pair = permissions.pair_for_member(request.user, public_id)
    try:
        services.pair_end(user=request.user, pair=pair)
    except services.BuddyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The pairing has ended. Thank you for checking in together. "
                         "You're still in the pool: we'll suggest someone new at the next run.")  # fmt: skip
    return redirect("buddies:home")


@login_required
@require_http_methods(["GET", "POST"])
def group_pool(request: AuthedRequest, slug: str) -> HttpResponse:
    """A group's buddy pool for its facilitators: how many are in it and waiting, the last
    runs, and "Match now" (a run on the task worker). Counts only: no names."""
    group = permissions.group_for_run(request.user, slug)
    waiting = len(services.pool_entries(group))
    if request.method == "POST":
        if waiting < services.MIN_TO_MATCH:
            messages.info(request, NOBODY_TO_PAIR)
        else:
            user_id, group_id = request.user.pk, group.pk
            transaction.on_commit(lambda: tasks.run_matching.enqueue(group_id=group_id, requested_by_id=user_id))
            messages.success(request, "Matching has started. Members who are paired will get an email in a minute.")
        return redirect("buddies:group_pool", slug=group.slug)
    members = Membership.objects.filter(group=group, state=MembershipState.ACTIVE).values("user_id")
    entries = PoolEntry.objects.filter(group=group, left_at__isnull=True, user__in=members)
    ctx = {
        "group": group,
        "in_pool": entries.count(),
        "waiting": waiting,
        "can_match": waiting >= services.MIN_TO_MATCH,
        "runs": list(MatchRun.objects.filter(group=group).order_by("-started_at")[:5]),
    }
    return render(request, "buddies/group_pool.html", ctx)
