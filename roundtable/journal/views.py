"""The journal's pages: a goal for a meeting, a reflection after it, the person's own journal,
"I landed", and a group's health for its facilitators. Thin: access in `permissions`, reads in
`selectors`, writes in `services` and `landing`. Every page works without JavaScript; with
htmx the meeting page's card is swapped in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.core.http import AuthedRequest
from roundtable.meetings.models import Meeting
from roundtable.tracker.models import Landing, Source
from roundtable.tracker.selectors import picker_contacts

from . import charts, health, landing, permissions, selectors, services
from .context import journal_for_meeting
from .forms import GoalForm, LandingForm, ReflectionForm
from .insights import insights_for


def _card(request: AuthedRequest, meeting: Meeting, status: int = 200, **forms: object) -> HttpResponse:
    """The meeting page's journal card alone (an htmx answer)."""
    ctx = {"j": journal_for_meeting(request.user, meeting, **forms), "meeting": meeting}  # type: ignore[arg-type]
    return HttpResponse(render_to_string("journal/_goal.html", ctx, request=request), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def goal(request: AuthedRequest, public_id: str) -> HttpResponse:
    """GET: the goal form on a page of its own (the reminder email's link); POST: save it."""
    meeting = permissions.meeting_for_journal(request.user, public_id)
    if request.method == "GET" and permissions.may_reflect(request.user, meeting):
        return redirect("journal:reflection", public_id=meeting.public_id)
    form = None
    if request.method == "POST":
        form = GoalForm(request.POST, meeting=meeting, candidates=selectors.goal_candidates(request.user, meeting))
        if form.is_valid():
            try:
                services.goal_set(owner=request.user, meeting=meeting, reasons=form.cleaned_data["reasons"],
                                  note=form.cleaned_data["note"], people=form.picks())  # fmt: skip
            except services.JournalError as exc:
                exc.add_to(form)
            else:
                if request.htmx:
                    return _card(request, meeting)
                messages.success(request, "Your goal is saved. Only you can see it.")
                return redirect(meeting)
        if request.htmx:
            # 200 so htmx swaps the card with its errors in (it swaps nothing on a 4xx).
            return _card(request, meeting, goal_form=form)
    ctx = {"j": journal_for_meeting(request.user, meeting, goal_form=form), "meeting": meeting, "page": True}
    return render(request, "journal/goal.html", ctx, status=400 if form is not None else 200)


@login_required
@require_POST
def goal_clear(request: AuthedRequest, public_id: str) -> HttpResponse:
    meeting = permissions.meeting_for_journal(request.user, public_id)
    try:
        services.goal_clear(owner=request.user, meeting=meeting)
    except services.JournalError as exc:
        messages.error(request, exc.message)
    else:
        if request.htmx:
            return _card(request, meeting)
        messages.success(request, "Your goal is removed.")
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def reflection(request: AuthedRequest, public_id: str) -> HttpResponse:
    """GET: how the meeting went, the goal beside it (the "How was it?" email's link); POST: save."""
    meeting = permissions.meeting_for_journal(request.user, public_id)
    form = None
    status = 200
    if request.method == "POST":
        form = ReflectionForm(request.POST, candidates=selectors.reflection_candidates(request.user, meeting))
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.reflection_save(owner=request.user, meeting=meeting, value=d["value"],
                                         takeaways=d["takeaways"], goal_met=d["goal_met"], met=d["met"],
                                         follow_ups=form.follow_ups())  # fmt: skip
            except services.JournalError as exc:
                exc.add_to(form)
            else:
                made = len(d["met"])
                note = f" {made} {'person is' if made == 1 else 'people are'} in your contacts." if made else ""
                if request.htmx:
                    return _card(request, meeting)
                messages.success(request, f"Thank you: your reflection is saved, for you alone.{note}")
                return redirect(meeting)
        if request.htmx:
            return _card(request, meeting, reflection_form=form)
        status = 400
    j = journal_for_meeting(request.user, meeting, reflection_form=form)
    closes_at = meeting.ends_at + health.ANSWERS_CLOSE_AFTER
    ctx = {"j": j, "meeting": meeting, "page": True, "ended": timezone.now() >= meeting.ends_at,
           "answers_closed": timezone.now() >= closes_at, "answers_close_at": closes_at}  # fmt: skip
    return render(request, "journal/reflection.html", ctx, status=status)


@login_required
@require_POST
def reflection_dismiss(request: AuthedRequest, public_id: str) -> HttpResponse:
    meeting = permissions.meeting_for_journal(request.user, public_id)
    try:
        services.reflection_dismiss(owner=request.user, meeting=meeting)
    except services.JournalError as exc:
        messages.error(request, exc.message)
        return redirect(meeting)
    if request.htmx:
        return _card(request, meeting)
    messages.info(request, "We won't ask about this meeting again. You can still reflect on it from its page.")
    return redirect(reverse("home") if request.POST.get("next") == "home" else meeting.get_absolute_url())


@login_required
@require_GET
def journal(request: AuthedRequest) -> HttpResponse:
    """The person's own journal: meetings waiting for a reflection, then each meeting with its
    goal beside its reflection (did I get what I came for?), latest first."""
    goals = list(selectors.goals_of(request.user)[:50])
    reflections = list(selectors.reflections_of(request.user)[:50])
    entries: dict[int, dict[str, Any]] = {}
    for g in goals:
        entries.setdefault(g.meeting_id, {"meeting": g.meeting, "goal": None, "reflection": None})["goal"] = g
    for r in reflections:
        entries.setdefault(r.meeting_id, {"meeting": r.meeting, "goal": None, "reflection": None})["reflection"] = r
    ctx = {
        "waiting": selectors.waiting_reflections(request.user),
        "entries": sorted(entries.values(), key=lambda e: (e["meeting"].starts_at, e["meeting"].pk), reverse=True),
        "landing": Landing.objects.filter(owner=request.user).first(),
        "now": timezone.now(),
    }
    return render(request, "journal/journal.html", ctx)


@login_required
@require_GET
def insights(request: AuthedRequest) -> HttpResponse:
    """The person's own insights: four charts, each with its table, and the advice."""
    data: dict[str, Any] = insights_for(request.user)
    labels, hours, mix = data["week_labels"], data["meeting_hours"], data["activity_mix"]
    worth, funnel = data["worth"], data["funnel"]
    hour_series = [(str(g["name"]), g["hours"]) for g in hours["groups"]]
    ctx: dict[str, Any] = {
        "data": data,
        "hours_chart": charts.bars(labels, hour_series, stacked=True, every=2),
        "mix_chart": charts.bars(
            labels,
            [("Conversations and outreach", mix["networking"]), ("Applications", mix["applications"])],
            stacked=False,
            lines=[("Outreach target", mix["networking_target"]),
                   ("Applications target", mix["applications_target"])],
            every=2,
        ),
        "funnel_chart": charts.hbars([
            ("Conversations and outreach", funnel["networking"]), ("Applications", funnel["applications"]),
            ("Interviews", funnel["interviews"]), ("Offers", funnel["offers"]),
        ]),
        "sources_chart": charts.hbars([(str(s["label"]), int(s["n"])) for s in data["interview_sources"]]),
        "worth_chart": charts.bars(
            [m.split()[0] for m in worth["month_labels"]],  # "Jun": the year is in the table
            [(str(g["name"]), g["per_hour"]) for g in worth["groups"]],
            stacked=False,
        ),
    }  # fmt: skip
    ctx["worth_rows"] = [
        {"name": g["name"], "cells": list(zip(worth["month_labels"], g["per_hour"], strict=True))}
        for g in worth["groups"]
    ]
    return render(request, "journal/insights.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def landed(request: AuthedRequest) -> HttpResponse:
    """ "I landed": where, which role, which channel (and group or contact), when."""
    groups = landing.creditable_groups(request.user)
    current = Landing.objects.filter(owner=request.user).select_related("group", "contact").first()
    initial: dict[str, object] = {"landed_on": timezone.localdate()}
    if current is not None:
        initial = {
            "company_name": current.company_name,
            "role": current.role,
            "source": current.source,
            "group": current.group.slug if current.group else "",
            "contact": current.contact.name if current.contact else "",
            "landed_on": current.landed_on,
            "search_started_on": current.search_started_on,
            "will_help_others": current.will_help_others,
        }
    data = request.POST if request.method == "POST" else None
    form = LandingForm(data, initial=initial, groups=groups, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            record = landing.landing_record(owner=request.user, data=form.landing_data())
        except services.JournalError as exc:
            exc.add_to(form)
        else:
            messages.success(request, f"Congratulations on your new role as {record.role}!")
            return redirect("journal:landed_done")
    ctx = {"form": form, "current": current, "Source": Source, "contact_names": picker_contacts(request.user)}
    return render(request, "journal/landed.html", ctx, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def landed_done(request: AuthedRequest) -> HttpResponse:
    """After "I landed": what comes next (help others; share it at your groups' next meetings)."""
    current = Landing.objects.filter(owner=request.user).first()
    if current is None:
        return redirect("journal:landed")
    from roundtable.meetings import selectors as meeting_selectors

    nexts = meeting_selectors.next_for_member(request.user, limit=3)
    return render(request, "journal/landed_done.html", {"landing": current, "next_meetings": nexts})


@login_required
@require_GET
def group_health(request: AuthedRequest, slug: str) -> HttpResponse:
    group = permissions.group_for_health(request.user, slug)
    report = health.group_health(group)
    ctx = {"group": group, "health": report, "charts": health.charts(report)}
    return render(request, "journal/health.html", ctx)
