"""The meeting page's live-room button: which one it offers depends on the room's state."""

from __future__ import annotations

from django import template

from roundtable.groups.permissions import Viewer
from roundtable.live.models import RoomStatus, Roundtable
from roundtable.live.permissions import may_enter
from roundtable.meetings.models import Meeting

register = template.Library()


@register.simple_tag
def live_room(meeting: Meeting, viewer: Viewer) -> dict[str, bool]:
    """{"ended": the meeting's roundtable has ended, "summary": this viewer may read its
    summary (anyone who may enter the room: permissions.may_enter)}. One query for a room
    not ended; after the end, the access check's too."""
    rt = Roundtable.objects.filter(meeting=meeting).only("id", "status", "meeting_id").first()
    if rt is None or rt.status != RoomStatus.ENDED:
        return {"ended": False, "summary": False}
    rt.meeting = meeting
    return {"ended": True, "summary": may_enter(viewer, rt)}
