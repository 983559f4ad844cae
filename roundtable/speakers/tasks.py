from __future__ import annotations

from django.tasks import task

from roundtable.core.email import send_templated

from . import permissions
from .models import Invitation, InvitationStatus


@task()
def email_invitation(*, invitation_id: int, event: str) -> int:
    """Email the expert a new invitation (event "sent"), or its inviter the expert's answer
    ("answered"). Access is re-checked when sending (permissions.may_receive): an expert whose
    account closed, or an inviter who no longer facilitates the group, gets nothing; so does an
    invitation answered before a "sent" email went out. Returns the number of emails sent."""
    inv = (
        Invitation.objects.select_related("expert__user__profile", "group", "meeting", "topic", "invited_by__profile")
        .filter(pk=invitation_id)
        .first()
    )
    if inv is None:
        return 0
    if event == "sent":
        to = inv.expert.user
        if inv.status != InvitationStatus.PENDING or not permissions.may_receive(to, inv):
            return 0
        template = "speakers/email/invitation_sent"
    elif event == "answered":
        by = inv.invited_by
        if by is None or inv.status == InvitationStatus.PENDING or not permissions.may_receive(by, inv):
            return 0
        to = by
        template = "speakers/email/invitation_answered"
    else:
        return 0
    return send_templated(template=template, to=[to.email], context={"inv": inv, "user": to})
