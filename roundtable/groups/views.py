from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.core.http import AuthedRequest, HtmxRequest
from roundtable.core.text import TextError, clean_text
from roundtable.live import selectors as live_selectors
from roundtable.meetings.selectors import upcoming_for_group

from . import cache as discovery_cache
from . import permissions, selectors, services
from .forms import DiscoveryForm, GroupForm, InviteForm, JoinRequestForm
from .models import Group, Invite, JoinPolicy, Kind, Membership, MembershipRole, MembershipState
from .selectors import DiscoveryFilters
from .templates_of_kind import KIND_ADVICE, TEMPLATES


def _kinds() -> list[dict[str, str]]:
    return [{"value": k.value, "label": k.label, "advice": KIND_ADVICE[k]} for k in Kind]


@require_GET
def discover(request: HtmxRequest) -> HttpResponse:
    form = DiscoveryForm(request.GET or None)
    valid = not request.GET or form.is_valid()
    querystring = _querystring_without_page(request)
    results_html = _results_html(request, form, querystring) if valid else _invalid_results_html()
    status = 200 if valid else 400
    if request.htmx and not request.htmx.boosted:
        return HttpResponse(results_html, status=status)
    ctx = {
        "form": form,
        "results_html": results_html,
        "kinds": _kinds(),
        "topics": discovery_cache.cached("topics", "", selectors.popular_topics),
    }
    return render(request, "groups/discover.html", ctx, status=status)


def _results_html(request: HtmxRequest, form: DiscoveryForm, querystring: str) -> str:
    """The results region, rendered without the request: it holds no nonce, token or
    per-person data, so what an anonymous visitor sees can be cached and shared."""

    def make() -> str:
        filters = form.filters() if request.GET else DiscoveryFilters()
        page, results = selectors.discover(request.user, filters)
        ctx = {"form": form, "page": page, "results": results, "querystring": querystring}
        return render_to_string("groups/discover.html#results", ctx)

    if request.user.is_authenticated:
        # Signed-in viewers may see unlisted and secret groups, and reasons of their own.
        return make()
    return discovery_cache.cached("results", _normalised_query(request), make)


def _invalid_results_html() -> str:
    return render_to_string("groups/discover.html#results", {"results": None})


def _normalised_query(request: HtmxRequest) -> str:
    # The same parameters in another order are the same search. Only the keys are sorted:
    # of repeated values the form reads the last, so their order stays.
    pairs = [(k, v) for k, values in request.GET.lists() for v in values]
    return urlencode(sorted(pairs, key=lambda kv: kv[0]))


def _querystring_without_page(request: HtmxRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


@require_GET
def detail(request: HtmxRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_viewer(request.user, slug)
    return render(request, "groups/detail.html", _detail_context(request, group))


def _detail_context(
    request: HtmxRequest, group: Group, *, join_form: JoinRequestForm | None = None, join_error: str = ""
) -> dict[str, object]:
    membership = permissions.membership_of(request.user, group)
    is_member = membership is not None and membership.state == MembershipState.ACTIVE
    return {
        "group": group,
        "membership": membership,
        "is_member": is_member,
        "is_facilitator": membership is not None and membership.is_facilitator,
        "topics": list(group.topics.all()),
        "venue": permissions.venue_for(request.user, group),
        "facilitators": list(selectors.facilitators_of(group)) if is_member else [],
        "join_form": join_form or JoinRequestForm(),
        "join_error": join_error,
        "advice": KIND_ADVICE[group.kind],
        "show_count": group.visibility != "secret" or is_member,
        "upcoming": upcoming_for_group(group, request.user),
    }


@require_GET
def members(request: HtmxRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_viewer(request.user, slug)
    if not permissions.can_see_members(request.user, group):
        return render(request, "groups/members_hidden.html", {"group": group}, status=403)
    return render(request, "groups/members.html", {"group": group, "members": list(selectors.members_of(group))})


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
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"{group.name} is ready. Invite people or schedule a first meeting.")
            return redirect("groups:detail", slug=group.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "groups/form.html", {"form": form, "creating": True}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    initial = {f: getattr(group, f) for f in GroupForm.base_fields if f != "topics" and hasattr(group, f)}
    initial["topics"] = ", ".join(t.name for t in group.topics.all())
    form = GroupForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, data=form.data_object())
        except services.GroupError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
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
        m = services.membership_join(group=group, user=request.user, answer=answer)
    except TextError as exc:
        form.is_valid()
        ctx = _detail_context(request, group, join_form=form, join_error=exc.reason)
        return render(request, "groups/detail.html", ctx, status=400)
    except services.GroupError as exc:
        if exc.field == "answer":
            form.is_valid()
            ctx = _detail_context(request, group, join_form=form, join_error=exc.message)
            return render(request, "groups/detail.html", ctx, status=400)
        messages.error(request, exc.message)
        return redirect("groups:detail", slug=group.slug)
    if m.state == MembershipState.PENDING:
        messages.success(request, "Your request was sent. The facilitators will let you know by email.")
    else:
        messages.success(request, f"Welcome to {group.name}!")
    return redirect("groups:detail", slug=group.slug)


@login_required
@require_POST
def leave(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_viewer(request.user, slug)
    try:
        m = services.membership_leave(group=group, user=request.user)
    except services.GroupError as exc:
        messages.error(request, exc.message)
        return redirect("groups:detail", slug=group.slug)
    messages.success(request, "You left the group." if m.state == MembershipState.LEFT else "Done.")
    if not permissions.can_view_group(request.user, group, m):
        return redirect("groups:mine")
    return redirect("groups:detail", slug=group.slug)


@login_required
@require_GET
def dashboard(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    members = list(selectors.members_of(group))
    ctx = {
        "group": group,
        "pending": list(selectors.pending_requests(group)),
        "members": members,
        # Members who let facilitators see their roundtable history get a link to it.
        "sharing": live_selectors.sharing_history([m.user_id for m in members]),
        "banned": list(selectors.banned_of(group)),
        "invites": list(Invite.objects.filter(group=group, revoked_at__isnull=True).order_by("-created_at")[:50]),
        "invite_form": InviteForm(),
        "new_invite_url": request.session.pop(f"new_invite_{group.pk}", None),
        "JoinPolicy": JoinPolicy,
    }
    return render(request, "groups/dashboard.html", ctx)


def _membership_in(group: Group, membership_id: int) -> Membership:
    return get_object_or_404(Membership, pk=membership_id, group=group)


@login_required
@require_POST
def decide(request: AuthedRequest, slug: str, membership_id: int) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    m = _membership_in(group, membership_id)
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


@login_required
@require_POST
def member_action(request: AuthedRequest, slug: str, membership_id: int) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    m = _membership_in(group, membership_id)
    action = request.POST.get("action")
    try:
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
            messages.success(request, f"{m.user.display_name} is now a co-facilitator.")
        elif action == "make_member":
            services.membership_set_role(membership=m, by=request.user, role=MembershipRole.MEMBER)
            messages.success(request, f"{m.user.display_name} is now a member.")
        else:
            return HttpResponse("Unknown action.", status=400)
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
    if not form.is_valid():
        messages.error(request, "Invite links last between 1 and 90 days.")
        return redirect("groups:dashboard", slug=group.slug)
    _invite, token = services.invite_create(
        group=group, by=request.user, days=form.cleaned_data["days"], note=form.cleaned_data["note"]
    )
    request.session[f"new_invite_{group.pk}"] = request.build_absolute_uri(reverse("groups:invite", args=[token]))
    return redirect("groups:dashboard", slug=group.slug)


@login_required
@require_POST
def invite_revoke(request: AuthedRequest, slug: str, invite_id: int) -> HttpResponse:
    group = permissions.group_for_facilitator(request.user, slug)
    invite = get_object_or_404(Invite, pk=invite_id, group=group)
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
            services.membership_join(group=group, user=request.user, invite=invite)  # type: ignore[arg-type]
        except services.GroupError as exc:
            messages.error(request, exc.message)
            return render(request, "groups/invite_invalid.html", status=403)
        messages.success(request, f"Welcome to {group.name}!")
        return redirect("groups:detail", slug=group.slug)
    membership = permissions.membership_of(request.user, group)
    if membership is not None and membership.state == MembershipState.BANNED:
        return render(request, "groups/invite_invalid.html", status=404)
    return render(request, "groups/invite.html", {"group": group, "invite": invite, "membership": membership})


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    memberships = list(selectors.my_groups(request.user))
    facilitated = [m.group_id for m in memberships if m.is_facilitator]
    counts = selectors.pending_counts(facilitated)
    for m in memberships:
        m.pending_count = counts.get(m.group_id, 0)  # type: ignore[attr-defined]
    return render(request, "groups/mine.html", {"memberships": memberships})
