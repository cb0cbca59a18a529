"""Errors the hub raises on purpose, each with the code clients see in ``extensions.code``."""

from __future__ import annotations

from enum import Enum


class ErrorCode(Enum):
    """Machine-readable error codes, the same in GraphQL ``extensions.code`` and the CLI."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    BAD_REQUEST = "BAD_REQUEST"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    SUBSCRIPTION_INTERRUPTED = "SUBSCRIPTION_INTERRUPTED"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class HubError(Exception):
    """An error whose message is safe to show to the client that caused it."""

    code = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class BadUserInput(HubError):
    """The client sent a value that breaks a rule; ``field`` names the argument."""

    code = ErrorCode.BAD_USER_INPUT


class NotFound(HubError):
    """A lookup by natural key or ID found nothing."""

    code = ErrorCode.NOT_FOUND


class Forbidden(HubError):
    """The client may not see this: the message says which scope or statement is missing."""

    code = ErrorCode.FORBIDDEN


class RateLimited(HubError):
    """Too many of one operation from one source; ``retry_after`` is in seconds."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueryTooComplex(HubError):
    """A document over the client tier's depth, alias or cost limit."""

    code = ErrorCode.QUERY_TOO_COMPLEX


class SubscriptionInterrupted(HubError):
    """A live stream that ended where events may have been missed: ``after`` is the cursor of
    the last event delivered, to subscribe again from (none were missed up to it)."""

    code = ErrorCode.SUBSCRIPTION_INTERRUPTED

    def __init__(self, message: str, *, after: str) -> None:
        super().__init__(message)
        self.after = after


class ConfigError(HubError):
    """A ``HUB_*`` setting that cannot be used; the message names the variable."""

    code = ErrorCode.BAD_USER_INPUT


RETRY_AFTER_SECONDS = 5
"""What a client is told to wait during an outage: the hub reconnects within seconds."""


class ServiceUnavailable(HubError):
    """A backend (database, Redis) that cannot be reached; the message says which and where.

    ``dependency`` names it for clients and health checks (``postgresql``, ``redis``), and
    ``retry_after`` is the ``Retry-After`` a client is answered with.
    """

    code = ErrorCode.SERVICE_UNAVAILABLE

    def __init__(
        self,
        message: str,
        *,
        dependency: str | None = None,
        retry_after: int = RETRY_AFTER_SECONDS,
    ) -> None:
        super().__init__(message)
        self.dependency = dependency
        self.retry_after = retry_after
