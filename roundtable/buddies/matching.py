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
    Larger pools: the k-best method. Everyone's score against everyone is computed in numpy,
    a block of rows at a time (memory O(n) per row, never the n x n matrix); each person keeps
    their K_BEST best allowed partners; on that sparse graph a greedy matching (least regret
    first: `kbest_pairs`) is improved by augmenting moves until none gains (`_improve`). At
    that point no edge (a, c) outweighs the matched edges at a and c together, so the answer is
    at least half the optimum of the sparse graph (each of our edges is next to at most two
    edges of any other matching). It is not trusted but checked against
    UPPER BOUND, any feasible solution y of the dual of the matching LP over the FULL graph
    (y(u) + y(v) >= w(u, v) for every allowed pair), whose sum bounds every matching: each
    pair (u, v) of it weighs at most y(u) + y(v), and its pairs are disjoint. It starts from
    y(v) = best(v) / 2 (the plain "half the sum of everyone's best") and is lowered vertex by
    vertex where that stays feasible (`dual_bound`).
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
from collections import defaultdict
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


class _Postings:
    """For one kind of term (groups, target terms...): each person's terms, and for each term
    the positions of the people who have it. `count(block, other)` answers, for each person of
    the block, how many of their terms each person has in `other`'s postings: the product of
    two sparse incidence matrices, by adding up postings (people hold a few terms each)."""

    def __init__(self, order: Sequence[Person], terms: Callable[[Person], frozenset[Any]]) -> None:
        import numpy as np

        self.of = [terms(p) for p in order]
        rows: dict[Any, list[int]] = defaultdict(list)
        for i, held in enumerate(self.of):
            for t in held:
                rows[t].append(i)
        self.rows = {t: np.array(v, dtype=np.intp) for t, v in rows.items()}

    def count(self, lo: int, hi: int, other: _Postings, n: int) -> np.ndarray:
        import numpy as np

        out = np.zeros((hi - lo, n), dtype=np.int32)
        for b in range(hi - lo):
            for t in self.of[lo + b]:
                found = other.rows.get(t)
                if found is not None:
                    out[b, found] += 1
        return out


class _Arrays:
    """The pool as numpy columns and term postings, to score a block of rows at once."""

    def __init__(self, order: Sequence[Person]) -> None:
        import numpy as np

        self.people = order
        self.n = len(order)
        self.index = {p.key: i for i, p in enumerate(order)}
        self.offset = np.array([p.utc_offset for p in order], dtype=np.int32)
        self.window = np.array([60 * p.max_offset_hours for p in order], dtype=np.int32)
        # Day, stage and field points depend only on each side's (day, stage, field, wish):
        # one table over the kinds present, built with the plain functions, then one lookup.
        kinds = sorted({(p.checkin_day, p.stage, p.field, p.field_preference) for p in order})
        kind_index = {k: i for i, k in enumerate(kinds)}
        self.kind = np.array([kind_index[(p.checkin_day, p.stage, p.field, p.field_preference)] for p in order])
        samples = [Person(key=-1 - i, checkin_day=d, stage=st, field=f, field_preference=w)
                   for i, (d, st, f, w) in enumerate(kinds)]  # fmt: skip
        self.table = np.array(
            [[day_points(a, b) + stage_points(a, b) + field_points(a, b) for b in samples] for a in samples],
            dtype=np.int32,
        ).reshape(len(kinds), len(kinds))
        langs = {code: bit for bit, code in enumerate(sorted({c for p in order for c in p.languages}))}
        if len(langs) > 63:
            raise ValueError("At most 63 distinct languages in one pool.")
        self.langs = np.array([sum(1 << langs[c] for c in p.languages) for p in order], dtype=np.int64)
        self.groups = _Postings(order, lambda p: p.groups)
        self.closed = _Postings(order, lambda p: p.closed_groups)
        self.t_pub = _Postings(order, lambda p: p.targets_public)
        self.t_all = _Postings(order, lambda p: p.targets_public | p.targets_members)
        self.e_pub = _Postings(order, lambda p: p.expertise_public)
        self.e_all = _Postings(order, lambda p: p.expertise_public | p.expertise_members)

    def rows(self, lo: int, hi: int) -> np.ndarray:
        """Scores of people lo..hi-1 against everyone: a (hi-lo) x n int32 array, -1 where
        the pair is not allowed. Equal to `score` pair by pair (tests/buddies check it)."""
        import numpy as np

        r = slice(lo, hi)
        gap = np.abs(self.offset[None, :] - self.offset[r, None])
        allowed = gap <= np.minimum(self.window[None, :], self.window[r, None])
        allowed &= (self.langs[None, :] & self.langs[r, None]) != 0
        block = np.arange(hi - lo)
        allowed[block, block + lo] = False
        for b, p in enumerate(self.people[r]):
            for key in p.recent:
                j = self.index.get(key)
                if j is not None:
                    allowed[b, j] = False
        s = (BASE + TIME_POINTS * np.maximum(0, DAY_HOURS * 60 - gap) // (DAY_HOURS * 60)).astype(np.int32)
        s += self.table[self.kind[r, None], self.kind[None, :]]
        n = self.n
        s += GROUP_POINTS * np.minimum(CAP, self.groups.count(lo, hi, self.groups, n))
        vetted = self.closed.count(lo, hi, self.closed, n) > 0
        # What each sees of the other: everything visible to members where they share a
        # vetted group, else what is visible to everyone.
        helps = np.where(vetted, self.e_all.count(lo, hi, self.t_all, n), self.e_pub.count(lo, hi, self.t_pub, n))
        helped = np.where(vetted, self.t_all.count(lo, hi, self.e_all, n), self.t_pub.count(lo, hi, self.e_pub, n))
        s += COMPLEMENT_POINTS * (np.minimum(CAP, helps) + np.minimum(CAP, helped))
        shared = np.where(vetted, self.t_all.count(lo, hi, self.t_all, n), self.t_pub.count(lo, hi, self.t_pub, n))
        s += SHARED_TARGET_POINTS * np.minimum(CAP, shared)
        return np.where(allowed, s, -1).astype(np.int32)


def score_rows(people: Sequence[Person], block: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, scores) blocks over the whole pool, in the given order (for tests and the
    k-best method). Rows per block keep each block near 4 million cells (about 16 MB)."""
    arrays = _Arrays(people)
    step = block or max(8, min(512, 4_000_000 // max(1, arrays.n)))
    for lo in range(0, arrays.n, step):
        yield lo, arrays.rows(lo, min(arrays.n, lo + step))


def kbest_graph(
    people: Sequence[Person], seed: int = 0, k: int = K_BEST
) -> tuple[dict[tuple[int, int], int], list[int], list[int]]:
    """Each person's k best allowed partners over positions in `people`, as {(i, j): score}
    (i < j); each person's best allowed score; and each one's k-th best (0 when they have k
    or fewer allowed partners: then none is left out). Every row is scored whole."""
    import numpy as np

    edges: dict[tuple[int, int], int] = {}
    best: list[int] = []
    kth: list[int] = []
    for lo, block in score_rows(people):
        allowed = (block >= 0).sum(axis=1)
        take = min(k, block.shape[1] - 1) if block.shape[1] > 1 else 0
        if take <= 0:
            best.extend([0] * block.shape[0])
            kth.extend([0] * block.shape[0])
            continue
        # The k best of each row: argpartition, then a stable order by score and position.
        part = np.argpartition(-block, take - 1, axis=1)[:, :take]
        for b in range(block.shape[0]):
            i = lo + b
            row = block[b]
            top = sorted(part[b].tolist(), key=lambda j: (-row[j], j))
            top = [j for j in top if row[j] >= 0]
            best.append(int(row[top[0]]) if top else 0)
            kth.append(int(row[top[-1]]) if top and allowed[b] > k else 0)
            for j in top:
                edges[(min(i, j), max(i, j))] = int(row[j])
    return edges, best, kth


def dual_bound(n: int, edges: dict[tuple[int, int], int], best: list[int], kth: list[int], rounds: int = 3) -> float:
    """A proven upper bound on any matching of the full graph (module docstring): a feasible
    solution y of the matching LP's dual, sum(y). Starts from y = best / 2, then lowers each
    y(v) to the least that keeps every constraint at v: y(u) + y(v) >= w(u, v) for kept edges,
    and y(v) >= kth(v) / 2, which covers every edge not kept (neither end kept it, so its
    weight is at most both ends' k-th best, hence at most (kth(u) + kth(v)) / 2)."""
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for (i, j), w in edges.items():
        adj[i].append((j, w))
        adj[j].append((i, w))
    y = [b / 2 for b in best]
    for _ in range(rounds):
        for v in range(n):
            need = kth[v] / 2
            for u, w in adj[v]:
                need = max(need, w - y[u])
            y[v] = need
    return sum(y)


def _improve(n: int, edges: dict[tuple[int, int], int], mate: list[int]) -> None:
    """Local search on a matching (mate[i] = partner or -1), in place, until no move gains.
    The move, tried for every person a and each neighbour c of theirs: a and c become a pair;
    their old partners b and d (when they had one) either pair with each other, or each take
    their best free neighbour. That is every augmenting path or cycle of up to five edges
    centred on (a, c). Each move strictly raises the total, which is bounded, so it ends."""
    adj: list[dict[int, int]] = [{} for _ in range(n)]
    for (i, j), w in edges.items():
        adj[i][j] = w
        adj[j][i] = w

    def best_free(x: int, avoid: tuple[int, ...]) -> tuple[int, int]:
        found, weight = -1, 0
        for y, w in adj[x].items():
            if mate[y] < 0 and w > weight and y not in avoid:
                found, weight = y, w
        return found, weight

    changed = True
    while changed:
        changed = False
        for a in range(n):
            b = mate[a]
            lose_a = adj[a][b] if b >= 0 else 0
            best_gain, best_move = 0, None
            for c, wac in adj[a].items():
                if c == b:
                    continue
                d = mate[c]
                lose = lose_a + (adj[c][d] if d >= 0 else 0)
                # b and d together, or each with a free neighbour (not the same one).
                together = adj[b].get(d, 0) if b >= 0 and d >= 0 else 0
                fb, wb = best_free(b, (a, c, d)) if b >= 0 else (-1, 0)
                fd, wd = best_free(d, (a, b, c, fb)) if d >= 0 else (-1, 0)
                if fb >= 0 and fb == fd:
                    fd, wd = -1, 0
                apart = wb + wd
                gain = wac - lose + max(together, apart)
                if gain > best_gain:
                    best_gain = gain
                    best_move = (c, d, together >= apart and together > 0, fb, fd)
            if best_move is None:
                continue
            c, d, pair_bd, fb, fd = best_move
            for x in (b, d):
                if x >= 0:
                    mate[x] = -1
            mate[a], mate[c] = c, a
            if pair_bd:
                mate[b], mate[d] = d, b
            else:
                if fb >= 0:
                    mate[b], mate[fb] = fb, b
                if fd >= 0:
                    mate[d], mate[fd] = fd, d
            changed = True


def kbest_pairs(people: Sequence[Person], seed: int = 0, k: int = K_BEST) -> tuple[list[tuple[int, int]], float]:
    """The k-best method (module docstring): pairs as keys, and the proven upper bound."""
    order = ordered(people, seed)
    edges, best, kth = kbest_graph(order, seed, k)
    n = len(order)
    mate = [-1] * n
    # Greedy by least regret: an edge's loss is how far it falls short of each end's best
    # partner; the pairs that cost least come first (then heavier, then by position). On the
    # benchmark's pools this starts the local search closer than heaviest-first did.
    for *_, i, j in sorted(((best[i] - w) + (best[j] - w), -w, i, j) for (i, j), w in edges.items()):
        if mate[i] < 0 and mate[j] < 0:
            mate[i], mate[j] = j, i
    _improve(n, edges, mate)
    bound = dual_bound(n, edges, best, kth)
    pairs = sorted(
        (min(order[i].key, order[m].key), max(order[i].key, order[m].key)) for i, m in enumerate(mate) if m > i
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


def upper_bound(people: Sequence[Person]) -> float:
    """Half the sum of everyone's best allowed score (see the module docstring), by pairs."""
    best: dict[int, int] = {}
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            w = score(a, b)
            if w is not None:
                best[a.key] = max(best.get(a.key, 0), w)
                best[b.key] = max(best.get(b.key, 0), w)
    return sum(best.values()) / 2


def _weights_of(p: Person, by_key: dict[int, Person], arrays: _Arrays | None) -> Callable[[int], int | None]:
    """score(p, someone) by key: from p's row of `arrays` when given, else the plain function."""
    if arrays is None:
        return lambda key: score(p, by_key[key])
    i = arrays.index[p.key]
    row = arrays.rows(i, i + 1)[0]
    return lambda key: int(row[arrays.index[key]]) if row[arrays.index[key]] >= 0 else None


def match(people: Sequence[Person], *, seed: int = 0, exact_limit: int = EXACT_LIMIT, k: int = K_BEST) -> Result:
    """Pair the pool: see the module docstring. Keys must be distinct."""
    if len({p.key for p in people}) != len(people):
        raise ValueError("Each person once.")
    by_key = {p.key: p for p in people}
    if len(people) <= exact_limit:
        pairs = exact_pairs(people, seed)
        total = sum(score(by_key[a], by_key[b]) or 0 for a, b in pairs)
        result = Result(pairs=pairs, total=total, upper_bound=float(total), method="exact")
    else:
        pairs, bound = kbest_pairs(people, seed, k)
        total = sum(score(by_key[a], by_key[b]) or 0 for a, b in pairs)
        result = Result(pairs=pairs, total=total, upper_bound=bound, method="k-best")
    paired = {key for pair in pairs for key in pair}
    order = ordered(people, seed)
    left = [p for p in order if p.key not in paired]
    taken: set[tuple[int, int]] = set()
    # A large pool's leftovers are scored against everyone in numpy, a row each.
    arrays = _Arrays(order) if left and result.method == "k-best" else None
    for p in left:
        weight = _weights_of(p, by_key, arrays)
        best: tuple[int, tuple[int, int]] | None = None
        for a, b in pairs:
            if (a, b) in taken:
                continue
            wa, wb = weight(a), weight(b)
            if wa is None or wb is None:
                continue
            if best is None or wa + wb > best[0]:
                best = (wa + wb, (a, b))
        if best is None:
            result.waiting[p.key] = _reason_waiting(p, people)
        else:
            taken.add(best[1])
            result.trios.append((best[1][0], best[1][1], p.key))
    return result
