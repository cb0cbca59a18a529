"""The hub's Prometheus metrics, and their exposition — one process or many.

With ``hub serve --workers N`` every worker writes its values into files under
``PROMETHEUS_MULTIPROC_DIR`` (a fresh directory per serve) and a scrape, answered by any
worker, adds them up. prometheus-client chooses how values are kept when it is first
imported, so the variable is set before the workers start.

Labels hold only bounded sets: routes, tiers, statuses, outcomes, agencies the hub has
adapters for, and the names of the registered operations (``graphql/operations``) — any
other GraphQL document is ``anonymous`` or ``unknown``. Never an id or a client's free text.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry()
"""The hub's own metrics (not the client library's process-wide default registry)."""

REQUESTS = Counter(
    "hub_requests",
    "HTTP requests answered, by route, GraphQL operation, status and client tier.",
    ["route", "operation", "status", "tier"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "hub_request_duration_seconds",
    "Time to answer an HTTP request, by route and GraphQL operation.",
    ["route", "operation"],
    registry=REGISTRY,
)
REQUEST_STATEMENTS = Histogram(
    "hub_request_sql_statements",
    "SQL statements one HTTP request ran, by route and GraphQL operation.",
    ["route", "operation"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144),
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "hub_rate_limited",
    "Requests refused by the rate limit (429), by client tier.",
    ["tier"],
    registry=REGISTRY,
)
TOKENS = Counter(
    "hub_oauth_tokens",
    "Access token requests at /oauth/token: issued, or refused with the OAuth error code.",
    ["outcome", "error"],
    registry=REGISTRY,
)
AUDIT_APPENDS = Counter(
    "hub_audit_appends",
    "Entries appended to the personal-data audit log, by outcome (ok, denied, error).",
    ["outcome"],
    registry=REGISTRY,
)
EXCHANGE_DOCUMENTS = Counter(
    "hub_exchange_documents",
    "Agency documents by outcome: received, duplicate, refused, processed, dead_lettered.",
    ["agency", "outcome"],
    registry=REGISTRY,
)
PULL_FAILURES = Counter(
    "hub_exchange_pull_failures",
    "Feed pulls that failed after their retries, or were refused by an open circuit.",
    ["agency", "document"],
    registry=REGISTRY,
)
CIRCUIT_OPEN = Gauge(
    "hub_exchange_circuit_open",
    "1 while the circuit breaker of an agency's endpoint is open, 0 when it is closed.",
    ["agency"],
    multiprocess_mode="livemax",
    registry=REGISTRY,
)
SUBSCRIPTIONS = Gauge(
    "hub_graphql_subscription_connections",
    "Open GraphQL websocket (subscription) connections.",
    multiprocess_mode="livesum",
    registry=REGISTRY,
)

OAUTH_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    }
)
"""RFC 6749 §5.2 error codes: anything else a refusal says is counted as ``other``."""


def operation_label(registered: str | None, name: str | None) -> str:
    """The bounded label of a GraphQL operation: a registered operation's name, or a bucket."""
    if registered is not None:
        return registered
    return "unknown" if name else "anonymous"


def oauth_error_label(error: object) -> str:
    """An OAuth error code as a label: one of RFC 6749's, or ``other``."""
    return error if isinstance(error, str) and error in OAUTH_ERRORS else "other"


class _Scraped:
    """Metrics read at scrape time (queue, dead letters), handed over as they are."""

    def __init__(self, metrics: Iterable[Metric]) -> None:
        self._metrics = list(metrics)

    def collect(self) -> Iterable[Metric]:
        return self._metrics


def exposition(scraped: Iterable[Metric] = (), directory: str | None = None) -> bytes:
    """The Prometheus text exposition: every worker's values (multiprocess) or this one's."""
    registry = CollectorRegistry(auto_describe=False)
    directory = directory or os.environ.get(MULTIPROC_ENV)
    if directory:
        multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    else:
        registry.register(REGISTRY)
    registry.register(_Scraped(scraped))
    return generate_latest(registry)


@contextmanager
def shared_by_workers(workers: int) -> Iterator[str | None]:
    """A fresh ``PROMETHEUS_MULTIPROC_DIR`` while ``workers`` > 1 processes serve, then removed.

    One process needs none: its values stay in memory.
    """
    if workers < 2:
        yield None
        return
    directory = tempfile.mkdtemp(prefix="hub-metrics-")
    previous = os.environ.get(MULTIPROC_ENV)
    os.environ[MULTIPROC_ENV] = directory
    try:
        yield directory
    finally:
        if previous is None:
            os.environ.pop(MULTIPROC_ENV, None)
        else:
            os.environ[MULTIPROC_ENV] = previous
        shutil.rmtree(directory, ignore_errors=True)


def process_ended() -> None:
    """A worker stops: its live gauges (connections, circuits) no longer count."""
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        multiprocess.mark_process_dead(os.getpid(), directory)  # type: ignore[no-untyped-call]
