"""What a dataset publishes, resolved against the GraphQL schema: columns and their values.

Every value of a bulk file is computed the way the API computes it for an anonymous caller:
the published GraphQL object is built from the row by the type's own ``from_row``, the field
is read off it, a personal-data field goes through the very ``PersonalField`` extension the
API attaches to it (its mask), and the result is serialised by the schema's own scalar or
enum. There is no second de-identification to drift from the first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)

from hub.api.permissions import PersonalField, Policy
from hub.auth.scopes import OPEN_DATA
from hub.opendata.datasets import CONDITIONAL, NOT_SHARED, Dataset, Field, InvalidDataset

Leaf = GraphQLScalarType | GraphQLEnumType


@dataclass(frozen=True, slots=True)
class Step:
    """One segment of a field path: the Python attribute, and whether it is a resolver."""

    attribute: str
    graphql_name: str
    resolved: bool
    """A method that loads related records (``operator``, ``stations``): bulk files load it
    in batches instead (``hub.opendata.sources``)."""
    is_list: bool


@dataclass(frozen=True, slots=True)
class Column:
    """A published column: its path through the type, its leaf type, its mask."""

    field: Field
    steps: tuple[Step, ...]
    leaf: Leaf | None
    """None for a statistics column, whose values are computed already."""
    is_list: bool
    nullable: bool
    mask: Callable[[str], str] | None

    @property
    def name(self) -> str:
        return self.field.column

    @property
    def type_name(self) -> str:
        """The GraphQL name of the leaf type (``String``, ``Int``, ``Date``, an enum, …)."""
        return (self.field.type or "String") if self.leaf is None else self.leaf.name

    def value(self, published: Any, related: dict[str, Any]) -> Any:
        """This column's value for one published object; ``related`` holds loaded relations."""
        first = self.steps[0]
        current = related[first.graphql_name] if first.resolved else _attribute(published, first)
        for step in self.steps[1:]:
            current = _map(current, partial(_attribute, step=step))
        return _map(current, self._leaf)

    def _leaf(self, value: Any) -> Any:
        if value is None:
            return None
        if self.mask is not None:
            value = self.mask(value)
        return value if self.leaf is None else self.leaf.serialize(value)


def _attribute(item: Any, step: Step) -> Any:
    return None if item is None else getattr(item, step.attribute)


def _map(value: Any, function: Callable[[Any], Any]) -> Any:
    if isinstance(value, list):
        return [function(item) for item in value]
    return function(value)


def _unwrap(graphql_type: Any) -> tuple[Any, bool, bool]:
    nullable = not isinstance(graphql_type, GraphQLNonNull)
    is_list = False
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(graphql_type, GraphQLList)
        graphql_type = graphql_type.of_type
    return graphql_type, is_list, nullable


def columns(dataset: Dataset, schema: strawberry.Schema) -> tuple[Column, ...]:
    """The dataset's published columns, each checked against the schema and its policy.

    Refused (InvalidDataset, naming the dataset and the field): a path the schema does not
    have; a published field anonymous callers may not read; a 不予共享 field they may read; a
    personal-data field declared other than 有条件共享 with the API's own mask.
    """
    if dataset.graphql_type is None:
        return tuple(
            Column(field, (Step(field.path, field.path, False, False),), None, False, True, None)
            for field in dataset.columns
        )
    policy: Policy = schema.policy  # type: ignore[attr-defined]
    root = schema._schema.query_type
    if root is None or dataset.graphql_query not in root.fields:
        raise InvalidDataset(f"{dataset.id}: graphql.query: no root field {dataset.graphql_query}")
    listed, _, _ = _unwrap(root.fields[dataset.graphql_query].type)
    if not listed.name.startswith(dataset.graphql_type):
        raise InvalidDataset(
            f"{dataset.id}: graphql.query {dataset.graphql_query} does not list "
            f"{dataset.graphql_type} ({listed.name})"
        )
    found = []
    for field in dataset.fields:
        column = _resolve(dataset, field, schema, policy)
        if column is not None:
            found.append(column)
    return tuple(found)


def _resolve(
    dataset: Dataset, field: Field, schema: strawberry.Schema, policy: Policy
) -> Column | None:
    def fail(problem: str) -> InvalidDataset:
        return InvalidDataset(f"{dataset.id}: field {field.path}: {problem}")

    type_name = dataset.graphql_type
    graphql_type: Any = schema._schema.type_map.get(type_name or "")
    steps: list[Step] = []
    nullable = is_list = False
    personal: PersonalField | None = None
    open_to_all = True
    for segment in field.path.split("."):
        if not isinstance(graphql_type, GraphQLObjectType):
            raise fail(f"{segment!r} follows a value that has no fields")
        graphql_field = graphql_type.fields.get(segment)
        if graphql_field is None:
            raise fail(f"{graphql_type.name} has no field {segment!r}")
        rule = policy.fields.get((graphql_type.name, segment))
        open_to_all = open_to_all and (rule is None or OPEN_DATA in rule)
        definition = schema.get_type_by_name(graphql_type.name)
        names = schema.config.name_converter
        declared = {names.from_field(f): f for f in getattr(definition, "fields", [])}
        strawberry_field = declared[segment]
        personal = next(
            (e for e in strawberry_field.extensions if isinstance(e, PersonalField)), None
        )
        graphql_type, many, maybe_null = _unwrap(graphql_field.type)
        is_list, nullable = is_list or many, nullable or maybe_null
        steps.append(
            Step(
                attribute=strawberry_field.python_name,
                graphql_name=segment,
                resolved=strawberry_field.base_resolver is not None,
                is_list=many,
            )
        )
    if field.share == NOT_SHARED:
        if open_to_all:
            raise fail(f"declared {NOT_SHARED} but anonymous callers can read it in GraphQL")
        return None
    if not open_to_all:
        raise fail(f"published, but GraphQL refuses it to the {OPEN_DATA} scope")
    if not isinstance(graphql_type, GraphQLScalarType | GraphQLEnumType):
        raise fail(f"ends at {graphql_type.name}, not at a value: name one of its fields")
    if any(step.resolved for step in steps[1:]):
        raise fail("only the first step of a path may load related records")
    kind = None if personal is None else personal.kind
    if kind != field.deidentification:
        raise fail(
            f"the API de-identifies it as {kind or 'nothing'}, "
            f"the file says {field.deidentification or 'nothing'}"
        )
    if kind is not None and field.share != CONDITIONAL:
        raise fail(f"personal data ({kind}) is {CONDITIONAL}")
    return Column(
        field=field,
        steps=tuple(steps),
        leaf=graphql_type,
        is_list=is_list,
        nullable=nullable,
        mask=None if personal is None else personal.mask,
    )


def relations_of(columns: Sequence[Column]) -> list[str]:
    """The relations (first steps that load records) the columns need, each once."""
    return sorted({c.steps[0].graphql_name for c in columns if c.steps[0].resolved})
