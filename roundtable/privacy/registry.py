"""What every app holds about a person, in one registry: the export reads it, the deletion
reads it, and a test fails when a model is in neither HOLDINGS nor EXCLUDED.

How an app registers a model (in `roundtable/<app>/privacy.py`, imported at start-up by
PrivacyConfig.ready), three lines:

    from roundtable.privacy.registry import Deletion, register

    register(Report, area="Safety", label="Reports you made", mine=("reporter",), deletion=Deletion.ERASE)

`mine` names the lookups (foreign keys to the user, or paths such as "turn__user") that make
a row this person's: the export takes the rows matching any of them, in one query a model.
`deletion` says what deleting the account does to those rows:

- ERASE: the row goes, at once (deleted before the account, last registered first, so an app
  registers rows that refer to its other rows after them);
- ANONYMISE: the row stays for others, naming nobody (the foreign key is SET_NULL, and the
  `scrub` text fields lose the person's names and email);
- CHOICE: the person picks on the deletion page: keep anonymised, or remove
  (`anonymise` and `remove` do each; see privacy.services.account_delete).

Optional: `fields` (exported, default every concrete field but `secret`), `secret` (never
exported: hashes, keys), `own_fields` (a field exported only when the given foreign key is the
person: a note the other party wrote stays theirs), `linked` (SET_NULL foreign keys through
which *other people's* rows point at the person, whose `scrub` fields are cleaned of the
person's names on deletion), `note` (what deletion does, in plain words, for the page),
`many` (many-to-many fields, exported as lists), `named` (foreign keys to people whose names
the person always saw there: their own block list), `rows` (a function giving the export's rows
where who sees what depends on each row: introductions).

A model that holds nothing about a person, or whose rows go with another registered row,
goes in EXCLUDED with its reason: `exclude("app.Model", "why")`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import models


class Deletion(StrEnum):
    ERASE = "erase"
    ANONYMISE = "anonymise"
    CHOICE = "choice"


@dataclass(frozen=True)
class Holding:
    model: type[models.Model]
    area: str
    label: str
    mine: tuple[str, ...]
    deletion: Deletion
    fields: tuple[str, ...] | None = None
    secret: tuple[str, ...] = ()
    own_fields: dict[str, str] = field(default_factory=dict)
    scrub: tuple[str, ...] = ()
    linked: tuple[str, ...] = ()
    note: str = ""
    # Many-to-many fields exported as a list beside each row: the related rows' names where they
    # have one (topics), else their ids. One query each, whatever the number of rows.
    many: tuple[str, ...] = ()
    # Foreign keys to people whose names the person saw whatever the usual rule (their own
    # block list names the people they blocked).
    named: tuple[str, ...] = ()
    # Where the rows the person may see are not simply "mine" (what the other people in a row
    # could see differs by role): a function of the person giving the export's rows, as dicts
    # of the exported fields (a foreign key to a person by its user id). One or two queries.
    rows: Callable[[Any], list[dict[str, Any]]] | None = None
    # CHOICE only: what "keep anonymised" and "remove" do to the person's rows (given the user).
    anonymise: Callable[[Any], None] | None = None
    remove: Callable[[Any], None] | None = None

    @property
    def key(self) -> str:
        return self.model._meta.label

    def exported_fields(self) -> list[str]:
        """The export's columns, in the model's order: `fields`, or every concrete field but the
        secret ones (a foreign key by its name; its value is the related row's id)."""
        names = [f.name for f in self.model._meta.concrete_fields]
        if self.fields is not None:
            unknown = set(self.fields) - set(names)
            if unknown:
                raise ValueError(f"{self.key}: no fields {sorted(unknown)}")
            return [n for n in names if n in self.fields]
        return [n for n in names if n not in self.secret]


HOLDINGS: dict[str, Holding] = {}
EXCLUDED: dict[str, str] = {}


def register(model: type[models.Model], **kwargs: Any) -> Holding:
    """Register what `model` holds about a person (module docstring). Registering twice replaces."""
    holding = Holding(model=model, **kwargs)
    if not holding.mine:
        raise ValueError(f"{holding.key}: say which lookups make a row the person's (mine=...)")
    if holding.deletion is Deletion.CHOICE and (holding.anonymise is None or holding.remove is None):
        raise ValueError(f"{holding.key}: a CHOICE needs both anonymise and remove")
    holding.exported_fields()  # unknown field names fail at start-up, not in an export
    HOLDINGS[holding.key] = holding
    return holding


def exclude(label: str, reason: str) -> None:
    """List a model ("app_label.Model") that the export leaves out, with the reason."""
    if not reason.strip():
        raise ValueError(f"{label}: say why it is excluded")
    EXCLUDED[label] = reason


def holdings() -> list[Holding]:
    """Every registered holding, grouped by area in registration order."""
    order: dict[str, int] = {}
    for h in HOLDINGS.values():
        order.setdefault(h.area, len(order))
    return sorted(HOLDINGS.values(), key=lambda h: order[h.area])
