"""Anonymous discovery on SQLite in SQL written once: the same queries selectors.discover's
ORM path sends, without building and compiling them on every request.

Why: an uncached anonymous search (every query string different) spent most of its server
time building querysets and compiling them (issue 13, item 3: py-spy had the ORM compiling
the search at 21% of the request, the count alone 28.5%). The SQL itself runs in well under
a millisecond on SQLite. Here the statements are assembled from constant fragments and every
value is a bound parameter, so a request pays for running them only.

Scope, kept narrow on purpose: an anonymous viewer (the listed part only: no hidden part, no
reasons, no profile) on SQLite. Signed-in viewers and PostgreSQL (whose plan is chosen from a
sample, search.py) keep the ORM path, which stays the reference: tests/groups/
test_discovery_sql.py runs both over a grid of filters and asserts the same pages, counts
and caps, and the same number of queries.

The one access rule stays in permissions.py: the listed groups' condition is compiled once
from permissions.LISTED (permissions.listed_where_sql), not written again here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

from django.core.paginator import Page
from django.db import connections

from .models import Format, Group
from .permissions import listed_where_sql
from .places import bounding_box
from .search import _FTS_IN, _FTS_LISTED, _sqlite_rank_blocked, fts5_query, rank_limit, terms

_T = '"groups_group"'
# The topic named by a slug, as the ORM writes it (Topic orders by name).
_TOPIC_ID = (
    '(SELECT "U0"."id" AS "id" FROM "groups_topic" "U0" WHERE "U0"."slug" = %s ORDER BY "U0"."name" ASC LIMIT 1)'
)
_TOPIC_EXISTS = (
    'EXISTS(SELECT 1 AS "a" FROM "groups_group_topics" "V0" '  # noqa: S608 - constant SQL
    f'WHERE ("V0"."topic_id" = {_TOPIC_ID} AND "V0"."group_id" = ({_T}."id")) LIMIT 1)'
)
_TOPIC_LINKS = (
    f'{_T}."id" IN (SELECT "V0"."group_id" AS "group_id" FROM "groups_group_topics" "V0" '  # noqa: S608
    f'WHERE "V0"."topic_id" = {_TOPIC_ID})'
)
# selectors._dist2 as the ORM writes it: (lat - lat0)^2 + ((lon - lon0) * cos0)^2, in degrees.
_LAT, _LON = f'{_T}."latitude"', f'{_T}."longitude"'
_DIST2 = f"((({_LAT} - %s) * ({_LAT} - %s)) + (((({_LON} - %s) * %s) * ({_LON} - %s)) * %s))"
_JOIN_WHERE = [f"({_FTS_LISTED}.rowid = groups_group.id)", f"({_FTS_LISTED} MATCH %s)"]


@cache
def _fields() -> tuple[list[str], str]:
    """The group's attribute names and its columns, in the model's order."""
    fields = Group._meta.concrete_fields
    return [f.attname for f in fields], ", ".join(f'{_T}."{f.column}"' for f in fields)


# The fields a page of keys reads (keys_only): what a result needs besides its cached card,
# the place for the distance shown beside it.
KEY_FIELDS = ("id", "latitude", "longitude")


@cache
def _key_fields() -> tuple[list[str], str]:
    """The attribute names and columns of KEY_FIELDS."""
    fields = _key_field_objects()
    return [f.attname for f in fields], ", ".join(f'{_T}."{f.column}"' for f in fields)


def _key_field_objects() -> list[Any]:
    """KEY_FIELDS' fields, in the model's order (which is KEY_FIELDS' order)."""
    return [f for f in Group._meta.concrete_fields if f.name in KEY_FIELDS]


@cache
def _converters(alias: str, keys_only: bool = False) -> list[tuple[int, list[Any], Any]]:
    """What the ORM applies to each column the database returns (dates read from text,
    booleans from integers), as the compiler would: (position, converters, expression)."""
    connection = connections[alias]
    found = []
    fields = _key_field_objects() if keys_only else Group._meta.concrete_fields
    for i, field in enumerate(fields):
        col = field.get_col("groups_group")
        convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if convs:
            found.append((i, convs, col))
    return found


class _Query:
    """The listed groups the filters keep: FROM, WHERE and their parameters."""

    def __init__(self, alias: str) -> None:
        listed_sql, listed_params = listed_where_sql(alias)
        self.alias = alias
        self.tables = [_T]
        self.where = [listed_sql, f'{_T}."archived_at" IS NULL']
        self.params: list[Any] = list(listed_params)

    def add(self, sql: str, *params: Any) -> None:
        self.where.append(sql)
        self.params.extend(params)

    def copy(self) -> _Query:
        other = _Query.__new__(_Query)
        other.alias, other.tables, other.where, other.params = self.alias, [*self.tables], [*self.where], [*self.params]
        return other

    def joined(self, match: str) -> _Query:
        """The same groups read from the listed-only FTS5 index's matches, each looked up by
        key (search._fts_joined). A CROSS JOIN with the index first, because SQLite keeps
        that order: without statistics (a database never analysed, as a new deployment's)
        its planner walked the groups instead and ran the MATCH once per group, 2.5-5 ms
        for 45 groups in the demo data against 0.05 the other way round."""
        other = self.copy()
        other.tables.insert(0, _FTS_LISTED)
        other.where += _JOIN_WHERE
        other.params.append(match)
        return other

    def body(self) -> str:
        return f"FROM {' CROSS JOIN '.join(self.tables)} WHERE ({' AND '.join(self.where)})"

    def count_up_to(self, limit: int) -> int:
        sql = f'SELECT (SELECT count(*) FROM (SELECT {_T}."id" AS "pk" {self.body()} LIMIT %s) AS part)'  # noqa: S608
        with connections[self.alias].cursor() as cursor:
            cursor.execute(sql, [*self.params, limit])
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def rows(
        self, extra: list[tuple[str, str, list[Any]]], ordering: list[str], bottom: int, top: int, keys_only: bool
    ) -> list[Group]:
        """Groups bottom..top in ordering, each with the extra (alias, SQL, params) columns
        set as attributes (rank, dist2); keys_only: with KEY_FIELDS only, the others
        deferred (as QuerySet.only() leaves them)."""
        attnames, columns = _key_fields() if keys_only else _fields()
        heads = [f"({sql}) AS {name}" for name, sql, _ in extra]
        select = ", ".join([*heads, columns])
        sql = f"SELECT {select} {self.body()} ORDER BY {', '.join(ordering)} LIMIT %s OFFSET %s"
        params = [p for _, _, ps in extra for p in ps] + self.params + [top - bottom, bottom]
        with connections[self.alias].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        converters = _converters(self.alias, keys_only)
        connection = connections[self.alias]
        n = len(extra)
        groups = []
        for row in fetched:
            values = list(row[n:])
            for i, convs, col in converters:
                for conv in convs:
                    values[i] = conv(values[i], col, connection)
            group = Group.from_db(self.alias, attnames, values)
            for j, (name, _sql, _params) in enumerate(extra):
                setattr(group, name, row[j])
            groups.append(group)
        return groups


def anonymous_page(f: Any, alias: str, cap: int, page_size: int, *, keys_only: bool = False) -> Page:
    """The page of listed groups an anonymous viewer gets for filters f (selectors.
    DiscoveryFilters), as selectors.discover's ORM path would read it, in the same queries:
    (whether to rank,) the count up to cap + 1, the page. keys_only: the page's groups carry
    their key and place only (KEY_FIELDS; the rest deferred), for a caller that has the rest
    of what it shows elsewhere (views._with_cards): sorting and returning whole rows was most
    of the page query's time (480 -> 140 us for a ranked page of the demo data)."""
    from .selectors import CappedPaginator  # selectors imports this module

    q = _Query(alias)
    if f.kind:
        q.add(f'{_T}."kind" = %s', f.kind)
    if f.online_only:
        q.add(f'{_T}."format" = %s', Format.VIRTUAL.value)
    elif f.format:
        q.add(f'{_T}."format" = %s', f.format)
    if f.audience:
        like = connections[alias].ops.prep_for_like_query(f.audience)
        q.add(f"{_T}.\"audience\" LIKE %s ESCAPE '\\'", f"%{like}%")
    if f.topic:
        q.add(_TOPIC_EXISTS, f.topic)
    extra: list[tuple[str, str, list[Any]]] = []
    near = f.near
    if near is not None:
        lat0, lon0 = near.latitude, near.longitude
        cos0 = math.cos(math.radians(lat0))
        dist2 = [lat0, lat0, lon0, cos0, lon0, cos0]
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat0, lon0, f.radius_km)
        q.add(f'{_T}."latitude" >= %s', min_lat)
        q.add(f'{_T}."latitude" <= %s', max_lat)
        q.add(f'{_T}."longitude" >= %s', min_lon)
        q.add(f'{_T}."longitude" <= %s', max_lon)
        from .selectors import KM_PER_DEGREE

        q.add(f"{_DIST2} <= %s", *dist2, (f.radius_km / KM_PER_DEGREE) ** 2)
        extra.append(("dist2", _DIST2, dist2))
    ranked = False
    counting = q  # what the count reads: the page's own query unless a faster plan exists
    words = terms(f.q)
    if words:
        match = fts5_query(words)
        if near is not None:
            # A place's box holds far fewer groups than a common word: walk it, each checked.
            q.add(_FTS_IN, match)
        else:
            joined = q.joined(match)
            if f.sort != "newest" and not _sqlite_rank_blocked(alias, match, rank_limit("sqlite"), None):
                q, ranked = joined, True
                extra.insert(0, ("rank", f"{_FTS_LISTED}.rank", []))
            else:
                q = q.copy()
                q.add(_FTS_IN, match)
            # Counted from the index's matches, each group looked up by key.
            counting = joined
    if f.topic and counting is q:
        # Counted from the topic's links (selectors.discover says why).
        counting = q.copy()
        counting.add(_TOPIC_LINKS, f.topic)
    if f.sort == "distance" and near is not None:
        ordering = ["dist2 ASC", f'{_T}."id" ASC']
    elif f.sort == "newest":
        ordering = [f'{_T}."created_at" DESC', f'{_T}."id" DESC']
    elif ranked:
        ordering = ["rank ASC", f'{_T}."member_count" DESC', f'{_T}."id" ASC']
    elif near is not None:
        ordering = ["dist2 ASC", f'{_T}."id" ASC']
    else:
        ordering = [f'{_T}."member_count" DESC', f'{_T}."id" ASC']

    def rows(bottom: int, top: int) -> tuple[list[Group], int | None]:
        return q.rows(extra, ordering, bottom, top, keys_only), None

    count: Callable[[], int] = lambda: counting.count_up_to(cap + 1)  # noqa: E731
    paginator = CappedPaginator([], page_size, cap=cap, count=count, rows=rows)  # type: ignore[arg-type]
    return paginator.get_page(f.page)
