"""Model instances from rows of plain SQL, as the ORM would make them.

For the few reads that run so often that building the ORM's query costs more than running it
(a live room's lock before every change: bench/live.py). The SQL names each model's columns
through `columns()`, and `instance()` turns that slice of a row into the model, with the
converters the ORM's compiler applies (SQLite's dates read from text, booleans from integers,
JSON decoded), so the object is the one `QuerySet` would have returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model


@dataclass(frozen=True)
class Columns:
    """One model's part of a SELECT: `sql` lists its columns under the table alias, in the
    model's order; `attnames` names them for Model.from_db; `converters` is what the ORM applies
    to each (position, converters, the column expression they expect)."""

    model: type[Model]
    sql: str
    attnames: list[str]
    converters: list[tuple[int, list[Any], Any]]

    def __len__(self) -> int:
        return len(self.attnames)


def columns(model: type[Model], table_alias: str, db_alias: str = "default") -> Columns:
    """Every concrete column of `model` as `table_alias."column"`. Build it once per process
    (a module-level cache): the fields and the backend's converters do not change."""
    connection = connections[db_alias]
    fields = model._meta.concrete_fields
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(table_alias)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((i, found, col))
    return Columns(
        model=model,
        sql=", ".join(f'{table_alias}."{f.column}"' for f in fields),
        attnames=[f.attname for f in fields],
        converters=converters,
    )


def instance(cols: Columns, values: Sequence[Any], db_alias: str = "default") -> Any:
    """The model instance for `values` (exactly len(cols) of them, in cols' order), or None
    when its primary key is NULL (the empty side of a LEFT JOIN)."""
    row = list(values)
    pk_at = cols.attnames.index(cols.model._meta.pk.attname)
    if row[pk_at] is None:
        return None
    connection = connections[db_alias]
    for i, convs, col in cols.converters:
        for conv in convs:
            row[i] = conv(row[i], col, connection)
    return cols.model.from_db(db_alias, cols.attnames, row)
