"""A group's schedule note: free text that may add to its schedule, never contradict it.

How often a group meets comes from its meeting series alone (meetings.selectors.
group_schedules, issue 9 item 1). The note beside it says what the meetings cannot
("We take August off", "Doors open 15 minutes early"). A note that states a rhythm, a
weekday or a clock time would be a second, unchecked schedule, which is how a group
came to say "every other Tuesday, 9 am" while meeting monthly on Thursdays: such text is
refused when saved, and an older one is not shown.

What counts (tester's finding 8 added the short forms):

- rhythms ("weekly", "every other week", "twice a month"), clock times ("9 am", "18:30");
- weekdays, spelt out or short: "Tue", "Tues", "Thu", "Thurs", "Fri" and "Weds" anywhere,
  in any case. "Mon", "Wed", "Sat" and "Sun" are also words ("we sat", "sun"), so they
  count only capitalised and beside a schedule word: another day or a joiner before or
  after ("Sat & Sun", "Mon-Fri"), a part of the day after ("Wed evenings"), or an ordinal
  before ("2nd Sat");
- ordinals of a weekday or of the month ("1st and 3rd Tue", "the 15th of each month").

Words that merely contain these do not count ("sundae", "Wedding", "Saturn", "Monitor"):
the text is read in whole words.
"""

from __future__ import annotations

import re

REFUSED = (
    "Say how often the group meets by scheduling a repeating meeting: the page shows it from there. "
    "Use this note for anything else, for example: We take August off."
)

_DAY = r"(?:mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)"
# Short forms that are no other English word: any case, with or without a full stop.
_SHORT = r"(?:tues?|thu|thurs?|fri|weds)"
# Short forms that are also words ("we sat in the sun"): capitalised, beside a schedule word.
_AMBIGUOUS = r"(?:Mon|Wed|Sat|Sun|MON|WED|SAT|SUN)"
_ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|last)"
_JOINER = r"(?:&|\+|/|,|-|–|\band\b|\bor\b|\bto\b|\bthrough\b|\bthru\b)"
_PART_OF_DAY = r"(?:mornings?|afternoons?|evenings?|nights?|lunchtimes?|lunch|am|pm|(?:at|from)\s+\d|@\s*\d)"
_ANY_DAY = rf"(?:{_DAY}|{_SHORT}\.?|(?-i:{_AMBIGUOUS})\.?)"

_RHYTHM = re.compile(
    r"\b("
    r"every\s+(other\s+|second\s+|third\s+|two\s+|three\s+|four\s+|\d+\s+)?(day|week|month|fortnight|" + _DAY + r")s?|"
    r"weekly|biweekly|bi-weekly|fortnightly|monthly|daily|quarterly|"
    r"(once|twice|\d+\s+times)\s+(a|per)\s+(week|month)|" + _DAY + r"|" + _SHORT + r"|"
    r"\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|noon"
    r")(?![\w-])",
    re.IGNORECASE,
)
# "Wed evenings", "Sat & Sun", "Mon-Fri", "Tue and Wed", "2nd Sat".
_AMBIGUOUS_IN_CONTEXT = re.compile(
    rf"(?:\b(?-i:{_AMBIGUOUS})\b\.?(?=\s*(?:{_JOINER}\s*{_ANY_DAY}|{_PART_OF_DAY}))"
    rf"|(?:{_ANY_DAY}|{_ORDINAL})\s*{_JOINER}?\s*\b(?-i:{_AMBIGUOUS})\b)",
    re.IGNORECASE,
)
# "1st and 3rd Tue", "second Wednesday", "the 15th of each month", "last Friday".
_ORDINAL_DAY = re.compile(
    rf"\b{_ORDINAL}(?:\s*{_JOINER}\s*{_ORDINAL})*\s+(?:{_ANY_DAY}(?![\w-])|of\s+(?:the|each|every)\s+month\b)",
    re.IGNORECASE,
)


def schedule_words(text: str) -> str:
    """The words of `text` that state a schedule (the first found), or ""."""
    for pattern in (_RHYTHM, _ORDINAL_DAY, _AMBIGUOUS_IN_CONTEXT):
        found = pattern.search(text or "")
        if found:
            return " ".join(found.group(0).split())
    return ""


def states_a_schedule(text: str) -> bool:
    """True when `text` names a rhythm, a weekday or a time of day."""
    return bool(schedule_words(text))


def refusal(text: str) -> str:
    """The form's message for a note that states a schedule, quoting what did."""
    words = schedule_words(text)
    if not words:
        return ""
    return (
        f"“{words}” says when the group meets, and that comes from its meetings: schedule a repeating "
        "meeting and the page shows it. Use this note for anything else, for example: We take August off."
    )


def shown_note(text: str) -> str:
    """The note as pages show it: "" when it would speak for the schedule."""
    note = (text or "").strip()
    return "" if states_a_schedule(note) else note
