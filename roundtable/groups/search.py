"""Full-text search over groups: SQLite FTS5 or PostgreSQL full text, one interface.

Both index Group.search_text (kept by services.group_reindex). The SQLite index is an
FTS5 external-content table kept by triggers (migration 0002); the PostgreSQL one is a
stored generated tsvector column, `search_vector` (migration 0003), with a GIN index over
the groups anyone may discover (migration 0007).

Every word is matched as the start of a word, in both engines: "resu" finds "resume" and
"interv" finds "interviewing" (FTS5 `"resu"*`, PostgreSQL `resu:*`). Both stem the word
first (Porter, English), so "resumes" finds "resume" too. A single letter is matched as a
whole word: as a prefix it would match most of the index.

Ranking is what costs, so it is done only where it is affordable: up to
ROUNDTABLE_FTS_RANK_LIMIT matches. Beyond that a word is too common for its rank to say
much, and the matches are filtered without ranking and ordered as a browse would be (most
members first, or nearest first when searching near a place). What "matches" means, and
the default limit, follow what ranking reads on each engine:
- SQLite ranks inside the FTS5 index, which hands over every row holding the words
  before any other filter applies: so the listed groups holding the words are counted,
  in the listed-only index alone, stopping at the limit (well under a millisecond).
  Default limit 5,000: bm25 over 5,000 index rows costs a few milliseconds;
- PostgreSQL's ts_rank reads the rows the filters keep, each from the table: so the
  viewer's own matches are counted, and that count is the page's count too. Default
  limit 1,000, the page's count cap: one count serves both, and ranking 1,000 rows that
  are not in memory still fits the budget at a million groups (5,000 did not).

Hidden groups never move what someone else gets (design.md, "Privacy, precisely"):
- what is counted to decide whether to rank holds no group the viewer may not see: the
  listed-only index on SQLite, the viewer's own query on PostgreSQL;
- on SQLite, bm25 weighs words by statistics of the index it reads, so ranks come from
  a second index holding listed groups only (migration 0004). A viewer whose matches
  include a hidden group of their own gets the browse order instead: that group has no
  rank in a listed-only index, and a rank from the full index would carry other hidden
  groups' statistics. PostgreSQL's ts_rank reads only the row it ranks.
- the listed groups and the viewer's own hidden groups are searched as two parts
  (selectors.discover): the listed part reads the listed-only index on SQLite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .models import Group

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 8
DEFAULT_RANK_LIMIT = {"sqlite": 5000, "postgresql": 1000}

# PostgreSQL: the words as a tsquery of prefixes, every one required ("resu:* & interv:*").
_PG_TSQUERY = "to_tsquery('english', %s)"
_PG_MATCH = f"groups_group.search_vector @@ {_PG_TSQUERY}"
_PG_RANK = f"-ts_rank(groups_group.search_vector, {_PG_TSQUERY})"
# SQLite: every group's words, and listed groups' words only (migrations 0002 and 0004).
_FTS_ALL = "groups_group_fts"
_FTS_LISTED = "groups_group_listed_fts"
# Constant SQL over those names; the words are always a bound parameter.
_FTS_IN = f"+groups_group.id IN (SELECT rowid FROM {_FTS_LISTED} WHERE {_FTS_LISTED} MATCH %s)"  # noqa: S608
_FTS_HOLDS_ROW = f"EXISTS (SELECT 1 FROM {_FTS_ALL} WHERE {_FTS_ALL} MATCH %s AND {_FTS_ALL}.rowid = groups_group.id)"  # noqa: S608
_LISTED_MATCHES_UP_TO = f"SELECT count(*) FROM (SELECT rowid FROM {_FTS_LISTED} WHERE {_FTS_LISTED} MATCH %s LIMIT %s)"  # noqa: S608


@dataclass
class TextSearch:
    """The two parts of a search matched to the words (selectors.discover)."""

    listed: QuerySet[Group]
    hidden: QuerySet[Group] | None  # the viewer's own unlisted and secret groups; None: none
    ranked: bool  # True when the parts are annotated with `rank` (lower is better)
    # The listed part in a plan that counts it faster (SQLite), or None: count the part.
    count_listed: QuerySet[Group] | None = None
    # The matches already counted here, up to cap + 1 (the paginator's count), or None.
    counted: int | None = None


def terms(q: str) -> list[str]:
    return _WORD_RE.findall(q.lower())[:MAX_TERMS]


def rank_limit(vendor: str) -> int:
    default = DEFAULT_RANK_LIMIT.get(vendor, DEFAULT_RANK_LIMIT["sqlite"])
    return int(getattr(settings, "ROUNDTABLE_FTS_RANK_LIMIT", default))


def fts5_query(words: list[str]) -> str:
    """FTS5 query syntax for words, each quoted (user input never becomes syntax), each a
    prefix but for single letters."""
    return " ".join(f'"{w}"*' if len(w) > 1 else f'"{w}"' for w in words)


def tsquery_text(words: list[str]) -> str:
    """to_tsquery input for words: letters and digits only (terms() keeps nothing else),
    joined by &, each a prefix but for single letters."""
    return " & ".join(f"{w}:*" if len(w) > 1 else w for w in words)


def _counting(part: QuerySet[Group], limit: int) -> tuple[str, list[Any]]:
    """SQL counting part's rows, no further than limit, and its parameters."""
    sql, params = part.order_by().values("pk")[:limit].query.sql_with_params()
    return f"(SELECT count(*) FROM ({sql}) AS part)", list(params)  # noqa: S608 - SQL from the ORM, bound params


def _count(db: str, sql: str, params: list[Any]) -> int:
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def count_up_to(parts: list[QuerySet[Group]], limit: int) -> int:
    """How many rows the parts hold together, counting each no further than limit: one
    query. (Django cannot count a sliced union; the parts never overlap.)"""
    pieces = [_counting(part, limit) for part in parts]
    return _count(parts[0].db, "SELECT " + " + ".join(sql for sql, _ in pieces), [p for _, ps in pieces for p in ps])


def _pg_matches_up_to(
    whole: QuerySet[Group], listed: QuerySet[Group], hidden: QuerySet[Group] | None, limit: int
) -> int:
    """The viewer's matches, counting no further than limit, in one query: the listed
    groups holding the words whole first (GIN intersects exact words fast, skipping
    through the commoner one), and only when those stay under the limit the listed
    groups the prefixes match (a superset, but a prefix is matched by reading every
    posting it covers: 30-45 ms for two common words at a million groups); then the
    viewer's own hidden groups."""
    whole_sql, whole_params = _counting(whole, limit)
    listed_sql, listed_params = _counting(listed, limit)
    sql = f"SELECT CASE WHEN {whole_sql} >= %s THEN %s ELSE {listed_sql} END"
    params = [*whole_params, limit, limit, *listed_params]
    if hidden is not None:
        hidden_sql, hidden_params = _counting(hidden, limit)
        sql += f" + {hidden_sql}"
        params += hidden_params
    return _count(whole.db, sql, params)


def _fts_joined(qs: QuerySet[Group], index: str, match: str, *, rank: bool = False) -> QuerySet[Group]:
    """qs joined to an FTS5 index on the words: SQLite reads the index's matches first and
    looks each group up by its key (the plan for counting, and for ranking)."""
    return qs.extra(  # noqa: S610 - parameters are bound; the SQL is ours
        tables=[index],
        where=[f"{index}.rowid = groups_group.id", f"{index} MATCH %s"],
        params=[match],
        select={"rank": f"{index}.rank"} if rank else None,
    )


def _sqlite_rank_blocked(db: str, match: str, limit: int, hidden: QuerySet[Group] | None) -> bool:
    """Whether SQLite must not rank: more than limit listed groups match the words (ranking
    reads every match of the index, whatever the other filters keep), or one of the viewer's
    own hidden groups within their filters does (it has no rank in the listed-only index).
    One query: a count in the listed-only index that stops at limit + 1, and a look at the
    viewer's few hidden groups."""
    sql = _LISTED_MATCHES_UP_TO
    params: list[Any] = [match, limit + 1]
    if hidden is not None:
        probe_sql, probe_params = hidden.order_by().values("pk")[:1].query.sql_with_params()
        sql = f"SELECT ({sql}) + EXISTS ({probe_sql}) * %s"
        params = [*params, *probe_params, limit + 1]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bool(row) and int(row[0]) > limit


def apply_text_search(
    listed: QuerySet[Group],
    q: str,
    *,
    hidden: QuerySet[Group] | None = None,
    allow_rank: bool = True,
    cap: int = 0,
    near: bool = False,
) -> TextSearch:
    """Filter the listed groups the viewer's query keeps (listed) and the viewer's own
    unlisted and secret groups it keeps (hidden; None for an anonymous viewer) to those
    matching every word of q; rank them when that is affordable and says nothing about
    hidden groups (module notes).

    allow_rank=False never ranks (and skips the rank count): for searches whose order is
    decided by something else, such as distance. cap is the paginator's count cap: on
    PostgreSQL the count that decides whether to rank goes on to cap + 1 when that is
    further, so the page's count comes from the same query (TextSearch.counted). near says
    the parts are bounded to a place's box: on SQLite that box (group_lat_lon_idx) is
    what to walk, each group checked against the matches.
    """
    words = terms(q)
    if not words:
        return TextSearch(listed, hidden, ranked=False)
    vendor = connections[listed.db].vendor
    limit = rank_limit(vendor)
    if vendor == "postgresql":
        query = tsquery_text(words)
        whole = listed.extra(where=[_PG_MATCH], params=[" & ".join(words)])  # noqa: S610 - bound parameters
        listed = listed.extra(where=[_PG_MATCH], params=[query])  # noqa: S610 - bound parameters
        if hidden is not None:
            hidden = hidden.extra(where=[_PG_MATCH], params=[query])  # noqa: S610 - bound parameters
        if not allow_rank:
            return TextSearch(listed, hidden, ranked=False)
        # ts_rank reads the rows the filters keep: the viewer's own matches decide.
        count = _pg_matches_up_to(whole, listed, hidden, max(limit, cap) + 1)
        counted = min(count, cap + 1) if cap else None
        if count > limit:
            return TextSearch(listed, hidden, ranked=False, counted=counted)
        rank = RawSQL(_PG_RANK, [query])  # noqa: S611 - constant SQL, bound parameter
        return TextSearch(
            listed.annotate(rank=rank),
            hidden.annotate(rank=rank) if hidden is not None else None,
            ranked=True,
            counted=counted,
        )
    match = fts5_query(words)
    # The page: the unary + stops SQLite from driving the query from this IN list, so it
    # keeps walking group_vis_members_idx (or group_lat_lon_idx) and stops after one page.
    unranked = listed.extra(where=[_FTS_IN], params=[match])  # noqa: S610 - bound parameters
    # The viewer's few hidden groups: each looked up in the index of every group.
    if hidden is not None:
        hidden = hidden.extra(where=[_FTS_HOLDS_ROW], params=[match])  # noqa: S610 - bound parameters
    if near:
        # Counted the same way: a place's box holds far fewer groups than a common word.
        return TextSearch(unranked, hidden, ranked=False)
    # The count: from the index's matches, each group looked up by key, stopping at the
    # cap. Walking the groups instead (as the page does) read every listed group when the
    # words were rare: 20-90 ms at 100,000 groups, against 1-5 ms this way.
    by_index = _fts_joined(listed, _FTS_LISTED, match)
    if not allow_rank or _sqlite_rank_blocked(listed.db, match, limit, hidden):
        return TextSearch(unranked, hidden, ranked=False, count_listed=by_index)
    # No hidden group of the viewer's matches: the listed part alone, ranked.
    return TextSearch(_fts_joined(listed, _FTS_LISTED, match, rank=True), None, ranked=True)
