"""The discovery filters' <option> lists, written in Python.

Through {% for %} and {% if %} the page's option lists (five selects, the topics up to 30)
were a third of the page shell's time: each option is a loop turn, a comparison and two
variable lookups in the template engine, against one formatted string here
(docs/discovery-at-scale.md, "Page cost"). The markup is the template's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_GAP = "\n          "


def _e(value: object) -> str:
    # What the template's autoescape does to a plain string (django.utils.html.escape is
    # html.escape with quotes), without its lazy-string wrapper on each call.
    return escape(str(value), quote=True)


@register.simple_tag
def options(choices: Iterable[tuple[Any, Any]], selected: object) -> SafeString:
    """`<option value="v" selected>label</option>` for each (value, label); `selected` marks
    the one equal to it (the field's value; None for none)."""
    chosen = "" if selected is None else selected
    return mark_safe(  # noqa: S308 - every value escaped above
        _GAP.join(
            f'<option value="{_e(v)}"{" selected" if v == chosen else ""}>{_e(label)}</option>' for v, label in choices
        )
    )


@register.simple_tag
def topic_options(topics: Iterable[Any], selected: object) -> SafeString:
    """The topic filter's options after "Any topic": `<option value="slug" >Name</option>`,
    `selected` before the ">" for the topic whose slug it is."""
    return mark_safe(  # noqa: S308 - every value escaped above
        "".join(
            f'<option value="{_e(t.slug)}" {"selected" if t.slug == selected else ""}>{_e(t.name)}</option>'
            for t in topics
        )
    )
