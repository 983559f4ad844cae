"""Who may moderate what (issue 12, item 3). Every moderation surface asks here.

- A group's active facilitators moderate that group: its reports (content of the group), its
  pending members, its flagged and hidden content, its members (warn, mute, remove, ban) and
  read its moderation log (safety.audit.events_for_group).
- Operators (is_staff, active) moderate site-wide matters (reports of people, of groups, of
  content of no group, accounts) and may act on any group's content too; they read the whole
  audit trail.
- Anyone else is answered 404 on a group's queue (as for a group they may not see), and 404 on
  the operators' pages (nothing tells a member those pages exist).
- A reporter reads only their own reports, and only as "open", "action taken" or "no breach".
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from roundtable.groups import permissions as group_perms
from roundtable.groups.models import Group

from .models import Report

NOT_FOUND = "Not found."


def is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def may_moderate_group(user: Any, group: Group) -> bool:
    return is_operator(user) or group_perms.is_facilitator(user, group)


def may_moderate_report(user: Any, report: Report) -> bool:
    if report.group_id is None:
        return is_operator(user)
    return may_moderate_group(user, report.group)  # type: ignore[arg-type]


def group_for_moderator(user: Any, slug: str) -> Group:
    """The group if the viewer facilitates it; Http404 otherwise (operators use their own pages)."""
    return group_perms.group_for_facilitator(user, slug)


def require_operator(user: Any) -> None:
    if not is_operator(user):
        raise Http404(NOT_FOUND)
