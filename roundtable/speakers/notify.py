"""The speakers' notification kinds (issue 11's notifications contract), registered in
SpeakersConfig.ready():

- "speakers.invitation_received": a facilitator invites an expert to speak; to the expert.
- "speakers.invitation_answered": the expert accepted or declined; to the facilitator who invited.

Both are about the Invitation. may_see is permissions.can_view_invitation (the invited person,
or a current facilitator of its group), asked again when recorded, emailed and shown: a
facilitator who stepped down hears nothing more. render reads only `data` (filled by
speakers.events when the event happened), so an inbox page asks nothing per item.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from roundtable.accounts.models import User
from roundtable.groups.models import Membership, MembershipRole, MembershipState
from roundtable.notifications.kinds import Kind, Rendered
from roundtable.notifications.models import Notification

from . import permissions
from .models import Invitation

RECEIVED = "speakers.invitation_received"
ANSWERED = "speakers.invitation_answered"


def may_see(user: User, invitation: Any) -> bool:
    return isinstance(invitation, Invitation) and permissions.can_view_invitation(user, invitation)


def may_see_many(user: User, invitations: list[Any]) -> set[Any]:
    """may_see for many invitations in one query: the user's own, and their groups' while they
    facilitate them (an active facilitator may see their group: groups.permissions)."""
    facilitated = Membership.objects.filter(
        user=user, state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR
    ).values("group_id")
    pks = [i.pk for i in invitations if isinstance(i, Invitation)]
    return set(
        Invitation.objects.filter(pk__in=pks)
        .filter(Q(expert__user=user) | Q(group__in=facilitated))
        .values_list("pk", flat=True)
    )


def _url(n: Notification) -> str:
    return f"/speakers/invitations/{n.data.get('invitation', '')}/"


def render_received(n: Notification) -> Rendered:
    d = n.data
    who = d.get("inviter") or "A facilitator"
    topic = f" on {d['topic']}" if d.get("topic") else ""
    when = d.get("when", "")
    text = f"{when}.{' Their note: ' + d['note'] if d.get('note') else ''} Accept or decline on the invitation's page."
    return Rendered(title=f"{who} invites you to speak to {d.get('group', 'their group')}{topic}", text=text,
                    url=_url(n))  # fmt: skip


def render_answered(n: Notification) -> Rendered:
    d = n.data
    expert = d.get("expert", "The expert")
    if d.get("status") == "accepted":
        title = f"{expert} accepted your invitation to speak to {d.get('group', 'your group')}"
        text = f"Talk: {d.get('title', '')}. {d.get('next', '')}"
    else:
        title = f"{expert} declined your invitation to speak to {d.get('group', 'your group')}"
        text = "Not this time. The directory has other experts who may fit."
    if d.get("note"):
        text += f" Their note: {d['note']}"
    return Rendered(title=title, text=text, url=_url(n))


KINDS = (
    Kind(key=RECEIVED, label="A facilitator invites me to speak", email_default="now", may_see=may_see,
         render=render_received, may_see_many=may_see_many),
    Kind(key=ANSWERED, label="An expert answers my invitation to speak", email_default="now", may_see=may_see,
         render=render_answered, may_see_many=may_see_many),
)  # fmt: skip
