"""The navigation's "Notifications" item with its unread badge, on every signed-in page.

One COUNT query (selectors.badge_count, on a partial index); the page's socket
(static/notifications/badge.js) keeps it fresh afterwards. Anonymous pages make no query.
"""

from __future__ import annotations

from typing import Any

from django import template

from roundtable.notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_nav_item.html", takes_context=True)
def inbox_nav_item(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    match = getattr(request, "resolver_match", None)
    view_name = getattr(match, "view_name", "") or ""
    current = (
        "page" if view_name == "notifications:inbox" else ("true" if view_name.startswith("notifications:") else "")
    )
    # The inbox itself worked the exact count out already (InboxPage.unread): no query then.
    known = context.get("inbox_unread")
    count = known if isinstance(known, int) else selectors.badge_count(user)
    return {
        "show": True,
        "count": count,
        "shown": f"{selectors.BADGE_MAX}+" if count > selectors.BADGE_MAX else str(count),
        "current": current,
    }
