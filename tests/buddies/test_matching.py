"""The matching on plain values: scores, constraints, the exact optimum against brute force,
the k-best method's bound, odd pools, determinism."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
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
    assert approx.total / exact.total >= 0.97


def test_keys_must_be_distinct() -> None:
    with pytest.raises(ValueError, match="Each person once"):
        m.match([p(1), p(1)])
