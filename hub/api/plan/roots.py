"""The statement of each root field: a lookup by natural key, a root connection, ``node`` /
``nodes`` by global ID, or a search (``vehiclesNear``, in ``nearby``)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType
from sqlalchemy import ColumnElement, Select, select

from hub.api.plan import catalog, kinds
from hub.api.plan.compiler import (
    Build,
    Refer,
    alias_of,
    connection,
    model_of,
    object_json,
    page,
)
from hub.api.plan.nearby import vehicles_near
from hub.api.plan.rules import row_rule
from hub.api.plan.selection import Selected, Unplannable
from hub.api.plan.selection import select as select_fields
from hub.api.relay import from_global_id
from hub.errors import BadUserInput


def _node(build: Build, selected: Selected, global_id: str, argument: str) -> ColumnElement[Any]:
    """The JSON of the record a global ID names, under its type's row rule; NULL if none.

    A forged ID, a type the planner has no table for or the client may not read, or a
    selection it does not cover: the resolvers answer (and word the error).
    """
    try:
        type_name, pk = from_global_id(global_id, argument)
    except BadUserInput as exc:
        raise Refer(str(exc)) from None
    entry = catalog.TYPES.get(type_name)
    object_type = build.graphql.get_type(type_name)
    if entry is None or entry.model is None or not isinstance(object_type, GraphQLObjectType):
        raise Refer(f"{type_name} nodes are the resolvers'")
    needed = build.policy.types.get(type_name)
    if needed is not None and not needed & build.principal.scopes:
        raise Refer(f"{type_name} is refused to this client")
    inner = [node.selection_set for node in selected.nodes if node.selection_set is not None]
    try:
        children = select_fields(
            build.graphql, build.fragments, build.variables.coerced, object_type, inner
        )
        _permitted(build, children)
        table = alias_of(entry.model)
        found = (
            select(object_json(build, type_name, children, table))
            .where(table.c.id == pk)
            .where(*row_rule(entry.model, table, build.principal))
        )
    except Unplannable as exc:
        raise Refer(str(exc)) from None
    return found.scalar_subquery()


def _permitted(build: Build, selections: tuple[Selected, ...]) -> None:
    for selected in selections:
        needed = build.policy.fields.get((selected.parent_type, selected.name))
        if needed is not None and not needed & build.principal.scopes:
            raise Unplannable(f"{selected.parent_type}.{selected.name} is refused")
        _permitted(build, selected.children)


def root_statement(build: Build, selected: Selected) -> tuple[Select[Any], kinds.Finisher | None]:
    """The statement of one root field: one row holding its JSON (none: the record is
    missing), and what finishes that JSON in Python, if anything does."""
    if selected.name == "node":
        node = _node(build, selected, build.arguments(selected)["id"], "id")
        return select(build.sql.as_text(node)).where(node.is_not(None)), None
    if selected.name == "nodes":
        ids = build.arguments(selected)["ids"]
        if len(ids) > build.max_size:
            raise Refer("too many ids: the resolver words it")
        found = [
            build.sql.embed(_node(build, selected, global_id, f"ids[{n}]"))
            for n, global_id in enumerate(ids)
        ]
        return select(build.sql.as_text(build.sql.list(found))), None
    root = catalog.ROOTS.get(selected.name)
    if root is None:
        raise Unplannable(f"Query.{selected.name} is resolved in Python")
    if isinstance(root, kinds.Near):
        return vehicles_near(build, selected), None
    if isinstance(root, kinds.RootPage):
        args = build.arguments(selected)
        try:
            sort, filtered = root.listed(build.resolver_arguments(selected))
        except BadUserInput as exc:  # the resolver words it
            raise Refer(str(exc)) from None
        paged = page(build, root.type_name, root.model, sort, filtered, args, selected)
        return paged.with_only_columns(build.sql.as_text(paged.selected_columns[0])), None
    if isinstance(root, kinds.RootList):
        listed = connection(
            build, root.type_name, root.listing, root.filter_input, root.order_input, selected
        )
        return listed.with_only_columns(build.sql.as_text(listed.selected_columns[0])), None
    model = model_of(root.type_name)
    table = alias_of(model)
    try:
        key = root.key(build.arguments(selected))
    except BadUserInput as exc:  # the resolver words it
        raise Refer(str(exc)) from None
    finisher = root.finisher and root.finisher(selected, build.principal)
    answer = object_json(
        build, root.type_name, selected.children, table, finished=finisher is not None
    )
    if finisher is not None:
        assert root.facts is not None
        answer = build.sql.list([answer, root.facts(build.sql, table)])
    statement = (
        select(build.sql.as_text(answer))
        .where(*[table.c[column] == value for column, value in key.items()])
        .where(*row_rule(model, table, build.principal))
    )
    return statement, finisher
