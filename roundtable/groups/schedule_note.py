"""A group's schedule note: free text that may add to its schedule, never contradict it.

How often a group meets comes from its meeting series alone (meetings.selectors.
group_schedules, issue 9 item 1). The note beside it says what the meetings cannot
("We take August off", "Doors open 15 minutes early"). A note that states a rhythm, a
weekday or a clock time would be a second, unchecked schedule, which is how a group
came to say "every other Tuesday, 9 am" while meeting monthly on Thursdays: such text is
refused when saved, and an older one is not shown.
"""

from __future__ import annotations

import re

REFUSED = (
    "Say how often the group meets by scheduling a repeating meeting: the page shows it from there. "
    "Use this note for anything else, for example: We take August off."
)

_DAY = r"(mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)"
_RHYTHM = re.compile(
    r"\b("
    r"every\s+(other\s+|second\s+|third\s+|two\s+|three\s+|four\s+|\d+\s+)?(day|week|month|fortnight|" + _DAY + r")s?|"
    r"weekly|biweekly|bi-weekly|fortnightly|monthly|daily|quarterly|"
    r"(once|twice|\d+\s+times)\s+(a|per)\s+(week|month)|" + _DAY + r"|tues|thurs|"
    r"\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|noon"
    r")(?![\w-])",
    re.IGNORECASE,
)


def states_a_schedule(text: str) -> bool:
    """True when `text` names a rhythm, a weekday or a time of day."""
    return bool(_RHYTHM.search(text or ""))


def shown_note(text: str) -> str:
    """The note as pages show it: "" when it would speak for the schedule."""
    note = (text or "").strip()
    return "" if states_a_schedule(note) else note
