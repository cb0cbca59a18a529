"""The limits every document meets before it runs, each checked in time linear in its size.

In order: its size in bytes and tokens (before and while parsing); one operation to run;
its depth and aliases (before validation, so a document over them is refused before any rule
does work that grows with it); validation itself (cached by document); its estimated cost
against the client's tier (before execution, once the variables are known).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OverlappingFieldsCanBeMergedRule,
    ValidationContext,
    specified_rules,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.schema.schema import validate_document

from hub.api.complexity import Shape, estimate, shape
from hub.api.introspection import Introspection, introspection_only
from hub.auth.principal import ANONYMOUS, Principal
from hub.auth.tiers import Tier
from hub.config import Settings
from hub.errors import QueryTooComplex

DOCUMENT_CACHE_SIZE = 512
"""Parsed and validated documents kept per worker: clients send the same few again and again."""

FIELD_MERGING_BUDGET = 20_000
"""Work graphql-core may spend checking that fields of one response name merge (GraphQL §5.3.2).
That rule compares such fields pair by pair; its default budget (500 000 units) lets a 15 KB
document of 400 fields of one name cost a second of CPU. Registered operations spend none."""


class BoundedFieldMerging(OverlappingFieldsCanBeMergedRule):
    """graphql-core's rule, aborting validation once it spends ``FIELD_MERGING_BUDGET``."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.rule_context.remaining_complexity_budget = FIELD_MERGING_BUDGET


@lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def _validate(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    rules = tuple(
        BoundedFieldMerging if rule is OverlappingFieldsCanBeMergedRule else rule for rule in rules
    )
    return [_explained(error) for error in validate_document(schema, document, rules)]


def _explained(error: GraphQLError) -> GraphQLError:
    # graphql-core says only "Validation aborted." when a rule ran out of budget.
    if not isinstance(error, ValidationAbortedError) or error.message.startswith("Too many"):
        return error
    message = (
        "validation aborted: checking that fields of the same name merge takes too much work; "
        "select each field once per object, with fewer fragments spread side by side"
    )
    return GraphQLError(message, original_error=QueryTooComplex(message))


class DocumentSize(SchemaExtension):
    """A document over the byte limit is refused unparsed; the parser stops at the token limit."""

    def __init__(self, max_bytes: int, max_tokens: int) -> None:
        self.max_bytes = max_bytes
        self.max_tokens = max_tokens

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.max_tokens
        yield

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query or ""
        # JSON can carry lone surrogates ("\ud800"): count them, the parser refuses them.
        size = len(query.encode("utf-8", "surrogatepass"))
        if size > self.max_bytes:
            raise QueryTooComplex(
                f"the document is {size} bytes, more than the limit of {self.max_bytes} bytes"
            )
        yield


class OperationNameRequired(CannotGetOperationTypeError):
    """A document of several operations sent without ``operationName``."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(None)
        self.names = names

    def as_http_error_reason(self) -> str:
        shown = ", ".join(self.names[:5]) + (", …" if len(self.names) > 5 else "")
        return (
            f"the document holds {len(self.names)} operations ({shown}): "
            "operationName must name the one to run"
        )


class OneOperation(SchemaExtension):
    """The operation named by ``operationName``, or the document's only one (GraphQL §6.1).

    Strawberry would run the first of several operations when none is named; the spec makes
    that a request error. An unknown ``operationName`` strawberry refuses itself.
    """

    def on_parse(self) -> Iterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        # Strawberry keeps the operationName as sent only here: ``operation_name`` falls back
        # to the first operation's name.
        if document is None or context._provided_operation_name is not None:
            return
        operations = [
            node for node in document.definitions if isinstance(node, OperationDefinitionNode)
        ]
        if len(operations) > 1:
            raise OperationNameRequired(
                [node.name.value if node.name else "(anonymous)" for node in operations]
            )


def validation_errors(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
    """The errors of a document under the specified rules, merging bounded (cached)."""
    return _validate(schema, document, tuple(specified_rules))


def refusal_of(measured: Shape, tier: Tier, settings: Settings) -> GraphQLError | None:
    """The refusal of a document too deep or with too many aliases for ``tier``; else None."""
    max_depth = min(tier.max_depth, settings.max_query_depth)
    if measured.depth > max_depth:
        message = (
            f"fields nested {measured.depth} deep: the document exceeds maximum operation "
            f"depth of {max_depth}, the limit of tier {tier.name}"
        )
    elif measured.aliases > settings.max_aliases:
        message = (
            f"{measured.aliases} aliases found (a fragment's counted each time it is "
            f"spread): more than the limit of {settings.max_aliases}"
        )
    else:
        return None
    return GraphQLError(message, original_error=QueryTooComplex(message))


class TierLimits(SchemaExtension):
    """The limits of the client's tier: depth and aliases, then validation, then cost."""

    def __init__(
        self, settings: Settings, list_fields: frozenset[str], introspection: Introspection
    ) -> None:
        self.settings = settings
        self.list_fields = list_fields
        self.introspection = introspection

    def _tier(self) -> Tier:
        principal: Principal = getattr(self.execution_context.context, "principal", ANONYMOUS)
        return principal.tier

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None, "strawberry validates parsed documents"
        refusal = refusal_of(shape(context.graphql_document), self._tier(), self.settings)
        # Setting the errors, even to none, tells strawberry validation has been done.
        context.pre_execution_errors = (
            [refusal]
            if refusal is not None
            else _validate(
                context.schema._schema, context.graphql_document, tuple(context.validation_rules)
            )
        )
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            refusal = self._too_costly(document, context.operation_name, context.variables)
            if refusal is not None:
                error = GraphQLError(refusal, original_error=QueryTooComplex(refusal))
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

    def _too_costly(
        self, document: DocumentNode, operation_name: str | None, variables: dict[str, Any] | None
    ) -> str | None:
        # Introspection is measured with the schema's own sizes, the same budget for every
        # tier (see hub.api.introspection); everything else against the tier's limit.
        if introspection_only(document, operation_name):
            cost = self.introspection.cost(document, operation_name, variables)
            if cost <= self.introspection.budget:
                return None
            return (
                f"estimated cost {cost} of introspection exceeds {self.introspection.budget}, "
                "twice the standard introspection query: nest fewer lists of types and fields"
            )
        tier = self._tier()
        cost = estimate(
            document,
            operation_name,
            variables,
            self.list_fields,
            self.settings.default_page_size,
        )
        if hasattr(self.execution_context.context, "cost"):
            self.execution_context.context.cost = cost  # what myUsage counts as spent
        if cost <= tier.max_cost:
            return None
        return (
            f"estimated cost {cost} exceeds {tier.max_cost}, the limit of tier "
            f"{tier.name}: ask for smaller pages or fewer nested lists"
        )
