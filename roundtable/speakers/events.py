"""What happens to invitations, each event one call site (called by services, inside their
transaction: notify() records after commit). Each tells one person through the notifications
app (kinds in speakers/notify.py): the inbox, and an email now or in the digest as they chose."""

from __future__ import annotations

from roundtable.meetings.templatetags.meeting_time import day_text, local_text, viewer_zone
from roundtable.notifications.services import notify

from .models import Invitation, InvitationStatus
from .notify import ANSWERED, RECEIVED

NOTE_CHARS = 300  # of a note, in a notification (the invitation's page shows it whole)


def _note(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= NOTE_CHARS else flat[: NOTE_CHARS - 1] + "…"


def _when(inv: Invitation, recipient_zone: str) -> str:
    if inv.meeting is not None:
        m = inv.meeting
        return f"{m.title}, {local_text(m.starts_at, recipient_zone, 'D, M j, Y, g:i A')}"
    if inv.proposed_on is not None:
        return f"Around {day_text(inv.proposed_on)}, to be scheduled with you"
    return "Date to be agreed"


def invitation_sent(invitation: Invitation) -> None:
    """A facilitator invited an expert: tell the expert ("invitation to speak")."""
    expert = invitation.expert.user
    zone = viewer_zone(expert, invitation.meeting.time_zone if invitation.meeting else "UTC")
    notify(
        recipient=expert, kind=RECEIVED, subject=invitation, actor=invitation.invited_by,
        data={
            "invitation": invitation.public_id, "group": invitation.group.name,
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "topic": invitation.topic.name if invitation.topic else "", "when": _when(invitation, zone),
            "note": _note(invitation.note),
        },
    )  # fmt: skip


def invitation_answered(invitation: Invitation) -> None:
    """The expert accepted or declined: tell the facilitator who invited ("answer to your invitation")."""
    inviter = invitation.invited_by
    if inviter is None:
        return
    accepted = invitation.status == InvitationStatus.ACCEPTED
    if invitation.meeting is not None:
        nxt = f"It is now the talk of {invitation.meeting.title}."
    else:
        nxt = "Schedule the meeting and pick them as its speaker."
    notify(
        recipient=inviter, kind=ANSWERED, subject=invitation, actor=invitation.expert.user,
        data={
            "invitation": invitation.public_id, "group": invitation.group.name,
            "expert": invitation.expert.user.display_name, "status": invitation.status,
            "title": invitation.title if accepted else "", "next": nxt if accepted else "",
            "note": _note(invitation.answer_note),
        },
    )  # fmt: skip
