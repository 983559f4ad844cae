"""Calendar downloads and feeds, and the page where a person manages their private feed
and email reminders.

Every body is built by ical.calendar_for, which asks permissions.place_for what each
holder may see: the public group feed is built for an anonymous viewer, the private feed
for the token's owner.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.views.decorators.http import require_http_methods, require_safe

from roundtable.accounts.models import User
from roundtable.accounts.services import profile_ensure
from roundtable.core.confirm import render_confirm
from roundtable.core.http import AuthedRequest, HtmxRequest
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group, GroupVisibility, Membership, MembershipState
from roundtable.tracker import calendar as tracker_calendar
from roundtable.tracker import selectors as tracker_selectors

from . import feed_services, ical, permissions
from .models import CalendarFeed, Meeting, Rsvp, RsvpStatus

# Feeds keep the last month, so a meeting just past (or just cancelled) stays visible.
FEED_AHEAD = timedelta(days=183)
FEED_PAST = timedelta(days=30)
NEW_FEED_SESSION_KEY = "new_calendar_feed_url"


# Reads -------------------------------------------------------------------------------


def private_feed_meetings(user: User, *, now: datetime | None = None) -> list[Meeting]:
    """Meetings from FEED_PAST ago on that the person is going to, in groups where they are
    still an active member and may see them. Two queries, whatever the number of meetings."""
    since = (now or timezone.now()) - FEED_PAST
    # Calendar apps poll every hour: a bounded window keeps each answer small.
    until = (now or timezone.now()) + FEED_AHEAD
    memberships = {m.group_id: m for m in Membership.objects.filter(user=user, state=MembershipState.ACTIVE).order_by()}
    rsvps = (
        Rsvp.objects.filter(
            user=user,
            status=RsvpStatus.GOING,
            meeting__starts_at__gte=since,
            meeting__starts_at__lt=until,
            meeting__group__memberships__user=user,
            meeting__group__memberships__state=MembershipState.ACTIVE,
        )
        .select_related("meeting__group", "meeting__talk")
        .order_by("meeting__starts_at", "meeting_id")
    )
    out: list[Meeting] = []
    for rsvp in rsvps:
        meeting = rsvp.meeting
        membership = memberships.get(meeting.group_id)
        if membership is None:  # left between the two queries
            continue
        permissions.prime_one(user, meeting, membership, rsvp)
        if group_perms.can_view_group(user, meeting.group, membership):
            out.append(meeting)
    return out


def public_group(slug: str) -> Group:
    """A group whose feed is public: listed. Anything else answers as a missing group."""
    group = group_perms.group_for_viewer(AnonymousUser(), slug)
    if group.visibility != GroupVisibility.LISTED:
        raise Http404("No such group.")
    return group


def group_feed_meetings(group: Group, *, now: datetime | None = None) -> list[Meeting]:
    since = (now or timezone.now()) - FEED_PAST
    # Calendar apps poll every hour: a bounded window keeps each answer small.
    until = (now or timezone.now()) + FEED_AHEAD
    qs = Meeting.objects.filter(group=group, starts_at__gte=since, starts_at__lt=until).select_related("group", "talk")
    return list(qs.order_by("starts_at", "id"))


# Views -------------------------------------------------------------------------------


def _ics(request: HttpRequest, body: bytes, filename: str) -> HttpResponse:
    """The calendar as a download, with a strong ETag of its bytes (RFC 9110 8.8.3).

    Calendar apps poll every hour; one whose copy is current (If-None-Match) gets 304 Not
    Modified and no body (RFC 9110 13.1.2). The body is still built to compare (two queries),
    so access is decided afresh on every poll: a member who left, or a group that stopped
    being listed, gets no 304 for a calendar they may no longer see. `no-cache` lets the app
    keep its copy but never use it without asking; `private`: no shared cache keeps one."""
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    response["ETag"] = etag
    # With a response given, Django answers it (or its 304) and never None.
    return get_conditional_response(request, etag=etag, response=response) or response


@require_safe
def meeting_ics(request: HtmxRequest, public_id: str) -> HttpResponse:
    meeting = permissions.meeting_for_viewer(request.user, public_id)
    body = ical.calendar_for([meeting], request.user, meeting.title, fallback_zone=meeting.time_zone)
    return _ics(request, body, f"meeting-{meeting.public_id}.ics")


@require_safe
def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = feed_services.calendar_feed_lookup(token)
    if feed is None:
        raise Http404("No such calendar.")
    owner = feed.user
    profile = getattr(owner, "profile", None)
    meetings = private_feed_meetings(owner)
    zone = profile.time_zone if profile is not None else "UTC"
    # The owner's interviews with a time, from their own tracker (the feed is theirs alone).
    now = timezone.now()
    interviews = tracker_selectors.interviews_for_feed(owner, since=now - FEED_PAST, until=now + FEED_AHEAD)
    tz = tracker_selectors.zone_of(owner)
    extra = [tracker_calendar.interview_event(a, tz) for a in interviews]
    body = ical.calendar_for(meetings, owner, "Roundtable: my meetings", fallback_zone=zone, feed=True, extra=extra)
    return _ics(request, body, "roundtable.ics")


@require_safe
def group_feed(request: HttpRequest, slug: str) -> HttpResponse:
    group = public_group(slug)
    body = ical.calendar_for(
        group_feed_meetings(group), AnonymousUser(), group.name, fallback_zone=group.time_zone, feed=True
    )
    # Not cached publicly either: a group that stops being listed must vanish at once.
    return _ics(request, body, f"{group.slug}.ics")


class ReminderPreferencesForm(forms.Form):
    remind_day_before = forms.BooleanField(required=False, label="Email me the day before a meeting")
    remind_hour_before = forms.BooleanField(required=False, label="Email me an hour before a meeting")
    weekly_digest = forms.BooleanField(
        required=False, label="Send me a weekly digest of upcoming meetings and talks on my topics"
    )


FEED_CONFIRM: dict[str, tuple[str, list[str], str]] = {
    "revoke_feed": (
        "Revoke your calendar link?",
        ["Calendars subscribed to it stop updating at once.", "You can make a new link later."],
        "Revoke the link",
    ),
    "new_feed": (
        "Replace your calendar link?",
        [
            "The old link stops working at once: calendars using it stop updating.",
            "You get a new link to add to your calendar app again.",
        ],
        "Get a new link",
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def my_calendar(request: AuthedRequest) -> HttpResponse:
    user = request.user
    profile = profile_ensure(user=user)
    form = ReminderPreferencesForm(
        initial={
            "remind_day_before": profile.remind_day_before,
            "remind_hour_before": profile.remind_hour_before,
            "weekly_digest": profile.weekly_digest,
        }
    )
    status = 200
    asked = request.GET.get("confirm", "") if request.method == "GET" else ""
    if asked in FEED_CONFIRM and CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).exists():
        # Both end the link calendars use today: ask first (core/confirm.py, issue 9).
        title, lines, label = FEED_CONFIRM[asked]
        return render_confirm(
            request,
            title=title,
            subject="",
            consequences=lines,
            action_url=reverse("feeds:mine"),
            fields={"action": asked},
            confirm_label=label,
            back_url=reverse("feeds:mine"),
            back_label="Keep the link",
        )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "new_feed":
            _feed, token = feed_services.calendar_feed_create(user=user)
            # Shown once, on the next page load, then gone: only its hash is kept.
            request.session[NEW_FEED_SESSION_KEY] = request.build_absolute_uri(reverse("feeds:private", args=[token]))
            messages.success(request, "Your private calendar link is ready. Copy it now: we show it only once.")
            return redirect("feeds:mine")
        if action == "revoke_feed":
            live = list(CalendarFeed.objects.filter(user=user, revoked_at__isnull=True))
            for feed in live:
                feed_services.calendar_feed_revoke(feed=feed)
            if live:
                messages.success(request, "Your calendar link is revoked. Calendars using it stop updating.")
            else:
                messages.info(request, "You have no calendar link to revoke.")
            return redirect("feeds:mine")
        if action == "preferences":
            form = ReminderPreferencesForm(request.POST)
            if form.is_valid():
                feed_services.reminder_preferences_set(
                    user=user,
                    day_before=form.cleaned_data["remind_day_before"],
                    hour_before=form.cleaned_data["remind_hour_before"],
                    weekly_digest=form.cleaned_data["weekly_digest"],
                )
                messages.success(request, "Your email preferences are saved.")
                return redirect("feeds:mine")
        messages.error(request, "That did not work: please use the buttons on this page.")
        status = 400
    new_url = request.session.pop(NEW_FEED_SESSION_KEY, None) if request.method == "GET" else None
    active = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at").first()
    ctx = {
        "form": form,
        "feed": active,
        "new_feed_url": new_url,
        "new_feed_webcal": _webcal(new_url) if new_url else "",
    }
    return render(request, "meetings/feeds/my_calendar.html", ctx, status=status)


def _webcal(url: str) -> str:
    # webcal:// opens the subscription dialog of most calendar apps.
    return "webcal://" + url.split("://", 1)[1]
