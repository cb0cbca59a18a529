"""What an operation selects, collected as graphql-core executes it: fragments and inline
fragments expanded, ``@skip`` / ``@include`` applied, fields of one response key merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
)


class Unplannable(Exception):
    """The operation selects something the planner does not answer: the resolvers will."""


@dataclass(frozen=True, slots=True)
class Selected:
    """One response key of an object: the field, its nodes (for arguments) and what it holds."""

    key: str
    name: str
    nodes: tuple[FieldNode, ...]
    definition: GraphQLField | None
    """None for ``__typename``."""
    parent_type: str
    type_name: str
    """The named type the field returns."""
    children: tuple[Selected, ...]


def _included(node: Any, variables: dict[str, Any]) -> bool:
    for directive in node.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        argument = directive.arguments[0].value
        value = (
            variables.get(argument.name.value)
            if isinstance(argument, VariableNode)
            else (argument.value)
        )
        if (name == "skip") == bool(value):
            return False
    return True


def _applies(schema: GraphQLSchema, condition: Any, object_type: GraphQLObjectType) -> bool:
    if condition is None:
        return True
    named = schema.get_type(condition.name.value)
    if named is object_type:
        return True
    return named is not None and is_abstract_type(named) and schema.is_sub_type(named, object_type)


def _collect(
    schema: GraphQLSchema,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    object_type: GraphQLObjectType,
    selection_set: SelectionSetNode,
    into: dict[str, list[FieldNode]],
    visited: set[str],
) -> None:
    for selection in selection_set.selections:
        if not _included(selection, variables):
            continue
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            into.setdefault(key, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            if _applies(schema, selection.type_condition, object_type):
                _collect(
                    schema, fragments, variables, object_type, selection.selection_set, into,
                    visited,
                )  # fmt: skip
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if name in visited or fragment is None:
                continue
            visited.add(name)
            if _applies(schema, fragment.type_condition, object_type):
                _collect(
                    schema, fragments, variables, object_type, fragment.selection_set, into,
                    visited,
                )  # fmt: skip


def select(
    schema: GraphQLSchema,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    object_type: GraphQLObjectType,
    selection_sets: list[SelectionSetNode],
) -> tuple[Selected, ...]:
    """The fields ``selection_sets`` select on an object of ``object_type``, in order."""
    grouped: dict[str, list[FieldNode]] = {}
    for selection_set in selection_sets:
        _collect(schema, fragments, variables, object_type, selection_set, grouped, set())
    selected = []
    for key, nodes in grouped.items():
        name = nodes[0].name.value
        if name == "__typename":
            selected.append(Selected(key, name, tuple(nodes), None, object_type.name, "String", ()))
            continue
        definition = object_type.fields.get(name)
        if definition is None:
            raise Unplannable(f"{object_type.name}.{name} is not a field")
        named = get_named_type(definition.type)
        children: tuple[Selected, ...] = ()
        inner = [node.selection_set for node in nodes if node.selection_set is not None]
        # Under an interface (node, nodes) the fields are collected once the object's type
        # is known, from ``nodes``.
        if inner and isinstance(named, GraphQLObjectType):
            children = select(schema, fragments, variables, named, inner)
        selected.append(
            Selected(key, name, tuple(nodes), definition, object_type.name, named.name, children)
        )
    return tuple(selected)
