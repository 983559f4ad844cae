"""Small includes other apps' pages place: the group page's stories section, and the
anonymous-sharing choice on the settings page."""

from __future__ import annotations

from typing import Any

from django import template

from roundtable.groups.models import Group
from roundtable.stories import selectors
from roundtable.stories.models import AnonymousSharing

register = template.Library()


@register.inclusion_tag("stories/_group_section.html", takes_context=True)
def group_stories_section(context: template.Context, group: Group) -> dict[str, Any]:
    """Stories naming the group that the viewer may read, and how many members landed
    (journal.health's figure, None below its threshold)."""
    request = context["request"]
    return {"group": group, "section": selectors.group_stories(request.user, group), "user": request.user}


@register.inclusion_tag("stories/_sharing_form.html", takes_context=True)
def anonymous_sharing_setting(context: template.Context) -> dict[str, Any]:
    """The choice to share one's roundtable history anonymously (default off)."""
    request = context["request"]
    sharing = AnonymousSharing.objects.filter(user_id=request.user.pk, share_anonymously=True).exists()
    return {"sharing": sharing, "next": request.get_full_path(), "csrf_token": context.get("csrf_token")}
