"""What a document asks for, measured before it runs: depth, aliases and estimated cost.

Each definition is walked once, and each fragment is measured once and its measure reused
wherever it is spread. Expanding spreads instead multiplies the work: nine levels of fragments
spreading the level below ten times expand to 10⁹ fields from a document of 1 KB. Here the
work is linear in the document's size whatever its fragments do. A fragment that is unknown,
or that spreads itself, counts nothing: validation reports it.

Cost: each field costs 1 for every time it can appear; inside a list of N, N times. A
connection without ``first``/``last`` counts its default page size; ``nodes(ids)`` counts its
ids. Variables are known by then, so ``$first`` counts what the client actually asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import reduce
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

CEILING = 2**62
"""Counts stop growing here: far beyond any limit, and no huge integers from fragment bombs."""


@dataclass(frozen=True, slots=True)
class Shape:
    """What every operation of a document asks for, whatever the variables."""

    depth: int
    """The deepest nesting of fields in any operation; root fields are at depth 0."""
    aliases: int
    """Aliased fields in all operations, a fragment's counted each time it is spread."""


@dataclass(frozen=True, slots=True)
class _Measure:
    """One measure of a selection: what a field adds, and how it weighs its own selections."""

    field: Callable[[FieldNode, int], int]
    inner: Callable[[FieldNode, int], int | None]
    """The weight of a field's selections; None: they are not measured."""
    join: Callable[[int, int], int]
    spread: Callable[[int, int], int]
    """What a fragment measured at ``total`` adds where it is spread at a weight."""
    root: int
    """The weight of a definition's own selections."""


@dataclass(frozen=True, slots=True)
class _Summary:
    """A definition walked without following its spreads."""

    own: int
    spreads: tuple[tuple[int, str], ...]
    """(weight, fragment name) of every spread in it."""


def _add(a: int, b: int) -> int:
    return min(a + b, CEILING)


def _times(a: int, b: int) -> int:
    return min(a * b, CEILING)


def _summary(selection_set: SelectionSetNode, weight: int, measure: _Measure) -> _Summary:
    own = 0
    spreads: list[tuple[int, str]] = []

    # Recursion is bounded here: the parser refuses documents nested over 200 levels.
    def walk(selections: SelectionSetNode, weight: int) -> None:
        nonlocal own
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                own = measure.join(own, measure.field(selection, weight))
                inner = measure.inner(selection, weight)
                if selection.selection_set is not None and inner is not None:
                    walk(selection.selection_set, inner)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, weight)
            elif isinstance(selection, FragmentSpreadNode):
                spreads.append((weight, selection.name.value))

    walk(selection_set, weight)
    return _Summary(own, tuple(spreads))


def _fragment_totals(document: DocumentNode, measure: _Measure) -> dict[str, int]:
    """Every fragment's measure, each computed once, the fragments it spreads first.

    Iterative, since a chain of fragments can be as long as the token limit allows. A spread
    of an unknown fragment, or of one still being measured (a cycle), counts nothing.
    """
    summaries = {
        node.name.value: _summary(node.selection_set, measure.root, measure)
        for node in document.definitions
        if isinstance(node, FragmentDefinitionNode)
    }
    totals: dict[str, int] = {}
    entered: set[str] = set()
    for root in summaries:
        if root in entered:
            continue
        entered.add(root)
        stack: list[tuple[str, Iterator[tuple[int, str]]]] = [(root, iter(summaries[root].spreads))]
        while stack:
            name, pending = stack[-1]
            for _weight, child in pending:
                if child in summaries and child not in entered:
                    entered.add(child)
                    stack.append((child, iter(summaries[child].spreads)))
                    break
            else:
                stack.pop()
                totals[name] = _fold(summaries[name], totals, measure)
    return totals


def _fold(summary: _Summary, totals: Mapping[str, int], measure: _Measure) -> int:
    return reduce(
        measure.join,
        (measure.spread(weight, totals.get(name, 0)) for weight, name in summary.spreads),
        summary.own,
    )


def _value(node: ValueNode | None, variables: Mapping[str, Any]) -> Any:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, ListValueNode):
        return [_value(item, variables) for item in node.values]
    return None


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [node for node in document.definitions if isinstance(node, OperationDefinitionNode)]


_DEPTH = _Measure(
    field=lambda _field, level: level,
    # As strawberry's depth limit did: introspection is not counted (GraphiQL nests it deep).
    inner=lambda field, level: None if field.name.value.startswith("__") else level + 1,
    join=max,
    spread=lambda level, total: level + total,
    root=0,
)
_ALIASES = _Measure(
    field=lambda field, _weight: 1 if field.alias else 0,
    inner=lambda _field, weight: weight,
    join=_add,
    spread=lambda _weight, total: total,
    root=1,
)


def _per_operation(
    document: DocumentNode, operations: list[OperationDefinitionNode], measure: _Measure
) -> Iterator[int]:
    totals = _fragment_totals(document, measure)
    for node in operations:
        yield _fold(_summary(node.selection_set, measure.root, measure), totals, measure)


def shape(document: DocumentNode) -> Shape:
    """The depth and aliases of a document, in time linear in its size."""
    operations = _operations(document)
    return Shape(
        depth=max(_per_operation(document, operations, _DEPTH), default=0),
        aliases=reduce(_add, _per_operation(document, operations, _ALIASES), 0),
    )


def estimate(
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    list_fields: frozenset[str],
    default_page_size: int,
    *,
    sizes: Mapping[str, int] | None = None,
) -> int:
    """The estimated number of field results of the operation that will run.

    ``sizes`` gives the length of lists known by field name (introspection's ``types``,
    ``fields``, …); other list fields count ``default_page_size``.
    """
    known = sizes or {}
    variables = variables or {}
    operation = next(
        (
            node
            for node in _operations(document)
            if operation_name is None or (node.name and node.name.value == operation_name)
        ),
        None,
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
        name = field.name.value
        if name in known:
            return known[name]
        return default_page_size if name in list_fields else 1

    cost = _Measure(
        field=lambda _field, multiplier: multiplier,
        inner=lambda field, multiplier: _times(multiplier, size(field)),
        join=_add,
        spread=_times,
        root=1,
    )
    return next(_per_operation(document, [operation], cost))
