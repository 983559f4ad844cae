"""Full-text search over groups: SQLite FTS5 or PostgreSQL full text, one interface.

Both index Group.search_text (kept by services.group_reindex). The SQLite index is an
FTS5 external-content table kept by triggers (migration 0002); the PostgreSQL one is a
stored generated tsvector column, `search_vector` (migration 0003), with a GIN index over
the groups anyone may discover (migration 0007) and one over each kind's (migration 0008).

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

Plans (PostgreSQL). Counting the matches to the cap (1,000) can go two ways: read the
table in some order, checking each row, until 1,000 match (cheap when the words are
common: "group" needs 1,100 rows), or put every posting of the words in a bitmap from the
GIN and read 1,000 rows of it (cheap when they are rare: "kind", 9,500 postings, 3 ms).
The wrong way costs ten times the right one, and the planner's estimates cannot tell
them apart: words go together (the topic "Salary negotiation" holds both words: 83,700
matches, 30,700 expected, so it read 84,000 postings) and go with kinds (every support
group says "support", so "support" among speakers groups: 7,500, 103,000 expected, so it
read 130,000 rows). So the plan is chosen here, from the rows themselves:
- the count query first counts the matches in a sample of the table (SAMPLE_PAGES pages,
  the same ones every time, so they stay in memory: 1-2 ms), and from it takes the cheaper
  way (_pg_matches_up_to says how);
- each way is written so that the planner has one plan left: the operator's function
  (_PG_SCAN) can use no index, and words the planner cannot see (_PG_INDEX) are assumed
  rare, which makes the GIN its choice, the kind's own when a kind is asked (migration 0008);
- the page is read the same way: a few matches from the GIN (then sorted or ranked), many
  by walking the order's index (most members first, newest, the kind's) to the end of the
  page. Near a place the place's index leads: the groups in the box, each checked.
The setting ROUNDTABLE_FTS_PLAN ("auto"; "scan" or "index" take one way always) lets the
tests show that both ways find the same groups, counted the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .models import Group

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 8
DEFAULT_RANK_LIMIT = {"sqlite": 5000, "postgresql": 1000}

# PostgreSQL: the words as a tsquery of prefixes, every one required ("resu:* & interv:*"),
# matched in three forms that differ only in the plans they allow (module notes, "Plans"):
_PG_TSQUERY = "to_tsquery('english', %s)"
# the planner's choice (used where a place's index leads, and for a viewer's hidden groups);
_PG_MATCH = f"groups_group.search_vector @@ {_PG_TSQUERY}"
# the operator's function: no index can answer it, so rows are read in an order and checked;
_PG_SCAN = f"ts_match_vq(groups_group.search_vector, {_PG_TSQUERY})"
# the words as a parameter the planner cannot see: it assumes few matches and reads the GIN.
_PG_INDEX = f"groups_group.search_vector @@ (SELECT {_PG_TSQUERY})"
_PG_RANK = f"-ts_rank(groups_group.search_vector, {_PG_TSQUERY})"
# The sample of _pg_matches_up_to: the table's size in pages, and the same pages every time.
_PG_PAGES = "SELECT greatest(pg_relation_size('groups_group') / current_setting('block_size')::int, 1) AS pages"
_PG_FROM_HEAD = 'SELECT "groups_group"."id" AS "pk" FROM "groups_group" '
_PG_FROM = ' FROM "groups_group" '
_PG_FROM_SAMPLE = (
    ' FROM "groups_group" TABLESAMPLE SYSTEM ((SELECT least(100, 100.0 * %s / pages) FROM size)) REPEATABLE (0) '
)
SAMPLE_PAGES = 300
# What reading one table page and checking its rows costs, in postings the GIN puts in its
# bitmap (measured at a million groups: about 9 us against 1 us).
DEFAULT_PAGE_COST = 9.0
# Below this many matches (estimated), a page of unranked results reads every match from the
# GIN and sorts them; above it, it walks the order's index: 20 matches at a density of 2,000
# in a million groups is 10,000 rows, as costly as reading 2,000 matches.
WALK_FROM = 2000
PLANS = ("auto", "scan", "index")
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


def plan_choice() -> str:
    """Setting ROUNDTABLE_FTS_PLAN: "auto" (the default) chooses each way from a sample;
    "scan" or "index" always take that way (module notes, "Plans"). ImproperlyConfigured
    for anything else."""
    value = str(getattr(settings, "ROUNDTABLE_FTS_PLAN", "auto"))
    if value not in PLANS:
        raise ImproperlyConfigured(f"ROUNDTABLE_FTS_PLAN must be one of {', '.join(PLANS)}, not {value!r}.")
    return value


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


@dataclass
class _PgCount:
    """What _pg_matches_up_to found: the viewer's matches (up to its limit), and the listed
    groups that match as estimated from the sample (see _pg_matches_up_to)."""

    count: int
    estimate: float


def _pg_matches_up_to(
    listed: QuerySet[Group], words: list[str], hidden: QuerySet[Group] | None, limit: int
) -> _PgCount:
    """The viewer's matches, counting no further than limit, in one query whose plan is
    chosen here, from a sample, rather than by the planner (module notes, "Plans").

    1. The sample: the listed groups matching in about SAMPLE_PAGES pages of the table
       (TABLESAMPLE SYSTEM, the same pages every time, so they stay in memory): m.
    2. Scanning for `limit` matches costs about limit / m * b pages (b: the pages sampled);
       the GIN costs at least the postings of the matches, about m * pages / b. When the
       first is cheaper (m^2 * pages >= DEFAULT_PAGE_COST * limit * b^2) the table is read in
       order until `limit` matches are in (_PG_SCAN: no index can answer it).
    3. Otherwise the GIN: the listed groups holding the words whole first (an AND of exact
       words skips through the commoner ones) and only when those stay under the limit the
       prefixes (each prefix puts every posting it covers in the bitmap); _PG_INDEX hides the
       words from the planner, which then always takes the GIN bitmap, of the kind asked for
       when there is one (migration 0008).
    Then the viewer's own hidden groups, a handful found through their memberships.
    """
    prefix, whole = tsquery_text(words), " & ".join(words)

    def part(form: str, q: str) -> QuerySet[Group]:
        return listed.extra(where=[form], params=[q])  # noqa: S610 - constant SQL, bound parameters

    sample_sql, sample_params = part(_PG_SCAN, prefix).order_by().values("pk").query.sql_with_params()
    if not sample_sql.startswith(_PG_FROM_HEAD):
        raise AssertionError(f"unexpected SQL for the sample: {sample_sql[:120]}")
    sample_sql = sample_sql.replace(_PG_FROM, _PG_FROM_SAMPLE, 1)
    scan_sql, scan_params = _counting(part(_PG_SCAN, prefix), limit)
    index_sql, index_params = _counting(part(_PG_INDEX, prefix), limit)
    if whole != prefix:
        whole_sql, whole_params = _counting(part(_PG_INDEX, whole), limit)
        index_sql = f"CASE WHEN {whole_sql} >= %s THEN %s ELSE {index_sql} END"
        index_params = [*whole_params, limit, limit, *index_params]
    # SQL from the ORM and the constants above; every value is a bound parameter.
    sql = (
        f"WITH size AS MATERIALIZED ({_PG_PAGES}), "  # noqa: S608
        f"sample AS MATERIALIZED (SELECT count(*) AS m FROM ({sample_sql}) AS sampled) "
        "SELECT CASE WHEN sample.m * sample.m * size.pages >= %s * least(%s, size.pages) ^ 2 "
        f"THEN {scan_sql} ELSE {index_sql} END"
    )
    page_cost = {"auto": DEFAULT_PAGE_COST, "scan": 0.0, "index": float("inf")}[plan_choice()]
    params: list[Any] = [SAMPLE_PAGES, *sample_params, page_cost * limit, SAMPLE_PAGES, *scan_params, *index_params]
    if hidden is not None:
        hidden_sql, hidden_params = _counting(hidden, limit)
        sql += f" + {hidden_sql}"
        params += hidden_params
    sql += ", sample.m, size.pages FROM size, sample"
    with connections[listed.db].cursor() as cursor:
        cursor.execute(sql, params)
        count, m, pages = cursor.fetchone()
    return _PgCount(count=int(count), estimate=m * pages / min(SAMPLE_PAGES, pages))


def _pg_text_search(
    listed: QuerySet[Group],
    words: list[str],
    *,
    hidden: QuerySet[Group] | None,
    allow_rank: bool,
    cap: int,
    limit: int,
    near: bool,
) -> TextSearch:
    """apply_text_search on PostgreSQL (module notes, "Plans")."""
    query = tsquery_text(words)
    plan = plan_choice()
    if hidden is not None:
        hidden = hidden.extra(where=[_PG_MATCH], params=[query])  # noqa: S610 - bound parameters
    if near:
        # The place's covering index gives the groups in the box (of the kind); each is read and
        # checked for the words. A GIN bitmap put beside it (BitmapAnd) reads every posting of
        # the words: 115 ms for "linkedin" among support groups at a million.
        form = _PG_INDEX if plan == "index" else _PG_SCAN
        return TextSearch(listed.extra(where=[form], params=[query]), hidden, ranked=False)  # noqa: S610
    # ts_rank reads the rows the filters keep: the viewer's own matches decide.
    found = _pg_matches_up_to(listed, words, hidden, max(limit, cap) + 1)
    counted = min(found.count, cap + 1) if cap else None
    few = plan == "index" or (plan == "auto" and (found.count <= limit or found.estimate < WALK_FROM))
    # Few matches: read them all from the GIN (and sort them). Many: walk the order's index
    # (most members, newest, the kind's), checking each row, to the end of the page.
    listed = listed.extra(where=[_PG_INDEX if few else _PG_SCAN], params=[query])  # noqa: S610 - bound parameters
    if not allow_rank or found.count > limit:
        return TextSearch(listed, hidden, ranked=False, counted=counted)
    rank = RawSQL(_PG_RANK, [query])  # noqa: S611 - constant SQL, bound parameter
    return TextSearch(
        listed.annotate(rank=rank),
        hidden.annotate(rank=rank) if hidden is not None else None,
        ranked=True,
        counted=counted,
    )


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
        return _pg_text_search(listed, words, hidden=hidden, allow_rank=allow_rank, cap=cap, limit=limit, near=near)
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
