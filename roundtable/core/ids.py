"""Public identifiers: what a URL, an email or the API calls a meeting or a person.

Integer primary keys stay inside the database. They count up, so anyone could walk
`/meetings/1/`, `/meetings/2/`, ... and find every unlisted group's meetings; a public
identifier is drawn at random instead: 12 characters of a 32-letter alphabet (lower-case
letters and digits without 0, 1, l and o, so a link read aloud or retyped survives),
60 bits. Guessing one live meeting among a million takes about 10^12 tries on average.
"""

from __future__ import annotations

import secrets

from django.urls import register_converter

PUBLIC_ID_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"
PUBLIC_ID_LENGTH = 12
PUBLIC_ID_PATTERN = f"[{PUBLIC_ID_ALPHABET}]{{{PUBLIC_ID_LENGTH}}}"


def is_public_id(value: str) -> bool:
    """Whether `value` (from a form or a query string) is shaped like a public id: only such
    text reaches a query, so a NUL or a megabyte never does (PostgreSQL refuses a NUL)."""
    return len(value) == PUBLIC_ID_LENGTH and all(c in PUBLIC_ID_ALPHABET for c in value)


def new_public_id() -> str:
    """A fresh random public identifier, e.g. "k3m9q2xa7bcd" (not checked for uniqueness:
    the column's unique constraint does that, and a collision is a 1 in 10^18 event)."""
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


class PublicIdConverter:
    """`<pid:public_id>` in URL patterns: exactly a public identifier's shape."""

    regex = PUBLIC_ID_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Imported by every urls module that uses `pid`; a module runs once, so this registers once.
register_converter(PublicIdConverter, "pid")
