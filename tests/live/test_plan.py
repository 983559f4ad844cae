"""The turn plan: validation, whether it fits the time left, and fitting it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from roundtable.live import services
from roundtable.live.services import LiveError

from .conftest import T0, Room, at, here, make_room


def test_plan_set_validates_and_keeps_keys(room: Room) -> None:
    rt = services.plan_set(
        roundtable=room.rt, by=room.fac,
        phases=[{"label": "Status", "seconds": 120}, {"key": "brainstorm", "label": "Ideas", "seconds": 480}],
    )  # fmt: skip
    assert rt.plan == [
        {"key": "status", "label": "Status", "seconds": 120},
        {"key": "brainstorm", "label": "Ideas", "seconds": 480},
    ]
    assert rt.version == 2
    cases = [
        ([], "A turn has between 1 and 8 phases."),
        ([{"label": "A", "seconds": 60}] * 9, "A turn has between 1 and 8 phases."),
        ([{"label": "Quick", "seconds": 0}], "Phase 1 must last between 1 and 60 minutes."),
        ([{"label": "Long", "seconds": 3660}], "Phase 1 must last between 1 and 60 minutes."),
        # Plans are whole minutes: 2:16 is refused with the reason, never rounded quietly.
        ([{"label": "Odd", "seconds": 136}], "Give phase 1 a length in whole minutes, from 1 to 60."),
        ([{"label": "Half", "seconds": 30}], "Give phase 1 a length in whole minutes, from 1 to 60."),
        ([{"label": "Float", "seconds": 120.0}], "Give phase 1 a length in whole minutes, from 1 to 60."),
        ([{"label": "x" * 41, "seconds": 60}], "Keep the name of phase 1 to 40 characters or fewer."),
        ([{"label": " ", "seconds": 60}], "Give phase 1 a name."),
        ([{"label": "A", "seconds": "60"}], "Give phase 1 a length in whole minutes, from 1 to 60."),
        (
            [{"label": "A", "seconds": 60}, {"label": "a", "seconds": 60}],
            "Two phases are called 'a': give each its own name.",
        ),
        # The same name under different keys (a renamed phase) is as confusing on the clock.
        (
            [
                {"key": "update", "label": "Update", "seconds": 60},
                {"key": "challenge", "label": "update", "seconds": 60},
            ],
            "Two phases are called 'update': give each its own name.",
        ),
    ]
    cases.append(
        (
            [{"key": "x", "label": "One", "seconds": 60}, {"key": "x", "label": "Two", "seconds": 60}],
            "Phase 2 has the same key as another phase.",
        )
    )
    for phases, message in cases:
        with pytest.raises(LiveError) as bad:
            services.plan_set(roundtable=room.rt, by=room.fac, phases=phases)
        assert (bad.value.status, bad.value.message) == (400, message)
    assert room.fresh().version == 2
    # A renamed phase keeps its key; a new phase with the old name gets a key of its own.
    rt = services.plan_set(
        roundtable=room.rt, by=room.fac,
        phases=[{"key": "status", "label": "Intro", "seconds": 60}, {"label": "Status", "seconds": 120}],
    )  # fmt: skip
    assert rt.plan == [
        {"key": "status", "label": "Intro", "seconds": 60},
        {"key": "status-2", "label": "Status", "seconds": 120},
    ]


def test_plan_check_and_fit_exact(db: None) -> None:
    # 90 minutes of meeting with the last 10 for networking: the main part ends at T0 + 80 min.
    room = make_room(main_minutes=80, networking_after_minutes=10)
    # At T0 + 30 min: 50 minutes left for 3 turns of 22 minutes (66).
    now = T0 + timedelta(minutes=30)
    check = services.plan_check(room.fresh(), now)
    assert (check.available_seconds, check.needed_seconds, check.turns_left) == (3000, 3960, 3)
    assert (check.overruns, check.overrun_seconds) == (True, 960)

    plan = services.plan_fit(roundtable=room.rt, by=room.fac, now=now)
    # 3000 s for 3 turns: 16 whole minutes a turn, shared 5:5:10:2 as the plan was (3.6, 3.6,
    # 7.3 and 1.5 minutes: 3, 3, 7 and 1, and the two minutes left go to the phases that lost
    # the most in rounding, the first two). Whole minutes, so the labels match the clock.
    assert [p["seconds"] for p in plan] == [240, 240, 420, 60]
    assert room.fresh().plan == plan
    after = services.plan_check(room.fresh(), now)
    assert (after.needed_seconds, after.overruns) == (2880, False)
    # Fitting a plan that fits changes nothing.
    version = room.fresh().version
    assert services.plan_fit(roundtable=room.rt, by=room.fac, now=now) == plan
    assert room.fresh().version == version


def test_plan_fit_keeps_a_minute_per_phase_and_counts_turns_left(db: None) -> None:
    room = make_room(main_minutes=60)
    here(room)
    services.roundtable_start(roundtable=room.rt, by=room.fac, now=at(0))
    services.turn_next(roundtable=room.rt, by=room.fac, now=at(60))
    # Ann is done; Ben in the seat and Cat waiting count. 5 minutes left.
    now = T0 + timedelta(minutes=55)
    check = services.plan_check(room.fresh(), now)
    assert (check.available_seconds, check.needed_seconds, check.turns_left) == (300, 2640, 2)
    plan = services.plan_fit(roundtable=room.rt, by=room.fac, now=now)
    # 150 s a turn is 2 whole minutes, fewer than the 4 phases: each phase keeps its minute.
    assert [p["seconds"] for p in plan] == [60, 60, 60, 60]
    # After the meeting's end, nothing is available: every phase a minute.
    late = services.plan_fit(roundtable=room.rt, by=room.fac, now=T0 + timedelta(hours=2))
    assert [p["seconds"] for p in late] == [60, 60, 60, 60]
    assert services.plan_check(room.fresh(), T0 + timedelta(hours=2)).available_seconds == 0
