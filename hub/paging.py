"""Keyset pagination over any ORM select, for one list or for many parents at once.

Pages are ordered by one sort column with the primary key as tie-breaker, and cursors carry
both values, so a page stays stable while rows are added elsewhere and no OFFSET scan grows
with depth. Pages of many parents (``operator.vehicles`` for every operator on a page) come
from one statement with a window function, which keeps nested queries free of N+1.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, TypeDecorator, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.sql import sqltypes

from hub.db import Base, Code
from hub.errors import BadUserInput

R = TypeVar("R", bound=Base)


@dataclass(frozen=True, slots=True)
class Sort:
    """What a list is ordered by: a named column and a direction (ties broken by id)."""

    name: str
    # Compared by name only: column objects overload == to build SQL.
    column: InstrumentedAttribute[Any] = field(compare=False)
    descending: bool = False
    personal: bool = False
    """The column is personal data: cursors name the row only, never its value."""


@dataclass(frozen=True, slots=True)
class Window:
    """Which slice of a list a client asks for, in Relay's terms, already validated."""

    size: int
    forward: bool
    after: tuple[Any, int] | None = None
    before: tuple[Any, int] | None = None


@dataclass(slots=True)
class Page(Generic[R]):
    """One page of rows with the cursor of each and whether more lie either side."""

    rows: list[R]
    cursors: list[str]
    has_next: bool
    has_previous: bool


def encode_cursor(sort: Sort, row: Base) -> str:
    """An opaque cursor naming the sort and the row's position in it."""
    value: Any = None if sort.personal else getattr(row, sort.column.key)
    if isinstance(value, dt.datetime):
        value = {"datetime": value.isoformat()}
    elif isinstance(value, dt.date):
        value = {"date": value.isoformat()}
    elif hasattr(value, "value"):  # code-list enum: store its code
        value = value.value
    row_id = getattr(row, "id")  # noqa: B009 - every paged table has an integer id
    payload = json.dumps([sort.name, value, row_id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(sort: Sort, cursor: str, argument: str) -> tuple[Any, int]:
    """The (sort value, id) a cursor points at; refuses cursors of another sort or forged ones.

    The value must be one the sort column can hold, for a forged one of another type would
    reach the database and fail there (PostgreSQL refuses the parameter) instead of here.
    """
    forged = BadUserInput(f"{argument}: {cursor!r} is not a cursor", field=argument)
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, RecursionError):
        raise forged from None
    if name != sort.name:
        raise BadUserInput(
            f"{argument}: the cursor belongs to ordering {name!r}, not {sort.name!r}",
            field=argument,
        )
    id_column = getattr(sort.column.class_, "id", None)
    if sort.personal:
        # The value is the row's own, read where the page is read: a cursor carrying a name
        # would hand it to clients without pii:read, or let them probe names with forged ones.
        if value is not None or not isinstance(row_id, int) or isinstance(row_id, bool):
            raise forged
        try:
            row_id = _integer(row_id, 32)
        except ValueError:
            raise forged from None
        anchor: Any = aliased(sort.column.class_)  # never correlated with the listed rows
        value_of = select(getattr(anchor, sort.column.key)).where(anchor.id == row_id)
        return value_of.scalar_subquery(), row_id
    try:
        value = _column_value(sort.column, value)
        row_id = _column_value(id_column, row_id) if id_column is not None else _integer(row_id, 64)
    except (ValueError, TypeError, OverflowError):
        raise forged from None
    if not isinstance(row_id, int):
        raise forged
    return value, row_id


def _column_value(column: InstrumentedAttribute[Any], value: Any) -> Any:
    """What a cursor's JSON ``value`` stands for in ``column``: ValueError when nothing.

    Mirrors ``encode_cursor``: datetimes and dates come tagged, codes as their code.
    """
    if value is None:
        if getattr(column.expression, "nullable", False):
            return None
        raise ValueError("the column holds no nulls")
    type_: Any = column.type
    if isinstance(type_, Code):
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError("not a code")
        return type_.enum_type(value)
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, sqltypes.DateTime):
        stamp = dt.datetime.fromisoformat(_tagged(value, "datetime"))
        if (stamp.tzinfo is not None) != bool(type_.timezone):
            raise ValueError("a timezone where the column has none, or none where it has")
        return stamp if stamp.tzinfo is None else stamp.astimezone(dt.UTC)
    if isinstance(type_, sqltypes.Date):
        return dt.date.fromisoformat(_tagged(value, "date"))
    if isinstance(type_, sqltypes.String):
        if not isinstance(value, str) or "\x00" in value:
            raise ValueError("not text")
        value.encode()  # lone surrogates: UnicodeEncodeError, a ValueError
        return value
    if isinstance(type_, sqltypes.Integer):
        wide = {sqltypes.SmallInteger: 16, sqltypes.BigInteger: 64}
        return _integer(value, next((b for t, b in wide.items() if isinstance(type_, t)), 32))
    if isinstance(type_, sqltypes.Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("not a number")
        return float(value)
    # Lists sort by the types above only; a cursor naming another cannot be one of ours.
    raise ValueError("a column type cursors do not know")


def _tagged(value: Any, tag: str) -> Any:
    if not isinstance(value, dict) or set(value) != {tag}:
        raise ValueError(f"not a {tag}")
    return value[tag]


def _integer(value: Any, bits: int) -> int:
    """``value`` if it is an integer a column of ``bits`` bits holds (bools are not)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("not an integer")
    if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        raise ValueError("out of the column's range")
    return value


def window(
    sort: Sort,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    default_size: int,
    max_size: int,
) -> Window:
    """Check Relay arguments against the page-size cap and decode the cursors."""
    if first is not None and last is not None:
        raise BadUserInput("first and last: give one of them, not both", field="first")
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= max_size:
            raise BadUserInput(f"{name}: must be between 0 and {max_size}, got {size}", field=name)
    return Window(
        size=first if first is not None else last if last is not None else default_size,
        forward=last is None,
        after=None if after is None else decode_cursor(sort, after, "after"),
        before=None if before is None else decode_cursor(sort, before, "before"),
    )


def _keyset(stmt: Select[Any], model: type[Base], sort: Sort, slice_: Window) -> Select[Any]:
    key = tuple_(sort.column, model.id)  # type: ignore[attr-defined]
    # Rows after the cursor in the requested direction: ">" ascending, "<" descending.
    if slice_.after is not None:
        bound = tuple_(*slice_.after)
        stmt = stmt.where(key < bound if sort.descending else key > bound)
    if slice_.before is not None:
        bound = tuple_(*slice_.before)
        stmt = stmt.where(key > bound if sort.descending else key < bound)
    return stmt


def _order(model: type[Base], sort: Sort, slice_: Window) -> list[ColumnElement[Any]]:
    # Paging backwards reads the list reversed and turns the page round afterwards.
    descending = sort.descending == slice_.forward
    columns = [sort.column, model.id]  # type: ignore[attr-defined]
    return [column.desc() if descending else column.asc() for column in columns]


def _page(rows: Sequence[R], sort: Sort, slice_: Window) -> Page[R]:
    more = len(rows) > slice_.size
    rows = list(rows[: slice_.size])
    if not slice_.forward:
        rows.reverse()
    return Page(
        rows=rows,
        cursors=[encode_cursor(sort, row) for row in rows],
        has_next=more if slice_.forward else slice_.before is not None,
        has_previous=slice_.after is not None if slice_.forward else more,
    )


async def fetch_page(
    session: AsyncSession, stmt: Select[tuple[R]], model: type[R], sort: Sort, slice_: Window
) -> Page[R]:
    """One page of a single list."""
    if slice_.size == 0:
        return Page([], [], False, False)
    query = _keyset(stmt, model, sort, slice_).order_by(*_order(model, sort, slice_))
    rows = (await session.scalars(query.limit(slice_.size + 1))).all()
    return _page(rows, sort, slice_)


async def fetch_pages(
    session: AsyncSession,
    stmt: Select[tuple[R]],
    model: type[R],
    sort: Sort,
    slice_: Window,
    parent: InstrumentedAttribute[Any],
    parent_ids: Sequence[int],
) -> dict[int, Page[R]]:
    """The same page of many parents' lists, in one statement.

    ``parent`` may be a column of ``model`` or of a table ``stmt`` joins (a list reached
    through a link table, like the lines calling at a station).
    """
    pages: dict[int, Page[R]] = {parent_id: Page([], [], False, False) for parent_id in parent_ids}
    if slice_.size == 0 or not parent_ids:
        return pages
    number = func.row_number().over(partition_by=parent, order_by=_order(model, sort, slice_))
    inner = (
        _keyset(stmt, model, sort, slice_)
        .where(parent.in_(parent_ids))
        .add_columns(parent.label("parent_key"), number.label("position"))
        .subquery()
    )
    rows_of = aliased(model, inner)
    query = (
        select(rows_of, inner.c.parent_key)
        .where(inner.c.position <= slice_.size + 1)
        .order_by(inner.c.parent_key, inner.c.position)
    )
    grouped: dict[int, list[R]] = {parent_id: [] for parent_id in parent_ids}
    for row, parent_id in (await session.execute(query)).all():
        grouped[parent_id].append(row)
    return {parent_id: _page(rows, sort, slice_) for parent_id, rows in grouped.items()}


async def count(session: AsyncSession, stmt: Select[Any]) -> int:
    """How many rows a list has in all."""
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return int(total or 0)


async def count_by(
    session: AsyncSession,
    stmt: Select[Any],
    parent: InstrumentedAttribute[Any],
    parent_ids: Sequence[int],
) -> dict[int, int]:
    """How many rows each parent's list has, in one statement."""
    inner = (
        stmt.where(parent.in_(parent_ids))
        .add_columns(parent.label("parent_key"))
        .order_by(None)
        .subquery()
    )
    query = select(inner.c.parent_key, func.count()).group_by(inner.c.parent_key)
    counts = {parent_id: 0 for parent_id in parent_ids}
    for parent_id, total in (await session.execute(query)).all():
        counts[parent_id] = int(total)
    return counts


F = TypeVar("F")


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: one per domain list
class Listing(Generic[R, F]):
    """How a domain lists its rows: the model, the named sorts and the filter's conditions."""

    model: type[R]
    sorts: dict[str, InstrumentedAttribute[Any]]
    default_sort: str
    conditions: Any  # Callable[[F], list[ColumnElement[bool]]]; Any keeps dataclass hashing simple
    personal_sorts: frozenset[str] = frozenset()
    """Sorts over personal data: their cursors carry no values (see ``Sort.personal``)."""

    def sort(self, name: str | None, descending: bool = False) -> Sort:
        """The named sort (the default one when None)."""
        key = self.default_sort if name is None else name
        return Sort(
            name=f"{key}:{'desc' if descending else 'asc'}",
            column=self.sorts[key],
            descending=descending,
            personal=key in self.personal_sorts,
        )

    def select(self, filter_: F | None, rule: ColumnElement[bool]) -> Select[tuple[R]]:
        """The rows the reader's ``rule`` lets it see that pass the filter, unordered."""
        stmt: Select[tuple[R]] = select(self.model)
        stmt = stmt.where(rule)
        if filter_ is not None:
            stmt = stmt.where(*self.conditions(filter_))
        return stmt


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: one per relation
class Relation(Generic[R, F]):
    """A list under each parent: ``operator.vehicles`` is VEHICLES by ``Vehicle.operator_id``.

    ``through`` joins a link table when the parent key is not a column of the listed rows.
    """

    listing: Listing[R, F]
    parent: InstrumentedAttribute[Any]
    through: Any = None  # Callable[[Select], Select] | None

    def select(self, filter_: F | None, rule: ColumnElement[bool]) -> Select[tuple[R]]:
        """The listed rows the reader's ``rule`` lets it see, joined to reach the parent key."""
        stmt = self.listing.select(filter_, rule)
        return stmt if self.through is None else self.through(stmt)
