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

Hidden groups never move what someone else gets (design.md, "Privacy, precisely"):
- the matches counted to decide whether to rank are those of the viewer's own query
  (groups the viewer may discover, with their filters), never the whole index;
- on SQLite, bm25 weighs words by statistics of the index it reads, so ranks come from
  a second index holding listed groups only (migration 0004). A viewer whose matches
  include a hidden group of their own gets the browse order instead: that group has no
  rank in a listed-only index, and a rank from the full index would carry other hidden
  groups' statistics. PostgreSQL's ts_rank reads only the row it ranks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

from .models import Group, GroupVisibility

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 8
DEFAULT_RANK_LIMIT = 5000

_PG_TSQUERY = "plainto_tsquery('english', %s)"
_PG_MATCH = f"groups_group.search_vector @@ {_PG_TSQUERY}"
_FTS_MATCHING_ROWS = "SELECT rowid FROM groups_group_fts WHERE groups_group_fts MATCH %s"


@dataclass
class TextSearch:
    qs: QuerySet[Group]
    ranked: bool  # True when qs is annotated with `rank` (lower is better)


def terms(q: str) -> list[str]:
    return _WORD_RE.findall(q.lower())[:MAX_TERMS]


def rank_limit() -> int:
    return int(getattr(settings, "ROUNDTABLE_FTS_RANK_LIMIT", DEFAULT_RANK_LIMIT))


def _matches_up_to(qs: QuerySet[Group], limit: int) -> tuple[int, int]:
    """How many of the viewer's matches there are, counting no further than limit, and
    how many of those are not listed: one query over qs (already filtered to the text)."""
    inner = qs.order_by().values("id", "visibility")[:limit]
    sql, params = inner.query.sql_with_params()
    count_sql = f"SELECT count(*), coalesce(sum(CASE WHEN m.visibility = %s THEN 0 ELSE 1 END), 0) FROM ({sql}) AS m"  # noqa: S608
    with connections[qs.db].cursor() as cursor:
        cursor.execute(count_sql, [GroupVisibility.LISTED, *params])
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def apply_text_search(qs: QuerySet[Group], q: str, *, allow_rank: bool = True) -> TextSearch:
    """Filter qs (the groups the viewer may discover) to those matching every word of q;
    rank them when that is affordable and says nothing about hidden groups (module notes).

    allow_rank=False never ranks (and skips the count): for searches whose order is
    decided by something else, such as distance.
    """
    words = terms(q)
    if not words:
        return TextSearch(qs, ranked=False)
    limit = rank_limit()
    if connections[qs.db].vendor == "postgresql":
        query = " ".join(words)
        matched = qs.extra(where=[_PG_MATCH], params=[query])  # noqa: S610 - bound params
        if not allow_rank or _matches_up_to(matched, limit + 1)[0] > limit:
            return TextSearch(matched, ranked=False)
        return TextSearch(
            matched.extra(  # noqa: S610 - parameters are bound; the SQL is ours
                select={"rank": f"-ts_rank(groups_group.search_vector, {_PG_TSQUERY})"},
                select_params=[query],
            ),
            ranked=True,
        )
    # FTS5: quote each word so user input never becomes query syntax.
    match = " ".join(f'"{w}"' for w in words)
    # The unary + stops SQLite from driving the query from this IN list, so it keeps
    # walking group_vis_members_idx (or group_lat_lon_idx) and stops after one page.
    unranked = qs.extra(where=[f"+groups_group.id IN ({_FTS_MATCHING_ROWS})"], params=[match])  # noqa: S610
    if not allow_rank:
        return TextSearch(unranked, ranked=False)
    count, hidden = _matches_up_to(unranked, limit + 1)
    if count > limit or hidden:
        return TextSearch(unranked, ranked=False)
    return TextSearch(
        qs.extra(
            tables=["groups_group_listed_fts"],
            where=["groups_group_listed_fts.rowid = groups_group.id", "groups_group_listed_fts MATCH %s"],
            params=[match],
            select={"rank": "groups_group_listed_fts.rank"},
        ),
        ranked=True,
    )
