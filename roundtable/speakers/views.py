"""The speakers' pages: the experts directory, an expert's page, volunteering (and editing or
unlisting), inviting an expert to speak, and the invitations a person received or their
groups sent, with accept and decline. Thin: access in `permissions`, reads in `selectors`,
writes in `services`. Every page works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.permissions import visible_profile_fields
from roundtable.core.http import AuthedRequest, HtmxRequest
from roundtable.groups import permissions as group_perms
from roundtable.meetings.views import page_of

from . import permissions, selectors, services
from .forms import AcceptForm, DeclineForm, DirectoryFilters, ExpertForm, InviteForm
from .models import Expert, Invitation


@require_GET
def directory(request: HtmxRequest) -> HttpResponse:
    """Listed experts, searched by words and filtered by topic, format and region; 20 a page."""
    data = request.GET.copy()
    form = DirectoryFilters(data)
    valid = form.is_valid()
    d = form.cleaned_data if valid else {}
    f = selectors.DirectoryFilters(
        q=d.get("q", ""), topic=d.get("topic", ""), format=d.get("format", ""), region=d.get("region", "")
    )
    page = None
    experts: list[Expert] = []
    if valid:
        page = page_of(Paginator(selectors.directory(request.user, f), selectors.PAGE_SIZE), request.GET.get("page"))
        experts = list(page.object_list)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    ctx = {
        "form": form, "experts": experts, "page": page, "querystring": querystring.urlencode(),
        "topics": selectors.directory_topics(), "topic": f.topic,
        "filtered": any((f.q, f.topic, f.format, f.region)),
        "mine": permissions.own_expert(request.user),
        "can_invite": permissions.inviting_groups(request.user).exists(),
    }  # fmt: skip
    return render(request, "speakers/directory.html", ctx, status=200 if valid else 400)


@require_GET
def expert(request: HtmxRequest, public_id: str) -> HttpResponse:
    """An expert's page: who they are, what they speak about, how, and their talks the viewer
    may see; "Invite to speak" for facilitators of speakers groups. Their profile's headline
    shows only where its owner lets this viewer see it (accounts.permissions), like every
    other profile field anywhere."""
    e = permissions.expert_for_viewer(request.user, public_id)
    past, upcoming = selectors.talks_of(request.user, e.user)
    profile = e.user.profile
    # At most one query (whether viewer and expert share a group), and none without a headline.
    headline = visible_profile_fields(request.user, profile).get("headline", "") if profile.headline else ""
    ctx = {
        "expert": e, "headline": headline, "topics": list(e.topics.order_by("name")), "past": past,
        "upcoming": upcoming, "is_owner": permissions.is_owner(request.user, e),
        "named": permissions.has_public_name(e.user), "needs_name_text": services.NEEDS_NAME,
        "may_invite": permissions.may_invite(request.user, e),
    }  # fmt: skip
    return render(request, "speakers/expert.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer(request: AuthedRequest) -> HttpResponse:
    """Volunteer as an expert, or edit one's offer (listed or not). Someone who has not chosen
    the name others see is asked for it first (permissions.has_public_name): the page says so
    with a link to their profile instead of the form, and a POST changes nothing (400)."""
    mine = permissions.own_expert(request.user)
    if not permissions.has_public_name(request.user):
        asks = {"mine": mine, "needs_name": True, "needs_name_text": services.NEEDS_NAME}
        return render(request, "speakers/volunteer.html", asks, status=400 if request.method == "POST" else 200)
    if request.method == "POST":
        form = ExpertForm(request.POST)
        if form.is_valid():
            try:
                saved = services.expert_save(user=request.user, data=form.expert_data())
            except services.SpeakerError as exc:
                exc.add_to(form)
            else:
                if saved.listed:
                    messages.success(request, "Saved. You are in the directory: facilitators can invite you.")
                else:
                    messages.success(request, "Saved. You are not listed: nobody finds or invites you.")
                return redirect(saved)
    else:
        form = ExpertForm(initial=ExpertForm.initial_for(mine))
    ctx = {"form": form, "mine": mine}
    return render(request, "speakers/volunteer.html", ctx, status=400 if form.is_bound else 200)


@login_required
@require_POST
def listing(request: AuthedRequest) -> HttpResponse:
    """List or unlist one's own expert profile in one press (`listed` "1" or "0")."""
    mine = permissions.own_expert(request.user)
    if mine is None:
        raise Http404(permissions.NO_EXPERT)
    listed = request.POST.get("listed") == "1"
    services.expert_list_set(expert=mine, listed=listed)
    messages.success(
        request,
        "You are back in the directory." if listed else "You are unlisted: nobody finds or invites you now.",
    )
    return redirect(mine)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: AuthedRequest, public_id: str) -> HttpResponse:
    """A facilitator of a speakers group invites the expert: 404 for anyone else, as a missing expert."""
    e = permissions.expert_for_viewer(request.user, public_id)
    if not permissions.may_invite(request.user, e):
        raise Http404(permissions.NO_EXPERT)
    groups = list(permissions.inviting_groups(request.user))
    meetings = [m for g in groups for m in selectors.open_meetings(g.pk)]
    for m in meetings:  # each open meeting's group is one of `groups`: no query for its name
        m.group = next(g for g in groups if g.pk == m.group_id)
    topics = list(e.topics.order_by("name"))
    kwargs = {"groups": groups, "meetings": meetings, "topics": topics}
    if request.method == "POST":
        form = InviteForm(request.POST, **kwargs)  # type: ignore[arg-type]
        if form.is_valid():
            group, meeting, topic = form.picked()
            try:
                inv = services.invitation_create(
                    by=request.user, expert=e, group=group, meeting=meeting,
                    proposed_on=form.cleaned_data.get("proposed_on") if meeting is None else None,
                    topic=topic, note=form.cleaned_data.get("note", ""),
                )  # fmt: skip
            except services.SpeakerError as exc:
                exc.add_to(form)
            else:
                messages.success(request, f"Invitation sent. {e.user.display_name} will get an email.")
                return redirect(inv)
    else:
        form = InviteForm(initial={"group": groups[0].slug if groups else ""}, **kwargs)  # type: ignore[arg-type]
    ctx = {"expert": e, "form": form, "has_meetings": bool(meetings)}
    return render(request, "speakers/invite.html", ctx, status=400 if form.is_bound else 200)


@login_required
@require_GET
def invitations(request: AuthedRequest) -> HttpResponse:
    """Invitations to the person, and those their speakers groups sent."""
    ctx = {
        "received": selectors.invitations_received(request.user),
        "sent": selectors.invitations_sent(request.user),
        "can_invite": permissions.inviting_groups(request.user).exists(),
        "mine": permissions.own_expert(request.user),
    }
    return render(request, "speakers/invitations.html", ctx)


def _invitation_page(
    request: AuthedRequest, inv: Invitation, *, accept: AcceptForm | None = None, decline: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    is_invitee = permissions.is_invitee(request.user, inv)
    ctx = {
        "inv": inv, "is_invitee": is_invitee,
        # The invited person may be outside the group: the meeting's page only where they may see it.
        "meeting_link": inv.meeting is not None and group_perms.can_view_group(request.user, inv.group),
        "accept_form": accept or AcceptForm(initial={"title": inv.topic.name if inv.topic else ""}),
        "decline_form": decline or DeclineForm(),
    }  # fmt: skip
    return render(request, "speakers/invitation.html", ctx, status=status)


@login_required
@require_GET
def invitation(request: AuthedRequest, public_id: str) -> HttpResponse:
    """One invitation, for the invited person (with accept and decline while it waits) and the
    group's facilitators; anyone else 404."""
    return _invitation_page(request, permissions.invitation_for_viewer(request.user, public_id))


@login_required
@require_POST
def accept(request: AuthedRequest, public_id: str) -> HttpResponse:
    inv = permissions.invitation_for_invitee(request.user, public_id)
    form = AcceptForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.invitation_accept(by=request.user, invitation=inv, title=d["title"], abstract=d["abstract"],
                                       note=d["note"])  # fmt: skip
        except services.SpeakerError as exc:
            exc.add_to(form)
        else:
            messages.success(request, "Thank you: you're speaking. The facilitator has been told.")
            return redirect(inv)
    return _invitation_page(request, inv, accept=form, status=400)


@login_required
@require_POST
def decline(request: AuthedRequest, public_id: str) -> HttpResponse:
    inv = permissions.invitation_for_invitee(request.user, public_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_decline(by=request.user, invitation=inv, note=form.cleaned_data["note"])
        except services.SpeakerError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Declined. The facilitator has been told; thank you for answering.")
            return redirect(inv)
    return _invitation_page(request, inv, decline=form, status=400)
