"""A schedule note never states a schedule, short forms included (tester's finding 8), and
few ordinary notes are refused; the message quotes what read as a schedule."""

from __future__ import annotations

import pytest

from roundtable.groups import services
from roundtable.groups.schedule_note import refusal, schedule_words, shown_note, states_a_schedule
from tests.factories import GroupFactory

STATES = {
    "Tue & Thu mornings": "Tue",
    "1st and 3rd Tue of the month": "Tue",
    "Wed evenings": "Wed",
    "Wed. evenings": "Wed.",
    "Sat & Sun": "Sat",
    "We meet Mon and Wed": "Mon",
    "Mon-Fri": "Fri",
    "Sun at 10": "Sun",
    "Wed @ 6": "Wed",
    "2nd Sat": "2nd Sat",
    "the 15th of each month": "15th of each month",
    "first and third Wednesday": "Wednesday",
    "TUES": "TUES",
    "thurs.": "thurs",
    "Tues/Thurs": "Tues",
    "Fri lunch": "Fri",
    "Weekly": "Weekly",
    "Every other Tuesday, 9 am": "Every other Tuesday",
    "twice a month": "twice a month",
    "at 18:30": "18:30",
}
ORDINARY = (
    "We take August off", "Every member gets a turn", "First-timers welcome", "We sat in the sun",
    "Sun and snacks provided", "Wedding planners welcome", "Saturn room, second floor", "Sunday-best not needed",
    "SAT prep tutors welcome", "Our 3rd year running", "Monitor your inbox", "Fridge in the kitchen",
    "Wed to the idea of networking? Come anyway", "the first time you come, say hello",
    "Doors open 15 minutes early", "Parking on Thurston St", "Mon Cheri Cafe hosts us", "",
)  # fmt: skip


@pytest.mark.parametrize(("text", "words"), STATES.items())
def test_notes_that_state_a_schedule_are_caught_and_quoted(text: str, words: str) -> None:
    assert schedule_words(text) == words
    assert states_a_schedule(text) is True
    assert shown_note(text) == ""


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_notes_pass(text: str) -> None:
    assert schedule_words(text) == ""
    assert states_a_schedule(text) is False
    assert shown_note(text) == text


@pytest.mark.django_db
def test_saving_such_a_note_says_which_words_and_what_to_do() -> None:
    group = GroupFactory()
    data = services.GroupData(name=group.name, kind=group.kind, format="virtual", cadence="Tue & Thu mornings")
    with pytest.raises(services.GroupError) as err:
        services.group_update(group=group, data=data)
    assert err.value.field == "cadence"
    assert err.value.message == (
        "“Tue” says when the group meets, and that comes from its meetings: schedule a repeating meeting and "
        "the page shows it. Use this note for anything else, for example: We take August off."
    )
    assert refusal("We take August off") == ""
