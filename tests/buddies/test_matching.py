"""The matching on plain values: scores, constraints, the exact optimum against brute force,
the k-best method's parts (block and pair scoring, top-k, auction, rounding, exact rest) and
its proven bound, odd pools, determinism."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
import numpy as np
import pytest
import rustworkx as rx
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.buddies import matching as m
from roundtable.buddies.matching import Person
from roundtable.buddies.synthetic import realistic_pool

NY, LA, LONDON, CHICAGO = -300, -480, 0, -360


def p(key: int, **kw: object) -> Person:
    return Person(key=key, **kw)  # type: ignore[arg-type]


def test_score_adds_up_each_component() -> None:
    a = p(1, utc_offset=NY, max_offset_hours=3, checkin_day=1, stage=1, field="product", field_preference="same",
          groups=frozenset({7, 8, 9}), targets_public=frozenset({"product"}),
          expertise_public=frozenset({"data"}))  # fmt: skip
    b = p(2, utc_offset=CHICAGO, max_offset_hours=2, checkin_day=1, stage=2, field="product", field_preference="any",
          groups=frozenset({7, 8, 9}), targets_public=frozenset({"product", "data"}))  # fmt: skip
    # base 10; 11 h overlap of 12: 20*660//720 = 18; same day 15; one stage apart 8; field 10 + 5;
    # 3 shared groups capped at 2: 10; a knows data which b targets: 6; shared target product: 4
    assert m.score(a, b) == 10 + 18 + 15 + 8 + 15 + 10 + 6 + 4
    assert m.score(b, a) == m.score(a, b)
    assert m.overlap_hours(a, b) == 11


def test_hard_constraints() -> None:
    ny = p(1, utc_offset=NY, max_offset_hours=3)
    la = p(2, utc_offset=LA, max_offset_hours=3)
    london = p(3, utc_offset=LONDON, max_offset_hours=8)
    assert m.blocked(ny, la) is None  # 3 h apart, both accept 3
    assert m.blocked(ny, london) == "window"  # 5 h apart; New York accepts 3
    assert m.blocked(ny, p(4, utc_offset=NY, languages=frozenset({"es"}))) == "language"
    assert m.blocked(ny, p(5, utc_offset=NY, recent=frozenset({1}))) == "recent"
    assert m.blocked(p(6, recent=frozenset({7})), p(7)) == "recent"
    assert m.score(ny, london) is None


def test_hidden_profile_terms_count_only_between_people_sharing_a_vetted_group() -> None:
    seeker = p(1, targets_public=frozenset({"fintech"}))
    expert = p(2, expertise_members=frozenset({"fintech"}))
    plain = m.score(seeker, expert)
    vetted_seeker = p(1, targets_public=frozenset({"fintech"}), closed_groups=frozenset({5}))
    vetted_expert = p(2, expertise_members=frozenset({"fintech"}), closed_groups=frozenset({5}))
    assert m.score(vetted_seeker, vetted_expert) == (plain or 0) + m.COMPLEMENT_POINTS


def _matchings(keys: list[int]) -> Iterator[list[tuple[int, int]]]:
    """Every matching (not only perfect ones) of the keys."""
    if not keys:
        yield []
        return
    first, rest = keys[0], keys[1:]
    yield from _matchings(rest)  # first stays single
    for i, other in enumerate(rest):
        for tail in _matchings(rest[:i] + rest[i + 1 :]):
            yield [(first, other), *tail]


def brute_force_best(people: list[Person]) -> int:
    by = {x.key: x for x in people}
    best = 0
    for matching in _matchings(sorted(by)):
        scores = [m.score(by[a], by[b]) for a, b in matching]
        if all(s is not None for s in scores):
            best = max(best, sum(s for s in scores if s is not None))
    return best


people_strategy = st.lists(
    st.builds(
        Person,
        key=st.just(0),
        utc_offset=st.sampled_from([NY, CHICAGO, LA, LONDON, 330]),
        max_offset_hours=st.integers(0, 8),
        checkin_day=st.integers(0, 2),
        stage=st.integers(0, 3),
        field=st.sampled_from(["product", "data", "design"]),
        field_preference=st.sampled_from(["same", "different", "any"]),
        languages=st.sampled_from([frozenset({"en"}), frozenset({"es"}), frozenset({"en", "es"})]),
        groups=st.frozensets(st.integers(1, 4), max_size=3),
        closed_groups=st.frozensets(st.integers(1, 2), max_size=2),
        targets_public=st.frozensets(st.sampled_from(["product", "data", "fintech"]), max_size=2),
        targets_members=st.frozensets(st.sampled_from(["design", "health"]), max_size=1),
        expertise_public=st.frozensets(st.sampled_from(["product", "data", "fintech"]), max_size=2),
        expertise_members=st.frozensets(st.sampled_from(["design", "health"]), max_size=1),
    ),
    min_size=0,
    max_size=8,
)


def _keyed(raw: list[Person], recent_pairs: list[tuple[int, int]]) -> list[Person]:
    people = [Person(**{**x.__dict__, "key": i + 1}) for i, x in enumerate(raw)]
    recent: dict[int, set[int]] = {x.key: set() for x in people}
    for a, b in recent_pairs:
        if a != b and a in recent and b in recent:
            recent[a].add(b)
            recent[b].add(a)
    return [Person(**{**x.__dict__, "recent": frozenset(recent[x.key])}) for x in people]


def _check_valid(people: list[Person], result: m.Result) -> None:
    by = {x.key: x for x in people}
    seen: list[int] = []
    for a, b in result.pairs:
        assert m.blocked(by[a], by[b]) is None  # never outside a window, never a recent pair
        seen += [a, b]
    for a, b, c in result.trios:
        assert (a, b) in result.pairs
        assert m.blocked(by[a], by[c]) is None
        assert m.blocked(by[b], by[c]) is None
        seen.append(c)
    seen += list(result.waiting)
    assert sorted(seen) == sorted(by)  # everyone exactly once: paired, third, or waiting
    assert result.total == sum(m.score(by[a], by[b]) or 0 for a, b in result.pairs)


@settings(max_examples=150, deadline=None)
@given(people_strategy, st.lists(st.tuples(st.integers(1, 8), st.integers(1, 8)), max_size=4), st.integers(0, 3))
def test_exact_matches_brute_force_and_constraints_hold(raw: list[Person], recent: list[tuple[int, int]],
                                                        seed: int) -> None:  # fmt: skip
    people = _keyed(raw, recent)
    result = m.match(people, seed=seed)
    _check_valid(people, result)
    assert result.method == "exact"
    assert result.total == brute_force_best(people)


@settings(max_examples=150, deadline=None)
@given(people_strategy, st.lists(st.tuples(st.integers(1, 8), st.integers(1, 8)), max_size=4), st.integers(0, 3))
def test_kbest_is_valid_and_its_bound_is_above_the_optimum(raw: list[Person], recent: list[tuple[int, int]],
                                                           seed: int) -> None:  # fmt: skip
    people = _keyed(raw, recent)
    result = m.match(people, seed=seed, exact_limit=0, k=2)
    _check_valid(people, result)
    assert result.method == ("k-best" if people else "exact")
    best = brute_force_best(people)
    assert result.total <= best <= result.upper_bound + 1e-9


@settings(max_examples=60, deadline=None)
@given(people_strategy, st.integers(0, 5))
def test_block_scores_equal_the_plain_function(raw: list[Person], block: int) -> None:
    people = _keyed(raw, [(1, 2)])
    for lo, rows in m.score_rows(people, block=block + 1):
        for b, row in enumerate(rows.tolist()):
            a = people[lo + b]
            assert row == [s if (s := m.score(a, o)) is not None else -1 for o in people]


@settings(max_examples=60, deadline=None)
@given(people_strategy, st.integers(0, 7))
def test_block_scores_from_a_column_on_equal_the_plain_function(raw: list[Person], start: int) -> None:
    people = _keyed(raw, [(1, 2), (3, 1)])
    arrays = m._Arrays(people)
    n = len(people)
    start = min(start, n)
    for lo in range(n):
        row = arrays.rows(lo, lo + 1, start=start)[0].tolist()
        assert row == [s if (s := m.score(people[lo], o)) is not None else -1 for o in people[start:]]


@settings(max_examples=60, deadline=None)
@given(people_strategy)
def test_pair_scores_equal_the_plain_function(raw: list[Person]) -> None:
    people = _keyed(raw, [(1, 2), (4, 3)])
    n = len(people)
    mine, theirs = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    got = m._Arrays(people).pairs(mine, theirs).tolist()
    assert got == [
        s if (s := m.score(people[i], people[j])) is not None else -1 for i, j in zip(mine, theirs, strict=True)
    ]


def test_pair_scores_see_members_terms_only_within_a_vetted_group() -> None:
    seeker = p(1, targets_public=frozenset({"fintech"}), closed_groups=frozenset({5}))
    expert = p(2, expertise_members=frozenset({"fintech"}), closed_groups=frozenset({5}))
    stranger = p(3, expertise_members=frozenset({"fintech"}), closed_groups=frozenset({6}))
    arrays = m._Arrays([seeker, expert, stranger])
    assert arrays.pairs(np.array([0, 0]), np.array([1, 2])).tolist() == [m.score(seeker, expert),
                                                                        m.score(seeker, stranger)]  # fmt: skip
    assert m.score(seeker, expert) == (m.score(seeker, stranger) or 0) + m.COMPLEMENT_POINTS


@pytest.mark.parametrize(("rows", "width", "k"), [(3, 10, 4), (5, 2000, 12), (4, 5000, 3), (2, 130, 1)])
def test_top_finds_each_rows_k_largest(rows: int, width: int, k: int) -> None:
    rng = np.random.default_rng(width)
    block = rng.integers(-1, 60, size=(rows, width)).astype(np.int16)
    top = m._top(block, k)
    assert top.shape == (rows, k)
    for r in range(rows):
        assert len(set(top[r].tolist())) == k
        assert sorted(block[r, top[r]].tolist()) == sorted(block[r].tolist())[-k:]


def test_kbest_graph_keeps_each_persons_best_and_their_kth_score() -> None:
    people = realistic_pool(150, seed=8)
    arrays = m._Arrays(people)
    i, j, w, kth = m.kbest_graph(arrays, 5)
    kept = {(a, b): x for a, b, x in zip(i.tolist(), j.tolist(), w.tolist(), strict=True)}
    assert list(kept) == sorted(kept)
    for a, x in enumerate(people):
        scores = sorted((s for o in people if (s := m.score(x, o)) is not None), reverse=True)
        mine = sorted((v for (u, b), v in kept.items() if a in (u, b)), reverse=True)
        assert mine[: min(5, len(scores))] == scores[:5]  # their 5 best are all kept
        assert kth[a] == (scores[4] if len(scores) >= 5 else 0)
    for (a, b), x in kept.items():
        assert x == m.score(people[a], people[b])


def _sparse(people: list[Person], k: int) -> tuple[np.ndarray, ...]:
    arrays = m._Arrays(people)
    i, j, w, _ = m.kbest_graph(arrays, k)
    return (i, j, w, *m._csr(len(people), i, j, w))


def test_auction_dual_is_feasible_and_above_the_sparse_optimum() -> None:
    people = realistic_pool(500, seed=6)
    i, j, w, indptr, nbr, weights = _sparse(people, 6)
    assigned, price = m._auction(len(people), indptr, nbr, weights)
    y = m._dual(indptr, nbr, weights, price)
    assert (y >= 0).all()
    assert (y[i] + y[j] >= w - 1e-9).all()
    graph = rx.PyGraph()
    graph.add_nodes_from(range(len(people)))
    graph.add_edges_from(list(zip(i.tolist(), j.tolist(), w.tolist(), strict=True)))
    optimum = sum(graph.get_edge_data(a, b) for a, b in rx.max_weight_matching(graph, weight_fn=int))
    # The assignment is a fractional matching (half of both directions); the dual bounds it.
    fractional = sum(weights[indptr[u] + np.searchsorted(nbr[indptr[u] : indptr[u + 1]], v)]
                     for u, v in enumerate(assigned.tolist()) if v >= 0) / 2  # fmt: skip
    assert optimum <= y.sum() + 1e-6
    assert fractional <= y.sum() + 1e-6
    assert y.sum() <= optimum * 1.01  # the auction's dual is nearly optimal on this pool
    assert sorted(set(assigned.tolist()) - {-1}) == sorted(v for v in assigned.tolist() if v >= 0)  # one each


def test_rounding_keeps_the_better_half_of_paths_and_cycles() -> None:
    # 0 -> 1 -> 2 -> 0: a triangle (keeps its heaviest edge); 3 -> 4 -> 5 -> 6: a path
    # (edges 3-4, 5-6 weigh 1 + 1 against 4-5's 9: keeps 4-5); 7 <-> 8: a pair.
    weight = {(0, 1): 5, (1, 2): 8, (0, 2): 6, (3, 4): 1, (4, 5): 9, (5, 6): 1, (7, 8): 4}
    assigned = np.array([1, 2, 0, 4, 5, 6, -1, 8, 7])
    mate = m._rounded(assigned, weight)
    assert mate == [-1, 2, 1, -1, 5, 4, -1, 8, 7]


def test_exact_rest_is_the_exact_optimum_when_everyone_is_loose() -> None:
    people = realistic_pool(120, seed=9)
    i, j, w, *_ = _sparse(people, 119)  # every allowed pair
    weight = {(a, b): x for a, b, x in zip(i.tolist(), j.tolist(), w.tolist(), strict=True)}
    mate = [-1] * len(people)
    nobody = np.full(len(people), -1)  # as if the auction had paired no one both ways
    m._exact_rest(mate, nobody, np.zeros(len(people)), weight, limit=1000)
    graph = nx.Graph()
    graph.add_weighted_edges_from((a, b, x) for (a, b), x in weight.items())
    best = sum(weight[(min(a, b), max(a, b))] for a, b in nx.max_weight_matching(graph))
    assert sum(weight[(a, b)] for a, b in enumerate(mate) if b > a) == best
    assert all(mate[b] == a for a, b in enumerate(mate) if b >= 0)


def test_exact_rest_leaves_the_rounding_alone_above_its_limit() -> None:
    weight = {(0, 1): 5, (1, 2): 8, (0, 2): 6}
    mate = m._rounded(np.array([1, 2, 0]), weight)
    m._exact_rest(mate, np.array([1, 2, 0]), np.zeros(3), weight, limit=2)
    assert mate == [-1, 2, 1]


@pytest.mark.parametrize(("n", "seed"), [(150, 1), (220, 2), (300, 3)])
@pytest.mark.parametrize("subproblem_limit", [m.SUBPROBLEM_LIMIT, 0])
def test_kbest_bound_is_above_the_exact_optimum_and_close(n: int, seed: int, subproblem_limit: int) -> None:
    pool = realistic_pool(n, seed=seed)
    exact = m.match(pool, seed=seed).total  # networkx on every allowed pair
    pairs, bound = m.kbest_pairs(pool, seed, m.K_BEST, subproblem_limit=subproblem_limit)
    by = {x.key: x for x in pool}
    total = sum(m.score(by[a], by[b]) or 0 for a, b in pairs)
    assert all(m.blocked(by[a], by[b]) is None for a, b in pairs)
    assert len({k for pair in pairs for k in pair}) == 2 * len(pairs)
    assert total <= exact <= bound
    assert total / bound >= 0.98


def test_bound_counts_pairs_the_sparse_graph_left_out() -> None:
    # With k = 1 most allowed pairs are left out; y = 0 covers none of them, so the bound
    # must raise each person's y to their heaviest pair with someone later in the order.
    people = realistic_pool(60, seed=4)
    arrays = m._Arrays(people)
    *_, kth = m.kbest_graph(arrays, 1)
    bound = m._bound(arrays, np.zeros(len(people)), kth)
    expected = sum(max([0, *(s for o in people[a + 1 :] if (s := m.score(x, o)) is not None)])
                   for a, x in enumerate(people))  # fmt: skip
    assert bound == expected


def test_bound_checks_every_sparse_pair_whatever_y_says() -> None:
    a, b = p(1), p(2)
    w = m.score(a, b)
    arrays = m._Arrays([a, b])
    no_kth = np.zeros(2, dtype=np.int64)  # as if the pair were kept: no candidate from kth
    sparse = (np.array([0]), np.array([1]), np.array([w]))
    assert m._bound(arrays, np.zeros(2), no_kth, sparse) == w
    assert m._bound(arrays, np.array([w / 2, w / 2]), no_kth, sparse) == w
    assert m._bound(arrays, np.array([w / 2, w / 2 - 1]), no_kth, sparse) == w  # raised by 1


def test_odd_pool_makes_a_trio_with_the_best_pair() -> None:
    a = p(1, field="data", field_preference="same", checkin_day=2)
    b = p(2, field="data", field_preference="same", checkin_day=2)
    c = p(3, field="data", field_preference="same", checkin_day=2, stage=3)
    result = m.match([a, b, c], seed=1)
    assert len(result.pairs) == 1
    assert result.trios == [(*result.pairs[0], next(k for k in (1, 2, 3) if k not in result.pairs[0]))]
    assert result.waiting == {}


def test_odd_person_out_waits_with_a_reason() -> None:
    ny1, ny2 = p(1, utc_offset=NY), p(2, utc_offset=NY)
    assert m.match([ny1, ny2, p(3, utc_offset=330, max_offset_hours=12)], seed=0).waiting == {3: "window"}
    assert m.match([ny1, ny2, p(4, languages=frozenset({"fr"}), utc_offset=NY)]).waiting == {4: "language"}
    assert m.match([p(5, recent=frozenset({6})), p(6)]).waiting == {5: "recent", 6: "recent"}
    assert m.match([p(7)]).waiting == {7: "alone"}
    # Three who fit, but the third may not join the two (one of them was recently paired with it).
    x, y, z = p(8), p(9, recent=frozenset({10})), p(10, recent=frozenset({9}))
    result = m.match([x, y, z], seed=0)
    assert result.waiting
    assert set(result.waiting.values()) == {"outmatched"}


def test_same_people_and_seed_give_the_same_pairs() -> None:
    pool = realistic_pool(120, seed=4)
    first = m.match(pool, seed=9)
    assert m.match(list(reversed(pool)), seed=9) == first
    big = realistic_pool(600, seed=2)
    assert m.match(big, seed=3, exact_limit=0) == m.match(list(reversed(big)), seed=3, exact_limit=0)


def test_kbest_is_close_to_the_exact_optimum_on_a_realistic_pool() -> None:
    pool = realistic_pool(300, seed=5)
    exact = m.match(pool, seed=1)
    approx = m.match(pool, seed=1, exact_limit=0)
    assert approx.upper_bound >= exact.total >= approx.total
    assert approx.total / exact.total >= 0.99
    assert approx.share >= 0.98  # against its own proven bound (production runs exact at this size)


def test_keys_must_be_distinct() -> None:
    with pytest.raises(ValueError, match="Each person once"):
        m.match([p(1), p(1)])
