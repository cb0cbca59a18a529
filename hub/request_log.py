"""One log line and one set of metrics per HTTP request, and the request id that ties them.

``RequestLog`` is a pure ASGI middleware (streaming answers and websockets pass through
untouched). It opens a :class:`RequestRecord` in a context variable; whoever learns something
about the request on its way — the gate (the client), the GraphQL layer (the operation), the
engine (each SQL statement) — writes it there, and the middleware logs and counts it once the
answer is sent. The record holds ids, names, hashes and counts only: never values.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub import logs, metrics

log = logging.getLogger("hub.request")

REQUEST_ID_HEADER = "X-Request-Id"
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
"""An incoming request id is kept if it is a short token; anything else is replaced."""
MAX_NAME = 100


@dataclass(slots=True)
class RequestRecord:
    """What is known about the request being served; filled in as it is answered."""

    request_id: str
    client_id: str | None = None
    agency: str | None = None
    tier: str = "open"
    operation_name: str | None = None
    operation_type: str | None = None
    document_hash: str | None = None
    registered_document: str | None = None
    statements: int = 0

    @property
    def operation_label(self) -> str:
        """The bounded metric label of the GraphQL operation ("" for other requests)."""
        if self.document_hash is None and self.operation_type is None:
            return ""
        return metrics.operation_label(self.registered_document, self.operation_name)


_current: ContextVar[RequestRecord | None] = ContextVar("hub_request", default=None)


def current() -> RequestRecord | None:
    """The record of the request being served, if any (the exchange worker has none)."""
    return _current.get()


def note_client(client_id: str | None, agency: str | None, tier: str) -> None:
    """The client the request comes from, once its token or credentials were accepted."""
    record = _current.get()
    if record is not None:
        record.client_id, record.agency, record.tier = client_id, agency, tier


def note_document(document_hash: str, registered: str | None) -> None:
    """The GraphQL document's SHA-256, and its registered name if it is one of ours."""
    record = _current.get()
    if record is not None:
        record.document_hash, record.registered_document = document_hash, registered


def note_operation(name: str | None, operation_type: str | None) -> None:
    """The GraphQL operation's name and type (query, mutation, subscription)."""
    record = _current.get()
    if record is not None:
        record.operation_name = name[:MAX_NAME] if name else None
        record.operation_type = operation_type


def count_statement() -> None:
    """Count one SQL statement into the record of the request that runs it (the read
    planner's statements on PostgreSQL run past the engine, so it counts them itself)."""
    record = _current.get()
    if record is not None:
        record.statements += 1


def count_statements(engine: AsyncEngine) -> None:
    """Count each SQL statement ``engine`` runs into the record of the request that runs it."""

    def counted(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # SQLite's BEGIN is emitted as a statement (hub.db.sqlite_engine), PostgreSQL's by the
        # driver: counted on neither, so both backends count the same queries.
        if not statement.startswith("BEGIN"):
            count_statement()

    event.listen(engine.sync_engine, "before_cursor_execute", counted)


def request_id_of(headers: Headers) -> str:
    """The caller's ``X-Request-Id`` if it is a sane short token, otherwise a new one."""
    given = headers.get(REQUEST_ID_HEADER)
    if given is not None and _SANE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def _route(scope: Scope) -> str:
    # The matched route's template, never the path: a path may carry what the caller typed.
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestLog:
    """Stamps each request with its id, then logs and counts it once it is answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        record = RequestRecord(request_id=request_id_of(Headers(scope=scope)))
        status: int | None = None
        header = (REQUEST_ID_HEADER.lower().encode("latin-1"), record.request_id.encode())

        async def send_stamped(message: Message) -> None:
            nonlocal status
            kind = message["type"]
            if kind == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, record.request_id)
            elif kind == "websocket.accept":
                message["headers"] = [*message.get("headers", []), header]
                status = 101
            elif kind == "websocket.close" and status != 101:
                status = 403  # refused before it was accepted
            await send(message)

        records = _current.set(record)
        ids = logs.request_id.set(record.request_id)
        websocket = scope["type"] == "websocket"
        if websocket:
            metrics.SUBSCRIPTIONS.inc()
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_stamped)
        except Exception:
            # A bug: answer 500 here, so that answer too carries the request id (Starlette's
            # error middleware, outside this one, sends nothing once a response has started).
            if status is None and not websocket:
                await _internal_error(send_stamped)
            raise
        finally:
            seconds = time.perf_counter() - started
            if websocket:
                metrics.SUBSCRIPTIONS.dec()
            _finish(scope, record, status or 500, seconds)
            logs.request_id.reset(ids)
            _current.reset(records)


_INTERNAL_ERROR = json.dumps(
    {
        "errors": [
            {"message": "Internal server error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        ]
    }
).encode()


async def _internal_error(send: Send) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_INTERNAL_ERROR)).encode()),
    ]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": _INTERNAL_ERROR})


@functools.lru_cache(maxsize=4096)
def _series(route: str, operation: str, status: int, tier: str) -> tuple[Any, Any, Any]:
    """The metric series of one kind of request, found once: looking labels up costs more
    than counting, and the labels are bounded (routes, registered operations, statuses)."""
    return (
        metrics.REQUESTS.labels(route, operation, str(status), tier),
        metrics.REQUEST_SECONDS.labels(route, operation),
        metrics.REQUEST_STATEMENTS.labels(route, operation),
    )


def _finish(scope: Scope, record: RequestRecord, status: int, seconds: float) -> None:
    route = _route(scope)
    requests, durations, statements = _series(route, record.operation_label, status, record.tier)
    requests.inc()
    if scope["type"] == "http":  # a websocket's duration is how long it stayed open
        durations.observe(seconds)
        statements.observe(record.statements)
    if not log.isEnabledFor(logging.INFO):
        return
    method = scope.get("method", "WEBSOCKET")
    fields = {
        "request_id": record.request_id,
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        "client_id": record.client_id,
        "agency": record.agency,
        "tier": record.tier,
        "operation_name": record.operation_name,
        "operation_type": record.operation_type,
        "document_hash": record.document_hash,
        "document": record.registered_document,
        "sql_statements": record.statements,
    }
    log.info("%s %s %s", method, route, status, extra={logs.FIELDS: fields})
