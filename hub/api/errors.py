"""Error codes on every GraphQL error, and masking of the unexpected ones."""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import CannotGetOperationTypeError

from hub.errors import ErrorCode, HubError, SubscriptionInterrupted
from hub.outages import outage_of

log = logging.getLogger("hub.api")

# Messages of graphql-core's parser at the token limit, which raises plain GraphQLErrors.
_TOO_COMPLEX = ("maximum number of tokens", "tokens. Parsing aborted")


def code_of(error: GraphQLError) -> ErrorCode:
    """The code a client sees for an error."""
    original = error.original_error
    if isinstance(original, HubError):
        return original.code
    if isinstance(original, CannotGetOperationTypeError):  # which operation to run
        return ErrorCode.BAD_REQUEST
    if original is not None and not isinstance(original, GraphQLError):
        outage = outage_of(original)
        return ErrorCode.INTERNAL_SERVER_ERROR if outage is None else outage.code
    if any(marker in error.message for marker in _TOO_COMPLEX):
        return ErrorCode.QUERY_TOO_COMPLEX
    if error.message.startswith("Syntax Error"):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    if error.path is None:
        return ErrorCode.GRAPHQL_VALIDATION_FAILED
    return ErrorCode.BAD_USER_INPUT


def add_code(error: GraphQLError) -> None:
    """Put ``code`` (and the offending ``field``, when known) into ``extensions``.

    An outage's message is replaced by one naming the dependency: the driver's text would
    show the server's address.
    """
    extensions = dict(error.extensions or {})
    extensions.setdefault("code", code_of(error).value)
    original = error.original_error
    if isinstance(original, HubError) and original.field:
        extensions.setdefault("field", original.field)
    if isinstance(original, SubscriptionInterrupted):
        extensions.setdefault("after", original.after)
    outage = outage_of(original)
    if outage is not None:
        error.message = outage.message
        extensions.setdefault("dependency", outage.dependency)
    error.extensions = extensions


def is_unexpected(error: GraphQLError) -> bool:
    """Errors that are bugs or outages: their text may leak internals, so it is masked."""
    return code_of(error) is ErrorCode.INTERNAL_SERVER_ERROR


class MaskUnexpectedErrors(MaskErrors):
    """Strawberry's masking, keeping the error code on the masked error."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value}
        return masked
