"""What happens to invitations, each event one call site (called after commit by services).

Until the notifications app lands in main, each event sends its email through this app's own
task (speakers.tasks); then each becomes one notify(...) call, the kinds registered in
speakers/notify.py (issue 11's notifications contract)."""

from __future__ import annotations

from . import tasks


def invitation_sent(*, invitation_id: int) -> None:
    """A facilitator invited an expert: tell the expert ("invitation to speak")."""
    tasks.email_invitation.enqueue(invitation_id=invitation_id, event="sent")


def invitation_answered(*, invitation_id: int) -> None:
    """The expert accepted or declined: tell the facilitator who invited ("answer to your invitation")."""
    tasks.email_invitation.enqueue(invitation_id=invitation_id, event="answered")
