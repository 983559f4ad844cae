"""Full-text search over groups: SQLite FTS5 or PostgreSQL full text, one interface.

Both index Group.search_text (kept by services.group_reindex). The SQLite index is
an FTS5 external-content table kept by triggers; the PostgreSQL one is a GIN index
over to_tsvector('english', search_text). Both made in migration 0002.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import QuerySet

from .models import Group

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 8


def terms(q: str) -> list[str]:
    return _WORD_RE.findall(q.lower())[:MAX_TERMS]


def apply_text_search(qs: QuerySet[Group], q: str) -> QuerySet[Group]:
    """Filter to groups matching every word of q and annotate `rank` (lower is better)."""
    words = terms(q)
    if not words:
        return qs
    if connection.vendor == "postgresql":
        query = " ".join(words)
        tsquery = "plainto_tsquery('english', %s)"
        return qs.extra(  # noqa: S610 - parameters are bound; the SQL is ours
            where=[f"to_tsvector('english', groups_group.search_text) @@ {tsquery}"],
            params=[query],
            select={"rank": f"-ts_rank(to_tsvector('english', groups_group.search_text), {tsquery})"},
            select_params=[query],
        )
    # FTS5: quote each word so user input never becomes query syntax.
    match = " ".join(f'"{w}"' for w in words)
    return qs.extra(
        tables=["groups_group_fts"],
        where=["groups_group_fts.rowid = groups_group.id", "groups_group_fts MATCH %s"],
        params=[match],
        select={"rank": "groups_group_fts.rank"},
    )
