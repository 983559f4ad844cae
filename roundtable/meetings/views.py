from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.models import User
from roundtable.core import dates, nav
from roundtable.core.http import AuthedRequest, HtmxRequest
from roundtable.core.ids import is_public_id
from roundtable.groups import permissions as group_perms
from roundtable.groups import rules as group_rules
from roundtable.groups import selectors as group_selectors
from roundtable.groups.models import Kind, Topic
from roundtable.groups.pages import Make, anonymous_page
from roundtable.groups.places import Place
from roundtable.groups.views import lasts
from roundtable.tracker import selectors as tracker_selectors

from . import permissions, selectors, services
from .forms import MeetingForm, MessageForm, TalkFilters, TalkLinksForm
from .models import Meeting
from .templatetags.meeting_time import viewer_zone

TALKS_PAGE_SIZE = 20


def _bound(request: HtmxRequest) -> object:
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthedRequest, slug: str) -> HttpResponse:
    group = group_perms.group_for_facilitator(request.user, slug)
    form = MeetingForm(_bound(request), group=group, initial=MeetingForm.initial_for(group))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                group=group, by=request.user, data=form.meeting_data(), rule=form.rrule(), talk=form.talk_data()
            )
        except services.MeetingError as exc:
            exc.add_to(form)
        else:
            extra = " and the series that follows" if meeting.series_id else ""
            messages.success(request, f"Scheduled {meeting.title}{extra}.")
            return redirect(meeting)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/form.html", {"form": form, "group": group, "creating": True}, status=status)


@require_GET
def legacy_redirect(request: HtmxRequest, meeting_id: int, target: str) -> HttpResponse:
    """An address from before public identifiers (/meetings/42/...): a listed group's meeting
    moves to its public address for good; anything else is the site's usual 404."""
    meeting = permissions.legacy_meeting(meeting_id)
    return redirect(target, public_id=meeting.public_id, permanent=True)


@require_GET
def detail(request: HtmxRequest, public_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        nav.mark_group(request, member=False)
        # The RSVP counts change without bumping the generation (services._recount): their
        # version is part of the key.
        make = _anonymous_make(request, public_id)
        version = services.rsvp_version_name(public_id)
        return anonymous_page(
            request, "meetings/detail.html", "anonymous_meeting", public_id, make, version_name=version
        )
    meeting = permissions.meeting_for_viewer(request.user, public_id)
    # A meeting's page lights the menu as its group's does (core/nav.py).
    nav.mark_group(request, member=group_perms.is_member(request.user, meeting.group))
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


def _anonymous_make(request: HtmxRequest, public_id: str) -> Make:
    """What makes the meeting's page for anonymous visitors (groups/pages.py caches it whole
    at the discovery generation, which every change of the meeting, its talk and the talk's
    topics, and its group bumps, and the version of its RSVP counts): its title and body,
    which live until the meeting starts (RSVP closes then). A hit asks the database nothing:
    an entry exists only for a meeting anonymous visitors may see, and hiding its group bumps
    the generation. Any other raises Http404 and caches nothing, as a missing one. The body
    holds no token and nothing of a person: anonymous visitors get "Log in to RSVP", no form."""

    def make() -> tuple[tuple[str, str], int]:
        meeting = permissions.meeting_for_viewer(request.user, public_id)
        ctx = _detail_context(request, meeting)
        body = render_to_string("meetings/detail.html#body", ctx, request=request)
        return (meeting.title, body), lasts([] if ctx["started"] else [meeting.starts_at], timezone.now())

    return make


def _detail_context(request: HtmxRequest, meeting: Meeting) -> dict[str, object]:
    user = request.user
    manage = permissions.can_manage(user, meeting)
    rsvp = permissions.rsvp_of(user, meeting)
    return {
        "meeting": meeting,
        "group": meeting.group,
        # The group's ground rules changed since this member accepted them (issue 12).
        "must_accept_rules": group_rules.must_accept(group_perms.membership_of(user, meeting.group), meeting.group),
        "talk": getattr(meeting, "talk", None),
        "place": permissions.place_for(user, meeting),
        "rsvp": rsvp,
        "position": services.waitlist_position(rsvp) if rsvp else None,
        "can_rsvp": permissions.can_rsvp(user, meeting),
        "can_manage": manage,
        "going": list(selectors.going(meeting)) if manage else [],
        "waiting": list(selectors.waitlist(meeting)) if manage else [],
        "message_form": MessageForm() if manage else None,
        "links_form": TalkLinksForm(
            initial={
                "slides_url": getattr(getattr(meeting, "talk", None), "slides_url", ""),
                "recording_url": getattr(getattr(meeting, "talk", None), "recording_url", ""),
            }
        )
        if manage
        else None,
        "started": meeting.has_started(),
        "Kind": Kind,
    }


@login_required
@require_POST
def rsvp(request: AuthedRequest, public_id: str) -> HttpResponse:
    meeting = permissions.meeting_for_viewer(request.user, public_id)
    answer = request.POST.get("answer")
    if answer not in ("going", "not_going"):
        return HttpResponse("Answer going or not_going.", status=400)
    # The RSVP card itself says where the person stands ("You're going. ..."): a second
    # success box above it said the same twice (issue 9). Only an error gets a notice.
    notice = ""
    # Whether the facilitators' "Message everyone going" form shows before the answer: it is
    # sent again only when it appears or goes, so a message being typed is never wiped.
    had_going = request.htmx and permissions.can_manage(request.user, meeting) and selectors.going(meeting).exists()
    try:
        services.rsvp_set(meeting=meeting, user=request.user, going=answer == "going")
    except services.MeetingError as exc:
        notice = exc.message
    if request.htmx:
        meeting.refresh_from_db()
        meeting.__dict__.pop("_rsvp_cache", None)
        ctx = {**_detail_context(request, meeting), "notice": notice}
        # Every region that depends on the RSVP goes in one answer, the card and the rest out
        # of band: what it unlocks (the address, the video link, the room) and, for the
        # facilitators, who is going and the message to them.
        parts = ["rsvp", "where", "room_link", "journal"]
        if ctx["can_manage"]:
            parts.append("going_people")
            if bool(ctx["going"]) != had_going:
                parts.append("message_going")
        oob = {**ctx, "oob": True}
        html = [
            render_to_string(f"meetings/detail.html#{p}", ctx if p == "rsvp" else oob, request=request) for p in parts
        ]
        # A 200 even for a refusal ("the meeting is full"): htmx swaps nothing on a 4xx, so
        # the reason would never show (the same rule as discovery's, groups/views.py).
        return HttpResponse("".join(html))
    if notice:
        messages.error(request, notice)
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    meeting = permissions.meeting_for_facilitator(request.user, public_id)
    form = MeetingForm(_bound(request), group=meeting.group, editing=meeting,
                       initial=MeetingForm.initial_for(meeting.group, meeting))  # fmt: skip
    scope = request.POST.get("scope", "one")
    if request.method == "POST" and scope not in ("one", "following"):
        return HttpResponse("Scope is one or following.", status=400)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, by=request.user, data=form.meeting_data(), scope=scope,
                                    talk=form.talk_data())  # fmt: skip
        except services.MeetingError as exc:
            exc.add_to(form)
        else:
            messages.success(request, "Saved. People who are going have been told about any change of time or place.")
            return redirect(meeting)
    status = 400 if request.method == "POST" else 200
    ctx = {"form": form, "group": meeting.group, "meeting": meeting, "creating": False}
    return render(request, "meetings/form.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: AuthedRequest, public_id: str) -> HttpResponse:
    meeting = permissions.meeting_for_facilitator(request.user, public_id)
    if request.method == "POST":
        scope = request.POST.get("scope", "one")
        if scope not in ("one", "following"):
            return HttpResponse("Scope is one or following.", status=400)
        try:
            n = services.meeting_cancel(meeting=meeting, by=request.user, scope=scope)
        except services.MeetingError as exc:
            messages.error(request, exc.message)
            return redirect(meeting)
        messages.success(request, f"Cancelled {n} meeting{'s' if n != 1 else ''}. Everyone going has been told.")
        return redirect("groups:detail", slug=meeting.group.slug)
    return render(request, "meetings/cancel.html", {"meeting": meeting, "group": meeting.group})


@login_required
@require_POST
def attendance(request: AuthedRequest, public_id: str) -> HttpResponse:
    meeting = permissions.meeting_for_facilitator(request.user, public_id)
    # People are named by their public id in the form, as on every page (core/ids.py).
    given = request.POST.get("person", "")
    person = User.objects.filter(public_id=given).values_list("pk", flat=True).first() if is_public_id(given) else None
    if person is None:
        return HttpResponse("That person has not answered this meeting.", status=404)
    value = {"yes": True, "no": False, "unknown": None}.get(request.POST.get("attended", ""), "bad")
    if value == "bad":
        return HttpResponse("Attended is yes, no or unknown.", status=400)
    try:
        marked = services.attendance_mark(meeting=meeting, user_id=person, attended=value)  # type: ignore[arg-type]
    except services.MeetingError as exc:
        messages.error(request, exc.message)
        return redirect(meeting)
    if not marked:
        return HttpResponse("That person has not answered this meeting.", status=404)
    messages.success(request, "Attendance saved.")
    return redirect(meeting)


@login_required
@require_POST
def talk_links(request: AuthedRequest, public_id: str) -> HttpResponse:
    meeting = permissions.meeting_for_facilitator(request.user, public_id)
    form = TalkLinksForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the links: each must be a full web address.")
        return redirect(meeting)
    try:
        services.talk_links_set(meeting=meeting, by=request.user, **form.cleaned_data)
    except services.MeetingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Links saved: members can find them on the meeting page.")
    return redirect(meeting)


@login_required
@require_POST
def message(request: AuthedRequest, public_id: str) -> HttpResponse:
    meeting = permissions.meeting_for_facilitator(request.user, public_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a subject and a message.")
        return redirect(meeting)
    services.meeting_message(meeting=meeting, by=request.user, subject=form.cleaned_data["subject"],
                             body=form.cleaned_data["body"])  # fmt: skip
    messages.success(request, f"Message sent to the {meeting.going_count} people going.")
    return redirect(meeting)


def _parse_day(text: str | None, fallback: date) -> date:
    """A navigation date: garbage gives the fallback, a date out of range the nearest one in it."""
    try:
        return dates.clamp(date.fromisoformat(text)) if text else fallback
    except ValueError:
        return fallback


@login_required
@require_GET
def agenda(request: AuthedRequest) -> HttpResponse:
    tz = viewer_zone(request.user, "UTC")
    z = ZoneInfo(tz)
    today = timezone.now().astimezone(z).date()
    view = request.GET.get("view", "list")
    if view not in ("list", "week", "month"):
        view = "list"
    day = _parse_day(request.GET.get("date"), today)
    weeks: list[list[date]] = []
    if view == "week":
        # The coming seven days from the chosen date (today by default): on a Sunday the
        # week view shows the week ahead, not six days already past (issue 9, item 8).
        # Every view stays inside the product's date range (core.dates): the last week is
        # Dec 25-31, 2999, and no link leads past either end.
        first = dates.week_from(day)
        last = first + timedelta(days=7)
        prev_day, next_day = dates.step(first, first - timedelta(days=7)), dates.step(first, last)
        span = [first + timedelta(days=i) for i in range(7)]
    elif view == "month":
        first = dates.month_of(day)
        last = (first + timedelta(days=32)).replace(day=1)
        prev_day = dates.step(first, (first - timedelta(days=1)).replace(day=1))
        next_day = dates.step(first, last)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        span = [d for w in weeks for d in w]
    else:
        first = last = today
        prev_day = next_day = None
        span = []

    def at(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, tzinfo=z).astimezone(UTC)

    more, after = False, ""
    if view == "list":
        # A window at a time (issue 13, item 7): a member of twenty weekly groups has hundreds.
        after = request.GET.get("after", "")[:20]
        meetings, more = selectors.agenda_list(request.user, now=timezone.now(), after=after)
    else:
        # Every day the page shows gets its meetings, the adjacent month's days of a month grid too.
        meetings = selectors.agenda(request.user, at(span[0]), at(span[-1] + timedelta(days=1)))
    days: list[dict[str, object]] = []
    week_rows: list[dict[str, object]] = []
    if span:
        by_day: dict[date, list[Meeting]] = {}
        for m in meetings:
            by_day.setdefault(m.starts_at.astimezone(z).date(), []).append(m)
        days = [{"date": d, "meetings": by_day.get(d, []), "in_month": view == "week" or d.month == first.month,
                 "today": d == today, "in_range": dates.in_range(d)} for d in span]  # fmt: skip
        # The month as weeks: on a phone each week is a short list of its days with meetings.
        for i in range(0, len(days), 7):
            row = days[i : i + 7]
            week_rows.append({"start": row[0]["date"], "days": row, "empty": not any(d["meetings"] for d in row)})
    # The person's open tasks due by the last day shown (overdue ones too), from their
    # tracker: one query, whatever the view (tracker.selectors.tasks_due).
    tasks_through = span[-1] if span else today + timedelta(days=7)
    ctx = {
        "tasks_due": tracker_selectors.tasks_due(request.user, through=tasks_through),
        "tasks_through": tasks_through,
        "view": view, "meetings": meetings, "days": days, "weeks": week_rows, "first": first,
        "last": last - timedelta(days=1),
        "prev": prev_day, "next": next_day, "today": today, "tz": tz,
        "more": more, "later": meetings[-1].public_id if more else "", "paged": bool(after),
    }  # fmt: skip
    return render(request, "meetings/agenda.html", ctx)


def page_of(paginator: Paginator, text: str | None) -> Page:
    """The page a `page` parameter asks for, by the same rule as discovery: anything but a
    positive whole number (0, -3, "two", nothing) is page 1, and a number past the end is
    the last page. Never an error: a page number is navigation, not input to correct."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit():
        return paginator.page(1)
    # Past nine digits it is past the end; int() of a long string is also slow (and refused
    # past 4,300 digits), so it is not parsed.
    number = int(text) if len(text) <= 9 else paginator.num_pages
    return paginator.page(min(max(number, 1), paginator.num_pages))


@require_GET
def talks(request: HtmxRequest) -> HttpResponse:
    """Upcoming talks in listed groups near the viewer or online, by topic and date.
    Each filter's message sits beside it; the filters fold behind "Filters" on a phone."""
    data = request.GET.copy()
    data["topic"] = data.get("topic", "")[:60]
    form = TalkFilters(data)
    valid = form.is_valid()
    d = form.cleaned_data
    topic = d.get("topic", "").strip() if valid else ""
    near = d.get("near") if valid else None
    if near is None and valid and request.user.is_authenticated:
        profile = getattr(request.user, "profile", None)
        if profile is not None and profile.latitude is not None and profile.longitude is not None:
            near = Place(profile.location_label, profile.latitude, profile.longitude, profile.time_zone)
    today = timezone.now().date()
    start_day = d.get("from") or today
    end_day = d.get("to") or today + timedelta(days=90)
    followed: list[Topic] = []
    if request.user.is_authenticated and not data["topic"]:
        followed = list(request.user.profile.interests.all())  # type: ignore[union-attr]
    meetings: list[Meeting] = []
    page = None
    if valid:
        f = selectors.MeetingFilters(
            topic=topic, near=near, radius_km=80, talks_only=True, listed_only=True,
            start=max(timezone.now(), datetime(start_day.year, start_day.month, start_day.day, tzinfo=UTC)),
            end=datetime(end_day.year, end_day.month, end_day.day, tzinfo=UTC) + timedelta(days=1),
        )  # fmt: skip
        qs = selectors.visible_meetings(request.user, f)
        if followed:
            qs = qs.filter(talk__topics__in=followed).distinct()
        # Pages of TALKS_PAGE_SIZE: a count and a page, whatever the number of talks.
        page = page_of(Paginator(qs, TALKS_PAGE_SIZE), request.GET.get("page"))
        meetings = list(page.object_list)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    ctx = {
        "form": form, "meetings": meetings, "page": page, "querystring": querystring.urlencode(),
        "topic": data["topic"], "near": near, "topics": group_selectors.talk_topics_listed(),
        "followed": followed, "from": start_day, "to": end_day,
        # Shown on the phone's "Filters" button, so folded filters are not forgotten.
        "active_filters": len([k for k in ("topic", "near", "from", "to") if request.GET.get(k, "").strip()]),
    }  # fmt: skip
    return render(request, "meetings/talks.html", ctx, status=200 if valid else 400)
