"""The tracker's pages, under /tracker/. Thin: forms parse, selectors read (owner-only, 404
for anyone else's ids), services write. Every page works without JavaScript; htmx only
swaps fragments (the quick-add's answer, a task's done toggle), and the board's script
(static/tracker/board.js) adds drag and drop over the same move endpoint the keyboard
buttons post to."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.core.confirm import render_confirm
from roundtable.core.http import AuthedRequest
from roundtable.meetings.views import page_of

from . import exports, imports, selectors, services
from .forms import ActivityForm, CompanyForm, ContactForm, ImportForm, OpportunityForm, TargetsForm, TaskForm
from .models import Activity, ActivityKind, Contact, Opportunity, Stage, WeeklyTarget

LIST_PAGE = 50


def apply_error(form: Any, exc: services.TrackerError) -> None:
    """A service's refusal on the field it names (or the whole form)."""
    names = {"company_name": "company", "occurred_on": "day", "starts_at": "start_time"}
    field = names.get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _status(request: AuthedRequest) -> int:
    return 400 if request.method == "POST" else 200


def _saved[T](
    request: AuthedRequest,
    form: Any,
    save: Callable[[], T],
    *,
    message: str | Callable[[T], str],
    then: Callable[[T], HttpResponse],
) -> HttpResponse | None:
    """A form page's POST: when the form is valid, run the service (``save``), flash
    ``message`` and answer ``then(result)``. None when the page should show the form again:
    a GET, an invalid form, or the service's refusal (put on the field it names)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except services.TrackerError as exc:
        apply_error(form, exc)
        return None
    messages.success(request, message(result) if callable(message) else message)
    return then(result)


# ---------------------------------------------------------------- home


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    owner = request.user
    today = selectors.today_for(owner)
    monday, progress = selectors.week_progress(owner)
    ctx = {
        "counts": selectors.counts(owner),
        "monday": monday,
        "progress": progress,
        "due": selectors.tasks_due(owner, through=today, limit=10),
        "today": today,
        "recent": selectors.recent_activities(owner),
        "upcoming": selectors.upcoming_activities(owner, limit=5),
        "task_base": reverse("tracker:tasks"),
    }
    return render(request, "tracker/home.html", ctx)


# ---------------------------------------------------------------- contacts


@login_required
@require_GET
def contacts(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100].strip()
    page = page_of(Paginator(selectors.contacts(request.user, q=q), LIST_PAGE), request.GET.get("page"))
    ctx = {"page": page, "contacts": list(page.object_list), "q": q, "today": selectors.today_for(request.user)}
    return render(request, "tracker/contacts.html", ctx)


def _company_names(owner: Any) -> list[str]:
    return selectors.picker_companies(owner)


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: AuthedRequest) -> HttpResponse:
    form = ContactForm(request.POST if request.method == "POST" else None, owner=request.user)
    if done := _saved(request, form, lambda: services.contact_create(owner=request.user, data=form.data_object()),
                      message=lambda c: f"Added {c.name}.",
                      then=lambda c: redirect("tracker:contact", public_id=c.public_id)):  # fmt: skip
        return done
    ctx = {"form": form, "creating": True, "company_names": _company_names(request.user)}
    return render(request, "tracker/contact_form.html", ctx, status=_status(request))


@login_required
@require_GET
def contact(request: AuthedRequest, public_id: str) -> HttpResponse:
    c = selectors.contact_of(request.user, public_id)
    ctx = {
        "contact": c,
        **selectors.where_met(request.user, c),
        "activities": list(selectors.activities(request.user).filter(contact=c)[:20]),
        "tasks": list(selectors.open_tasks(request.user).filter(contact=c)),
        "opportunities": list(c.opportunities.select_related("company").order_by("stage", "position")),
    }
    return render(request, "tracker/contact.html", ctx)


def _contact_initial(c: Contact) -> dict[str, Any]:
    return {
        "name": c.name, "company": c.company.name if c.company else "", "role": c.role, "email": c.email,
        "phone": c.phone, "linkedin_url": c.linkedin_url, "how_met": c.how_met, "notes": c.notes,
        "last_touch_on": c.last_touch_on, "next_touch_on": c.next_touch_on,
        "meeting": c.meeting.public_id if c.meeting else "", "group": c.group.slug if c.group else "",
    }  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    c = selectors.contact_of(request.user, public_id)
    form = ContactForm(request.POST if request.method == "POST" else None, owner=request.user,
                       initial=_contact_initial(c))  # fmt: skip
    if done := _saved(request, form, lambda: services.contact_update(contact=c, data=form.data_object(keep=c)),
                      message="Saved.", then=lambda _: redirect("tracker:contact", public_id=c.public_id)):  # fmt: skip
        return done
    ctx = {"form": form, "contact": c, "creating": False, "company_names": _company_names(request.user)}
    return render(request, "tracker/contact_form.html", ctx, status=_status(request))


def _confirm_delete(request: AuthedRequest, *, what: str, name: str, lines: list[str], back: str) -> HttpResponse:
    return render_confirm(
        request, title=f"Delete this {what}?", subject=name, consequences=[*lines, "This cannot be undone."],
        action_url=request.path, confirm_label=f"Delete the {what}", back_url=back, back_label=f"Keep the {what}",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: AuthedRequest, public_id: str) -> HttpResponse:
    c = selectors.contact_of(request.user, public_id)
    if request.method == "POST":
        services.contact_delete(contact=c)
        messages.success(request, f"Deleted {c.name}.")
        return redirect("tracker:contacts")
    lines = ["Activities, tasks and opportunities tied to this contact stay, without the contact."]
    return _confirm_delete(
        request, what="contact", name=c.name, lines=lines, back=reverse("tracker:contact", args=[c.public_id])
    )


# ---------------------------------------------------------------- companies


@login_required
@require_GET
def companies(request: AuthedRequest) -> HttpResponse:
    page = page_of(Paginator(selectors.companies(request.user), LIST_PAGE), request.GET.get("page"))
    return render(request, "tracker/companies.html", {"page": page, "companies": list(page.object_list)})


@login_required
@require_http_methods(["GET", "POST"])
def company_new(request: AuthedRequest) -> HttpResponse:
    form = CompanyForm(request.POST if request.method == "POST" else None)
    if done := _saved(request, form, lambda: services.company_create(owner=request.user, data=form.data_object()),
                      message=lambda c: f"Added {c.name}.",
                      then=lambda c: redirect("tracker:company", public_id=c.public_id)):  # fmt: skip
        return done
    return render(request, "tracker/company_form.html", {"form": form, "creating": True}, status=_status(request))


@login_required
@require_GET
def company(request: AuthedRequest, public_id: str) -> HttpResponse:
    c = selectors.company_of(request.user, public_id)
    return render(request, "tracker/company.html", {"company": c, **selectors.company_detail(c)})


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    c = selectors.company_of(request.user, public_id)
    initial = {"name": c.name, "website": c.website, "industry": c.industry, "notes": c.notes}
    form = CompanyForm(request.POST if request.method == "POST" else None, initial=initial)
    if done := _saved(request, form, lambda: services.company_update(company=c, data=form.data_object()),
                      message="Saved.", then=lambda _: redirect("tracker:company", public_id=c.public_id)):  # fmt: skip
        return done
    ctx = {"form": form, "company": c, "creating": False}
    return render(request, "tracker/company_form.html", ctx, status=_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def company_delete(request: AuthedRequest, public_id: str) -> HttpResponse:
    c = selectors.company_of(request.user, public_id)
    back = reverse("tracker:company", args=[c.public_id])
    if request.method == "POST":
        try:
            services.company_delete(company=c)
        except services.TrackerError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        messages.success(request, f"Deleted {c.name}.")
        return redirect("tracker:companies")
    lines = ["Its contacts and activities stay, without the company."]
    return _confirm_delete(request, what="company", name=c.name, lines=lines, back=back)


# ---------------------------------------------------------------- the board and opportunities


@login_required
@require_GET
def board(request: AuthedRequest) -> HttpResponse:
    columns = selectors.board(request.user)
    # Every card of a column has the same stage list, with the same stage selected: built once
    # a column, not once a card (a board of 300 cards rendered 2,400 options one by one).
    base = reverse("tracker:opportunity_new").removesuffix("new/")
    for col in columns:
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>', ((v, " selected" if v == col.stage else "", label)
                                                     for v, label in Stage.choices)
        )  # fmt: skip
        for card in col.cards:
            card.card_html = _card_html(card, base, options)  # type: ignore[attr-defined]
    ctx = {"columns": columns, "total": sum(len(c.cards) for c in columns), "base": base}
    return render(request, "tracker/board.html", ctx)


CARD = """<li class="board-card" id="card-{pid}" draggable="true" data-move="{url}move/">
<p class="board-card-title"><a href="{url}">{role}</a></p>
<p class="board-card-company">{company}</p>
<div class="card-move">
<label class="visually-hidden" for="stage-{pid}">Stage of {name}</label>
<select id="stage-{pid}" name="stage-{pid}" form="board-form">{options}</select>
<button type="submit" form="board-form" formaction="{url}move/" name="card" value="{pid}" \
class="button button-secondary button-small">Move<span class="visually-hidden"> {name}</span></button>
</div>
<div class="card-order">
<button type="submit" form="board-form" formaction="{url}move/" name="direction" value="up" \
class="button button-secondary button-small">Up<span class="visually-hidden"> {name}</span></button>
<button type="submit" form="board-form" formaction="{url}move/" name="direction" value="down" \
class="button button-secondary button-small">Down<span class="visually-hidden"> {name}</span></button>
</div>
</li>"""


def _card_html(o: Opportunity, base: str, options: str) -> str:
    """One card of the board: its link, the stage list with Move (the keyboard's and the
    phone's way), and Up / Down; every control named with the card's role and company."""
    name = f"{o.role} at {o.company.name}"
    return format_html(CARD, pid=o.public_id, url=f"{base}{o.public_id}/", role=o.role, company=o.company.name,
                       name=name, options=options)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_new(request: AuthedRequest) -> HttpResponse:
    initial = {"stage": request.GET.get("stage")} if request.GET.get("stage") in Stage.values else {}
    form = OpportunityForm(request.POST if request.method == "POST" else None, owner=request.user, initial=initial)
    if done := _saved(request, form, lambda: services.opportunity_create(owner=request.user, data=form.data_object()),
                      message=lambda o: f"Added {o.role} at {o.company.name}.",
                      then=lambda _: redirect("tracker:board")):  # fmt: skip
        return done
    ctx = {"form": form, "creating": True, "company_names": _company_names(request.user)}
    return render(request, "tracker/opportunity_form.html", ctx, status=_status(request))


@login_required
@require_GET
def opportunity(request: AuthedRequest, public_id: str) -> HttpResponse:
    o = selectors.opportunity_of(request.user, public_id)
    ctx = {
        "opportunity": o,
        "source_group": selectors.shown_group(request.user, o.source_group),
        "history": selectors.stage_history(o),
        "activities": list(selectors.activities(request.user).filter(opportunity=o)[:20]),
        "stages": Stage.choices,
    }
    return render(request, "tracker/opportunity.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    o = selectors.opportunity_of(request.user, public_id)
    initial = {"company": o.company.name, "role": o.role, "stage": o.stage, "source": o.source, "link": o.link,
               "notes": o.notes, "source_group": o.source_group.slug if o.source_group else ""}  # fmt: skip
    form = OpportunityForm(request.POST if request.method == "POST" else None, owner=request.user, initial=initial)
    save = lambda: services.opportunity_update(opportunity=o, data=form.data_object(keep=o))  # noqa: E731
    if done := _saved(request, form, save, message="Saved.",
                      then=lambda _: redirect("tracker:opportunity", public_id=o.public_id)):  # fmt: skip
        return done
    ctx = {"form": form, "opportunity": o, "creating": False, "company_names": _company_names(request.user)}
    return render(request, "tracker/opportunity_form.html", ctx, status=_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_delete(request: AuthedRequest, public_id: str) -> HttpResponse:
    o = selectors.opportunity_of(request.user, public_id)
    if request.method == "POST":
        services.opportunity_delete(opportunity=o)
        messages.success(request, f"Deleted {o}.")
        return redirect("tracker:board")
    lines = ["Its stage history goes with it; activities and tasks tied to it stay."]
    back = reverse("tracker:opportunity", args=[o.public_id])
    return _confirm_delete(request, what="opportunity", name=str(o), lines=lines, back=back)


def _wants_json(request: AuthedRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def opportunity_move(request: AuthedRequest, public_id: str) -> HttpResponse:
    """Moves a card: `stage`, and `position` (0 = top; empty = bottom), or `direction` up or
    down within its column (the keyboard buttons). The board's script asks for JSON
    ({"stage", "position", "detail"}); a form post goes back to the board with a message."""
    o = selectors.opportunity_of(request.user, public_id)
    # The board's shared form sends every card's list as stage-<id>: this card's is the one.
    stage = request.POST.get(f"stage-{o.public_id}") or request.POST.get("stage", o.stage)
    raw = request.POST.get("position", "")
    direction = request.POST.get("direction", "")
    position: int | None = None
    if direction in ("up", "down"):
        position = max(0, o.position + (-1 if direction == "up" else 1))
        stage = o.stage
    elif raw:
        if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
            return _move_answer(request, o, "The position is a whole number from 0.", status=400)
        position = int(raw)
    try:
        services.opportunity_move(opportunity=o, stage=stage, position=position)
    except services.TrackerError as exc:
        return _move_answer(request, o, exc.message, status=exc.status)
    label = Stage(o.stage).label
    detail = f"{o.role} at {o.company.name}: {label}, position {o.position + 1}."
    return _move_answer(request, o, detail)


def _move_answer(request: AuthedRequest, o: Opportunity, detail: str, status: int = 200) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"stage": o.stage, "position": o.position, "detail": detail}, status=status)
    (messages.success if status == 200 else messages.error)(request, detail)
    return redirect(reverse("tracker:board") + f"#card-{o.public_id}")


# ---------------------------------------------------------------- activities and the quick-add


@login_required
@require_GET
def activities(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in ActivityKind.values else ""
    page = page_of(Paginator(selectors.activities(request.user, kind=kind), LIST_PAGE), request.GET.get("page"))
    ctx = {"page": page, "activities": list(page.object_list), "kind": kind, "kinds": ActivityKind.choices}
    return render(request, "tracker/activities.html", ctx)


def _next_url(request: AuthedRequest) -> str:
    """Where to go after a form post without JavaScript: `next`, or for the quick-add (which
    is in every page's layout and does not carry the page's address, so that a 404 page
    says nothing of what was asked) the page it was sent from, when it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target and request.POST.get("quick") == "1":
        referer = request.headers.get("Referer", "")
        origin = f"{request.scheme}://{request.get_host()}"
        target = referer[len(origin) :] if referer.startswith(origin + "/") else ""
    if (
        target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        and target.startswith("/")
    ):
        return target
    return reverse("tracker:activities")


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: AuthedRequest) -> HttpResponse:
    """The quick-add's target (htmx: answers the quick-add's fragment) and its no-JS page."""
    owner = request.user
    quick = request.htmx and request.POST.get("quick") == "1"
    form = ActivityForm(request.POST if request.method == "POST" else None, owner=owner, pickers=not quick,
                        initial={"kind": request.GET.get("kind", ActivityKind.CONVERSATION)})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        once = _once_key(request)
        if once and not cache.add(once, "", timeout=ONCE_SECONDS):
            # The same form sent twice (a double click, a resent page): the first one counts.
            logged = cache.get(once) or "Logged once already: that was the same form sent twice."
            if quick:
                return _quick_answer(request, logged=logged)
            messages.success(request, logged)
            return redirect(_next_url(request))
        try:
            activity = services.activity_create(owner=owner, data=form.data_object())
        except services.TrackerError as exc:
            if once:
                cache.delete(once)  # refused: the corrected form may be sent with the same key
            apply_error(form, exc)
        else:
            logged = f"Logged: {activity.get_kind_display()} on {activity.occurred_on:%b} {activity.occurred_on.day}."
            if once:
                cache.set(once, logged, timeout=ONCE_SECONDS)
            if quick:
                return _quick_answer(request, logged=logged)
            messages.success(request, logged)
            return redirect(_next_url(request))
    if quick:
        return _quick_answer(request, form=form)
    ctx = {"form": form, "creating": True, "next": _next_url(request), **_pickers(owner)}
    return render(request, "tracker/activity_form.html", ctx, status=_status(request))


# A form to log an activity carries a key made when the form was drawn (the `once` field;
# the quick-add's script makes a new one after each entry or change): a second post with the
# same key, a double click or a page sent again, logs nothing more. The keys live in the
# cache, which production shares between processes (Redis); an hour covers any resend.
ONCE_SECONDS = 3600
ONCE_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _once_key(request: AuthedRequest) -> str:
    key = request.POST.get("once", "")
    return f"tracker:once:{request.user.pk}:{key}" if ONCE_KEY.fullmatch(key) else ""


def _pickers(owner: Any) -> dict[str, Any]:
    return {"contact_names": selectors.picker_contacts(owner), "company_names": selectors.picker_companies(owner)}


def _quick_answer(request: AuthedRequest, *, logged: str = "", form: ActivityForm | None = None) -> HttpResponse:
    """The quick-add's fragment after a post: what was logged and this week's progress, or
    the form's errors (200 either way: htmx swaps nothing on a 4xx)."""
    _monday, progress = selectors.week_progress(request.user)
    ctx = {"logged": logged, "errors": form.errors if form is not None else {}, "progress": progress}
    return HttpResponse(render_to_string("tracker/_quick_result.html", ctx, request=request))


@login_required
@require_GET
def quick_add_pickers(request: AuthedRequest) -> HttpResponse:
    """Loaded when the quick-add opens (never with every page): the pickers' options and
    this week's progress."""
    owner = request.user
    _monday, progress = selectors.week_progress(owner)
    ctx = {
        **_pickers(owner),
        "opportunities": selectors.picker_opportunities(owner),
        "meetings": selectors.picker_meetings(owner),
        "progress": progress,
    }
    return render(request, "tracker/_quick_pickers.html", ctx)


def _activity_initial(a: Activity) -> dict[str, Any]:
    start = a.starts_at.astimezone(selectors.zone_of(a.owner)).time() if a.starts_at else None
    return {
        "kind": a.kind, "day": a.occurred_on, "start_time": start, "duration_minutes": a.duration_minutes,
        "contact": a.contact.name if a.contact else "", "company": a.company.name if a.company else "",
        "opportunity": a.opportunity.public_id if a.opportunity else "",
        "meeting": a.meeting.public_id if a.meeting else "", "note": a.note,
    }  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    a = selectors.activity_of(request.user, public_id)
    form = ActivityForm(request.POST if request.method == "POST" else None, owner=request.user,
                        initial=_activity_initial(a))  # fmt: skip
    if done := _saved(request, form, lambda: services.activity_update(activity=a, data=form.data_object()),
                      message="Saved.", then=lambda _: redirect("tracker:activities")):  # fmt: skip
        return done
    ctx = {"form": form, "activity": a, "creating": False, "next": "", **_pickers(request.user)}
    return render(request, "tracker/activity_form.html", ctx, status=_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request: AuthedRequest, public_id: str) -> HttpResponse:
    a = selectors.activity_of(request.user, public_id)
    if request.method == "POST":
        services.activity_delete(activity=a)
        messages.success(request, "Deleted the activity.")
        return redirect("tracker:activities")
    return _confirm_delete(request, what="activity", name=str(a), lines=[], back=reverse("tracker:activities"))


# ---------------------------------------------------------------- tasks


@login_required
@require_http_methods(["GET", "POST"])
def tasks(request: AuthedRequest) -> HttpResponse:
    form = TaskForm(request.POST if request.method == "POST" else None)
    if done := _saved(request, form, lambda: services.task_create(owner=request.user, title=form.cleaned_data["title"],
                                                                  due_on=form.cleaned_data["due_on"]),
                      message=lambda t: f"Added: {t.title}.", then=lambda _: redirect("tracker:tasks")):  # fmt: skip
        return done
    page = page_of(Paginator(selectors.open_tasks(request.user), LIST_PAGE), request.GET.get("page"))
    ctx = {
        "form": form,
        "page": page,
        "open": list(page.object_list),
        "done": selectors.done_tasks(request.user),
        "today": selectors.today_for(request.user),
        "task_base": reverse("tracker:tasks"),
    }
    return render(request, "tracker/tasks.html", ctx, status=_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    t = selectors.task_of(request.user, public_id)
    form = TaskForm(request.POST if request.method == "POST" else None, initial={"title": t.title, "due_on": t.due_on})
    if done := _saved(request, form, lambda: services.task_update(task=t, title=form.cleaned_data["title"],
                                                                  due_on=form.cleaned_data["due_on"],
                                                                  contact=t.contact, opportunity=t.opportunity),
                      message="Saved.", then=lambda _: redirect("tracker:tasks")):  # fmt: skip
        return done
    return render(request, "tracker/task_form.html", {"form": form, "task": t}, status=_status(request))


@login_required
@require_POST
def task_done(request: AuthedRequest, public_id: str) -> HttpResponse:
    t = selectors.task_of(request.user, public_id)
    done = request.POST.get("done", "1") == "1"
    services.task_done_set(task=t, done=done)
    if request.htmx:
        ctx = {"task": t, "today": selectors.today_for(request.user), "announce": True,
               "task_base": reverse("tracker:tasks")}  # fmt: skip
        return render(request, "tracker/_task.html", ctx)
    messages.success(request, f"{'Done' if done else 'Open again'}: {t.title}.")
    return redirect(_next_url(request) if request.POST.get("next") else reverse("tracker:tasks"))


@login_required
@require_http_methods(["GET", "POST"])
def task_delete(request: AuthedRequest, public_id: str) -> HttpResponse:
    t = selectors.task_of(request.user, public_id)
    if request.method == "POST":
        services.task_delete(task=t)
        messages.success(request, f"Deleted: {t.title}.")
        return redirect("tracker:tasks")
    return _confirm_delete(request, what="task", name=t.title, lines=[], back=reverse("tracker:tasks"))


# ---------------------------------------------------------------- targets


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: AuthedRequest) -> HttpResponse:
    current = {t.kind: t.per_week for t in WeeklyTarget.objects.filter(owner=request.user)}
    form = TargetsForm(request.POST if request.method == "POST" else None, initial=current)
    if done := _saved(request, form, lambda: services.targets_set(owner=request.user, per_week=form.per_week()),
                      message="Your weekly targets are saved.", then=lambda _: redirect("tracker:home")):  # fmt: skip
        return done
    return render(request, "tracker/targets.html", {"form": form}, status=_status(request))


# ---------------------------------------------------------------- import and export


# After a report with bad rows, the file waits here (the cache: Redis at scale) so that "import
# the good rows" is one click, without choosing the file again; only its owner's key finds it.
PENDING_SECONDS = 30 * 60


def _pending_key(owner: Any, token: str) -> str:
    return f"tracker:import:{owner.pk}:{token}"


def _imported(request: AuthedRequest, outcome: imports.Outcome, kind: str) -> HttpResponse:
    messages.success(request, imports.summary(outcome))
    return redirect("tracker:contacts" if kind != "opportunities" else "tracker:board")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: AuthedRequest) -> HttpResponse:
    """Checks an uploaded CSV and imports it, or reports its bad rows line by line. After a
    report, "Import the N good rows" posts only `pending` (the kept file's token)."""
    token = request.POST.get("pending", "")
    if request.method == "POST" and token:
        kept = cache.get(_pending_key(request.user, token[:64]))
        if kept is None:
            messages.error(request, "That file is no longer waiting (it is kept for 30 minutes): choose it again.")
            return redirect("tracker:import")
        cache.delete(_pending_key(request.user, token[:64]))
        kind, data = kept
        return _imported(request, imports.import_file(request.user, data, kind, good_rows_only=True), kind)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    refused, outcome, pending = "", None, ""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
            data = upload.read()
            try:
                outcome = imports.import_file(
                    request.user, data, kind, good_rows_only=form.cleaned_data["good_rows_only"]
                )
            except imports.ImportRefusedError as exc:
                refused = str(exc)
            else:
                if outcome.imported or not outcome.parsed.errors:
                    return _imported(request, outcome, kind)
                if outcome.parsed.rows:
                    pending = secrets.token_urlsafe(24)
                    cache.set(_pending_key(request.user, pending), (kind, data), PENDING_SECONDS)
    ctx = {
        "form": form, "refused": refused, "outcome": outcome, "pending": pending,
        "contact_columns": imports.CONTACT_COLUMNS, "opportunity_columns": imports.OPPORTUNITY_COLUMNS,
        "max_rows": imports.MAX_ROWS,
    }  # fmt: skip
    return render(request, "tracker/import.html", ctx, status=status)


@login_required
@require_GET
def export_page(request: AuthedRequest) -> HttpResponse:
    return render(request, "tracker/export.html", {})


@login_required
@require_GET
def export_file(request: AuthedRequest, fmt: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y-%m-%d")
    if fmt == "json":
        response = HttpResponse(exports.as_json(request.user), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(exports.as_zip(request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="roundtable-tracker-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
