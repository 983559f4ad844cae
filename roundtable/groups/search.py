"""Full-text search over groups: SQLite FTS5 or PostgreSQL full text, one interface.

Both index Group.search_text (kept by services.group_reindex). The SQLite index is an
FTS5 external-content table kept by triggers (migration 0002); the PostgreSQL one is a
stored generated tsvector column, `search_vector`, with a GIN index (migration 0003).

Ranking is what costs, so it is done only where it is affordable: up to
ROUNDTABLE_FTS_RANK_LIMIT matches (5,000 by default). Beyond that a word is too common
for its rank to say much, and the matches are filtered without ranking and ordered as a
browse would be (most members first, or nearest first when searching near a place).
What "matches" means follows what ranking reads on each engine:
- SQLite ranks inside the FTS5 index, which hands over every row holding the words
  before any other filter applies: so the listed groups holding the words are counted,
  in the listed-only index alone, stopping at the limit (well under a millisecond);
- PostgreSQL's ts_rank reads the rows the filters keep: so the viewer's own matches are
  counted, up to the limit or the page's count cap, and that count is the page's count.

Hidden groups never move what someone else gets (design.md, "Privacy, precisely"):
- what is counted to decide whether to rank holds no group the viewer may not see: the
  listed-only index on SQLite, the viewer's own query on PostgreSQL;
- on SQLite, bm25 weighs words by statistics of the index it reads, so ranks come from
  a second index holding listed groups only (migration 0004). A viewer whose matches
  include a hidden group of their own gets the browse order instead: that group has no
  rank in a listed-only index, and a rank from the full index would carry other hidden
  groups' statistics. PostgreSQL's ts_rank reads only the row it ranks.
- an anonymous viewer's SQLite queries read the listed-only index only.
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
# SQLite: every group's words, and listed groups' words only (migrations 0002 and 0004).
_FTS_ALL = "groups_group_fts"
_FTS_LISTED = "groups_group_listed_fts"
# Constant SQL over those names; the words are always a bound parameter.
_FTS_IN = {i: f"+groups_group.id IN (SELECT rowid FROM {i} WHERE {i} MATCH %s)" for i in (_FTS_ALL, _FTS_LISTED)}  # noqa: S608
_FTS_HOLDS_ROW = f"EXISTS (SELECT 1 FROM {_FTS_ALL} WHERE {_FTS_ALL} MATCH %s AND {_FTS_ALL}.rowid = groups_group.id)"  # noqa: S608
_LISTED_MATCHES_UP_TO = f"SELECT count(*) FROM (SELECT rowid FROM {_FTS_LISTED} WHERE {_FTS_LISTED} MATCH %s LIMIT %s)"  # noqa: S608


@dataclass
class TextSearch:
    qs: QuerySet[Group]
    ranked: bool  # True when qs is annotated with `rank` (lower is better)
    # The same rows as qs in a plan that counts them faster (SQLite), or None: count qs.
    count_qs: QuerySet[Group] | None = None
    # The matches already counted here, up to cap + 1 (the paginator's count), or None.
    counted: int | None = None


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


def _fts_joined(qs: QuerySet[Group], index: str, match: str, *, rank: bool = False) -> QuerySet[Group]:
    """qs joined to an FTS5 index on the words: SQLite reads the index's matches first and
    looks each group up by its key (the plan for counting, and for ranking)."""
    return qs.extra(  # noqa: S610 - parameters are bound; the SQL is ours
        tables=[index],
        where=[f"{index}.rowid = groups_group.id", f"{index} MATCH %s"],
        params=[match],
        select={"rank": f"{index}.rank"} if rank else None,
    )


def _sqlite_rank_blocked(qs: QuerySet[Group], match: str, limit: int, hidden_mine: QuerySet[Group] | None) -> bool:
    """Whether SQLite must not rank: more than limit listed groups match the words (ranking
    reads every match of the index, whatever the other filters keep), or one of the viewer's
    own hidden groups within their filters does (it has no rank in the listed-only index).
    One query: a count in the listed-only index that stops at limit + 1, and a look at the
    viewer's few hidden groups."""
    sql = _LISTED_MATCHES_UP_TO
    params: list[object] = [match, limit + 1]
    if hidden_mine is not None:
        probe = hidden_mine.extra(where=[_FTS_HOLDS_ROW], params=[match])  # noqa: S610 - bound parameters
        probe_sql, probe_params = probe.order_by().values("id")[:1].query.sql_with_params()
        sql = f"SELECT ({sql}) + EXISTS ({probe_sql}) * %s"
        params = [*params, *probe_params, limit + 1]
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bool(row) and int(row[0]) > limit


def apply_text_search(
    qs: QuerySet[Group],
    q: str,
    *,
    allow_rank: bool = True,
    hidden_mine: QuerySet[Group] | None = None,
    cap: int = 0,
    near: bool = False,
) -> TextSearch:
    """Filter qs (the groups the viewer may discover) to those matching every word of q;
    rank them when that is affordable and says nothing about hidden groups (module notes).

    allow_rank=False never ranks (and skips the rank count): for searches whose order is
    decided by something else, such as distance. hidden_mine is None for a viewer who may
    discover listed groups only (anonymous), else the unlisted and secret groups among qs
    (the viewer's own, with the same filters). cap is the paginator's count cap: on
    PostgreSQL the count that decides whether to rank goes on to cap + 1 when that is
    further, so the page's count comes from the same query (TextSearch.counted). near says
    qs is bounded to a place's box: on SQLite that box (group_lat_lon_idx) is what to walk,
    each group checked against the matches.
    """
    words = terms(q)
    if not words:
        return TextSearch(qs, ranked=False)
    limit = rank_limit()
    if connections[qs.db].vendor == "postgresql":
        query = " ".join(words)
        matched = qs.extra(where=[_PG_MATCH], params=[query])  # noqa: S610 - bound params
        if not allow_rank:
            return TextSearch(matched, ranked=False)
        # ts_rank reads the rows the filters keep: the viewer's own matches decide.
        count, _hidden = _matches_up_to(matched, max(limit, cap) + 1)
        counted = min(count, cap + 1) if cap else None
        if count > limit:
            return TextSearch(matched, ranked=False, counted=counted)
        return TextSearch(
            matched.extra(  # noqa: S610 - parameters are bound; the SQL is ours
                select={"rank": f"-ts_rank(groups_group.search_vector, {_PG_TSQUERY})"},
                select_params=[query],
            ),
            ranked=True,
            counted=counted,
        )
    # FTS5: quote each word so user input never becomes query syntax.
    match = " ".join(f'"{w}"' for w in words)
    index = _FTS_ALL if hidden_mine is not None else _FTS_LISTED
    # The page: the unary + stops SQLite from driving the query from this IN list, so it
    # keeps walking group_vis_members_idx (or group_lat_lon_idx) and stops after one page.
    unranked = qs.extra(where=[_FTS_IN[index]], params=[match])  # noqa: S610 - bound parameters
    if near:
        # Counted the same way: a place's box holds far fewer groups than a common word.
        return TextSearch(unranked, ranked=False)
    # The count: from the index's matches, each group looked up by key, stopping at the
    # cap. Walking the groups instead (as the page does) read every listed group when the
    # words were rare: 20-90 ms at 100,000 groups, against 1-5 ms this way.
    by_index = _fts_joined(qs, index, match)
    if not allow_rank or _sqlite_rank_blocked(qs, match, limit, hidden_mine):
        return TextSearch(unranked, ranked=False, count_qs=by_index)
    return TextSearch(_fts_joined(qs, _FTS_LISTED, match, rank=True), ranked=True)
