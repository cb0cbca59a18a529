"""Answering whole read operations from plans: parse, validate and plan once per document.

A request is answered here when its operation is a query whose every selected field the
catalog covers and the principal may read; it is then one SQL statement per root field, and
the JSON each returns is joined as text into ``{"data": …}``. Anything else — mutations,
invalid documents, fields resolved in Python, refused arguments, a missing record, a field
the principal may not read — returns None and the resolver executor answers, with the
errors it words (FORBIDDEN, NOT_FOUND, BAD_USER_INPUT…).
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from cross_web import HTTPException
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    parse,
    visit,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.language import Visitor
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.api.complexity import estimate, shape
from hub.api.documents import document_hash
from hub.api.http import parse_json
from hub.api.limits import DOCUMENT_CACHE_SIZE, refusal_of, validation_errors
from hub.api.permissions import Policy
from hub.api.plan.compiler import Build, Refer
from hub.api.plan.execution import Prepared, StatementFailed, runner_for
from hub.api.plan.kinds import Finisher
from hub.api.plan.roots import root_statement
from hub.api.plan.rules import policy_class
from hub.api.plan.selection import Selected, Unplannable, select
from hub.api.plan.sqljson import SqlJson
from hub.auth.principal import Principal
from hub.config import Settings
from hub.filters import today

log = logging.getLogger(__name__)

REQUEST_CACHE_SIZE = 4096
"""Requests kept ready to run per worker, by body, policy class, row-rule reader and day."""

REQUEST_CACHE_BODY = 16_384
"""Documents longer than this are planned (from the cached plan) but not kept whole as a key."""

PLAN_CACHE_SIZE = 2048
"""Plans kept per worker: a document meets few policy classes and few @skip values."""


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed document that passed validation, with what planning needs of it."""

    source: str
    node: DocumentNode
    operations: dict[str | None, OperationDefinitionNode]
    fragments: dict[str, FragmentDefinitionNode]
    directive_variables: tuple[str, ...]
    """Variables read by @skip / @include: their values shape the plan."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The root fields of one operation, collected for one policy class."""

    operation: OperationDefinitionNode
    roots: tuple[Selected, ...]


@dataclass(frozen=True, slots=True)
class Operation:
    """What a request asks: the document, its variables as sent, the operation's name."""

    query: str
    variables: dict[str, Any]
    name: str | None


def operation_of(body: bytes) -> Operation | None:
    """The operation of a POSTed JSON body, or None for anything the planner leaves to the
    resolver path (which refuses a bad body with the same words)."""
    try:
        request = parse_json(body, whole_request=True)
    except HTTPException:
        return None
    if not isinstance(request, dict) or set(request) - {"query", "variables", "operationName"}:
        return None
    query = request.get("query")
    given = request.get("variables") or {}
    name = request.get("operationName")
    if not isinstance(query, str) or not isinstance(given, dict):
        return None
    if name is not None and not isinstance(name, str):
        return None
    return Operation(query, given, name)


def _operation(document: Document, name: str | None) -> OperationDefinitionNode | None:
    if name is None:
        only = len(document.operations) == 1
        return next(iter(document.operations.values())) if only else None
    return document.operations.get(name)


@dataclass(frozen=True, slots=True)
class Ready:
    """A request as it runs again and again: everything but the database's answer, made
    once — parsed, validated, planned under the policy, built, compiled."""

    keys: tuple[str, ...]
    """Each root field's response key, written as JSON with its colon: ``"vehicle":``."""
    constants: tuple[str | None, ...]
    """A root field's JSON known without a statement (``__typename``), else None."""
    statements: tuple[Prepared, ...]
    """The statement of each root field that needs one, in order."""
    finishers: tuple[Finisher | None, ...]
    """What finishes each statement's JSON in Python, if anything does (see ``journey``)."""
    query: str
    operation_name: str | None
    digest: str
    """The document's SHA-256, as the request log records it."""
    cost: int
    """The estimated cost, as the resolver path charges it (``myUsage`` counts it)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A planned answer: the response body and what the request log records."""

    body: bytes
    query: str
    operation_name: str | None
    digest: str
    cost: int
    """The estimated cost, as the resolver path charges it (``myUsage`` counts it)."""


class _DirectiveVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_directive(self, node: Any, *_args: Any) -> None:
        if node.name.value in ("skip", "include"):
            for argument in node.arguments:
                if isinstance(argument.value, VariableNode):
                    self.names.append(argument.value.name.value)


class _Bounded(OrderedDict[Hashable, Any]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def keep(self, key: Hashable, value: Any) -> Any:
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value


class Planner:
    """Plans and answers read operations over one engine, for one schema."""

    def __init__(self, schema: Any, settings: Settings, engine: AsyncEngine) -> None:
        self.schema = schema
        self.graphql = schema._schema
        self.policy: Policy = schema.policy
        self.list_fields: frozenset[str] = schema.list_fields
        self.settings = settings
        self.runner = runner_for(engine, settings.planner_connections)
        self.sql = SqlJson(engine.dialect.name)
        self.enabled = True
        self.answered = 0
        self.referred = 0
        self.failures = 0
        self._documents = _Bounded(DOCUMENT_CACHE_SIZE)
        self._plans = _Bounded(PLAN_CACHE_SIZE)
        self._requests = _Bounded(REQUEST_CACHE_SIZE)

    async def close(self) -> None:
        """Close the connections the planner holds."""
        await self.runner.close()

    def _document(self, query: str) -> Document | None:
        if query in self._documents:
            found: Document | None = self._documents[query]
            return found
        document = None
        size = len(query.encode("utf-8", "surrogatepass"))
        if size <= self.settings.max_query_bytes:
            try:
                node = parse(query, max_tokens=self.settings.max_query_tokens)
            except GraphQLError:
                node = None
            if node is not None:
                document = self._checked(query, node)
        self._documents.keep(query, document)
        return document

    def _checked(self, source: str, node: DocumentNode) -> Document | None:
        operations: dict[str | None, OperationDefinitionNode] = {}
        fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in node.definitions:
            if isinstance(definition, OperationDefinitionNode):
                operations[definition.name.value if definition.name else None] = definition
            elif isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
        if validation_errors(self.graphql, node):
            return None
        directives = _DirectiveVariables()
        visit(node, directives)
        return Document(source, node, operations, fragments, tuple(dict.fromkeys(directives.names)))

    def _plan(
        self, document: Document, operation: OperationDefinitionNode, principal: Principal,
        variables: dict[str, Any],
    ) -> Plan | None:  # fmt: skip
        if refusal_of(shape(document.node), principal.tier, self.settings) is not None:
            return None
        if operation.operation is not OperationType.QUERY:
            return None
        try:
            roots = select(
                self.graphql, document.fragments, variables, self.graphql.query_type,
                [operation.selection_set],
            )  # fmt: skip
            self._check_policy(roots, principal)
        except Unplannable:
            return None
        return Plan(operation, roots)

    def _check_policy(self, selections: tuple[Selected, ...], principal: Principal) -> None:
        for selected in selections:
            needed = self.policy.fields.get((selected.parent_type, selected.name))
            if needed is not None and not needed & principal.scopes:
                raise Unplannable(f"{selected.parent_type}.{selected.name} is refused")
            self._check_policy(selected.children, principal)

    def operation_type(self, request: Operation) -> OperationType | None:
        """Whether the request's operation is a query, a mutation or a subscription (None: an
        invalid document, or no such operation: the resolver path words the error)."""
        document = self._document(request.query)
        if document is None:
            return None
        operation = _operation(document, request.name)
        return operation.operation if operation is not None else None

    async def answer_operation(self, request: Operation, principal: Principal) -> Answer | None:
        """The answer to one operation if the planner gives it, else None."""
        if self.operation_type(request) is not OperationType.QUERY:
            # Mutations and subscriptions are the resolvers': their variables are neither
            # coerced here nor kept, as each event recorded sends new ones.
            return None
        # The row rules read the principal's reader (region, agency, client); scopes, tier
        # and purpose shape the plan; the day decides validity. A request repeated by a
        # client of the same class (the common case: the same page polled) runs its compiled
        # statements at once.
        key = (
            request.query,
            request.name,
            json.dumps(request.variables, sort_keys=True),
            policy_class(principal),
            principal.reader,
            today(),
        )
        if key in self._requests:
            ready: Ready | None = self._requests[key]
        elif len(request.query) <= REQUEST_CACHE_BODY:
            ready = self._requests.keep(key, self._ready(request, principal))
        else:
            ready = self._ready(request, principal)
        if ready is None:
            return None
        text = await self._run(ready)
        if text is None:
            self.referred += 1
            return None
        self.answered += 1
        return Answer(text.encode(), ready.query, ready.operation_name, ready.digest, ready.cost)

    def _ready(self, request: Operation, principal: Principal) -> Ready | None:
        """The request planned, built and compiled; None if the resolvers answer it."""
        query, given, name = request.query, request.variables, request.name
        document = self._document(query)
        if document is None:
            return None
        operation = _operation(document, name)
        if operation is None:
            return None
        coerced = get_variable_values(self.graphql, operation.variable_definitions or (), given)
        if isinstance(coerced, list):
            return None
        values = coerced.coerced
        key = (
            query,
            name,
            policy_class(principal),
            tuple(repr(values.get(variable)) for variable in document.directive_variables),
        )
        if key in self._plans:
            plan: Plan | None = self._plans[key]
        else:
            plan = self._plans.keep(key, self._plan(document, operation, principal, values))
        if plan is None:
            return None
        ready = self._build(document, plan, principal, coerced, given, key)
        if ready is None:
            self.referred += 1
        return ready

    def _build(
        self,
        document: Document,
        plan: Plan,
        principal: Principal,
        variables: VariableValues,
        given: dict[str, Any],
        key: Hashable,
    ) -> Ready | None:
        name = plan.operation.name.value if plan.operation.name else None
        cost = estimate(
            document.node, name, given, self.list_fields, self.settings.default_page_size
        )
        if cost > principal.tier.max_cost:
            return None
        build = Build(
            sql=self.sql,
            principal=principal,
            variables=variables,
            today=today(),
            default_size=self.settings.default_page_size,
            max_size=min(self.settings.max_page_size, principal.tier.max_page_size),
            config=self.schema.config,
            scalars=self.schema.schema_converter.scalar_registry,
            graphql=self.graphql,
            fragments=document.fragments,
            policy=self.policy,
        )
        statements: list[Prepared] = []
        finishers: list[Finisher | None] = []
        constants: list[str | None] = []
        try:
            for root in plan.roots:
                if root.name == "__typename":
                    constants.append('"Query"')
                    continue
                constants.append(None)
                statement, finisher = root_statement(build, root)
                statements.append(self.runner.prepare(statement))
                finishers.append(finisher)
        except Refer:
            return None
        except Unplannable:
            self._plans[key] = None
            return None
        query = document.source
        return Ready(
            keys=tuple(f'"{root.key}":' for root in plan.roots),
            constants=tuple(constants),
            statements=tuple(statements),
            finishers=tuple(finishers),
            query=query,
            operation_name=name,
            digest=document_hash(query),
            cost=cost,
        )

    async def _run(self, ready: Ready) -> str | None:
        try:
            values = iter(await self.runner.run(ready.statements) if ready.statements else ())
        except StatementFailed:
            # An outage is answered by the resolvers as everywhere (503); a statement the
            # database refuses is a planner bug, counted and logged for the tests to see.
            self.failures += 1
            log.warning("a planned statement failed; the resolvers answer", exc_info=True)
            return None
        finishers = iter(ready.finishers)
        parts = []
        for key, constant in zip(ready.keys, ready.constants, strict=True):
            if constant is not None:
                value: str | None = constant
            else:
                value, finisher = next(values), next(finishers)
                if value is not None and finisher is not None:
                    value = finisher.finish(value)
            if value is None:
                # The record is missing or hidden (NOT_FOUND), or the finisher withholds a
                # field (FORBIDDEN): the resolvers word those errors.
                return None
            parts.append(key + value)
        return '{"data":{' + ",".join(parts) + "}}"
