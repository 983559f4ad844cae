"""What a form's error summary lists (core/_error_summary.html): each error with the id of
the control it belongs to, so the summary links straight to it. A group of radios or boxes
links to its first one (the group's own id names no element)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class ErrorItem:
    target: str
    label: str
    message: str


def _target(bound: forms.BoundField) -> str:
    if bound.is_hidden or not bound.auto_id:
        return ""
    widget = bound.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound.auto_id}_0"
    return bound.id_for_label or bound.auto_id


@register.filter
def error_items(form: Any) -> list[ErrorItem]:
    """The form's errors in the order its fields are drawn, the whole form's first."""
    if not isinstance(form, forms.BaseForm) or not form.errors:
        return []
    items = [ErrorItem("", "", str(message)) for message in form.non_field_errors()]
    for bound in form:
        for message in bound.errors:
            label = str(bound.label or "").rstrip(":?").strip()
            items.append(ErrorItem(_target(bound), label, str(message)))
    return items
