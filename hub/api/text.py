"""Checking free-text and identifier arguments before they reach a query."""

from __future__ import annotations

from collections.abc import Callable

from hub.canonical import identifiers
from hub.canonical.identifiers import InvalidIdentifier
from hub.errors import BadUserInput

MAX_SEARCH_LENGTH = 100


def search_argument(value: str | None, argument: str = "filter.search") -> str | None:
    """A text search, trimmed; empty means no search, overlong is refused."""
    if value is None or not value.strip():
        return None
    if len(value) > MAX_SEARCH_LENGTH:
        raise BadUserInput(
            f"{argument}: at most {MAX_SEARCH_LENGTH} characters, got {len(value)}", field=argument
        )
    return value.strip()


def identifier_argument(check: Callable[[str, str], str], value: str, argument: str) -> str:
    """An identifier argument, normalised and checked by its rule, else bad input naming both."""
    try:
        return check(value, argument)
    except InvalidIdentifier as exc:
        raise BadUserInput(str(exc), field=argument) from None


def code_argument(value: str, argument: str, limit: int = 20) -> str:
    """A code (of a station, a line): normalised, 1 to ``limit`` ASCII letters or digits."""
    code = identifiers.normalize(value)
    if not code or len(code) > limit or not code.isascii() or not code.isalnum():
        raise BadUserInput(
            f"{argument}: {value!r} must be 1 to {limit} letters or digits", field=argument
        )
    return code
