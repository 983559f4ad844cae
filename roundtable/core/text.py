"""One rule for every piece of free text people send us: forms, API schemas and socket actions.

The rule
    Refused everywhere:
      - control characters U+0000-U+001F and U+007F-U+009F (C0, DEL, C1), except tab and
        line feed in multi-line text. HTML forbids them in a document (WHATWG HTML,
        "control-character-in-input-stream"), RFC 5545 3.3.11 forbids them in TEXT values,
        and PostgreSQL cannot store U+0000;
      - lone surrogates U+D800-U+DFFF (JSON's "\\ud800" can carry one; no UTF-8 encodes it);
      - noncharacters U+FDD0-U+FDEF and U+xFFFE/U+xFFFF (Unicode 15 chapter 23.7; HTML
        "noncharacter-in-input-stream");
      - bidirectional embedding, override and isolate controls U+202A-U+202E and
        U+2066-U+2069 (Unicode TR9 "Unicode Bidirectional Algorithm", sections 2.1-2.4).
        They reorder the text around them ("\u202eevil" shows as "live"), the spoofing
        Unicode TR36 "Unicode Security Considerations" section 2.4 warns of. The implicit
        marks U+200E/U+200F/U+061C stay: they only nudge neutral characters in mixed text.
    Single-line text (names, titles, venues, speakers, subjects, search words) also refuses
    line breaks: LF, CR, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR, and tab. A line
    break in a title cannot be carried by an iCalendar SUMMARY parameter or an email subject.
    It refuses invisible characters too (TR36 section 3.5 on default-ignorable code
    points): a name of "Ann\u200b" looks exactly like "Ann". Refused: U+00AD SOFT HYPHEN,
    U+115F/U+1160/U+3164/U+FFA0 Hangul fillers, U+180E MONGOLIAN VOWEL SEPARATOR, U+200B
    ZERO WIDTH SPACE, U+2060-U+2064 (WORD JOINER, invisible operators), U+206A-U+206F
    (deprecated format controls), U+FEFF ZERO WIDTH NO-BREAK SPACE. Kept: U+200C ZERO WIDTH
    NON-JOINER and U+200D ZERO WIDTH JOINER (emoji sequences, Persian, Indic scripts),
    variation selectors and tag characters (emoji).
    Multi-line text gets CR LF and a lone CR turned into LF first: browsers send a textarea's
    line breaks as CR LF (WHATWG HTML, form submission), and one kind of line break keeps
    lengths and comparisons honest.

Refuse, do not strip
    Input is refused with a reason that names the character and its position
    (TextError.reason), never silently changed: a person should see that what they pasted
    held something odd, and an API client should learn its bug. The socket answers with an
    "error" frame carrying the same reason.

Output copes with old rows
    Rows written before this rule may hold anything. `scrub` makes any text fit an output
    that must not fail (iCalendar, email headers), and core.middleware drops forbidden code
    points from every HTML page, so a bad row degrades a character, never the page.

Entry points, all built on `problem_in`:
    clean_text(value, multiline=..., max_length=...)  -> str, or TextError
    SingleLineField / MultiLineField                  Django form fields (CharField)
    TextValidator(multiline=...)                      a Django validator (forms, models)
    SingleLine / MultiLine                            pydantic Annotated str types (ninja)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# Code points that no text of ours may hold, single-line or not.
_ALWAYS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f"  # C0 controls except tab, LF and CR (handled by line rules)
    "\x7f-\x9f"  # DEL and C1 controls
    "\ud800-\udfff"  # lone surrogates
    "\ufdd0-\ufdef"  # noncharacters
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides, isolates (TR9)
    + "".join(f"{chr((plane << 16) | 0xFFFE)}{chr((plane << 16) | 0xFFFF)}" for plane in range(17))
)
# Invisible in one line of text (TR36 3.5, default-ignorable); ZWNJ/ZWJ U+200C/U+200D are kept.
_INVISIBLE = "\u00ad\u115f\u1160\u180e\u200b\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0"
_FORMAT = "\u202a-\u202e\u2066-\u2069" + _INVISIBLE  # said "invisible formatting character"
_LINE_BREAKS = "\n\r\u2028\u2029"
_MULTI_BAD = re.compile(f"[{_ALWAYS}\r]")  # CR is gone after normalising
_SINGLE_BAD = re.compile(f"[{_ALWAYS}{_INVISIBLE}\t{_LINE_BREAKS}]")
_FORMAT_RE = re.compile(f"[{_FORMAT}]")
_CRLF = re.compile(r"\r\n?")


class TextError(ValueError):
    """Text that breaks the rule above. `reason` is a sentence for the person who sent it."""

    def __init__(self, reason: str, *, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code  # "line_break", "control_character" or "too_long"


def _describe(char: str) -> str:
    point = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    return f"{point} {name}" if name else point


def normalise_line_breaks(value: str) -> str:
    """CR LF and lone CR as LF (WHATWG HTML sends a textarea's line breaks as CR LF)."""
    return _CRLF.sub("\n", value)


def problem_in(value: str, *, multiline: bool) -> TextError | None:
    """The first way `value` breaks the rule, or None. Multi-line text is read after
    normalise_line_breaks, as clean_text stores it."""
    if multiline:
        value = normalise_line_breaks(value)
    match = (_MULTI_BAD if multiline else _SINGLE_BAD).search(value)
    if match is None:
        return None
    char, position = match.group(), match.start() + 1
    if not multiline and char in _LINE_BREAKS + "\t":
        what = "tab" if char == "\t" else "line break"
        return TextError(f"Keep this to one line: remove the {what} at character {position}.", code="line_break")
    if unicodedata.category(char) == "Cc":
        kind = "invisible control character"
    elif _FORMAT_RE.match(char):
        kind = "invisible formatting character"
    else:
        kind = "code point"
    return TextError(
        f"Remove the {kind} {_describe(char)} at character {position}: text cannot hold it.",
        code="control_character",
    )


def clean_text(value: str, *, multiline: bool, max_length: int | None = None) -> str:
    """`value` as stored: line breaks normalised to LF in multi-line text, nothing else changed.

    Raises TextError (a ValueError) with a reason when the text holds a forbidden code point,
    a line break in single-line text, or more than `max_length` characters (counted after
    normalising, as stored)."""
    if multiline:
        value = normalise_line_breaks(value)
    problem = problem_in(value, multiline=multiline)
    if problem is not None:
        raise problem
    if max_length is not None and len(value) > max_length:
        raise TextError(f"Keep this to {max_length} characters or fewer (it has {len(value)}).", code="too_long")
    return value


def scrub(value: str, *, multiline: bool) -> str:
    """Any text, made fit for an output that must not fail (iCalendar, email headers): line
    breaks normalised (multi-line) or turned into spaces (single-line, tab too), forbidden
    code points (and, single-line, invisible ones) dropped. For rows stored before the rule,
    and text we compose ourselves."""
    value = normalise_line_breaks(value)
    if not multiline:
        value = re.sub(f"[\t{_LINE_BREAKS}]+", " ", value)
        value = re.sub(f"[{_INVISIBLE}]", "", value)
    return re.sub(f"[{_ALWAYS}]", "", value)


# ---------------------------------------------------------------- Django


@deconstructible
class TextValidator:
    """Django validator: ValidationError with the reason, code "line_break" or "control_character"."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        problem = problem_in(value, multiline=self.multiline)
        if problem is not None:
            raise ValidationError(problem.reason, code=problem.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(self.multiline)


single_line = TextValidator(multiline=False)
multi_line = TextValidator(multiline=True)


class _TextField(forms.CharField):
    multiline = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Django's CharField refuses a NUL with its own message; ours names it and where it
        # is, so the field says one thing, not two (tester's finding 11).
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        self.validators.append(TextValidator(multiline=self.multiline))

    def to_python(self, value: Any) -> Any:
        # Normalised before the length check, so CR LF pairs count once, as they are stored.
        if self.multiline and isinstance(value, str):
            value = normalise_line_breaks(value)
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        # A refused value is shown again in the form; show it without what made it invalid
        # HTML (the error message names what was there).
        if isinstance(value, str):
            return scrub(value, multiline=self.multiline)
        return value


class SingleLineField(_TextField):
    """forms.CharField for one line of text: names, titles, venues, subjects, search words."""


class MultiLineField(_TextField):
    """forms.CharField for text with line breaks (a Textarea): descriptions, bios, messages."""

    multiline = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea)
        super().__init__(**kwargs)


# The admin's forms under the same rule: a model's CharField is one line, a TextField many.
# Every ModelAdmin and inline sets formfield_overrides = ADMIN_TEXT_RULE (a test checks).
ADMIN_TEXT_RULE: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    # The admin's own defaults name EmailField and URLField apart from CharField, and the first
    # class found in a field's MRO wins, so they are named here too.
    models.CharField: {"validators": [single_line]},
    models.EmailField: {"validators": [single_line]},
    models.URLField: {"validators": [single_line]},
    models.TextField: {"validators": [multi_line]},
}


# ---------------------------------------------------------------- pydantic (django-ninja schemas)


def _pydantic_check(multiline: bool) -> AfterValidator:
    def check(value: str) -> str:
        try:
            return clean_text(value, multiline=multiline)
        except TextError as exc:
            # PydanticCustomError keeps the reason as the message and nothing unserialisable in
            # the error's context (a raised ValueError would put the exception object there).
            raise PydanticCustomError("text_" + exc.code, "{reason}", {"reason": exc.reason}) from None

    return AfterValidator(check)


_SINGLE_LINE_RULE = _pydantic_check(False)
_MULTI_LINE_RULE = _pydantic_check(True)
SingleLine = Annotated[str, _SINGLE_LINE_RULE]
MultiLine = Annotated[str, _MULTI_LINE_RULE]
# What a schema's str field carries when it follows the rule (tests check every API input has one).
PYDANTIC_RULES = (_SINGLE_LINE_RULE, _MULTI_LINE_RULE)


class LinkField(forms.URLField):
    """forms.URLField under the single-line rule: URLValidator lets control characters through
    in a path (`https://example.com/a<U+0001>`), and a link is written into HTML and iCalendar."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(single_line)

    def prepare_value(self, value: Any) -> Any:
        return scrub(value, multiline=False) if isinstance(value, str) else value
