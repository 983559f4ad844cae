from __future__ import annotations

from django.tasks import task

from roundtable.core.email import send_templated

from . import identity
from .models import Membership, MembershipRole, MembershipState


@task()
def email_membership(*, membership_id: int, event: str) -> int:
    """Tell facilitators about a new request, an applicant about the decision, or a member
    that a group was handed over to them (event "handed_over")."""
    m = (
        Membership.objects.select_related("group", "user__profile", "decided_by__profile")
        .filter(pk=membership_id)
        .first()
    )
    if m is None:
        return 0
    group = m.group
    if event == "request_received":
        if m.state != MembershipState.PENDING:
            return 0
        to = list(
            Membership.objects.filter(
                group=group, state=MembershipState.ACTIVE, role=MembershipRole.FACILITATOR
            ).values_list("user__email", flat=True)
        )
        return send_templated(
            template="groups/email/request_received",
            to=to,
            context={"m": m, "group": group, "who": m.pseudonym or m.user.display_name},
        )
    if event == "request_decided":
        if m.state not in (MembershipState.ACTIVE, MembershipState.DECLINED):
            return 0
        return send_templated(
            template="groups/email/request_decided", to=[m.user.email], context={"m": m, "group": group}
        )
    if event == "handed_over":
        if m.state != MembershipState.ACTIVE or m.role != MembershipRole.FACILITATOR:
            return 0
        by = m.decided_by
        # The facilitator who handed over, by the name they go by in the group (identity.py).
        context = {"m": m, "group": group, "by_name": identity.name_in(group.pk, by) if by else ""}
        return send_templated(template="groups/email/handed_over", to=[m.user.email], context=context)
    return 0


@task()
def tell_rules_changed(*, group_id: int, by_id: int | None, version: int) -> int:
    """Tell the group's active members (but the editor, `by_id`) that its ground rules changed
    to `version` (groups.events.rules_changed). Returns how many were told: 0 when the group is
    gone or its rules moved on to a later version meanwhile (that version's own task tells
    them once, rather than twice in a row)."""
    from roundtable.accounts.models import User

    from .events import rules_changed
    from .models import Group

    group = Group.objects.filter(pk=group_id, rules_version=version).first()
    if group is None:
        return 0
    by = User.objects.filter(pk=by_id).first() if by_id is not None else None
    return rules_changed(group=group, by=by)
