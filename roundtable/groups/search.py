"""Full-text search over groups: SQLite FTS5 or PostgreSQL full text, one interface.

Both index Group.search_text (kept by services.group_reindex). The SQLite index is an
FTS5 external-content table kept by triggers (migration 0002); the PostgreSQL one is a
stored generated tsvector column, `search_vector`, with a GIN index (migration 0003).

Ranking is what costs: bm25 or ts_rank over tens of thousands of matches takes longer
than the whole page may. So the matches are counted first, in the index alone and only
up to the limit (a few milliseconds). Up to ROUNDTABLE_FTS_RANK_LIMIT matches (5,000 by
default) are ranked; beyond that a word is too common for its rank to say much, and the
matches are filtered without ranking and ordered as a browse would be (most members
first, or nearest first when searching near a place).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

from .models import Group

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 8
DEFAULT_RANK_LIMIT = 5000

_PG_TSQUERY = "plainto_tsquery('english', %s)"
_PG_MATCH = f"groups_group.search_vector @@ {_PG_TSQUERY}"
_PG_MATCHING_ROWS = f"SELECT 1 FROM groups_group WHERE {_PG_MATCH}"  # noqa: S608 - constant SQL, bound params
_FTS_MATCHING_ROWS = "SELECT rowid FROM groups_group_fts WHERE groups_group_fts MATCH %s"


@dataclass
class TextSearch:
    qs: QuerySet[Group]
    ranked: bool  # True when qs is annotated with `rank` (lower is better)


def terms(q: str) -> list[str]:
    return _WORD_RE.findall(q.lower())[:MAX_TERMS]


def rank_limit() -> int:
    return int(getattr(settings, "ROUNDTABLE_FTS_RANK_LIMIT", DEFAULT_RANK_LIMIT))


def _matches_up_to(db: str, sql: str, param: str, limit: int) -> int:
    """How many index entries match, counting no further than limit."""
    with connections[db].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT %s) AS m", [param, limit])  # noqa: S608 - our SQL
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def apply_text_search(qs: QuerySet[Group], q: str, *, allow_rank: bool = True) -> TextSearch:
    """Filter to groups matching every word of q; rank them when that is affordable.

    allow_rank=False never ranks (and skips the count): for searches whose order is
    decided by something else, such as distance.
    """
    words = terms(q)
    if not words:
        return TextSearch(qs, ranked=False)
    limit = rank_limit()
    if connections[qs.db].vendor == "postgresql":
        query = " ".join(words)
        rank = allow_rank and _matches_up_to(qs.db, _PG_MATCHING_ROWS, query, limit + 1) <= limit
        if not rank:
            return TextSearch(qs.extra(where=[_PG_MATCH], params=[query]), ranked=False)  # noqa: S610 - bound params
        return TextSearch(
            qs.extra(  # noqa: S610 - parameters are bound; the SQL is ours
                where=[_PG_MATCH],
                params=[query],
                select={"rank": f"-ts_rank(groups_group.search_vector, {_PG_TSQUERY})"},
                select_params=[query],
            ),
            ranked=True,
        )
    # FTS5: quote each word so user input never becomes query syntax.
    match = " ".join(f'"{w}"' for w in words)
    rank = allow_rank and _matches_up_to(qs.db, _FTS_MATCHING_ROWS, match, limit + 1) <= limit
    if not rank:
        # The unary + stops SQLite from driving the query from this IN list, so it keeps
        # walking group_vis_members_idx (or group_lat_lon_idx) and stops after one page.
        unranked = qs.extra(where=[f"+groups_group.id IN ({_FTS_MATCHING_ROWS})"], params=[match])  # noqa: S610
        return TextSearch(unranked, ranked=False)
    return TextSearch(
        qs.extra(
            tables=["groups_group_fts"],
            where=["groups_group_fts.rowid = groups_group.id", "groups_group_fts MATCH %s"],
            params=[match],
            select={"rank": "groups_group_fts.rank"},
        ),
        ranked=True,
    )
