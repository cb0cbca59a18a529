"""The one GraphQL schema of the hub, with its limits on."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.schema.base import BaseSchema
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types import ExecutionContext

from hub.api.access_log import AccessLogQuery, RecordPersonalDataAccess
from hub.api.alerts.mutations import AlertMutation
from hub.api.alerts.queries import AlertQuery
from hub.api.alerts.subscriptions import AlertSubscription
from hub.api.bilingual import doc
from hub.api.consignments.mutations import ConsignmentMutation
from hub.api.consignments.queries import ConsignmentQuery
from hub.api.consignments.subscriptions import ConsignmentSubscription
from hub.api.credit.mutations import CreditMutation
from hub.api.credit.queries import CreditQuery
from hub.api.credit.subscriptions import CreditSubscription
from hub.api.enforcement.mutations import EnforcementMutation
from hub.api.enforcement.queries import EnforcementQuery
from hub.api.errors import MaskUnexpectedErrors, add_code, is_unexpected, log
from hub.api.inbox.types import InboxQuery
from hub.api.introspection import AnswerIntrospection, Introspection
from hub.api.limits import DOCUMENT_CACHE_SIZE, DocumentSize, OneOperation, TierLimits
from hub.api.lookups import NODE_TYPES, DataCenterQuery
from hub.api.permissions import EnforcePolicy, Policy
from hub.api.positions.queries import PositionQuery
from hub.api.positions.subscriptions import PositionSubscription
from hub.api.quality.types import QualityQuery
from hub.api.shared_results import SharedEventResults
from hub.api.usage import CountUsage, UsageQuery
from hub.api.versioning import header
from hub.config import Settings
from hub.errors import ErrorCode
from hub.request_log import note_operation


class ChallengeAnonymous(SchemaExtension):
    """An anonymous request that reached protected data is answered 401 with a Bearer challenge.

    RFC 6750 §3.1: a request without credentials gets ``WWW-Authenticate: Bearer`` and no error
    code. The GraphQL answer (open data and FORBIDDEN errors) is still the body.
    """

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        principal = getattr(context, "principal", None)
        response = getattr(context, "response", None)
        result = self.execution_context.result
        if principal is None or not principal.is_anonymous or response is None or result is None:
            return
        forbidden = ErrorCode.FORBIDDEN.value
        if any((error.extensions or {}).get("code") == forbidden for error in result.errors or ()):
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="hub"'


class NoteOperation(SchemaExtension):
    """Tells the request log the operation's name and type, read off the document parsed once."""

    def on_operation(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        kind = None
        if execution.graphql_document is not None:
            try:
                kind = execution.operation_type.value
            except RuntimeError:  # the operation named is not in the document
                kind = None
        note_operation(execution.operation_name, kind)


class CloseRequestSession(SchemaExtension):
    """Ends the request's database session once the operation is answered."""

    async def on_operation(self) -> Any:
        yield
        context = self.execution_context.context
        if hasattr(context, "close"):
            await context.close()


@strawberry.type(description=doc("查询入口。", "The root of all queries."))
class Query(
    DataCenterQuery,
    AccessLogQuery,
    QualityQuery,
    InboxQuery,
    ConsignmentQuery,
    UsageQuery,
    PositionQuery,
    AlertQuery,
    EnforcementQuery,
    CreditQuery,
):
    pass


@strawberry.type(description=doc("变更入口。", "The root of all mutations."))
class Mutation(ConsignmentMutation, AlertMutation, EnforcementMutation, CreditMutation):
    pass


@strawberry.type(
    description=doc("订阅入口（graphql-transport-ws）。", "The root of all subscriptions.")
)
class Subscription(
    ConsignmentSubscription, PositionSubscription, AlertSubscription, CreditSubscription
):
    pass


class HubSchema(strawberry.Schema):
    """The schema, adding error codes to every error before it is sent."""

    policy: Policy
    list_fields: frozenset[str]
    """Fields returning lists: each multiplies the estimated cost of what it holds."""

    introspection: Introspection

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            add_code(error)
            if is_unexpected(error):
                log.error("unexpected error in a GraphQL operation", exc_info=error.original_error)


# Strawberry's own date scalars, re-described in the schema's bilingual style.
SCALARS: dict[object, Any] = {
    dt.date: dataclasses.replace(
        DateDefinition,
        description=doc("日期，ISO 8601 格式（YYYY-MM-DD）。", "A date, ISO 8601 (YYYY-MM-DD)."),
    ),
    dt.datetime: dataclasses.replace(
        DateTimeDefinition,
        description=doc("带时区的时间，ISO 8601 格式。", "A date and time with offset, ISO 8601."),
    ),
}


def build_schema(settings: Settings) -> HubSchema:
    """The schema with its policy, depth, token, alias and cost limits, and introspection
    answered from its kept answers."""
    schema = HubSchema(
        execution_context_class=SharedEventResults,
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[published for _row, published in NODE_TYPES.values()],
        scalar_overrides=SCALARS,
        # Factories, not instances: each operation gets extensions of its own. Order matters:
        # the size limits run before the parse cache parses (with the token limit they set).
        extensions=[
            partial(DocumentSize, settings.max_query_bytes, settings.max_query_tokens),
            partial(ParserCache, maxsize=DOCUMENT_CACHE_SIZE),
            OneOperation,
            lambda: TierLimits(settings, list_fields, introspection),
            lambda: AnswerIntrospection(introspection),
            lambda: EnforcePolicy(policy),
            MaskUnexpectedErrors,
            RecordPersonalDataAccess,
            ChallengeAnonymous,
            NoteOperation,
            CountUsage,
            CloseRequestSession,
        ],
    )
    list_fields = schema.list_fields = _list_fields(schema)
    introspection = schema.introspection = Introspection.of(schema._schema)
    policy = schema.policy = Policy.of(schema)
    return schema


def _list_fields(schema: strawberry.Schema) -> frozenset[str]:
    """Names of the fields that return lists: each multiplies the cost of what it holds."""
    names = set()
    for graphql_type in schema._schema.type_map.values():
        for name, field in getattr(graphql_type, "fields", {}).items():
            text = str(field.type)
            if text.startswith("[") or text.rstrip("!").endswith("Connection"):
                names.add(name)
    return frozenset(names - {"edges", "route"})


SDL_PATH = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"
"""Where the exported SDL is committed: the published standard, diff-checked by the tests."""


def sdl_of(schema: BaseSchema) -> str:
    """A schema as published: SDL with its directives, opened by a comment naming its version."""
    return header() + schema.as_str() + "\n"


def sdl() -> str:
    """The schema as SDL text, as committed in ``graphql/schema.graphql``."""
    return sdl_of(build_schema(Settings(database_url="sqlite+aiosqlite://")))
