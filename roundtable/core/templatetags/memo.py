"""`{% memo "name" key ... %}...{% endmemo %}`: a piece of a template rendered once per
process for each key, then reused as it is.

For the parts of every page that change only with a deploy and a few known inputs: the base
template's head (the static files' hashed addresses), its menu (the links, and which one is
current) and its footer. `{% url %}` and `{% static %}` cost 20-50 us each, and the base
template had fifteen of them: rendered through them, the site's frame cost an anonymous page
more than twice the bare view (docs/discovery-at-scale.md, "Page cost").

The contract, which the tag cannot check: what is inside may depend on the keys, the active
language and the deployment (URLconf, settings, static manifest), on nothing else: never the
user, the request, a token or the time. Keys are resolved like any template variable; a
mapping is keyed by its items. Each template's names are its own (the key holds the
template's name). The store is bounded (MAX_ENTRIES): past it a piece is rendered each time,
never evicted wrongly; a change of settings (tests' override_settings) empties it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 1000
_store: dict[tuple[Hashable, ...], SafeString] = {}


def clear(**_kwargs: Any) -> None:
    """Forget every piece (on any settings change: URLs or static addresses may differ)."""
    _store.clear()


setting_changed.connect(clear, dispatch_uid="core.memo.clear")


def _hashable(value: object) -> Hashable:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    if isinstance(value, Hashable):
        return value
    return repr(value)


class MemoNode(template.Node):
    # Not walked for blocks (none may stand inside): {% extends %} looks for the parent's
    # blocks through every node on each render, and the frame's pieces are most of its nodes.
    child_nodelists = ()

    def __init__(self, name: str, keys: list[FilterExpression], nodelist: NodeList) -> None:
        self.name = name
        self.keys = keys
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        origin = self.origin.template_name if self.origin is not None else ""
        key = (origin, self.name, get_language(), *(_hashable(k.resolve(context)) for k in self.keys))
        piece = _store.get(key)
        if piece is None:
            piece = mark_safe(self.nodelist.render(context))  # noqa: S308 - the template's own output
            if len(_store) < MAX_ENTRIES:
                _store[key] = piece
        return piece


@register.tag
def memo(parser: Parser, token: Token) -> MemoNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% memo %} takes a quoted name first: {% memo "name" key ... %}')
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(bits[1][1:-1], [parser.compile_filter(b) for b in bits[2:]], nodelist)
