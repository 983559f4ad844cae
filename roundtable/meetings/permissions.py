"""Who may see a meeting, its place and its link, and who may RSVP or manage it.

A meeting is visible exactly when its group is (groups.permissions). Within it:
- the video link is shown only to members who are going, and to facilitators;
- the venue address of a group that is not listed follows the same rule;
- RSVP is for active members; managing is for the group's facilitators.
"""

from __future__ import annotations

from django.http import Http404

from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Format, GroupVisibility, MembershipState
from roundtable.groups.permissions import Viewer

from .address import address_lines, map_url, one_line
from .models import Meeting, Rsvp, RsvpStatus


def meeting_for_viewer(user: Viewer, public_id: str) -> Meeting:
    """The meeting behind a public identifier if the viewer may see it; otherwise Http404.
    Integer ids are never accepted here: they can be counted (roundtable.core.ids)."""
    meeting = Meeting.objects.select_related("group", "talk").filter(public_id=str(public_id)).first()
    if meeting is None or not group_perms.can_view_group(user, meeting.group):
        raise Http404("No such meeting.")
    return meeting


def legacy_meeting(meeting_id: int) -> Meeting:
    """The meeting an old numeric address named, for a redirect to its public address:
    only a meeting that had a numeric address (made before public identifiers,
    Meeting.had_numeric_address) of a listed group, which anyone may see anyway. Any other
    answers Http404, exactly as a missing meeting: meetings made since never answer to a
    number, so counting through new numbers finds nothing, hidden or not."""
    meeting = Meeting.objects.filter(
        pk=meeting_id, had_numeric_address=True, group__visibility=GroupVisibility.LISTED
    ).first()
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


def meeting_for_facilitator(user: Viewer, public_id: str) -> Meeting:
    meeting = meeting_for_viewer(user, public_id)
    if not group_perms.is_facilitator(user, meeting.group):
        raise Http404("No such meeting.")
    return meeting


def rsvp_of(user: Viewer, meeting: Meeting) -> Rsvp | None:
    if not user.is_authenticated:
        return None
    cache: dict[int, Rsvp | None] = meeting.__dict__.setdefault("_rsvp_cache", {})
    if user.pk not in cache:
        cache[user.pk] = Rsvp.objects.filter(meeting=meeting, user=user).first()
    return cache[user.pk]


def is_going(user: Viewer, meeting: Meeting) -> bool:
    r = rsvp_of(user, meeting)
    return r is not None and r.status == RsvpStatus.GOING and group_perms.is_member(user, meeting.group)


def can_manage(user: Viewer, meeting: Meeting) -> bool:
    return group_perms.is_facilitator(user, meeting.group)


def can_rsvp(user: Viewer, meeting: Meeting) -> bool:
    m = group_perms.membership_of(user, meeting.group)
    return m is not None and m.state == MembershipState.ACTIVE


def can_see_link(user: Viewer, meeting: Meeting) -> bool:
    return can_manage(user, meeting) or is_going(user, meeting)


def can_see_address(user: Viewer, meeting: Meeting) -> bool:
    if meeting.group.visibility == GroupVisibility.LISTED:
        return True
    return can_see_link(user, meeting)


def place_for(user: Viewer, meeting: Meeting) -> dict[str, str]:
    """The place fields this viewer may see (empty strings for the rest)."""
    show_address = can_see_address(user, meeting)
    venue = meeting.venue if show_address else ""
    street = meeting.address if show_address else ""
    # The city comes from the group's place, public on its page already.
    city = meeting.group.location_label if meeting.format != Format.VIRTUAL else ""
    return {
        "venue": venue,
        "address": street,
        # Venue, street and city, and a link to open them in a map (meetings.address).
        "lines": "\n".join(address_lines(venue, street, city)) if (venue or street) else "",
        "one_line": one_line(venue, street, city) if (venue or street) else "",
        "map_url": map_url(venue, street, city),
        "accessibility_notes": meeting.accessibility_notes,
        "video_url": meeting.video_url if can_see_link(user, meeting) else "",
    }


def prime(user: Viewer, meetings: list[Meeting]) -> None:
    """Load the viewer's memberships and RSVPs for many meetings in two queries, so the
    per-meeting checks above ask nothing more (lists, feeds, API pages)."""
    from roundtable.groups.models import Membership

    if not user.is_authenticated or not meetings:
        return
    group_ids = {m.group_id for m in meetings}
    memberships = {m.group_id: m for m in Membership.objects.filter(user=user, group_id__in=group_ids)}
    rsvps = {r.meeting_id: r for r in Rsvp.objects.filter(user=user, meeting_id__in=[m.pk for m in meetings])}
    for meeting in meetings:
        prime_one(user, meeting, memberships.get(meeting.group_id), rsvps.get(meeting.pk))


def prime_one(user: Viewer, meeting: Meeting, membership: object, rsvp: Rsvp | None) -> None:
    """Record what is already known of the viewer's membership and RSVP for one meeting,
    so membership_of and rsvp_of answer without a query."""
    meeting.group.__dict__.setdefault("_membership_cache", {})[user.pk] = membership
    meeting.__dict__.setdefault("_rsvp_cache", {})[user.pk] = rsvp
