"""Counts in copy agree with their number everywhere (finding 10 of the issue 11 review:
"Up to 1 hours apart"). Each place found by grepping templates and f-strings for a count
followed by a plural noun without pluralize (see the fixbud report); one assertion each."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from roundtable.accounts.selectors import PitchStats
from roundtable.api.docs import limits
from roundtable.buddies.forms import WINDOWS
from roundtable.meetings import recurrence
from roundtable.tracker import imports
from tests.factories import UserFactory


def test_time_zone_windows() -> None:
    assert [str(label) for _h, label in WINDOWS] == [
        "The same time zone only",
        "Up to 1 hour apart",
        "Up to 2 hours apart",
        "Up to 3 hours apart",
        "Up to 4 hours apart",
        "Up to 6 hours apart",
        "Up to 8 hours apart",
        "Up to 12 hours apart",
    ]


def test_a_series_of_one_meeting() -> None:
    tue = datetime(2027, 3, 16, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    assert recurrence.describe("FREQ=WEEKLY;COUNT=1", tue) == "Every Tuesday at 9 AM, 1 time"
    assert recurrence.describe("FREQ=WEEKLY;COUNT=2", tue) == "Every Tuesday at 9 AM, 2 times"


def test_pitch_summary() -> None:
    assert PitchStats(words=1, seconds=1, over=False).summary == "1 word · about 1 second"
    assert PitchStats(words=3, seconds=2, over=False).summary == "3 words · about 2 seconds"


def test_api_docs_limits() -> None:
    assert limits({"minLength": 1, "maxLength": 1}) == "at least 1 character; at most 1 character"
    assert limits({"minLength": 2, "maxLength": 200}) == "at least 2 characters; at most 200 characters"


@pytest.mark.django_db
def test_import_row_longer_than_a_one_column_header() -> None:
    outcome = imports.parse(UserFactory(), b"name\r\nAnn,extra\r\n", "contacts")
    assert [(e.line, e.reason) for e in outcome.errors] == [(2, "2 cells, but the header names 1 column.")]


@pytest.mark.django_db
def test_meetings_tick_output_counts() -> None:
    out = StringIO()
    call_command("meetings_tick", "--once", stdout=out)
    assert out.getvalue() == "Meetings tick: 0 meetings created, 0 reminders and 0 digests sent.\n"
