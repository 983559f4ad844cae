"""The meeting page's live-room button: which one it offers depends on the room's state."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone

from roundtable.groups.permissions import Viewer
from roundtable.live.models import RoomStatus, Roundtable
from roundtable.live.permissions import may_enter
from roundtable.meetings.models import Meeting

register = template.Library()

# A room may run past the meeting's planned end; a day later, nobody is joining it any more
# (tester's finding 17 on issue 10: "Join the live room" on a meeting that ended a week ago).
OVERRUN = timedelta(hours=12)


@register.simple_tag
def live_room(meeting: Meeting, viewer: Viewer) -> dict[str, bool]:
    """{"ended": the meeting's roundtable has ended, or the meeting itself ended long ago
    (OVERRUN), so no button offers to open or join the room; "summary": this viewer may read
    its summary (anyone who may enter the room: permissions.may_enter)}. One query for a room
    not ended; after the end, the access check's too."""
    long_over = timezone.now() > meeting.ends_at + OVERRUN
    rt = Roundtable.objects.filter(meeting=meeting).only("id", "status", "meeting_id").first()
    if rt is None or rt.status != RoomStatus.ENDED:
        return {"ended": long_over, "summary": False}
    rt.meeting = meeting
    return {"ended": True, "summary": may_enter(viewer, rt)}
