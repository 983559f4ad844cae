"""Content a moderator hid (models.Hidden), left out of every surface: the one place that says
which rows are hidden. Surfaces exclude them with `visible(queryset, kind)` (ORM) or
HIDDEN_SUGGESTION_SQL (the live room's fixed statements); facilitators and operators see them
only in the moderation queue, marked hidden, with an Unhide button."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from .models import Hidden, ReportKind


def hidden_pks(kind: str) -> QuerySet[Hidden, Any]:
    """The hidden rows of one kind, as a subquery of their primary keys."""
    return Hidden.objects.filter(kind=kind).values("object_pk")


def visible[M: Model](queryset: QuerySet[M], kind: str) -> QuerySet[M]:
    """`queryset` without the rows of `kind` that a moderator hid (a subquery, no extra query)."""
    return queryset.exclude(pk__in=hidden_pks(kind))


def is_hidden(kind: str, pk: int) -> bool:
    return Hidden.objects.filter(kind=kind, object_pk=pk).exists()


def hidden_among(kind: str, pks: list[int]) -> set[int]:
    """Which of these rows of `kind` are hidden: one query (none for an empty list)."""
    if not pks:
        return set()
    return set(Hidden.objects.filter(kind=kind, object_pk__in=pks).values_list("object_pk", flat=True))


# For the live room's raw statements (live/rows.py): "AND <this>" over the suggestion alias s.
HIDDEN_SUGGESTION_SQL = (
    f"NOT EXISTS (SELECT 1 FROM {Hidden._meta.db_table} h "  # noqa: S608 - table names from the models
    f"WHERE h.kind = '{ReportKind.SUGGESTION.value}' AND h.object_pk = s.id)"
)
