"""Multi-row statements on PostgreSQL without the ORM: one round trip per table per batch.

A batch of rows goes to PostgreSQL as one array per column, bound to a statement that reads
them back with ``unnest``: ``INSERT INTO t (…) SELECT * FROM unnest($1::…[], $2::…[], …)
ON CONFLICT … RETURNING …``. The statement's text depends only on the table and the conflict
rule, so asyncpg prepares it once per connection; the arrays go in its binary format, encoded
in C. Against SQLAlchemy's executemany (a multi-row ``VALUES`` list compiled and bound value by
value in Python), this is what makes the exchange's write path cheap per record. Values are
converted as SQLAlchemy would bind them (each column type's bind processor: code lists to
their codes, timestamps checked to be aware), so the rows are the same either way.

Runs in the session's transaction, on its connection (``driver``); each write is noted on
the session (``hub.db.note_written``), so that its commit moves the data version as the
statements SQLAlchemy sends do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import driver_connection, note_written


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns of a table a statement writes, with their array types and bind processors."""

    table: Table
    names: tuple[str, ...]
    arrays: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]

    def arrays_of(self, rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
        """The rows (values in ``names`` order) as one bound array per column."""
        columns: list[list[Any]] = [list(values) for values in zip(*rows, strict=True)]
        for index, processor in enumerate(self.processors):
            if processor is not None:
                columns[index] = [processor(value) for value in columns[index]]
        return columns


@cache
def columns(table: Table, names: tuple[str, ...], dialect: Any) -> Columns:
    """``names`` of ``table`` as a statement binds them through ``dialect`` (asyncpg)."""
    picked = [table.c[name] for name in names]
    return Columns(
        table=table,
        names=names,
        arrays=tuple(f"{column.type.compile(dialect=dialect)}[]" for column in picked),
        processors=tuple(column.type.bind_processor(dialect) for column in picked),
    )


def _unnest(spec: Columns) -> str:
    arrays = ", ".join(f"${number}::{kind}" for number, kind in enumerate(spec.arrays, 1))
    return f"SELECT * FROM unnest({arrays})"


@cache
def insert_statement(
    spec: Columns,
    conflict: tuple[str, ...],
    update: bool,
    returning: tuple[str, ...],
    conflict_where: str = "",
) -> str:
    """``INSERT … SELECT * FROM unnest(…) ON CONFLICT (conflict) …``.

    ``update``: the conflicting row takes the new values (but its ``received_at``, when the hub
    first had it); else the row already there stands (``DO NOTHING``). ``conflict_where``: the
    predicate of the partial unique index ``conflict`` names.
    """
    statement = f"INSERT INTO {spec.table.name} ({', '.join(spec.names)}) {_unnest(spec)}"
    if conflict:
        kept = [
            f"{name} = excluded.{name}"
            for name in spec.names
            if name not in conflict and name != "received_at"
        ]
        action = f"DO UPDATE SET {', '.join(kept)}" if update and kept else "DO NOTHING"
        target = f"({', '.join(conflict)})" + (f" WHERE {conflict_where}" if conflict_where else "")
        statement += f" ON CONFLICT {target} {action}"
    if returning:
        statement += f" RETURNING {', '.join(returning)}"
    return statement


async def driver(session: AsyncSession, table: Table) -> Any:
    """The asyncpg connection under ``session``, inside its transaction, to write ``table``."""
    note_written(session, table.name)
    return await driver_connection(session)


async def insert(
    session: AsyncSession,
    table: Table,
    names: tuple[str, ...],
    rows: Sequence[Sequence[Any]],
    *,
    conflict: tuple[str, ...] = (),
    update: bool = False,
    returning: tuple[str, ...] = (),
    conflict_where: str = "",
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (values in ``names`` order) in one statement; the rows it returned
    (see ``insert_statement`` for the conflict rule)."""
    if not rows:
        return []
    connection = await driver(session, table)
    spec = columns(table, names, session.get_bind().dialect)
    statement = insert_statement(spec, conflict, update, returning, conflict_where)
    arrays = spec.arrays_of(rows)
    if returning:
        return [tuple(row) for row in await connection.fetch(statement, *arrays)]
    await connection.execute(statement, *arrays)
    return []


async def update_by_id(
    session: AsyncSession,
    table: Table,
    names: tuple[str, ...],
    rows: Sequence[Sequence[Any]],
) -> None:
    """Set columns ``names`` of the rows with these (id, value, …), in one statement."""
    if not rows:
        return
    connection = await driver(session, table)
    spec = columns(table, ("id", *names), session.get_bind().dialect)
    given = ", ".join(f"{name} = given.{name}" for name in names)
    await connection.execute(
        f"UPDATE {table.name} SET {given} FROM ({_unnest(spec)}) AS given (id, {', '.join(names)}) "
        f"WHERE {table.name}.id = given.id",
        *spec.arrays_of(rows),
    )


async def delete_by(session: AsyncSession, table: Table, name: str, values: Sequence[Any]) -> None:
    """Delete the rows whose column ``name`` is one of ``values``, in one statement."""
    if not values:
        return
    connection = await driver(session, table)
    spec = columns(table, (name,), session.get_bind().dialect)
    await connection.execute(
        f"DELETE FROM {table.name} WHERE {name} = ANY($1::{spec.arrays[0]})",
        *spec.arrays_of([(value,) for value in values]),
    )
