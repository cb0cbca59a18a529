"""Health checks, and the answer a request gets when a dependency is down.

``/health/live`` says the process answers and touches nothing; ``/health/ready`` checks every
dependency (database reachable and at the newest schema, Redis reachable when configured) and
names the ones that are down. :class:`AnswerOutages` turns an outage met anywhere in a request
into ``503`` with ``Retry-After`` and the dependency named, in the error shape of the route.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.cache import Cache
from hub.errors import ServiceUnavailable
from hub.migrate import current_revision, head_revision
from hub.outages import REDIS, outage_of

log = logging.getLogger("hub.health")

CHECK_SECONDS = 3.0
"""How long a readiness check waits for a dependency before calling it down."""

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def _check(check: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    try:
        return await asyncio.wait_for(check(), CHECK_SECONDS)
    except TimeoutError:
        return {"status": "down", "error": f"no answer within {CHECK_SECONDS:g} s"}
    except Exception as exc:
        if outage_of(exc) is None:
            raise
        return {"status": "down", "error": (exc.__cause__ or exc).__class__.__name__}


async def readiness(engine: AsyncEngine, cache: Cache | None) -> tuple[bool, dict[str, Any]]:
    """Whether the hub can serve, and the state of each dependency (the probe's body)."""

    async def database() -> dict[str, Any]:
        revision = await current_revision(engine)
        expected = head_revision()
        state = "up" if revision == expected else "not migrated"
        return {"status": state, "schemaRevision": revision, "expectedRevision": expected}

    async def redis() -> dict[str, Any]:
        assert cache is not None
        await cache.ping()
        return {"status": "up"}

    checks = {engine.dialect.name: database}
    if cache is not None:
        checks[REDIS] = redis
    states = await asyncio.gather(*(_check(check) for check in checks.values()))
    dependencies = dict(zip(checks, states, strict=True))
    down = [name for name, state in dependencies.items() if state["status"] != "up"]
    body = {"status": "unavailable" if down else "ready", "dependencies": dependencies}
    return not down, body | {"down": down}


def health_routes(state: dict[str, Any], *, redis: bool) -> list[Route]:
    """``/health/live``, ``/health/ready`` and ``/health`` (the same as ready, for older probes).

    ``redis``: whether Redis is configured, so that readiness checks it (through the cache).
    """

    async def live(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "live"})

    async def ready(_request: Request) -> JSONResponse:
        is_ready, body = await readiness(state["engine"], state["cache"] if redis else None)
        headers = {"Cache-Control": "no-store"}
        return JSONResponse(body, status_code=200 if is_ready else 503, headers=headers)

    return [
        Route("/health/live", live),
        Route("/health/ready", ready),
        Route("/health", ready),
    ]


def outage_response(scope: Scope, outage: ServiceUnavailable) -> JSONResponse:
    """``503`` with ``Retry-After``, in the error shape of the route the request went to."""
    path: str = scope.get("path", "")
    headers = {"Retry-After": str(outage.retry_after), "Cache-Control": "no-store"}
    if path.startswith("/graphql"):
        # GraphQL over HTTP: the response media type when the client accepts it.
        extensions = {"code": outage.code.value, "dependency": outage.dependency}
        body: dict[str, Any] = {"errors": [{"message": outage.message, "extensions": extensions}]}
        accepts = Headers(scope=scope).get("accept", "")
        media_type = GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in accepts else "application/json"
        return JSONResponse(body, status_code=503, headers=headers, media_type=media_type)
    if path.startswith("/oauth/"):
        # RFC 6749's code for a server that cannot handle the request for now.
        body = {"error": "temporarily_unavailable", "error_description": outage.message}
    else:
        body = {"error": "service_unavailable", "message": outage.message}
    return JSONResponse(body | {"dependency": outage.dependency}, status_code=503, headers=headers)


class AnswerOutages:
    """ASGI middleware: an outage that escapes a route is answered 503, never a bare 500.

    Bugs pass through untouched, to Starlette's error handling. A websocket that meets an
    outage is closed with 1013 (try again later).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] in ("http.response.start", "websocket.close"):
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            outage = outage_of(exc)
            if outage is None or started:
                raise
            cause = exc.__cause__ or exc
            log.warning(
                "%s unavailable, %s answered 503: %s: %s",
                outage.dependency,
                scope.get("path"),
                cause.__class__.__name__,
                cause,
            )
            if scope["type"] == "websocket":
                reason = outage.message[:120]  # a close reason is at most 123 bytes
                await send({"type": "websocket.close", "code": 1013, "reason": reason})
                return
            await outage_response(scope, outage)(scope, receive, send)
