"""A person's export: every registered holding's rows (registry.py), in one JSON-ready dict.

Nothing about other people beyond what the person could already see: a row is the person's
(`mine`, or the holding's own `rows`), only its exported fields are read (never secrets), and
every other person in it appears as their display name when the person may see it (an active
account with no block between them either way, accounts.permissions' rule for the name) or as
"another member". Queries: one a holding, plus two to name the other people (fixed, whatever
the data size).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from roundtable.accounts import blocks
from roundtable.accounts.models import User

from .registry import Holding, holdings

FORMAT = "roundtable-export"
VERSION = 1
YOU = "you"
ANOTHER = "another member"


@dataclass(frozen=True)
class Section:
    holding: Holding
    rows: list[dict[str, Any]]


def _person_fields(holding: Holding) -> list[str]:
    """The exported foreign keys to a person."""
    user_model = get_user_model()
    wanted = set(holding.exported_fields())
    return [
        f.name
        for f in holding.model._meta.concrete_fields
        if f.is_relation and f.related_model is user_model and f.name in wanted
    ]


def _rows(holding: Holding, user: User) -> list[dict[str, Any]]:
    if holding.rows is not None:
        return holding.rows(user)
    mine = Q()
    for lookup in holding.mine:
        mine |= Q(**{lookup: user.pk})
    qs = holding.model._default_manager.filter(mine)
    if any("__" in lookup for lookup in holding.mine):
        qs = qs.distinct()
    # values() names a foreign key by its attname (group_id); the export uses the field's name.
    names = holding.exported_fields()
    attnames = {f.name: f.attname for f in holding.model._meta.concrete_fields}
    owners = [attnames[o] for o in holding.own_fields.values()]
    found = list(qs.order_by("pk").values("pk", *{attnames[n] for n in names} | set(owners)))
    rows = [{n: row[attnames[n]] for n in names} for row in found]
    for name, owner in holding.own_fields.items():
        for raw, row in zip(found, rows, strict=True):
            if raw[attnames[owner]] != user.pk:
                row[name] = None
    for name in holding.many:
        _add_many(holding, name, found, rows)
    return rows


def _add_many(holding: Holding, name: str, found: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    """Each row's related rows through the many-to-many field `name`, by name or id (one query)."""
    m2m = holding.model._meta.get_field(name)
    through = m2m.remote_field.through  # type: ignore[union-attr]
    src, tgt = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()  # type: ignore[union-attr]
    target = m2m.related_model
    label = f"{tgt}__name" if any(f.name == "name" for f in target._meta.concrete_fields) else f"{tgt}_id"  # type: ignore[union-attr]
    by_row: dict[int, list[Any]] = {}
    pairs = through.objects.filter(**{f"{src}_id__in": [r["pk"] for r in found]}).order_by("pk")
    for row_pk, value in pairs.values_list(f"{src}_id", label):
        by_row.setdefault(row_pk, []).append(value)
    for raw, row in zip(found, rows, strict=True):
        row[name] = by_row.get(raw["pk"], [])


def sections(user: User) -> list[Section]:
    """Every holding's rows for this person, other people named as they may see them."""
    found = [Section(h, _rows(h, user)) for h in holdings()]
    others: set[int] = set()
    for section in found:
        for name in _person_fields(section.holding):
            others.update(row[name] for row in section.rows if row.get(name) not in (None, user.pk))
    visible = _names(user, others)
    for section in found:
        person_fields = _person_fields(section.holding)
        for row in section.rows:
            for name in person_fields:
                if name not in row:
                    continue
                other = row[name]
                if other is None:
                    continue
                if other == user.pk:
                    row[name] = YOU
                elif name in section.holding.named:
                    row[name] = visible.get(other, (ANOTHER, ANOTHER))[1]
                else:
                    row[name] = visible.get(other, (ANOTHER, ANOTHER))[0]
    return found


def _names(user: User, ids: set[int]) -> dict[int, tuple[str, str]]:
    """For each other person: (the name as the usual rule shows it, the name as the person's own
    block list shows it). Two queries."""
    if not ids:
        return {}
    apart = blocks.kept_apart_from(user.pk)
    out: dict[int, tuple[str, str]] = {}
    for other in User.objects.filter(pk__in=ids).select_related("profile"):
        name = other.display_name if other.is_active else ANOTHER
        out[other.pk] = (ANOTHER if other.pk in apart else name, name)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def document(user: User, *, now: datetime | None = None) -> dict[str, Any]:
    """The whole export as one JSON-ready dict (format and version first)."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": (now or timezone.now()).isoformat(),
        "person": {
            "public_id": user.public_id,
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
        },
    }
    for section in sections(user):
        doc[section.holding.key] = _plain(section.rows)
    return doc
