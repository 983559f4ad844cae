"""Pages of the live room. The room itself changes over the WebSocket (consumers.py); these
pages render the first snapshot so the room shows at once, also before the socket connects."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from roundtable.accounts.models import User
from roundtable.core.http import AuthedRequest
from roundtable.groups import identity, rules
from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group, Membership, MembershipRole, MembershipState
from roundtable.meetings import permissions as meeting_perms
from roundtable.meetings.models import Meeting

from . import clock, permissions, seats, selectors, services
from .models import HistorySharing, Participant, RoomStatus, Roundtable, Turn


def _room_or_lobby(user: User, public_id: str) -> tuple[Meeting, Roundtable | None]:
    """The room the viewer may enter, or (meeting, None) when it is not open yet and the
    viewer would be let in once it is (a facilitator, or a member who is going).
    Anyone else gets the same 404 as for a meeting that does not exist."""
    try:
        rt = permissions.roundtable_for_viewer(user, public_id)
    except Http404:
        meeting = meeting_perms.meeting_for_viewer(user, public_id)
        waiting = group_perms.is_facilitator(user, meeting.group) or meeting_perms.is_going(user, meeting)
        if not waiting or Roundtable.objects.filter(meeting=meeting).exists():
            raise
        return meeting, None
    return rt.meeting, rt


def _room_context(request: AuthedRequest, rt: Roundtable, *, display: bool = False) -> dict[str, Any]:
    user = request.user
    snap = clock.snapshot(rt, timezone.now())
    control = permissions.can_control(user, rt)
    seat = snap["turn"]
    # The viewer as the room's clients know them: a handle if they go by a pseudonym here (seats.py).
    rid = seats.own_id(user.pk, rt.meeting.group_id)
    you = {
        "user_id": rid,
        "can_control": control and not display,
        "in_seat": seat is not None and seat["user_id"] == rid and not rt.is_ended,
    }
    meeting = rt.meeting
    main_ends = meeting.ends_at - timedelta(minutes=meeting.networking_after_minutes)
    data = {"room": clock.for_display(snap) if display else snap, "you": you, "main_ends_at": clock.iso(main_ends)}
    # "Let someone in": members of the group who are not going (no turn here) and not inside.
    # Members with a turn are marked here from the order instead; facilitators need no letting
    # in; after the end nobody is let in (services.participant_admit refuses it too).
    walk_ins: list[Membership] = []
    if control and not display and not rt.is_ended and rt.mode != "questions":
        inside = Participant.objects.filter(roundtable=rt, left_at__isnull=True).values("user_id")
        with_turns = Turn.objects.filter(roundtable=rt).values("user_id")
        walk_ins = identity.dress(
            Membership.objects.filter(group=meeting.group, state=MembershipState.ACTIVE, role=MembershipRole.MEMBER)
            .exclude(user_id__in=inside)
            .exclude(user_id__in=with_turns)
            .select_related("user__profile")
            .order_by("user__profile__display_name", "id"),
            user,
        )
        # In the order of the names shown: an order by real names would place a pseudonym.
        walk_ins.sort(key=lambda m: (m.shown.name.casefold(), m.pk))  # type: ignore[attr-defined]
        for m in walk_ins:  # the form names them as the room does (seats.py), never by account id
            m.room_id = seats.room_id(m.user_id, m.group_id if m.pseudonym else None)  # type: ignore[attr-defined]
    return {
        "roundtable": rt,
        "meeting": meeting,
        "group": meeting.group,
        "snap": data["room"],
        "data": data,
        "can_control": you["can_control"],
        "walk_ins": walk_ins,
        "ws_path": f"/ws/rooms/{meeting.public_id}/" + ("?view=display" if display else ""),
    }


def _rules_first(request: AuthedRequest, group: Group) -> HttpResponse | None:
    """A member who has not accepted the group's current ground rules (groups.rules) is sent
    to them first, with the way back here; None when they may go on."""
    if not rules.must_accept(group_perms.membership_of(request.user, group), group):
        return None
    query = urlencode({"next": request.get_full_path(), "room": "1"})
    return redirect(f"{reverse('groups:rules', args=[group.slug])}?{query}")


@login_required
@require_GET
def room(request: AuthedRequest, public_id: str) -> HttpResponse:
    meeting, rt = _room_or_lobby(request.user, public_id)
    if (first := _rules_first(request, meeting.group)) is not None:
        return first
    if rt is None:
        return render(
            request,
            "live/not_open.html",
            {
                "meeting": meeting,
                "group": meeting.group,
                "can_open": group_perms.is_facilitator(request.user, meeting.group) and not meeting.is_cancelled,
            },
        )
    return render(request, "live/room.html", _room_context(request, rt))


@login_required
@require_GET
def display(request: AuthedRequest, public_id: str) -> HttpResponse:
    rt = permissions.roundtable_for_viewer(request.user, public_id)
    if (first := _rules_first(request, rt.meeting.group)) is not None:
        return first
    return render(request, "live/display.html", _room_context(request, rt, display=True))


@login_required
@require_GET
def status(request: AuthedRequest, public_id: str) -> JsonResponse:
    """Has the room opened? The "not open yet" page asks every few seconds."""
    meeting, rt = _room_or_lobby(request.user, public_id)
    return JsonResponse(
        {
            "open": rt is not None,
            "status": rt.status if rt is not None else None,
            "url": reverse("live:room", args=[meeting.public_id]),
        }
    )


@login_required
@require_POST
def open_room(request: AuthedRequest, public_id: str) -> HttpResponse:
    """One press from the meeting page: open the room if it is not open yet, and go in. A room
    already open, or already ended, is simply entered (the ended room shows its summary link)."""
    meeting = meeting_perms.meeting_for_facilitator(request.user, public_id)
    if not Roundtable.objects.filter(meeting=meeting, status=RoomStatus.ENDED).exists():
        try:
            services.roundtable_open(meeting=meeting, by=request.user)
        except services.LiveError as exc:
            messages.error(request, exc.message)
    return redirect("live:room", public_id=meeting.public_id)


@login_required
@require_GET
def summary(request: AuthedRequest, public_id: str) -> HttpResponse:
    rt = permissions.roundtable_for_viewer(request.user, public_id)
    context: dict[str, Any] = {"roundtable": rt, "meeting": rt.meeting, "group": rt.meeting.group}
    if rt.is_ended:
        result = selectors.turn_summary(rt, request.user)
        context.update(summary=result, people=selectors.people_rows(result))
    return render(request, "live/summary.html", context)


@login_required
@require_GET
def my_history(request: AuthedRequest) -> HttpResponse:
    user = request.user
    sharing = HistorySharing.objects.filter(user=user).first()
    return render(
        request,
        "live/history.html",
        {
            "owner": user,
            "is_owner": True,
            "groups": selectors.my_history(user),
            "sharing": sharing is not None and sharing.share_with_facilitators,
        },
    )


@login_required
@require_POST
def history_sharing(request: AuthedRequest) -> HttpResponse:
    share = request.POST.get("share")
    if share not in ("yes", "no"):
        messages.error(request, "Choose whether to share your history with facilitators.")
        return redirect("live:my_history")
    services.history_sharing_set(user=request.user, share_with_facilitators=share == "yes")
    if share == "yes":
        messages.success(request, "Facilitators of your groups can now see your roundtable history.")
    else:
        messages.success(request, "Your roundtable history is yours alone again.")
    return redirect("live:my_history")


@login_required
@require_GET
def member_history(request: AuthedRequest, slug: str, public_id: str) -> HttpResponse:
    """A facilitator looks at one member's history in their group, if the member allows."""
    group = group_perms.group_for_viewer(request.user, slug)
    owner = User.objects.filter(public_id=public_id, is_active=True).select_related("profile").first()
    # Only of someone in the group now: leaving it ends what its facilitators may see.
    if owner is None or not group_perms.is_member(owner, group):
        raise Http404("No such history.")
    if not permissions.history_visible(request.user, owner, group):
        raise Http404("No such history.")
    if owner.pk == request.user.pk:
        return redirect("live:my_history")
    turns = selectors.member_history(owner, group)
    return render(
        request, "live/history.html", {"owner": owner, "is_owner": False, "groups": [(group, turns)] if turns else []}
    )
