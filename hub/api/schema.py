"""The one GraphQL schema of the hub, with its limits on."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial
from pathlib import Path
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types import ExecutionContext

from hub.api.bilingual import doc
from hub.api.errors import MaskUnexpectedErrors, add_code, is_unexpected, log
from hub.api.lookups import NODE_TYPES, Query
from hub.config import Settings


class CloseRequestSession(SchemaExtension):
    """Ends the request's database session once the operation is answered."""

    async def on_operation(self) -> Any:
        yield
        context = self.execution_context.context
        if hasattr(context, "close"):
            await context.close()


class HubSchema(strawberry.Schema):
    """The schema, adding error codes to every error before it is sent."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            add_code(error)
            if is_unexpected(error):
                log.error("unexpected error in a GraphQL operation", exc_info=error.original_error)


DOCUMENT_CACHE_SIZE = 512
"""Parsed and validated documents kept per worker: clients send the same few again and again."""

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


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with depth, token and alias limits from the settings.

    The limit rules are made once per schema, not per request, so that validation results can
    be cached by document: parsing and validating are most of the cost of a small query.
    """
    limit_rules: list[type[ASTValidationRule]] = [
        depth_limit_rule(settings.max_query_depth, None, None),
        alias_limit_rule(settings.max_aliases),
    ]
    return HubSchema(
        query=Query,
        types=[published for _row, published in NODE_TYPES.values()],
        scalar_overrides=SCALARS,
        # Factories, not instances: each operation gets extensions of its own. Order matters:
        # the token limit sets the parser option the parse cache passes on, and the limit
        # rules join validation before the validation cache looks the document up.
        extensions=[
            partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
            partial(ParserCache, maxsize=DOCUMENT_CACHE_SIZE),
            partial(AddValidationRules, limit_rules),
            partial(ValidationCache, maxsize=DOCUMENT_CACHE_SIZE),
            MaskUnexpectedErrors,
            CloseRequestSession,
        ],
    )


SDL_PATH = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"
"""Where the exported SDL is committed: the published standard, diff-checked by the tests."""


def sdl() -> str:
    """The schema as SDL text, as committed in ``graphql/schema.graphql``."""
    return build_schema(Settings(database_url="sqlite+aiosqlite://")).as_str() + "\n"
