"""How moderation pages name people: `{{ user|name_in:people }}` and `{{ user|ref_in:people }}`.

`people` is the page's map from safety.views.people_in (a group's pages: each person as they go
by in the group, groups/identity.py) or None (operators' pages: real names and public ids)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def name_in(user: Any, people: dict[int, tuple[str, str]] | None) -> str:
    """The person's name on this page."""
    if user is None:
        return ""
    if not isinstance(people, dict):  # None, or no map on this page ("" from the template)
        return str(user.display_name)
    return people.get(user.pk, (str(user.display_name), ""))[0]


@register.filter
def ref_in(user: Any, people: dict[int, tuple[str, str]] | None) -> str:
    """What the page's links address the person by: their public id, or (a pseudonymous member,
    on the group's pages) the group-scoped handle of live/seats.py."""
    if user is None:
        return ""
    if not isinstance(people, dict):
        return str(user.public_id)
    return people.get(user.pk, ("", str(user.public_id)))[1]
