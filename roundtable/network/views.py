"""The network app's pages: who to meet at a meeting, my introductions, asking, answering,
and a group's suggested introductions for its facilitators. Thin: access in `permissions`,
reads in `selectors`, writes in `services`. Every page works without JavaScript; with htmx
the meeting page's card loads in place and "I'd like to meet them" answers with the card."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.blocks import kept_apart_from
from roundtable.accounts.models import User
from roundtable.core.http import AuthedRequest
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import MembershipRole
from roundtable.groups.selectors import my_groups
from roundtable.meetings.models import Meeting

from . import permissions, selectors, services
from .forms import AnswerForm, AskForm, DeclineForm, ProposeForm
from .models import Introduction, Role

CARD_SIZE = 5


def _who_context(request: AuthedRequest, meeting: Meeting, *, limit: int) -> dict[str, object]:
    allowed = permissions.may_see_recommendations(request.user, meeting)
    recs = selectors.recommendations_for_meeting(request.user, meeting, limit=limit) if allowed else []
    return {"meeting": meeting, "allowed": allowed, "recs": recs, "group": meeting.group}


@login_required
@require_GET
def who_to_meet(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The people going most worth meeting, with reasons; with htmx, the meeting page's card."""
    meeting = permissions.meeting_for_recommendations(request.user, public_id)
    if request.htmx:
        ctx = _who_context(request, meeting, limit=CARD_SIZE)
        return render(request, "network/_who_to_meet.html", {**ctx, "card": True})
    return render(request, "network/who_to_meet.html", _who_context(request, meeting, limit=selectors.RECOMMENDATIONS))


def _recommended(request: AuthedRequest, public_id: str, person: str) -> tuple[Meeting, selectors.Recommendation]:
    """The meeting and the viewer's recommendation of `person` in it; 404 when not recommended."""
    meeting = permissions.meeting_for_recommendations(request.user, public_id)
    recs = {r.public_id: r for r in selectors.recommendations_for_meeting(request.user, meeting, limit=1000)}
    rec = recs.get(person)
    if rec is None:
        raise Http404("No such person.")
    return meeting, rec


def _who_answer(request: AuthedRequest, meeting: Meeting) -> HttpResponse:
    """After a change to the goal: the card or list again for htmx, else back where it came from."""
    if request.htmx:
        card = request.POST.get("card") == "1"
        ctx = _who_context(request, meeting, limit=CARD_SIZE if card else selectors.RECOMMENDATIONS)
        return render(request, "network/_who_to_meet.html", {**ctx, "card": card})
    back = request.POST.get("next", "")
    return redirect(
        meeting.get_absolute_url() if back == "meeting" else reverse("network:who_to_meet", args=[meeting.public_id])
    )


@login_required
@require_POST
def meet(request: AuthedRequest, public_id: str, person: str) -> HttpResponse:
    """ "I'd like to meet them": into the goal for the meeting (journal's goal_set)."""
    meeting, rec = _recommended(request, public_id, person)
    try:
        services.meet_mark(
            owner=request.user, meeting=meeting, person=rec.user, why=rec.reasons[0] if rec.reasons else "",
            speaker=rec.is_speaker,
        )  # fmt: skip
    except services.NetworkError as exc:
        messages.error(request, exc.message)
    else:
        if not request.htmx:
            messages.success(request, f"Added {rec.name} to the people you'd like to meet in your goal.")
    return _who_answer(request, meeting)


@login_required
@require_POST
def unmeet(request: AuthedRequest, public_id: str, person: str) -> HttpResponse:
    """Undo "I'd like to meet them": out of the goal for the meeting again."""
    meeting, rec = _recommended(request, public_id, person)
    try:
        services.meet_unmark(owner=request.user, meeting=meeting, person=rec.user, speaker=rec.is_speaker)
    except services.NetworkError as exc:
        messages.error(request, exc.message)
    else:
        if not request.htmx:
            messages.success(request, f"Took {rec.name} out of the people you'd like to meet.")
    return _who_answer(request, meeting)


@login_required
@require_GET
def introductions(request: AuthedRequest) -> HttpResponse:
    mine = selectors.introductions_of(request.user)
    rows = {
        "to_decide": [_row(request.user, i) for i in mine.to_decide],
        "asked_by_me": [_row(request.user, i) for i in mine.asked_by_me],
        "asked_of_me": [_row(request.user, i) for i in mine.asked_of_me],
        "facilitated": [m for m in my_groups(request.user) if m.role == MembershipRole.FACILITATOR],
    }
    return render(request, "network/introductions.html", rows)


def _row(viewer: User, intro: Introduction) -> dict[str, object]:
    return {"intro": intro, "role": intro.role_of(viewer.pk), "status": permissions.status_for(viewer, intro)}


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: AuthedRequest) -> HttpResponse:
    """Pick a group (GET without one), then the person to meet, the introducer and a note."""
    slug = request.POST.get("group") or request.GET.get("group") or ""
    group = None
    if slug:
        group = group_perms.group_for_viewer(request.user, slug[:80])
        if not group_perms.is_member(request.user, group):
            raise Http404("No such group.")
    if group is None:
        memberships = [m for m in my_groups(request.user) if m.state == "active"]
        return render(request, "network/ask.html", {"memberships": memberships, "form": None})
    # Nobody with a block between them and the asker is offered, as target or introducer
    # (accounts.blocks: their profiles are already missing to each other).
    apart = kept_apart_from(request.user.pk)
    people = selectors.people_of_group(group, exclude=[request.user.pk, *apart])
    initial = {"target": request.GET.get("to", "")[:12]}
    form = AskForm(request.POST if request.method == "POST" else None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            intro = services.introduction_ask(
                asker=request.user, group=group, introducer=form.person("introducer"), target=form.person("target"),
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except services.NetworkError as exc:
            exc.add_to(form)
        else:
            messages.success(request, "Your ask is sent. You'll hear when there's an answer.")
            return redirect(intro)
    status = 400 if request.method == "POST" else 200
    return render(request, "network/ask.html", {"group": group, "form": form, "people": people}, status=status)


@login_required
@require_GET
def introduction(request: AuthedRequest, public_id: str) -> HttpResponse:
    intro = permissions.introduction_for_viewer(request.user, public_id)
    return render(request, "network/introduction.html", _detail(request.user, intro))


def _answer_form(intro: Introduction, role: str, data: object = None) -> AnswerForm:
    return AnswerForm(data, for_introducer=role == Role.INTRODUCER, target_name=intro.target.display_name)


def _detail(viewer: User, intro: Introduction, **forms: object) -> dict[str, object]:
    role = intro.role_of(viewer.pk)
    to_answer = permissions.awaiting(intro, role)
    other = intro.target if role == Role.ASKER else intro.asker if role == Role.TARGET else None
    return {
        "intro": intro,
        "role": role,
        "status": permissions.status_for(viewer, intro),
        "to_answer": to_answer,
        "may_withdraw": permissions.may_withdraw(viewer, intro),
        "other": other,
        "contact": permissions.sees_contact_details(viewer, intro),
        "answer_form": forms.get("answer_form") or _answer_form(intro, role),
        "decline_form": DeclineForm(),
        "blocked_name": intro.target.display_name if role == Role.ASKER else intro.asker.display_name,
        # The asker never learns who said no, nor why: only that it is not possible.
        "show_declined_by": role != Role.ASKER,
    }


@login_required
@require_POST
def accept(request: AuthedRequest, public_id: str) -> HttpResponse:
    intro = permissions.introduction_for_viewer(request.user, public_id)
    form = _answer_form(intro, intro.role_of(request.user.pk), request.POST)
    if form.is_valid():
        try:
            services.introduction_accept(user=request.user, introduction=intro, note=form.cleaned_data["note"])
        except services.NetworkError as exc:
            form.add_error("note" if exc.field == "note" else None, exc.message)
        else:
            messages.success(request, "Thank you: your answer is saved.")
            return redirect(intro)
    ctx = _detail(request.user, intro, answer_form=form)
    return render(request, "network/introduction.html", ctx, status=400)


@login_required
@require_POST
def decline(request: AuthedRequest, public_id: str) -> HttpResponse:
    intro = permissions.introduction_for_viewer(request.user, public_id)
    form = DeclineForm(request.POST)
    block = form.is_valid() and form.cleaned_data["block"]
    try:
        services.introduction_decline(user=request.user, introduction=intro, block=bool(block))
    except services.NetworkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Done. Nobody is told why." + (" They can't ask you again." if block else ""))
    return redirect(intro)


@login_required
@require_POST
def withdraw(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The asker withdraws their ask (the facilitator their proposal): nobody is told."""
    intro = permissions.introduction_for_viewer(request.user, public_id)
    try:
        services.introduction_withdraw(user=request.user, introduction=intro)
    except services.NetworkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Withdrawn. Nobody is told; you can ask someone else.")
    return redirect(intro)


@login_required
@require_GET
def suggestions(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_suggestions(request.user, slug)
    pairs = selectors.suggested_introductions(request.user, group)
    return render(request, "network/suggestions.html", {"group": group, "pairs": pairs})


@login_required
@require_POST
def propose(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_suggestions(request.user, slug)
    people = selectors.people_of_group(group, exclude=[request.user.pk])
    form = ProposeForm(request.POST, people=people)
    if not form.is_valid():
        messages.error(request, "Choose two members and write a line for them: " + "; ".join(
            str(e) for errors in form.errors.values() for e in errors))  # fmt: skip
        return redirect("network:suggestions", slug=group.slug)
    try:
        intro = services.introduction_propose(
            facilitator=request.user, group=group, asker=form.person("asker"), target=form.person("target"),
            note=form.cleaned_data["note"],
        )  # fmt: skip
    except services.NetworkError as exc:
        messages.error(request, exc.message)
        return redirect("network:suggestions", slug=group.slug)
    messages.success(request, "Proposed. Both are asked; you'll hear when both accept.")
    return redirect(intro)
