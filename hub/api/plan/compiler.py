"""A selection turned into SQLAlchemy Core that builds the answer's JSON in the database.

Objects are ``json_build_object`` / ``json_object`` of their selected keys in selection order;
a single relation is a correlated scalar subquery; a connection reads one page (``first`` + 1
rows, keyset after the cursor, ordered by the sort and the key) and aggregates its edges, page
info and cursors in one subquery, with ``totalCount`` a count under the same conditions. Every
table read — root, nested, counted — carries its type's row rule (``rules.row_rule``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import FragmentDefinitionNode, GraphQLSchema
from graphql.execution.values import VariableValues, get_argument_values
from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
    tuple_,
)
from sqlalchemy.sql import FromClause, sqltypes
from sqlalchemy.sql.util import ClauseAdapter
from strawberry.types.arguments import convert_arguments

from hub.api.permissions import Policy
from hub.api.plan import catalog, kinds
from hub.api.plan.rules import row_rule
from hub.api.plan.selection import Selected, Unplannable
from hub.api.plan.sqljson import Constant, SqlJson, text
from hub.auth.principal import Principal
from hub.canonical.codes import REGIONS
from hub.db import Base, UTCDateTime
from hub.db import Code as CodeType
from hub.errors import BadUserInput
from hub.filters import EXPIRING_DAYS
from hub.paging import Listing, Relation, Sort, window


class Refer(Exception):
    """This request, though plannable, is answered by the resolvers: its arguments are refused
    or its record is missing, and they word those errors."""


@dataclass(frozen=True, slots=True)
class Build:
    """What one request's statements are built with."""

    sql: SqlJson
    principal: Principal
    variables: VariableValues
    today: dt.date
    default_size: int
    max_size: int
    config: Any
    """Strawberry's schema config: its name converter names input fields."""
    scalars: Any
    """Strawberry's scalar registry, to read arguments as resolvers receive them."""
    graphql: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    policy: Policy

    def arguments(self, selected: Selected) -> dict[str, Any]:
        """The field's arguments with variables and defaults applied (graphql-core's own)."""
        assert selected.definition is not None
        values = get_argument_values(selected.definition, selected.nodes[0], self.variables)
        if self.policy.searched(selected.parent_type, selected.name, values):
            # A search by personal data needs pii:read and a purpose and is audited, released
            # or refused: the resolvers' policy check does all three.
            raise Refer(f"{selected.name}: looks up or filters by personal data")
        return values

    def resolver_arguments(self, selected: Selected) -> dict[str, Any]:
        """The field's arguments as its resolver receives them: Strawberry's inputs and
        enums, under their Python names."""
        values = self.arguments(selected)
        assert selected.definition is not None
        field = selected.definition.extensions["strawberry-definition"]
        return convert_arguments(
            values, field.arguments, scalar_registry=self.scalars, config=self.config
        )


def model_of(type_name: str) -> type[Base]:
    model = catalog.TYPES[type_name].model
    if model is None:
        raise Unplannable(f"{type_name} has no table of its own")
    return model


def alias_of(model: type[Base]) -> FromClause:
    return model.__table__.alias()


def object_json(
    build: Build,
    type_name: str,
    selections: tuple[Selected, ...],
    row: FromClause,
    finished: bool = False,
) -> ColumnElement[Any]:
    """An object of ``type_name`` read from the columns of ``row``; with ``finished``, its
    ``Computed`` fields are null, for the root's finisher to fill in."""
    entry = catalog.TYPES.get(type_name)
    if entry is None:
        raise Unplannable(f"the planner has no table for {type_name}")
    pairs: list[tuple[str, ColumnElement[Any]]] = []
    for selected in selections:
        if selected.name == "__typename":
            pairs.append((selected.key, text(type_name)))
            continue
        kind = entry.fields.get(selected.name)
        if kind is None:
            raise Unplannable(f"{type_name}.{selected.name} is resolved in Python")
        if isinstance(kind, kinds.Computed):
            if not finished:
                raise Unplannable(f"{type_name}.{selected.name} is worked out at the root only")
            pairs.append((selected.key, null()))
            continue
        pairs.append((selected.key, _field(build, type_name, kind, selected, row)))
    return build.sql.object(pairs)


def _field(
    build: Build, type_name: str, kind: kinds.Field, selected: Selected, row: FromClause
) -> ColumnElement[Any]:
    sql = build.sql
    if isinstance(kind, kinds.Scalar):
        return row.c[kind.column]
    if isinstance(kind, kinds.Number):
        return sql.number(row.c[kind.column])
    if isinstance(kind, kinds.Flag):
        return sql.flag(row.c[kind.column])
    if isinstance(kind, kinds.Code):
        return case(_names(kind.enum_type), value=row.c[kind.column])
    if isinstance(kind, kinds.CodeList):
        return sql.embed(sql.code_names(row.c[kind.column], _names(kind.enum_type)))
    if isinstance(kind, kinds.Stamp):
        return sql.stamp(row.c[kind.column])
    if isinstance(kind, kinds.RegionOf):
        return region_json(build, selected.children, row.c[kind.column])
    if isinstance(kind, kinds.ValidityOf):
        valid_to = row.c[kind.column]
        soon = build.today + dt.timedelta(days=EXPIRING_DAYS)
        return case(
            (valid_to < build.today, text("EXPIRED")),
            (valid_to <= soon, text("EXPIRING")),
            else_=text("VALID"),
        )
    if isinstance(kind, kinds.Overdue):
        return sql.flag(row.c[kind.column] < build.today)
    if isinstance(kind, kinds.GlobalId):
        return sql.global_id(type_name, row.c.id)
    if isinstance(kind, kinds.Embedded):
        return object_json(build, kind.type_name, selected.children, row)
    if isinstance(kind, kinds.EmbeddedWhen):
        present = and_(*[row.c[column].is_not(None) for column in kind.columns])
        embedded = object_json(build, kind.type_name, selected.children, row)
        return sql.embed(case((present, embedded), else_=null()))
    if isinstance(kind, kinds.Stored):
        return sql.embed(row.c[kind.column])
    if isinstance(kind, kinds.ToOne | kinds.ByKey):
        model = model_of(kind.type_name)
        target = alias_of(model)
        found = (
            select(object_json(build, kind.type_name, selected.children, target))
            .where(*[target.c[own] == row.c[parent] for parent, own in kind.keys])
            .where(*row_rule(model, target, build.principal))
            .scalar_subquery()
        )
        return sql.embed(found)
    if isinstance(kind, kinds.Recent):
        return sql.flag(row.c[kind.column] > _before_now(kind.within))
    if isinstance(kind, kinds.Through):
        return sql.embed(_through(build, kind, selected, row).scalar_subquery())
    if isinstance(kind, kinds.Spelt):
        return cast(row.c[kind.column], Text)
    if isinstance(kind, kinds.Rows):
        child = alias_of(model_of(kind.type_name))
        return sql.children(
            child, kind.parent_key, kind.order, row,
            lambda rows: object_json(build, kind.type_name, selected.children, rows),
        )  # fmt: skip
    if isinstance(kind, kinds.Values):
        values = alias_of(kind.model)
        return sql.children(
            values, kind.parent_key, (kind.column,), row, lambda rows: rows.c[kind.column]
        )
    if isinstance(kind, kinds.Elements):
        elements = sql.elements(row.c[kind.column], kind.keys, row)
        element = object_json(build, kind.type_name, selected.children, elements)
        unpacked = select(sql.array(element, elements.c.position)).select_from(elements)
        return sql.embed(unpacked.correlate(row).scalar_subquery())
    if isinstance(kind, kinds.Computed):
        raise Unplannable(f"{type_name}.{selected.name} is worked out at the root only")
    listed = connection(
        build, kind.type_name, kind.relation.listing, kind.filter_input, kind.order_input,
        selected, _of_parent(kind.relation, row), correlate=row,
    )  # fmt: skip
    return sql.embed(listed.scalar_subquery())


def _before_now(span: dt.timedelta) -> ColumnElement[Any]:
    """The instant ``span`` before now, read each time the statement runs: a request's
    statement is built once and run for each repeat of it (``execution`` binds it afresh)."""
    return bindparam(None, callable_=lambda: dt.datetime.now(dt.UTC) - span, type_=UTCDateTime())


def _of_parent(
    relation: Relation[Any, Any], row: FromClause
) -> Callable[[FromClause], list[ColumnElement[bool]]]:
    """The condition tying a listed row to its parent ``row``: the listed table's own key
    (``vehicles.operator_id``), or a link table's (``line_stops.station_id``)."""
    parent = relation.parent.expression
    listed = relation.listing.model.__table__
    if parent.table is listed:
        return lambda table: [table.c[parent.name] == row.c.id]
    link_table = parent.table
    [child] = [
        column
        for column in link_table.c
        if any(key.column.table is listed for key in column.foreign_keys)
    ]

    def through_link(table: FromClause) -> list[ColumnElement[bool]]:
        link = link_table.alias()
        linked = select(link.c[child.name]).where(link.c[parent.name] == row.c.id)
        return [table.c.id.in_(linked.correlate(row))]

    return through_link


def _through(build: Build, kind: kinds.Through, selected: Selected, row: FromClause) -> Select[Any]:
    """A one-row SELECT of the JSON list of records linked to ``row``, in the link's order,
    each under its type's row rule."""
    model = model_of(kind.type_name)
    link = kind.link.__table__.alias()
    target = alias_of(model)
    linked = (
        select(target, link.c[kind.order].label("link_order"))
        .select_from(link.join(target, target.c.id == link.c[kind.child_key]))
        .where(link.c[kind.parent_key] == row.c.id)
        .where(*row_rule(model, target, build.principal))
        .order_by(link.c[kind.order])
        .correlate(row)
        .subquery()
    )
    element = object_json(build, kind.type_name, selected.children, linked)
    return (
        select(build.sql.array(element, linked.c.link_order.asc()))
        .select_from(linked)
        .correlate(row)
    )


def _names(enum_type: Any) -> dict[Any, ColumnElement[Any]]:
    return {member.value: text(member.name) for member in enum_type}


_REGION_NAMES = {code: text(labels[0]) for code, labels in REGIONS.items()}
_REGION_NAMES_EN = {code: text(labels[1]) for code, labels in REGIONS.items()}


def region_json(
    build: Build, selections: tuple[Selected, ...], code: ColumnElement[Any]
) -> ColumnElement[Any]:
    """``hub.api.common.region``: the division's labels, its city; null off the list."""
    sql = build.sql
    is_city = code.like("%00")
    pairs: list[tuple[str, ColumnElement[Any]]] = []
    for selected in selections:
        if selected.name == "__typename":
            value: ColumnElement[Any] = text("Region")
        elif selected.name == "code":
            value = code
        elif selected.name == "name":
            value = case(_REGION_NAMES, value=code)
        elif selected.name == "nameEn":
            value = case(_REGION_NAMES_EN, value=code)
        elif selected.name == "isCity":
            value = sql.flag(is_city)
        else:  # city
            city = region_json(build, selected.children, func.substr(code, 1, 4).concat("00"))
            value = case((is_city, null()), else_=city)
        pairs.append((selected.key, value))
    return sql.embed(case((code.in_(list(REGIONS)), sql.object(pairs)), else_=null()))


def _filter(build: Build, filter_input: Any, value: dict[str, Any] | None) -> Any:
    """The repository filter of a filter argument, checked by the input's own ``to_domain``."""
    if value is None:
        return None
    names = build.config.name_converter
    given: dict[str, Any] = {}
    for field in filter_input.__strawberry_definition__.fields:
        name = names.get_graphql_name(field)
        if name not in value:
            continue
        item = value[name]
        wrapped = getattr(getattr(field.type, "of_type", None), "wrapped_cls", None)
        given[field.python_name] = item if item is None or wrapped is None else wrapped(item)
    try:
        return filter_input(**given).to_domain()
    except BadUserInput as exc:  # the resolver words it
        raise Refer(str(exc)) from None


def _sort(listing: Listing[Any, Any], order: Any) -> Sort:
    if order is None:
        return listing.sort(None)
    # graphql-core hands over the members of class-declared enums, the values of others.
    field, direction = (getattr(v, "value", v) for v in (order["field"], order["direction"]))
    return listing.sort(str(field), direction == "DESC")


def _cursor_kind(sort: Sort) -> str:
    if sort.personal:
        return "text"  # written as null: see _cursor_value
    type_: Any = sort.column.type
    if isinstance(type_, CodeType | sqltypes.String):
        return "text"
    if isinstance(type_, sqltypes.Date) and not isinstance(type_, sqltypes.DateTime):
        return "date"
    if isinstance(type_, sqltypes.Integer):
        return "integer"
    if isinstance(type_, UTCDateTime):
        return "datetime"
    raise Unplannable(f"cursors over {sort.name} are made in Python")


def _cursor_value(sort: Sort, column: ColumnElement[Any]) -> ColumnElement[Any]:
    """What a cursor carries of its row's sort value: nothing over personal data, as
    ``hub.paging.encode_cursor`` writes it (a name in a cursor would reach any client)."""
    return cast(null(), Text) if sort.personal else column


def connection(
    build: Build,
    type_name: str,
    listing: Listing[Any, Any],
    filter_input: Any,
    order_input: Any,
    selected: Selected,
    of_parent: Callable[[FromClause], list[ColumnElement[bool]]] | None = None,
    correlate: FromClause | None = None,
) -> Select[Any]:
    """A one-row SELECT of the JSON of a connection over a domain's listing."""
    args = build.arguments(selected)
    sort = _sort(listing, args.get("orderBy"))
    filter_ = _filter(build, filter_input, args.get("filter"))
    filtered = [] if filter_ is None else listing.conditions(filter_)
    return page(
        build, type_name, listing.model, sort, filtered, args, selected, of_parent, correlate
    )


def page(
    build: Build,
    type_name: str,
    model: type[Base],
    sort: Sort,
    filtered: list[ColumnElement[bool]],
    args: dict[str, Any],
    selected: Selected,
    of_parent: Callable[[FromClause], list[ColumnElement[bool]]] | None = None,
    correlate: FromClause | None = None,
) -> Select[Any]:
    """A one-row SELECT of a connection's JSON: page, page info, cursors and total, of the
    rows of ``model`` passing ``filtered`` (conditions on its table) in the order ``sort``.
    ``args`` are the field's, for its page (``first``, ``after``…)."""
    sql = build.sql
    kind = _cursor_kind(sort)
    if sort.personal and (args.get("after") is not None or args.get("before") is not None):
        # A cursor over personal data names the row only; paging.py reads its value back.
        raise Refer(f"the keyset of a cursor over {sort.name} is read back by the resolver")
    try:
        slice_ = window(
            sort,
            first=args.get("first"),
            after=args.get("after"),
            last=args.get("last"),
            before=args.get("before"),
            default_size=build.default_size,
            max_size=build.max_size,
        )
    except BadUserInput as exc:  # the resolver words it
        raise Refer(str(exc)) from None
    if slice_.size == 0:
        raise Refer("an empty page is answered without a query by the resolver")

    def conditions(table: FromClause) -> list[ColumnElement[bool]]:
        adapter = ClauseAdapter(table)
        found = [adapter.traverse(c) for c in filtered]
        found += row_rule(model, table, build.principal)
        if of_parent is not None:
            found += of_parent(table)
        return found

    table = alias_of(model)
    sort_column = table.c[sort.column.expression.name]
    descending = sort.descending == slice_.forward
    ordering = [c.desc() if descending else c.asc() for c in (sort_column, table.c.id)]
    page = select(table).where(*conditions(table))
    key = tuple_(sort_column, table.c.id)
    if slice_.after is not None:
        bound = tuple_(*slice_.after)
        page = page.where(key < bound if sort.descending else key > bound)
    if slice_.before is not None:
        bound = tuple_(*slice_.before)
        page = page.where(key > bound if sort.descending else key < bound)
    page = page.order_by(*ordering).limit(slice_.size + 1)
    if correlate is not None:
        page = page.correlate(correlate)
    fetched = page.subquery()
    # Positions are numbered over the page read, not over the whole list: a window over the
    # list would be computed before the LIMIT (SQLite sorts every row to number them).
    again = [
        fetched.c[c.name].desc() if descending else fetched.c[c.name].asc()
        for c in (sort_column, table.c.id)
    ]
    counted = select(
        fetched,
        func.row_number().over(order_by=again).label("position"),
        func.count().over().label("fetched"),
    ).subquery()
    shown_order = counted.c.position.desc() if not slice_.forward else counted.c.position.asc()
    rows_select = select(counted).order_by(shown_order)
    if correlate is not None:
        rows_select = rows_select.correlate(correlate)
    rows = rows_select.subquery()

    size = slice_.size
    cursor = sql.cursor(sort.name, _cursor_value(sort, rows.c[sort_column.name]), kind, rows.c.id)
    more = func.coalesce(func.max(rows.c.fetched), 0) > size
    # The position of the last row within the page.
    last_shown = sql.least(rows.c.fetched, literal(size))
    first_position = rows.c.position == 1
    start = first_position if slice_.forward else rows.c.position == last_shown
    end = rows.c.position == last_shown if slice_.forward else first_position

    pairs: list[tuple[str, ColumnElement[Any]]] = []
    aggregated = False  # whether any value aggregates the page's rows
    for part in selected.children:
        if part.name == "__typename":
            pairs.append((part.key, text(selected.type_name)))
        elif part.name == "totalCount":
            counting = alias_of(model)
            total = select(func.count()).select_from(counting).where(*conditions(counting))
            if correlate is not None:
                total = total.correlate(correlate)
            pairs.append((part.key, total.scalar_subquery()))
        elif part.name == "edges":
            edge = _edge(build, type_name, part, rows, cursor)
            aggregated = True
            pairs.append((part.key, sql.array(edge, shown_order_of(rows, slice_.forward),
                                              rows.c.position <= size)))  # fmt: skip
        elif part.name == "pageInfo":
            info: list[tuple[str, ColumnElement[Any]]] = []
            for item in part.children:
                if item.name == "__typename":
                    value: ColumnElement[Any] = text("PageInfo")
                elif item.name == "hasNextPage":
                    value = (
                        sql.flag(more)
                        if slice_.forward
                        else sql.constant(slice_.before is not None)
                    )
                elif item.name == "hasPreviousPage":
                    value = (
                        sql.constant(slice_.after is not None) if slice_.forward else sql.flag(more)
                    )
                elif item.name == "startCursor":
                    value = func.max(cursor).filter(start)
                else:
                    value = func.max(cursor).filter(end)
                info.append((item.key, value))
                aggregated |= not (item.name == "__typename" or isinstance(value, Constant))
            pairs.append((part.key, sql.object(info)))
        else:
            raise Unplannable(f"{selected.type_name}.{part.name} is not planned")
    result = select(sql.object(pairs))
    if aggregated:
        # Aggregated over the page: one row, also when the page is empty. Without an
        # aggregate (totalCount alone, constants) the page is not read at all.
        result = result.select_from(rows)
    return result.correlate(correlate) if correlate is not None else result


def shown_order_of(rows: FromClause, forward: bool) -> ColumnElement[Any]:
    """The order edges are shown in: paging backwards reads the list reversed."""
    return rows.c.position.asc() if forward else rows.c.position.desc()


def _edge(
    build: Build, type_name: str, edges: Selected, rows: FromClause, cursor: ColumnElement[Any]
) -> ColumnElement[Any]:
    pairs: list[tuple[str, ColumnElement[Any]]] = []
    for part in edges.children:
        if part.name == "__typename":
            pairs.append((part.key, text(edges.type_name)))
        elif part.name == "cursor":
            pairs.append((part.key, cursor))
        elif part.name == "node":
            pairs.append((part.key, object_json(build, type_name, part.children, rows)))
        else:
            raise Unplannable(f"{edges.type_name}.{part.name} is not planned")
    return build.sql.object(pairs)
