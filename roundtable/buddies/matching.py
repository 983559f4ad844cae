"""Buddy matching: compatibility scores and a maximum-weight matching on them.

Plain Python over plain values (no Django): `Person` holds what one pool entry and its owner's
profile say, already cut down to what the matching may use; `services.matching_run` builds them.

Compatibility of two people (`score`, a whole number, None when they may not be paired)
    Hard constraints (no edge at all):
      - the two UTC offsets differ by more than either person's window (max_offset_hours);
      - no language in common;
      - they were paired within RECENT_DAYS (a hard constraint, not a penalty: someone asked
        for a new buddy, and the same person again would not be one).
    Points, each a plain function below:
      - BASE for any allowed pair (so every allowed pair is worth forming);
      - time: up to 20 for the hours the two days overlap, each day DAY_HOURS long from
        DAY_START local (12 h: 8 am to 8 pm), 20 * overlap / 12, rounded down;
      - check-in day: 15 when both chose the same day;
      - stage of search: 15 the same stage, 8 one stage apart;
      - field: for each of the two, 10 when their wish (same / different field) is met, 5
        when they have no wish;
      - shared groups: 5 a group, at most 2 counted;
      - complementary strengths: 6 for each term of one's expertise the other targets (target
        roles and industries), each way, at most 2 counted each way;
      - shared targets: 4 a term both target, at most 2 counted.
    Only profile terms the other person may see are used (accounts.permissions): a term of
    `*_public` is seen by everyone, one of `*_members` only by people sharing a vetted group
    (`closed_groups`: groups.permissions.shares_a_group), and "only me" terms never reach here.

Matching (`match`)
    Pools of up to EXACT_LIMIT people: networkx's exact max_weight_matching on every allowed
    pair (Edmonds' blossom algorithm, O(n^3)).
    Larger pools: the k-best method (`kbest_pairs`).
      1. Everyone's score against everyone, in numpy blocks of rows (memory O(n) per row,
         never the n x n matrix: `_Arrays.rows`, equal to `score` pair by pair); each person
         keeps their K_BEST best allowed partners: a sparse graph (`kbest_graph`).
      2. Its fractional matching LP (each person in at most one unit of pairs) solved nearly
         exactly by an auction on its bipartite double cover (`_auction`), which gives both
         a half-integral matching (pairs, and paths and cycles at one half) and prices, a
         nearly optimal dual (`_dual`).
      3. Pairs: the auction's two-way pairs, the rest rounded (`_rounded`); then everyone the
         auction left loose, with its pairs next to them by a nearly tight edge, matched
         exactly among themselves by rustworkx's max_weight_matching (`_exact_rest`, up to
         SUBPROBLEM_LIMIT people); then simple repairs for whoever is still single.
      4. UPPER BOUND, proven (`_bound`): the dual y, feasible on the sparse graph, is raised
         just enough that every allowed pair of the FULL graph is covered (y(u) + y(v) >=
         w(u, v)), checked in one more pass that scores only the pairs that could be
         uncovered. Any feasible y bounds every matching (weak LP duality: each pair (u, v) of
         a matching weighs at most y(u) + y(v), and its pairs share no one), so sum(y) is an
         upper bound on the optimum that the answer is measured against.
    `Result.upper_bound` and `Result.share` report how close the answer is (bench/matching.py
    prints it for 1,000 to 50,000 people; the bar is 99%).
    Determinism: people are ordered by (hash of seed and key), every tie broken by that order
    and by key, so the same people and seed give the same pairs on every run and machine.

Odd numbers and the unpaired
    Someone left over joins the pair where they add the most (both of its people must be
    allowed partners of theirs; a pair takes one third at most): a trio. Whoever still has no
    buddy waits, with the reason in words (`Result.waiting`): nobody within their window, no
    shared language, everyone near paired with them recently, or all who fit were better
    paired with others this time (first in line next time).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

# numpy and networkx are imported inside the functions that match, so the web processes (which
# import this module through services and tasks) never load them: ~0.5 s off each worker start.
if TYPE_CHECKING:
    import numpy as np


DAY_START = 8  # local hour a check-in day starts, for the overlap
DAY_HOURS = 12
BASE = 10
TIME_POINTS = 20
SAME_DAY_POINTS = 15
SAME_STAGE_POINTS = 15
NEAR_STAGE_POINTS = 8
FIELD_WISH_POINTS = 10
FIELD_ANY_POINTS = 5
GROUP_POINTS = 5
COMPLEMENT_POINTS = 6
SHARED_TARGET_POINTS = 4
CAP = 2  # groups / terms counted at most, per component and direction
RECENT_DAYS = 84
EXACT_LIMIT = 400
K_BEST = 12
AUCTION_STEPS = 600  # epsilon = the heaviest edge / this (see _auction)
SUBPROBLEM_LIMIT = 3000  # people around the auction's loose ends solved exactly (rustworkx) up to this
SLACK = 0.25  # how nearly tight an edge brings an auction pair into that exact subproblem

SAME, DIFFERENT, ANY = "same", "different", "any"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Person:
    """One person in a pool, as the matching sees them.

    utc_offset: minutes east of UTC on the run's day (their Profile.time_zone);
    max_offset_hours: the widest gap in hours they accept (0 to 12);
    checkin_day: 0 Monday .. 6 Sunday; stage: index into models.SearchStage (0 earliest);
    field / field_preference: their field and "same" | "different" | "any";
    groups: ids of groups both in the pool's reach they are active members of;
    closed_groups: those they came into through a facilitator (vetted: see module docstring);
    targets_* / expertise_*: lower-case terms by visibility level; recent: keys paired lately.
    """

    key: int
    utc_offset: int = 0
    max_offset_hours: int = 3
    checkin_day: int = 0
    stage: int = 0
    field: str = ""
    field_preference: str = ANY
    languages: frozenset[str] = frozenset({"en"})
    groups: frozenset[int] = frozenset()
    closed_groups: frozenset[int] = frozenset()
    targets_public: frozenset[str] = frozenset()
    targets_members: frozenset[str] = frozenset()
    expertise_public: frozenset[str] = frozenset()
    expertise_members: frozenset[str] = frozenset()
    recent: frozenset[int] = frozenset()

    def targets_seen_by(self, other: Person) -> frozenset[str]:
        return (
            self.targets_public | self.targets_members
            if self.closed_groups & other.closed_groups
            else self.targets_public
        )

    def expertise_seen_by(self, other: Person) -> frozenset[str]:
        if self.closed_groups & other.closed_groups:
            return self.expertise_public | self.expertise_members
        return self.expertise_public


# ------------------------------------------------------------------------------- scoring


def offset_hours(a: Person, b: Person) -> float:
    """The gap between two people's clocks, in hours (0 to 26)."""
    return abs(a.utc_offset - b.utc_offset) / 60


def blocked(a: Person, b: Person) -> str | None:
    """Why a and b may not be paired ("window", "language", "recent", "self"), or None."""
    if a.key == b.key:
        return "self"
    if abs(a.utc_offset - b.utc_offset) > 60 * min(a.max_offset_hours, b.max_offset_hours):
        return "window"
    if not a.languages & b.languages:
        return "language"
    if b.key in a.recent or a.key in b.recent:
        return "recent"
    return None


def overlap_hours(a: Person, b: Person) -> int:
    """Whole hours both are inside their DAY_HOURS-long day (DAY_START local)."""
    return max(0, int((DAY_HOURS * 60 - abs(a.utc_offset - b.utc_offset)) // 60))


def time_points(a: Person, b: Person) -> int:
    return TIME_POINTS * max(0, DAY_HOURS * 60 - abs(a.utc_offset - b.utc_offset)) // (DAY_HOURS * 60)


def day_points(a: Person, b: Person) -> int:
    return SAME_DAY_POINTS if a.checkin_day == b.checkin_day else 0


def stage_points(a: Person, b: Person) -> int:
    gap = abs(a.stage - b.stage)
    return SAME_STAGE_POINTS if gap == 0 else NEAR_STAGE_POINTS if gap == 1 else 0


def _wish_points(wisher: Person, other: Person) -> int:
    if wisher.field_preference == SAME:
        return FIELD_WISH_POINTS if wisher.field and wisher.field == other.field else 0
    if wisher.field_preference == DIFFERENT:
        return FIELD_WISH_POINTS if wisher.field != other.field else 0
    return FIELD_ANY_POINTS


def field_points(a: Person, b: Person) -> int:
    return _wish_points(a, b) + _wish_points(b, a)


def group_points(a: Person, b: Person) -> int:
    return GROUP_POINTS * min(CAP, len(a.groups & b.groups))


def complement_points(a: Person, b: Person) -> int:
    """What one knows that the other is after, each way, as each may see the other's profile."""
    a_helps = len(a.expertise_seen_by(b) & b.targets_seen_by(a))
    b_helps = len(b.expertise_seen_by(a) & a.targets_seen_by(b))
    return COMPLEMENT_POINTS * (min(CAP, a_helps) + min(CAP, b_helps))


def shared_target_points(a: Person, b: Person) -> int:
    return SHARED_TARGET_POINTS * min(CAP, len(a.targets_seen_by(b) & b.targets_seen_by(a)))


def score(a: Person, b: Person) -> int | None:
    """The compatibility of a and b (symmetric), or None when they may not be paired."""
    if blocked(a, b):
        return None
    return (
        BASE
        + time_points(a, b)
        + day_points(a, b)
        + stage_points(a, b)
        + field_points(a, b)
        + group_points(a, b)
        + complement_points(a, b)
        + shared_target_points(a, b)
    )


# ------------------------------------------------------------------------------- results


@dataclass
class Result:
    """pairs: (key, key) with the smaller key first, sorted; trios: (a, b, joining key);
    waiting: key -> a reason code (see `waiting_reason`); total: the pairs' scores added up
    (trios' third members not counted); upper_bound: a proven bound on the best total of any
    matching of these people (== total when exact); method: "exact" or "k-best"."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    trios: list[tuple[int, int, int]] = field(default_factory=list)
    waiting: dict[int, str] = field(default_factory=dict)
    total: int = 0
    upper_bound: float = 0.0
    method: str = "exact"

    @property
    def share(self) -> float:
        """total / upper_bound (1.0 for an empty pool)."""
        return 1.0 if self.upper_bound == 0 else self.total / self.upper_bound


def _order_key(seed: int, key: int) -> bytes:
    return hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).digest()


def ordered(people: Iterable[Person], seed: int) -> list[Person]:
    """People in the run's order: by a hash of (seed, key), then key."""
    return sorted(people, key=lambda p: (_order_key(seed, p.key), p.key))


def _pairs_from(mate: dict[int, int]) -> list[tuple[int, int]]:
    return sorted({(min(a, b), max(a, b)) for a, b in mate.items()})


# ------------------------------------------------------------------------------- exact


def exact_pairs(people: Sequence[Person], seed: int = 0) -> list[tuple[int, int]]:
    """The maximum-weight matching over every allowed pair (networkx; fine to ~EXACT_LIMIT)."""
    import networkx as nx

    order = ordered(people, seed)
    graph = nx.Graph()
    graph.add_nodes_from(p.key for p in order)
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            w = score(a, b)
            if w is not None:
                graph.add_edge(a.key, b.key, weight=w)
    found = nx.max_weight_matching(graph, maxcardinality=False, weight="weight")
    return sorted((min(a, b), max(a, b)) for a, b in found)


# ------------------------------------------------------------------------------- k-best

_WISH = {SAME: 0, DIFFERENT: 1, ANY: 2}  # any other wish counts as "any", as in _wish_points


def _bits(order: Sequence[Person], terms: Callable[[Person], frozenset[Any]], vocab: dict[Any, int]) -> np.ndarray:
    """Each person's terms as a bitset: a (words, n) uint32 array, term t at bit t % 32 of word t // 32."""
    import numpy as np

    out = np.zeros((max(1, (len(vocab) + 31) // 32), len(order)), dtype=np.uint32)
    for i, p in enumerate(order):
        for t in terms(p):
            b = vocab[t]
            out[b // 32, i] |= np.uint32(1 << (b % 32))
    return out


def _capped(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """min(CAP, terms in common) of bitsets x and y (broadcast), summed over the words."""
    import numpy as np

    count = np.bitwise_count(x[0] & y[0])
    for w in range(1, x.shape[0]):
        count += np.bitwise_count(x[w] & y[w])
    return np.minimum(count, CAP, out=count)


def _spans(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The entries of some rows of a CSR structure: (which of `rows` each belongs to, its index)."""
    import numpy as np

    lens = indptr[rows + 1] - indptr[rows]
    firsts = np.cumsum(lens) - lens
    index = np.repeat(indptr[rows] - firsts, lens) + np.arange(int(lens.sum()))
    return np.repeat(np.arange(len(rows)), lens), index


class _Shared:
    """Memberships (groups, or vetted groups) both ways as CSR arrays, to list who shares one."""

    def __init__(self, order: Sequence[Person], groups: Callable[[Person], frozenset[int]]) -> None:
        import numpy as np

        held = [sorted(groups(p)) for p in order]
        names = sorted({g for gs in held for g in gs})
        index = {g: i for i, g in enumerate(names)}
        self.of_person = np.array([index[g] for gs in held for g in gs], dtype=np.intp)
        self.person_ptr = np.concatenate([[0], np.cumsum([len(gs) for gs in held])]).astype(np.intp)
        by_group = np.argsort(self.of_person, kind="stable")
        owner = np.repeat(np.arange(len(order)), np.diff(self.person_ptr))
        self.members = owner[by_group]  # people of each group, in position order
        self.group_ptr = np.concatenate([[0], np.cumsum(np.bincount(self.of_person, minlength=len(names)))]).astype(
            np.intp
        )

    def cells(self, lo: int, hi: int, start: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Cells (row - lo) * width + (column - start) of people lo..hi-1 against columns from
        `start` who share at least one group, and how many they share."""
        import numpy as np

        row, at = _spans(self.person_ptr, np.arange(lo, hi))
        k, member_at = _spans(self.group_ptr, self.of_person[at])
        col = self.members[member_at]
        keep = col >= start
        return np.unique((row[k][keep] * width + col[keep] - start), return_counts=True)


class _Arrays:
    """The pool as numpy columns, to score a block of rows at once: tables over the few kinds
    of (UTC offset, window) and of (day, stage, field, wish), language and term bitsets, and
    group memberships (sparse: each person is in a few of many groups)."""

    def __init__(self, order: Sequence[Person]) -> None:
        import numpy as np

        self.people = order
        self.n = len(order)
        self.index = {p.key: i for i, p in enumerate(order)}
        # Window and time points depend only on each side's (offset, window): -1 outside either.
        zones = sorted({(p.utc_offset, p.max_offset_hours) for p in order})
        zone_of = {z: i for i, z in enumerate(zones)}
        self.zone = np.array([zone_of[(p.utc_offset, p.max_offset_hours)] for p in order], dtype=np.intp)
        z = np.array(zones, dtype=np.int64).reshape(-1, 2)
        gap = np.abs(z[:, None, 0] - z[None, :, 0])
        fits = gap <= 60 * np.minimum(z[:, None, 1], z[None, :, 1])
        points = BASE + TIME_POINTS * np.maximum(0, DAY_HOURS * 60 - gap) // (DAY_HOURS * 60)
        self.zone_table = np.where(fits, points, -1).astype(np.int16)
        # Day, stage and field points depend only on each side's (day, stage, field, wish).
        fields = {f: i + 1 for i, f in enumerate(sorted({p.field for p in order if p.field}))}

        def kind(p: Person) -> tuple[int, int, int, int]:
            return (p.checkin_day, p.stage, fields.get(p.field, 0), _WISH.get(p.field_preference, 2))

        kinds = sorted({kind(p) for p in order})
        kind_of = {k: i for i, k in enumerate(kinds)}
        self.kind = np.array([kind_of[kind(p)] for p in order], dtype=np.intp)
        day, stage, fld, wish = (np.array(kinds, dtype=np.int64).reshape(-1, 4)[:, c] for c in range(4))
        stage_gap = np.abs(stage[:, None] - stage[None, :])
        same_field = fld[:, None] == fld[None, :]
        self.kind_table = (
            np.where(day[:, None] == day[None, :], SAME_DAY_POINTS, 0)
            + np.where(stage_gap == 0, SAME_STAGE_POINTS, np.where(stage_gap == 1, NEAR_STAGE_POINTS, 0))
            + self._wish(wish[:, None], fld[:, None] != 0, same_field)
            + self._wish(wish[None, :], fld[None, :] != 0, same_field)
        ).astype(np.int16)
        langs = sorted({c for p in order for c in p.languages})
        self.langs = _bits(order, lambda p: p.languages, {c: i for i, c in enumerate(langs)})
        vocab = sorted(
            {t for p in order for t in p.targets_public | p.targets_members | p.expertise_public | p.expertise_members}
        )
        term = {t: i for i, t in enumerate(vocab)}
        self.t_pub = _bits(order, lambda p: p.targets_public, term)
        self.t_all = _bits(order, lambda p: p.targets_public | p.targets_members, term)
        self.e_pub = _bits(order, lambda p: p.expertise_public, term)
        self.e_all = _bits(order, lambda p: p.expertise_public | p.expertise_members, term)
        self.groups = _Shared(order, lambda p: p.groups)
        self.closed = _Shared(order, lambda p: p.closed_groups)
        # The same memberships as bitsets, for scoring scattered pairs (`pairs`).
        group_ids = sorted({g for p in order for g in p.groups | p.closed_groups})
        group_bit = {g: i for i, g in enumerate(group_ids)}
        self.group_bits = _bits(order, lambda p: p.groups, group_bit)
        self.closed_bits = _bits(order, lambda p: p.closed_groups, group_bit)
        recent = sorted(
            {(i, j) for i, p in enumerate(order) for key in p.recent if (j := self.index.get(key)) is not None}
            | {(j, i) for i, p in enumerate(order) for key in p.recent if (j := self.index.get(key)) is not None}
        )
        self.recent = np.array(recent, dtype=np.intp).reshape(-1, 2)

    @staticmethod
    def _wish(wish: np.ndarray, has_field: np.ndarray, same_field: np.ndarray) -> np.ndarray:
        import numpy as np

        met = np.where(wish == 0, same_field & has_field, ~same_field)
        return np.where(wish == 2, FIELD_ANY_POINTS, np.where(met, FIELD_WISH_POINTS, 0))

    def _terms(self, rows: Any, cols: Any, mine: slice | np.ndarray, theirs: slice | np.ndarray) -> np.ndarray:
        """Complement and shared-target points from the term bitsets `rows` x `cols` (public
        terms, or everything members may see), for the people at `mine` against `theirs`."""
        t_rows, e_rows = rows
        t_cols, e_cols = cols
        points = _capped(e_rows[:, mine], t_cols[:, theirs])
        points += _capped(t_rows[:, mine], e_cols[:, theirs])
        points *= COMPLEMENT_POINTS
        shared = _capped(t_rows[:, mine], t_cols[:, theirs])
        shared *= SHARED_TARGET_POINTS
        points += shared
        return points

    def pairs(self, mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
        """Scores of scattered pairs (positions mine[t], theirs[t]): an int16 array, -1 where
        the pair is not allowed. Equal to `score` pair by pair (tests/buddies check it)."""
        import numpy as np

        s = self.zone_table[self.zone[mine], self.zone[theirs]]
        allowed = (s >= 0) & (mine != theirs)
        common = np.zeros(len(mine), dtype=bool)
        for word in self.langs:
            common |= (word[mine] & word[theirs]) != 0
        allowed &= common
        if len(self.recent):
            codes = mine * self.n + theirs
            known = self.recent[:, 0] * self.n + self.recent[:, 1]  # sorted: recent is
            at = np.minimum(np.searchsorted(known, codes), len(known) - 1)
            allowed &= known[at] != codes
        s += self.kind_table[self.kind[mine], self.kind[theirs]]
        groups = np.zeros(len(mine), dtype=np.int64)
        vetted = np.zeros(len(mine), dtype=bool)
        for w in range(self.group_bits.shape[0]):
            groups += np.bitwise_count(self.group_bits[w, mine] & self.group_bits[w, theirs])
            vetted |= (self.closed_bits[w, mine] & self.closed_bits[w, theirs]) != 0
        s += (GROUP_POINTS * np.minimum(CAP, groups)).astype(np.int16)
        pub = (self.t_pub, self.e_pub)
        every = (self.t_all, self.e_all)
        s += np.where(vetted, self._terms(every, every, mine, theirs), self._terms(pub, pub, mine, theirs)).astype(
            np.int16
        )
        s[~allowed] = -1
        return s

    def rows(self, lo: int, hi: int, start: int = 0) -> np.ndarray:
        """Scores of people lo..hi-1 against people start..n-1: a (hi-lo) x (n-start) int16
        array, -1 where the pair is not allowed. Equal to `score` pair by pair (tests/buddies
        check it)."""
        import numpy as np

        n, r, c = self.n, slice(lo, hi), slice(start, self.n)
        width = n - start
        s = np.take(self.zone_table[self.zone[r]], self.zone[c], axis=1)
        allowed = s >= 0
        for word in self.langs:
            allowed &= (word[r, None] & word[None, c]) != 0
        me = np.arange(max(lo, start), hi)
        allowed[me - lo, me - start] = False
        first, last = np.searchsorted(self.recent[:, 0], (lo, hi))
        pairs = self.recent[first:last]
        pairs = pairs[pairs[:, 1] >= start]
        allowed[pairs[:, 0] - lo, pairs[:, 1] - start] = False
        s += np.take(self.kind_table[self.kind[r]], self.kind[c], axis=1)
        pub = (self.t_pub, self.e_pub)
        s += self._terms(
            (self.t_pub[:, r, None], self.e_pub[:, r, None]), (self.t_pub[:, None, c], self.e_pub[:, None, c]),
            slice(None), slice(None),
        )  # fmt: skip
        flat = s.reshape(-1)
        cells, shared = self.groups.cells(lo, hi, start, width)
        flat[cells] += (GROUP_POINTS * np.minimum(CAP, shared)).astype(np.int16)
        # Where two share a vetted group each sees what the other shows members: those few
        # cells are scored again with every term members may see.
        cells, _ = self.closed.cells(lo, hi, start, width)
        if len(cells):
            mine, theirs = cells // width + lo, cells % width + start
            every = (self.t_all, self.e_all)
            flat[cells] += (self._terms(every, every, mine, theirs) - self._terms(pub, pub, mine, theirs)).astype(
                np.int16
            )
        s[~allowed] = -1
        return s


def score_rows(people: Sequence[Person], block: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, scores) blocks over the whole pool, in the given order (for tests, the
    benchmark and the k-best method). Rows per block keep each block near a million cells."""
    arrays = _Arrays(people)
    step = block or max(8, 1_000_000 // max(1, arrays.n))
    for lo in range(0, arrays.n, step):
        yield lo, arrays.rows(lo, min(arrays.n, lo + step))


def _top(block: np.ndarray, k: int) -> np.ndarray:
    """Column positions of each row's k largest values (ties at the k-th: any, the same on
    every run). The row is cut into chunks of 64; the k chunks with the largest maxima hold
    a k largest (any value above the k-th largest chunk maximum lies in one of them), so the
    exact selection runs on k * 64 columns instead of all of them."""
    import numpy as np

    rows, width = block.shape
    size = 64
    chunks = -(-width // size)
    if chunks <= 2 * k:
        return np.argpartition(block, width - k, axis=1)[:, width - k :]
    padded = np.full((rows, chunks * size), np.iinfo(block.dtype).min, dtype=block.dtype)
    padded[:, :width] = block
    tiles = padded.reshape(rows, chunks, size)
    best = np.argpartition(tiles.max(axis=2), chunks - k, axis=1)[:, chunks - k :]
    near = np.take_along_axis(tiles, best[:, :, None], axis=1).reshape(rows, k * size)
    pick = np.argpartition(near, k * size - k, axis=1)[:, k * size - k :]
    return np.take_along_axis(best, pick // size, axis=1) * size + pick % size  # type: ignore[no-any-return]


def kbest_graph(arrays: _Arrays, k: int = K_BEST) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each person's k best allowed partners (ties at the k-th score: any of them, the same
    on every run), as edge arrays (i, j, weight) over positions, i < j, each edge once,
    sorted; and each person's k-th best score (0 when they have fewer than k allowed
    partners): every allowed pair left out weighs at most the k-th best of both its people."""
    import numpy as np

    n = arrays.n
    found: list[np.ndarray] = []
    kth = np.zeros(n, dtype=np.int64)
    step = max(8, 1_000_000 // max(1, n))
    take = min(k, n)
    for lo in range(0, n, step):
        block = arrays.rows(lo, min(n, lo + step))
        if take == 0:
            continue
        top = _top(block, take)
        weight = np.take_along_axis(block, top, axis=1)
        kth[lo : lo + block.shape[0]] = np.maximum(weight.min(axis=1), 0)
        row = np.broadcast_to(np.arange(lo, lo + block.shape[0])[:, None], top.shape)
        keep = weight >= 0
        i, j = row[keep], top[keep]
        found.append(np.stack([np.minimum(i, j), np.maximum(i, j), weight[keep]]))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, kth
    edges = np.concatenate(found, axis=1).astype(np.int64)
    keys, first = np.unique(edges[0] * n + edges[1], return_index=True)
    return keys // n, keys % n, edges[2, first], kth


def _csr(n: int, i: np.ndarray, j: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both directions of each edge as CSR arrays: (row starts, neighbours, weights as floats)."""
    import numpy as np

    src, dst = np.concatenate([i, j]), np.concatenate([j, i])
    weight = np.concatenate([w, w]).astype(np.float64)
    order = np.lexsort((dst, src))
    indptr = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst[order], weight[order]


def _auction(n: int, indptr: np.ndarray, nbr: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bertsekas' auction on the bipartite double cover of the sparse graph: person u (as
    bidder) takes person v (as object) at weight w(u, v), or nobody at 0. Returns (each
    bidder's object or -1, each object's price). Each unassigned bidder offers its best
    object's price plus the margin over its second best (or over staying single) plus
    epsilon; the object goes to the highest offer and its holder bids again. At the end every
    assigned bidder's object is within epsilon of its best (epsilon-complementary slackness),
    so prices and profits are close to an optimal dual (within n * epsilon); `_dual` makes
    them exactly feasible, and the bound never relies on closeness. One phase at epsilon =
    heaviest edge / AUCTION_STEPS (the benchmark's 10,000 people: under a second, the dual
    within 0.1% of the LP optimum; two scaled phases took three times as long for 0.03%).
    While many bid, all bid at once in numpy (Jacobi); the long tail of a few at a time runs
    one bid after another in plain Python (Gauss-Seidel), where numpy's per-call cost would
    dominate. Ties go to the first neighbour in position order, then to the earlier bidder."""
    import numpy as np

    deg = np.diff(indptr)
    price = np.zeros(n)
    assigned = np.full(n, -1, dtype=np.intp)
    owner = np.full(n, -1, dtype=np.intp)
    eps = (float(w.max()) if len(w) else 0.0) / AUCTION_STEPS
    out = deg == 0  # bidders for whom nobody is worth more than staying single
    while True:
        bidders = np.nonzero((assigned < 0) & ~out)[0]
        if len(bidders) <= 32:
            break
        which, at = _spans(indptr, bidders)
        firsts = np.cumsum(deg[bidders]) - deg[bidders]
        value = w[at] - price[nbr[at]]
        best = np.maximum.reduceat(value, firsts)
        spot = np.where(value == best[which], np.arange(len(at)), len(at))
        pick = np.minimum.reduceat(spot, firsts)
        value[pick] = -np.inf
        second = np.maximum(np.maximum.reduceat(value, firsts), 0.0)
        gives_up = best <= 0
        out[bidders[gives_up]] = True
        bids = ~gives_up
        if not bids.any():
            continue
        bidders, target = bidders[bids], nbr[at[pick[bids]]]
        offer = price[target] + best[bids] - second[bids] + eps
        # Each object goes to its highest offer (ties: the earlier bidder).
        order = np.lexsort((bidders, -offer, target))
        bidders, target, offer = bidders[order], target[order], offer[order]
        wins = np.ones(len(target), dtype=bool)
        wins[1:] = target[1:] != target[:-1]
        bidders, target, offer = bidders[wins], target[wins], offer[wins]
        losers = owner[target]
        assigned[losers[losers >= 0]] = -1
        owner[target] = bidders
        assigned[bidders] = target
        price[target] = offer
    # The tail, one bid at a time.
    ptr: list[int] = indptr.tolist()
    nb: list[int] = nbr.tolist()
    wl: list[float] = w.tolist()
    price_l: list[float] = price.tolist()
    owner_l: list[int] = owner.tolist()
    assigned_l: list[int] = assigned.tolist()
    queue = deque(bidders.tolist())
    while queue:
        u = queue.popleft()
        top1, top2, target = -math.inf, -math.inf, -1
        for t in range(ptr[u], ptr[u + 1]):
            gain = wl[t] - price_l[nb[t]]
            if gain > top1:
                top1, top2, target = gain, top1, nb[t]
            elif gain > top2:
                top2 = gain
        if top1 <= 0:
            continue  # stays single
        price_l[target] += top1 - (top2 if top2 > 0 else 0.0) + eps
        loser = owner_l[target]
        if loser >= 0:
            assigned_l[loser] = -1
            queue.append(loser)
        owner_l[target], assigned_l[u] = u, target
    return np.array(assigned_l, dtype=np.intp), np.array(price_l)


def _dual(indptr: np.ndarray, nbr: np.ndarray, w: np.ndarray, price: np.ndarray) -> np.ndarray:
    """A feasible dual of the fractional matching LP on the sparse graph, from the auction's
    prices: y(v) = (profit(v) + price(v)) / 2, where profit(u) = max(0, max over u's edges of
    w(u, v) - price(v)). For an edge (u, v): profit(u) >= w - price(v) and profit(v) >= w -
    price(u), so y(u) + y(v) >= w. Prices of objects nobody holds are first lowered to what
    the profits need (a step that keeps the pair feasible)."""
    import numpy as np

    n = len(price)
    rows = np.nonzero(np.diff(indptr))[0]

    def best(values: np.ndarray) -> np.ndarray:
        out = np.zeros(n)
        if len(rows):
            out[rows] = np.maximum.reduceat(values, indptr[rows])
        return np.maximum(out, 0.0)

    profit = best(w - price[nbr])
    for _ in range(2):
        price = best(w - profit[nbr])
        profit = best(w - price[nbr])
    return (profit + price) / 2


def _rounded(assigned: np.ndarray, weight: dict[tuple[int, int], int]) -> list[int]:
    """A matching (mate[i] = partner or -1) from the auction's assignment. The assignment on
    the double cover is a half-integral fractional matching: each person takes one and is
    taken by one, so it falls into paths and cycles; a cycle of two is a pair. Each longer
    path or even cycle keeps the better half of its edges (worth at least its fractional
    value); an odd cycle of length L keeps the best (L - 1) / 2 alternating edges, leaving one
    person to the repairs of `_repaired`."""
    n = len(assigned)
    succ = assigned.tolist()
    pred = [-1] * n
    for u, v in enumerate(succ):
        if v >= 0:
            pred[v] = u
    seen = [False] * n
    parts: list[tuple[list[int], bool]] = []
    for first in [v for v in range(n) if pred[v] < 0] + list(range(n)):
        if seen[first]:
            continue
        walk, v = [], first
        while v >= 0 and not seen[v]:
            seen[v] = True
            walk.append(v)
            v = succ[v]
        parts.append((walk, v == first))
    mate = [-1] * n
    for walk, cycle in parts:
        ends = list(zip(walk, walk[1:] + walk[:1], strict=True)) if cycle else list(itertools.pairwise(walk))
        ws = [weight[(min(a, b), max(a, b))] for a, b in ends]
        m = len(ends)
        if m == 0:
            continue
        if cycle and m % 2:
            # Odd cycle: options skip one person each; option s keeps edges s, s+2, ..., s+m-3.
            twice = ws + ws
            every_other = [0] * (2 * m)
            for i, x in enumerate(twice):
                every_other[i] = x + (every_other[i - 2] if i >= 2 else 0)
            totals = [every_other[s + m - 3] - (every_other[s - 2] if s >= 2 else 0) for s in range(m)]
            s = max(range(m), key=lambda t: (totals[t], -t))
            chosen = [(s + 2 * t) % m for t in range((m - 1) // 2)]
        else:
            even, odd = sum(ws[0::2]), sum(ws[1::2])
            chosen = list(range(0 if even >= odd else 1, m, 2))
        for e in chosen:
            a, b = ends[e]
            mate[a], mate[b] = b, a
    return mate


def _repaired(mate: list[int], adj: list[dict[int, int]]) -> None:
    """Pair up whoever the rounding left single, in place: heaviest allowed edges between
    two singles first, then, for each single a, the best move a-c (c's partner d either
    pairs with a single f or waits) where it gains."""
    singles = [v for v in range(len(mate)) if mate[v] < 0 and adj[v]]
    between = sorted((-x, a, b) for a in singles for b, x in adj[a].items() if a < b and mate[b] < 0)
    for _, a, b in between:
        if mate[a] < 0 and mate[b] < 0:
            mate[a], mate[b] = b, a
    changed = True
    while changed:
        changed = False
        for a in singles:
            if mate[a] >= 0:
                continue
            best_gain, best_move = 0, None
            for c, wac in adj[a].items():
                d = mate[c]
                if d < 0:
                    gain, move = wac, (c, -1, -1)
                else:
                    f, wdf = max(
                        ((f, x) for f, x in adj[d].items() if mate[f] < 0 and f != a), key=lambda t: (t[1], -t[0]),
                        default=(-1, 0),
                    )  # fmt: skip
                    gain, move = wac - adj[c][d] + wdf, (c, d, f)
                if gain > best_gain:
                    best_gain, best_move = gain, move
            if best_move is not None:
                c, d, f = best_move
                mate[a], mate[c] = c, a
                if d >= 0:
                    mate[d] = -1
                    if f >= 0:
                        mate[d], mate[f] = f, d
                changed = True


def _bound(arrays: _Arrays, y: np.ndarray, kth: np.ndarray, sparse: tuple[np.ndarray, ...] = ()) -> float:
    """A proven upper bound on the total of ANY matching of the whole pool, from y feasible
    on the sparse graph. Each person i's y is raised by the most any allowed pair (i, j > i)
    is left uncovered: raise(i) = max(0, max over allowed j > i of w(i, j) - y(i) - y(j)).
    Then y'(i) + y'(j) >= y(i) + raise(i) + y(j) >= w(i, j) for every allowed pair: y' is a
    feasible solution of the dual of the fractional matching LP (minimise sum y, y >= 0,
    y(i) + y(j) >= w(i, j)), and by weak duality sum(y') bounds every fractional matching, so
    every matching: each pair (i, j) of a matching weighs at most y'(i) + y'(j), and its
    pairs share no one.
    Which pairs are checked: the pairs of the sparse graph (`sparse`: arrays i < j, w), all
    of them, so the bound does not rest on y's floating-point arithmetic; and among the pairs
    left out, only those with y(i) + y(j) < min(kth(i), kth(j)) can be uncovered, since one
    left out weighs at most both people's k-th best score. So a pass over every pair (i < j,
    in blocks of rows) compares only y and kth, and just those candidate pairs are scored
    (`_Arrays.pairs`): on the benchmark's pools 2% of them.
    y is first rounded up to a multiple of 1/1024 (still feasible), so every sum below is
    exact in floating point (scores and y stay far below 2**13: inside float32's 24 bits)."""
    import numpy as np

    n = arrays.n
    y = np.ceil(np.asarray(y, dtype=np.float64) * 1024) / 1024
    y32 = y.astype(np.float32)
    k32 = kth.astype(np.float32)
    raised = np.zeros(n)
    if sparse and len(sparse[0]):
        i, j, w = sparse
        np.maximum.at(raised, i, (w.astype(np.float32) - y32[i] - y32[j]).astype(np.float64))
    step = max(8, 1_000_000 // max(1, n))
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        reach = np.minimum(k32[lo:hi, None], k32[None, lo:]) - y32[lo:hi, None]
        reach -= y32[None, lo:]
        mine, theirs = np.nonzero(reach > 0)
        later = theirs > mine  # j > i only: each pair once
        mine, theirs = mine[later] + lo, theirs[later] + lo
        if not len(mine):
            continue
        w = arrays.pairs(mine, theirs).astype(np.float32)
        gap = np.where(w >= 0, w - y32[mine] - y32[theirs], 0).astype(np.float64)
        np.maximum.at(raised, mine, gap)
    return float(y.sum()) + float(raised.sum())


def _exact_rest(
    mate: list[int], assigned: np.ndarray, y: np.ndarray, weight: dict[tuple[int, int], int], limit: int
) -> None:
    """Re-pair exactly, in place, everyone the auction did not pair both ways (not in a cycle
    of two), together with the auction's pairs next to them by a nearly tight edge (y(u) +
    y(v) - w(u, v) <= SLACK: by complementary slackness the edges an optimum may swap in),
    by rustworkx's max_weight_matching (Edmonds' blossom algorithm, in Rust) on the sparse
    graph among them. On the benchmark's 10,000 people: 2,800 of them, 0.7 s on a busy machine.
    Above `limit` people only the first group is taken, and above that nothing (the blossom
    algorithm's time grows fast: 34 s for the whole 10,000-person sparse graph)."""
    import rustworkx as rx

    partner = assigned.tolist()
    rest = {v for v, u in enumerate(partner) if u < 0 or partner[u] != v}
    near = set(rest)
    for (a, b), x in weight.items():
        if (a in rest) != (b in rest) and y[a] + y[b] - x <= SLACK:
            other = b if a in rest else a
            near |= {other, partner[other]}
    chosen = sorted(near if len(near) <= limit else rest)
    if not chosen or len(chosen) > limit:
        return
    at = {v: i for i, v in enumerate(chosen)}
    graph = rx.PyGraph()
    graph.add_nodes_from(chosen)
    graph.add_edges_from([(at[a], at[b], x) for (a, b), x in weight.items() if a in at and b in at])
    for v in chosen:
        mate[v] = -1
    for a, b in rx.max_weight_matching(graph, weight_fn=int):
        mate[chosen[a]], mate[chosen[b]] = chosen[b], chosen[a]


def kbest_pairs(
    people: Sequence[Person],
    seed: int = 0,
    k: int = K_BEST,
    arrays: _Arrays | None = None,
    subproblem_limit: int = SUBPROBLEM_LIMIT,
) -> tuple[list[tuple[int, int]], float]:
    """The k-best method (module docstring): pairs as keys, and the proven upper bound.
    `arrays`, when given, must be _Arrays(ordered(people, seed))."""
    order = ordered(people, seed)
    arrays = arrays or _Arrays(order)
    n = len(order)
    i, j, w, kth = kbest_graph(arrays, k)
    indptr, nbr, weights = _csr(n, i, j, w)
    assigned, price = _auction(n, indptr, nbr, weights)
    weight = {(a, b): x for a, b, x in zip(i.tolist(), j.tolist(), w.tolist(), strict=True)}
    y = _dual(indptr, nbr, weights, price)
    mate = _rounded(assigned, weight)
    _exact_rest(mate, assigned, y, weight, subproblem_limit)
    adj: list[dict[int, int]] = [{} for _ in range(n)]
    for (a, b), x in weight.items():
        adj[a][b] = x
        adj[b][a] = x
    _repaired(mate, adj)
    bound = _bound(arrays, y, kth, (i, j, w))
    pairs = sorted(
        (min(order[a].key, order[m].key), max(order[a].key, order[m].key)) for a, m in enumerate(mate) if m > a
    )
    return pairs, bound


# ------------------------------------------------------------------------------- the run


def _reason_waiting(p: Person, others: Sequence[Person]) -> str:
    """Why p has no buddy this time (a code; models.WAITING_REASONS says it in words)."""
    reasons = {blocked(p, q) for q in others if q.key != p.key}
    if None in reasons:
        return "outmatched"
    if not others or reasons <= {"self"}:
        return "alone"
    if "recent" in reasons:
        return "recent"
    if "language" in reasons:
        return "language"
    return "window"


def _joining(p: Person, pairs: list[tuple[int, int]], by_key: dict[int, Person], arrays: _Arrays | None,
             at: tuple[Any, Any] | None) -> list[int]:  # fmt: skip
    """What p adds to each pair by joining it (p's scores with both), -1 where p may not
    join: from p's row of `arrays` when given (`at`: the pairs' positions in it), else the
    plain function."""
    if arrays is None or at is None:
        out = []
        for a, b in pairs:
            wa, wb = score(p, by_key[a]), score(p, by_key[b])
            out.append(-1 if wa is None or wb is None else wa + wb)
        return out
    import numpy as np

    i = arrays.index[p.key]
    row = arrays.rows(i, i + 1)[0].astype(np.int64)
    wa, wb = row[at[0]], row[at[1]]
    return np.where((wa >= 0) & (wb >= 0), wa + wb, -1).tolist()  # type: ignore[no-any-return]


def match(people: Sequence[Person], *, seed: int = 0, exact_limit: int = EXACT_LIMIT, k: int = K_BEST) -> Result:
    """Pair the pool: see the module docstring. Keys must be distinct."""
    if len({p.key for p in people}) != len(people):
        raise ValueError("Each person once.")
    by_key = {p.key: p for p in people}
    arrays: _Arrays | None = None
    if len(people) <= exact_limit:
        pairs = exact_pairs(people, seed)
        total = sum(score(by_key[a], by_key[b]) or 0 for a, b in pairs)
        result = Result(pairs=pairs, total=total, upper_bound=float(total), method="exact")
    else:
        arrays = _Arrays(ordered(people, seed))
        pairs, bound = kbest_pairs(people, seed, k, arrays)
        total = sum(score(by_key[a], by_key[b]) or 0 for a, b in pairs)
        result = Result(pairs=pairs, total=total, upper_bound=bound, method="k-best")
    paired = {key for pair in pairs for key in pair}
    order = ordered(people, seed)
    left = [p for p in order if p.key not in paired]
    taken: set[tuple[int, int]] = set()
    # A large pool's leftovers are scored against everyone in numpy, a row each (arrays).
    at = None
    if arrays is not None and left:
        import numpy as np

        at = (np.array([arrays.index[a] for a, _ in pairs], dtype=np.intp),
              np.array([arrays.index[b] for _, b in pairs], dtype=np.intp))  # fmt: skip
    for p in left:
        # The pair p adds most to (the first such), among those no one has joined yet.
        best: tuple[int, tuple[int, int]] | None = None
        for gain, pair in zip(_joining(p, pairs, by_key, arrays, at), pairs, strict=True):
            if gain >= 0 and pair not in taken and (best is None or gain > best[0]):
                best = (gain, pair)
        if best is None:
            result.waiting[p.key] = _reason_waiting(p, people)
        else:
            taken.add(best[1])
            result.trios.append((best[1][0], best[1][1], p.key))
    return result
