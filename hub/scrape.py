"""``GET /metrics``: the Prometheus exposition, for clients holding ``metrics:read``.

What is shared by every process — the work queue and the dead letters — is read at scrape
time from where it lives (Redis or this process's queue, the database), so it is right
whichever worker answers and however many ``hub exchange work`` processes there are.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub import metrics
from hub.agency_records.inbox import FAILED, ExchangeMessage
from hub.auth.gate import BadRequest, Gate, unauthorized
from hub.auth.scopes import METRICS_READ
from hub.auth.tokens import InvalidToken
from hub.queue import WorkQueue


async def scraped(
    queue: WorkQueue | None, sessions: async_sessionmaker[AsyncSession]
) -> list[Metric]:
    """The queue's backlog and the dead letters by agency, as they are now."""
    found: list[Metric] = []
    if queue is not None:
        backlog = await queue.backlog()
        found.append(
            GaugeMetricFamily(
                "hub_exchange_queue_length",
                "Exchange messages queued and not yet acknowledged (waiting or being processed).",
                value=backlog.length,
            )
        )
        found.append(
            GaugeMetricFamily(
                "hub_exchange_queue_oldest_age_seconds",
                "How long the oldest unacknowledged queue entry has waited (0: none waits).",
                value=backlog.oldest_seconds or 0.0,
            )
        )
    dead = GaugeMetricFamily(
        "hub_exchange_dead_letters",
        "Agency documents that failed validation or mapping and wait for a fix and a retry.",
        labels=["agency"],
    )
    async with sessions() as session:
        counts = await session.execute(
            select(ExchangeMessage.agency, func.count())
            .where(ExchangeMessage.status == FAILED)
            .group_by(ExchangeMessage.agency)
        )
        for agency, count in counts:
            dead.add_metric([agency], count)
    found.append(dead)
    return found


def _challenge(status: int, message: str, error: str | None = None) -> JSONResponse:
    challenge = 'Bearer realm="hub"'
    if error is not None:
        challenge += f', error="{error}", scope="{METRICS_READ}"'
    return JSONResponse(
        {"error": error or "unauthorized", "message": message},
        status_code=status,
        headers={"WWW-Authenticate": challenge},
    )


def metrics_endpoint(state: dict[str, Any]) -> Callable[[Request], Awaitable[Response]]:
    """The ``/metrics`` endpoint on the app's backends in ``state``."""

    async def endpoint(request: Request) -> Response:
        gate: Gate = state["gate"]
        try:
            principal = await gate.principal(request.headers)
        except InvalidToken as exc:
            return unauthorized(exc.description)
        except BadRequest as exc:
            return JSONResponse({"error": "bad_request", "message": str(exc)}, status_code=400)
        if principal.is_anonymous:
            return _challenge(401, f"/metrics needs an access token with scope {METRICS_READ}")
        if not principal.has(METRICS_READ):
            message = f"/metrics needs scope {METRICS_READ}"
            return _challenge(403, message, "insufficient_scope")
        live = await scraped(state["exchange"].queue, state["read_sessions"])
        return Response(metrics.exposition(live), media_type=metrics.CONTENT_TYPE)

    return endpoint
