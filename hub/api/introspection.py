"""Introspection for every client: measured against the schema's real size, answered once.

GraphiQL, code generators and Postman read the schema with one large introspection query.
Charged like a data query (every list counted at the default page size) it costs hundreds
of thousands and every tier refuses it. An operation that asks only for ``__schema``,
``__type`` and ``__typename`` is instead measured with the schema's own sizes (its number of
types, the most fields of any type, …) against a budget of twice the standard introspection
query, so the query every tool sends passes and a query nesting ``fields { type { fields …``
to multiply work is still refused. Its answer depends on the schema alone, never on the
caller, so it is kept per schema and the next request with the same document is answered
without executing.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveLocation,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_introspection_query,
    parse,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from hub.api.complexity import estimate

BUDGET_FACTOR = 2
"""An introspection operation may cost this many times the standard introspection query."""

ANSWERS_KEPT = 32
"""Introspection answers kept per schema: tools send one or two documents, again and again."""

STANDARD_QUERY = get_introspection_query(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    schema_description=True,
    input_value_deprecation=True,
)
"""The introspection query with every option on, as GraphiQL and code generators send it."""


_INTROSPECTION_ROOTS = {"__schema", "__type", "__typename"}


def introspection_only(document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation that will run is a query of ``__schema`` or ``__type`` and at most
    ``__typename`` beside them (``{ __typename }`` alone is an ordinary query)."""
    operations = [
        node
        for node in document.definitions
        if isinstance(node, OperationDefinitionNode)
        and (
            operation_name is None or (node.name is not None and node.name.value == operation_name)
        )
    ]
    if not operations or operations[0].operation is not OperationType.QUERY:
        return False
    fragments = {
        node.name.value: node
        for node in document.definitions
        if isinstance(node, FragmentDefinitionNode)
    }
    roots = list(_root_fields(operations[0].selection_set, fragments, set()))
    return set(roots) <= _INTROSPECTION_ROOTS and not set(roots) <= {"__typename"}


def _root_fields(
    selections: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode], seen: set[str]
) -> Iterator[str]:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            # An unknown or cyclic fragment adds nothing here: validation refuses it.
            if name in fragments and name not in seen:
                seen.add(name)
                yield from _root_fields(fragments[name].selection_set, fragments, seen)


def list_sizes(schema: GraphQLSchema) -> dict[str, int]:
    """How long each list of the introspection types can be in this schema (at most)."""
    types = schema.type_map.values()
    composite = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [f for t in composite for f in t.fields.values()]
    abstract = [t for t in types if isinstance(t, GraphQLInterfaceType | GraphQLUnionType)]
    arguments = [len(f.args) for f in fields] + [len(d.args) for d in schema.directives]
    return {
        "types": len(schema.type_map),
        "fields": max((len(t.fields) for t in composite), default=0),
        "interfaces": max((len(t.interfaces) for t in composite), default=0),
        "possibleTypes": max((len(schema.get_possible_types(t)) for t in abstract), default=0),
        "enumValues": max(
            (len(t.values) for t in types if isinstance(t, GraphQLEnumType)), default=0
        ),
        "inputFields": max(
            (len(t.fields) for t in types if isinstance(t, GraphQLInputObjectType)), default=0
        ),
        "args": max(arguments, default=0),
        "directives": len(schema.directives),
        "locations": len(DirectiveLocation),
    }


@dataclass
class Introspection:
    """Introspection on one schema: the sizes it is measured with, its budget, its answers."""

    sizes: Mapping[str, int]
    budget: int
    answers: OrderedDict[tuple[str, str | None, str], GraphQLExecutionResult] = field(
        default_factory=OrderedDict
    )

    @classmethod
    def of(cls, schema: GraphQLSchema) -> Introspection:
        """Sizes and budget measured on ``schema``, with no answers yet."""
        sizes = list_sizes(schema)
        standard = estimate(parse(STANDARD_QUERY), None, None, frozenset(), 1, sizes=sizes)
        return cls(sizes=sizes, budget=BUDGET_FACTOR * standard)

    def cost(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> int:
        """The estimated cost of an introspection operation on this schema."""
        return estimate(document, operation_name, variables, frozenset(), 1, sizes=self.sizes)

    def answer(self, key: tuple[str, str | None, str]) -> GraphQLExecutionResult | None:
        """The answer kept for this (document, operation, variables), if any."""
        answer = self.answers.get(key)
        if answer is not None:
            self.answers.move_to_end(key)
        return answer

    def keep(self, key: tuple[str, str | None, str], answer: GraphQLExecutionResult) -> None:
        """Keeps an answer, forgetting the least recently used beyond ``ANSWERS_KEPT``."""
        self.answers[key] = answer
        self.answers.move_to_end(key)
        while len(self.answers) > ANSWERS_KEPT:
            self.answers.popitem(last=False)


class AnswerIntrospection(SchemaExtension):
    """An introspection-only operation answered from the schema's kept answers when it can.

    Runs after the limits: an operation they refused has its result already and is skipped.
    """

    def __init__(self, introspection: Introspection) -> None:
        self.introspection = introspection

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if (
            context.result is not None
            or document is None
            or context.query is None
            or not introspection_only(document, context.operation_name)
        ):
            yield
            return
        variables = json.dumps(context.variables or {}, sort_keys=True, default=str)
        key = (context.query, context.operation_name, variables)
        kept = self.introspection.answer(key)
        if kept is not None:
            context.result = kept
            yield
            return
        yield
        result = context.result
        if isinstance(result, GraphQLExecutionResult) and not result.errors:
            self.introspection.keep(key, result)
