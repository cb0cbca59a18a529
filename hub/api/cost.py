"""Estimating what a document will cost before it runs: fields times page sizes.

Each field costs 1 for every time it can appear: inside a list of N, N times. A connection
without ``first``/``last`` counts its default page size; ``nodes(ids)`` counts its ids.
Variables are known by then, so ``$first`` counts what the client actually asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)


def _value(node: ValueNode | None, variables: Mapping[str, Any]) -> Any:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, ListValueNode):
        return [_value(item, variables) for item in node.values]
    return None


def estimate(
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    list_fields: frozenset[str],
    default_page_size: int,
) -> int:
    """The estimated number of field results of the operation that will run."""
    variables = variables or {}
    fragments = {
        node.name.value: node
        for node in document.definitions
        if isinstance(node, FragmentDefinitionNode)
    }
    operations = [
        node for node in document.definitions if isinstance(node, OperationDefinitionNode)
    ]
    operation = next(
        (node for node in operations if node.name and node.name.value == operation_name),
        operations[0] if operations else None,
    )
    if operation is None:
        return 0

    def size(field: FieldNode) -> int:
        arguments = {argument.name.value: argument.value for argument in field.arguments or ()}
        for name in ("first", "last"):
            value = _value(arguments.get(name), variables)
            if isinstance(value, int) and value >= 0:
                return value
        ids = _value(arguments.get("ids"), variables)
        if isinstance(ids, list):
            return len(ids)
        return default_page_size if field.name.value in list_fields else 1

    def walk(selections: SelectionSetNode, multiplier: int, depth: int) -> int:
        if depth > 64:  # validation already refuses cycles and depth; this only bounds us
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += multiplier
                if selection.selection_set is not None:
                    total += walk(selection.selection_set, multiplier * size(selection), depth + 1)
            elif isinstance(selection, InlineFragmentNode):
                total += walk(selection.selection_set, multiplier, depth + 1)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    total += walk(fragment.selection_set, multiplier, depth + 1)
        return total

    return walk(operation.selection_set, 1, 0)
