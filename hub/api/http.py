"""GraphQL over HTTP: bodies read within a size limit, JSON parsed strictly, and every request
refused before GraphQL runs answered with a GraphQL error body, never plain text or a 500.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from cross_web import HTTPException
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope

MAX_JSON_DEPTH = 32
"""How deep a request's JSON may nest, variables included. No GraphQL request needs more, and
Python's json module recurses until it fails (RecursionError) on JSON nested thousands deep."""

_CODES = {403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE"}

# JSON strings (their brackets do not nest) and everything but brackets, to measure nesting.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def request_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """A request refused before GraphQL ran, in the GraphQL-over-HTTP error shape."""
    error = {"message": message, "extensions": {"code": _CODES.get(status, "BAD_REQUEST")}}
    return JSONResponse({"errors": [error]}, status_code=status, headers=headers)


class QueriesOnlyOverGet(HTTPException):
    """A mutation or subscription sent by GET (HTTP 405, as GraphQL over HTTP says): GET must
    be safe, so that caches and prefetching browsers may repeat it."""

    def __init__(self, kind: str) -> None:
        super().__init__(405, f"a {kind} is sent by POST: GET runs queries only")
        self.headers = {"Allow": "POST"}


class BodyTooLarge(HTTPException):
    """A request body over the configured limit (HTTP 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes")


def limit_body(scope: Scope, receive: Receive, limit: int) -> Receive:
    """``receive`` for a body of at most ``limit`` bytes; BodyTooLarge beyond it.

    Refused at once when Content-Length says so, else as soon as the bytes received pass it,
    so an oversized body is never held in memory whole.
    """
    declared = Headers(scope=scope).get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_within_limit


def json_depth(text: str) -> int:
    """How deep JSON text nests arrays and objects, found without parsing it."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def parse_json(data: str | bytes, *, whole_request: bool) -> Any:
    """JSON of a request: its body (``whole_request``: an object, or an array for a batch) or
    a query parameter (``variables``, ``extensions``). HTTPException 400 names what is wrong."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HTTPException(
                400, f"the request body is not UTF-8 text: byte {exc.start} is not UTF-8"
            ) from None
    else:
        text = data
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise HTTPException(
            400,
            f"the request's JSON nests {depth} levels deep, more than the limit of "
            f"{MAX_JSON_DEPTH}",
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HTTPException(
            400, f"the request is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    if whole_request and not isinstance(value, dict | list):
        raise HTTPException(400, 'the request body must be a JSON object: {"query": "..."}')
    return value
