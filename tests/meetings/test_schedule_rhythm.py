"""Several series make one sentence (tester's finding 9): "Every Thursday at 6 PM and every
day at 6 PM Eastern Time", only the first rhythm capitalised."""

from __future__ import annotations

from roundtable.meetings.selectors import GroupSchedule


def _rhythm(*rhythms: str) -> str:
    return GroupSchedule(rhythms=list(rhythms), zone="Eastern Time", next_meeting=None).rhythm


def test_one_series_reads_as_it_is() -> None:
    assert _rhythm("Every Thursday at 6 PM") == "Every Thursday at 6 PM Eastern Time"


def test_two_series_lower_case_the_second() -> None:
    assert _rhythm("Every Thursday at 6 PM", "Every day at 6 PM") == (
        "Every Thursday at 6 PM and every day at 6 PM Eastern Time"
    )


def test_three_series_make_a_list() -> None:
    assert _rhythm("Every Tuesday at 9 AM", "Monthly on the first Tuesday at 9 AM", "Every other Friday at 1 PM") == (
        "Every Tuesday at 9 AM, monthly on the first Tuesday at 9 AM and every other Friday at 1 PM Eastern Time"
    )


def test_no_series_no_rhythm() -> None:
    assert _rhythm() == ""
