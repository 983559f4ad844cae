"""The front page: the landing page for visitors, and a signed-in person's own home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from roundtable.accounts.models import User
from roundtable.accounts.services import profile_ensure
from roundtable.groups import selectors as group_selectors
from roundtable.groups.models import MembershipState
from roundtable.groups.templates_of_kind import KIND_ADVICE
from roundtable.journal import selectors as journal_selectors
from roundtable.live import selectors as live_selectors
from roundtable.meetings import selectors as meeting_selectors
from roundtable.tracker import selectors as tracker_selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; for a signed-in person, their own home (personal_home)."""
    if request.user.is_authenticated:
        return personal_home(request, request.user)
    kinds = [{"value": k, "label": k.label, "advice": advice} for k, advice in KIND_ADVICE.items()]  # type: ignore[attr-defined]
    return render(request, "home/landing.html", {"kinds": kinds})


def personal_home(request: HttpRequest, user: User) -> HttpResponse:
    """What needs the person next, in a fixed number of queries: first what waits for them
    (requests to decide as a facilitator, commitments due), then their next meetings with
    their RSVP, their own requests to join, their other open commitments, and, until each
    is done, the three first steps (a profile with a headline and an introduction, a group,
    an RSVP). Meetings that ended wait for a reflection under "Waiting for you"."""
    profile = profile_ensure(user=user)
    steps = [
        {
            "title": "Complete your profile",
            "text": "A headline and a 30-second introduction help members know who they're meeting.",
            "done": bool(profile.headline and profile.pitch),
            "url": reverse("accounts:profile_edit"),
            "action": "Edit your profile",
        },
        {
            "title": "Find a group",
            "text": "Networking, strategic planning or support: near you or online.",
            "done": user.memberships.filter(state__in=[MembershipState.ACTIVE, MembershipState.PENDING]).exists(),
            "url": reverse("groups:discover"),
            "action": "Find a group",
        },
        {
            "title": "RSVP to a meeting",
            "text": "Say you're going so the facilitator can plan, and the meeting lands in your agenda.",
            "done": meeting_selectors.has_ever_rsvped(user),
            "url": reverse("meetings:agenda"),
            "action": "See your agenda",
        },
    ]
    now = timezone.now()
    today = timezone.localdate()
    meetings = meeting_selectors.next_for_member(user, now=now)
    # What waits for the person comes before the meetings, on a phone too (tester's finding
    # 10): requests they decide on, and commitments whose day has come. The rest of their
    # commitments stay beside the meetings.
    commitments = list(live_selectors.open_commitments(user))
    due = [c for c in commitments if c.due_on is not None and c.due_on <= today]
    # The person's own tasks due today or overdue, by their own calendar, and this week's
    # progress against their targets (tracker: three queries).
    tracker_today = tracker_selectors.today_for(user, now)
    _monday, progress = tracker_selectors.week_progress(user, now=now)
    ctx = {
        "profile": profile,
        "steps": steps,
        "steps_done": sum(1 for s in steps if s["done"]),
        "show_steps": not all(s["done"] for s in steps),
        "meetings": meetings,
        "now": now,
        "waiting": group_selectors.requests_waiting_for(user),
        "my_requests": group_selectors.my_requests(user),
        "due_commitments": due,
        # "How was it?" for meetings that ended, until answered or dismissed (journal).
        "reflections": journal_selectors.waiting_reflections(user, now=now),
        "commitments": [c for c in commitments if c not in due],
        "today": today,
        "due_tasks": tracker_selectors.tasks_due(user, through=tracker_today, limit=10),
        "tracker_today": tracker_today,
        "progress": progress,
    }
    return render(request, "home/personal.html", ctx)
