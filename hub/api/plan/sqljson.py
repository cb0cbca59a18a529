"""JSON built inside the database, the same text on PostgreSQL and SQLite.

PostgreSQL has ``json_build_object`` / ``json_agg`` and base64 in ``encode``; SQLite has
``json_object`` / ``json_group_array``, no base64 and 15-digit floats, so the planner registers
four small functions on each SQLite connection (``hub_base64``, ``hub_cursor``, ``hub_float``,
and ``hub_distance``: the resolvers' own haversine). Booleans are spelt out on SQLite, which
stores them as 0 / 1, and JSON text read back from a subquery is marked as JSON again (SQLite
forgets that a subquery's value was JSON and would quote it).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Float,
    String,
    Text,
    case,
    cast,
    event,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.expression import ColumnClause
from sqlalchemy.types import TypeEngine

from hub.canonical.geo import EARTH_RADIUS_M, Point, distance_m


def _base64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _float(value: float | None) -> str | None:
    return None if value is None else json.dumps(float(value))


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return distance_m((lat1, lon1), (lat2, lon2))


def _cursor(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def prepare_engine(engine: AsyncEngine) -> None:
    """Give each SQLite connection of ``engine`` the functions planned statements call."""
    if engine.dialect.name != "sqlite":
        return

    def on_connect(connection: Any, _record: Any) -> None:
        connection.create_function("hub_base64", 1, _base64, deterministic=True)
        connection.create_function("hub_cursor", 1, _cursor, deterministic=True)
        connection.create_function("hub_float", 1, _float, deterministic=True)
        connection.create_function("hub_distance", 4, _distance, deterministic=True)

    event.listen(engine.sync_engine, "connect", on_connect)


class Constant(ColumnClause[Any]):
    """A JSON constant written into the statement (no aggregate, no column)."""

    inherit_cache = True

    def __init__(self, sql: str) -> None:
        super().__init__(sql, is_literal=True)


def _float_of(value: float) -> ColumnElement[Any]:
    """A float bound as a double precision parameter."""
    return literal(value, Float)


def text(value: str) -> ColumnElement[Any]:
    """A constant string written into the statement: names, keys, labels of code lists.

    Quotes are doubled (standard SQL, both dialects); a backslash is refused, for PostgreSQL
    reads it as an escape where ``standard_conforming_strings`` is off.
    """
    if "\\" in value or "\x00" in value:
        raise ValueError(f"{value!r} is not a constant the planner writes into SQL")
    quoted = value.replace("'", "''")
    return literal_column(f"'{quoted}'", String)


class SqlJson:
    """The JSON functions of one dialect."""

    def __init__(self, dialect: str) -> None:
        if dialect not in ("postgresql", "sqlite"):
            raise ValueError(f"the read planner knows PostgreSQL and SQLite, not {dialect}")
        self.postgres = dialect == "postgresql"

    def object(self, pairs: list[tuple[str, ColumnElement[Any]]]) -> ColumnElement[Any]:
        """A JSON object with these keys, in this order."""
        arguments: list[ColumnElement[Any]] = []
        for key, value in pairs:
            arguments += [text(key), value]
        if self.postgres:
            return func.json_build_object(*arguments)
        return func.json_object(*arguments)

    def as_text(self, json_value: ColumnElement[Any]) -> ColumnElement[Any]:
        """JSON read back as text, untouched: the driver must not decode it."""
        return cast(json_value, Text) if self.postgres else json_value

    def list(self, elements: list[ColumnElement[Any]]) -> ColumnElement[Any]:
        """A JSON array of these values, in this order."""
        return func.json_build_array(*elements) if self.postgres else func.json_array(*elements)

    def embed(self, json_text: ColumnElement[Any]) -> ColumnElement[Any]:
        """JSON text from a subquery, placed as JSON (not as a string) in an object."""
        return json_text if self.postgres else func.json(json_text)

    def flag(self, condition: ColumnElement[Any]) -> ColumnElement[Any]:
        """A boolean as JSON true / false."""
        if self.postgres:
            return condition
        return func.json(case((condition, text("true")), else_=text("false")))

    def constant(self, value: bool) -> ColumnElement[Any]:
        """A boolean known when the statement is built."""
        word = "true" if value else "false"
        return Constant(word if self.postgres else f"json('{word}')")

    def array(
        self,
        element: ColumnElement[Any],
        order: ColumnElement[Any] | tuple[ColumnElement[Any], ...],
        where: ColumnElement[bool] | None = None,
    ) -> ColumnElement[Any]:
        """The elements of the rows (passing ``where``) as a JSON array, ``[]`` when none.

        SQLite (before 3.44) has no ORDER BY inside an aggregate: it aggregates in the order
        of the ordered subquery it reads, which the caller provides.
        """
        if self.postgres:
            orders = order if isinstance(order, tuple) else (order,)
            ordered = aggregate_order_by(element, *orders)
            aggregated: ColumnElement[Any] = func.json_agg(ordered)
            if where is not None:
                aggregated = aggregated.filter(where)
            return func.coalesce(aggregated, literal_column("'[]'::json"))
        grouped = func.json_group_array(element)
        return grouped if where is None else grouped.filter(where)

    def number(self, value: ColumnElement[Any]) -> ColumnElement[Any]:
        """A float as Python's ``json`` writes it: the shortest digits that read back the
        same, and ``.0`` on a whole number (PostgreSQL and SQLite would write ``20``).

        PostgreSQL's float text is the shortest round-trip form too; from 1e15 on it writes
        an exponent where Python does not before 1e16 — no coordinate or distance is there.
        SQLite prints 15 digits, so Python formats its floats (``hub_float``).
        """
        if self.postgres:
            whole = case((value == func.trunc(value), text(".0")), else_=text(""))
            return cast(cast(value, Text).concat(whole), JSON)
        return func.json(func.hub_float(value))

    def elements(
        self, array: ColumnElement[Any], keys: dict[str, type[TypeEngine[Any]]], row: FromClause
    ) -> FromClause:
        """The objects of a JSON array (a column of ``row``) as rows: ``position`` (the
        array's order) and a column per key, of its SQL type (null where the key is null)."""
        if self.postgres:
            elements = func.json_array_elements(array)
            each = elements.table_valued("value", with_ordinality="position").render_derived()
            position = each.c.position
            columns = [
                cast(func.json_extract_path_text(each.c.value, text(key)), kind).label(key)
                for key, kind in keys.items()
            ]
        else:
            each = func.json_each(array).table_valued("key", "value")
            position = each.c.key
            columns = [func.json_extract(each.c.value, text(f"$.{key}")).label(key) for key in keys]
        found = select(position.label("position"), *columns).select_from(each)
        return found.order_by(position).correlate(row).subquery()

    def children(
        self,
        table: FromClause,
        parent_key: str,
        order: tuple[str, ...],
        row: FromClause,
        element: Callable[[FromClause], ColumnElement[Any]],
    ) -> ColumnElement[Any]:
        """A JSON array of the rows of ``table`` (a child table's alias) whose ``parent_key``
        is ``row``'s id, in ``order``, each written by ``element``: ``[]`` when none."""
        ordered = (
            select(table)
            .where(table.c[parent_key] == row.c.id)
            .order_by(*(table.c[name] for name in order))
            .correlate(row)
            .subquery()
        )
        found = select(self.array(element(ordered), tuple(ordered.c[name] for name in order)))
        return self.embed(found.select_from(ordered).correlate(row).scalar_subquery())

    def code_names(
        self, codes: ColumnElement[Any], names: dict[Any, ColumnElement[Any]]
    ) -> ColumnElement[Any]:
        """A JSON array of codes as the names of their members, in the array's order."""
        if self.postgres:
            element = func.json_array_elements_text(codes).table_valued("value")
            named = case(names, value=element.c.value)
            found = select(func.coalesce(func.json_agg(named), literal_column("'[]'::json")))
        else:
            element = func.json_each(codes).table_valued("value")
            found = select(func.json_group_array(case(names, value=element.c.value)))
        return found.select_from(element).scalar_subquery()

    def stamp(self, value: ColumnElement[Any]) -> ColumnElement[Any]:
        """A UTC timestamp as Python's ``isoformat``: microseconds only when not zero."""
        if self.postgres:
            utc = func.timezone(text("UTC"), value)
            micro = cast(func.date_part(text("microseconds"), value), BigInteger) % 1_000_000
            return (
                func.to_char(utc, text('YYYY-MM-DD"T"HH24:MI:SS'))
                .concat(case((micro == 0, text("")), else_=func.to_char(utc, text(".US"))))
                .concat(text("+00:00"))
            )
        # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff', in UTC.
        fraction = func.substr(value, 21, 6)
        return (
            func.replace(func.substr(value, 1, 19), " ", "T")
            .concat(
                case(
                    (func.coalesce(fraction, "").in_(["", "000000"]), text("")),
                    else_=text(".").concat(fraction),
                )
            )
            .concat(text("+00:00"))
        )

    def distance(
        self, centre: Point, latitude: ColumnElement[Any], longitude: ColumnElement[Any]
    ) -> ColumnElement[Any]:
        """Metres from ``centre`` to the point of these columns, the very float
        :func:`hub.canonical.geo.distance_m` gives: on SQLite it is called; on PostgreSQL its
        arithmetic is written out operation for operation, each one the same IEEE operation or
        C library function (``sin``, ``pow``…) Python calls, the centre's terms worked out in
        Python."""
        if not self.postgres:
            return func.hub_distance(
                _float_of(centre[0]), _float_of(centre[1]), latitude, longitude
            )
        lat1, lon1 = (math.radians(v) for v in centre)
        lat2 = latitude * _float_of(math.pi / 180)
        lon2 = longitude * _float_of(math.pi / 180)
        half = _float_of(2.0)
        h = func.power(func.sin((lat2 - _float_of(lat1)) / half), 2) + _float_of(
            math.cos(lat1)
        ) * func.cos(lat2) * func.power(func.sin((lon2 - _float_of(lon1)) / half), 2)
        return _float_of(2 * EARTH_RADIUS_M) * func.asin(func.sqrt(h))

    def binary(self, value: ColumnElement[Any]) -> ColumnElement[Any]:
        """Text ordered by code point, as Python orders strings (SQLite's default; on
        PostgreSQL the "C" collation, whatever the database's own)."""
        return value.collate("C") if self.postgres else value

    def least(self, a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
        """The smaller of two numbers (a scalar, not the aggregate)."""
        return func.least(a, b) if self.postgres else func.min(a, b)

    def global_id(self, type_name: str, key: ColumnElement[Any]) -> ColumnElement[Any]:
        """The Relay ID of a row: base64 of ``Type:id``, as ``hub.api.relay`` makes it."""
        payload = text(f"{type_name}:").concat(cast(key, Text))
        if self.postgres:
            # Short input: encode() breaks lines only after 76 characters.
            return func.encode(func.convert_to(payload, text("UTF8")), text("base64"))
        return func.hub_base64(payload)

    def cursor(
        self, sort_name: str, value: ColumnElement[Any], kind: str, key: ColumnElement[Any]
    ) -> ColumnElement[Any]:
        """The keyset cursor of a row, as ``hub.paging.encode_cursor`` makes it.

        ``kind`` is ``text``, ``date``, ``datetime`` (UTC) or ``integer``: how the sort value
        is written in the cursor's compact JSON ``["NAME:asc",value,id]``, then base64url
        without padding.
        """
        if self.postgres:
            if kind == "date":
                written = text('{"date":"').concat(cast(value, Text)).concat(text('"}'))
            elif kind == "datetime":
                written = text('{"datetime":"').concat(self.stamp(value)).concat(text('"}'))
            elif kind == "integer":
                written = cast(value, Text)
            else:
                written = cast(func.to_json(value), Text)
            payload = (
                text(f'["{sort_name}",')
                .concat(func.coalesce(written, text("null")))
                .concat(text(","))
                .concat(cast(key, Text))
                .concat(text("]"))
            )
            encoded = func.encode(func.convert_to(payload, text("UTF8")), text("base64"))
            return func.rtrim(func.translate(encoded, literal_column("E'+/\\n'"), text("-_")), "=")
        shown: ColumnElement[Any]
        if kind == "date":
            shown = func.json_object(text("date"), value)
        elif kind == "datetime":
            shown = func.json_object(text("datetime"), self.stamp(value))
        else:
            shown = value
        return func.hub_cursor(func.json_array(text(sort_name), shown, key))
