"""The exchange protocol: what an agency adapter gives the hub, and the client it builds on.

Adapters (``adapters/<agency>/``) import only this module and ``hub.canonical``. An adapter
declares its document types — each an XSD, a root element, and the mapping from a validated
document to canonical records and back — plus a client for the agency's feed and a simulator
of that feed for tests and the demo. The pipeline does the rest: size limit, safe parsing,
validation, idempotency, storage, dead letters.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from hub.canonical.multimodal import Consignment
from hub.canonical.records import Record
from hub.exchange.xml_encoding import bytes_of, text_of
from hub.metrics import CIRCUIT_OPEN, PULL_FAILURES

STANDARDS_DIR = Path(__file__).resolve().parents[2] / "standards"
HEADER_NAMESPACE = "urn:js-transport-hub:exchange:header:1.0"
ENTRY_POINT_GROUP = "hub.adapters"


def namespace(agency: str, document: str, version: str = "1.0") -> str:
    """The XML namespace of an agency's document type: versioned, one per document type."""
    return f"urn:js-transport-hub:{agency}:{document}:{version}"


@dataclass(frozen=True, slots=True)
class Header:
    """The common header every exchange document starts with."""

    message_id: str
    sender: str
    sent_at: str


def read_header(root: Element) -> Header:
    """The header of a validated document (its first child, in the header namespace)."""
    # The children walked directly, each once: ``find`` costs a path search per call, and
    # every document received is read here before it is stored.
    header = next((child for child in root if child.tag == _HEADER), None)
    if header is None:
        raise ValueError("the document has no header")
    texts: dict[str, str] = {}
    for child in header:
        texts.setdefault(child.tag, child.text or "")
    return Header(
        message_id=texts.get(_MESSAGE_ID, "").strip(),
        sender=texts.get(_SENDER, "").strip(),
        sent_at=texts.get(_SENT_AT, "").strip(),
    )


_HEADER = f"{{{HEADER_NAMESPACE}}}Header"
_MESSAGE_ID = f"{{{HEADER_NAMESPACE}}}MessageId"
_SENDER = f"{{{HEADER_NAMESPACE}}}Sender"
_SENT_AT = f"{{{HEADER_NAMESPACE}}}SentAt"


@dataclass(frozen=True, slots=True)
class EarlierVersion:
    """An earlier namespace version of a document type, accepted until its retirement date.

    A breaking change of an exchange XSD is a new namespace version (see CHANGELOG.md): senders
    get until ``accepted_until`` to move, and meanwhile each document is validated against, and
    mapped by, the version it declares.
    """

    namespace: str
    schema: Path
    """This version's XSD, under ``standards/``."""
    parse: Callable[[Element], tuple[Record, ...]]
    """A document valid in this version → the records it carries."""
    accepted_until: dt.date
    """The last day (China time) a document in this version is accepted; announced."""


@dataclass(frozen=True, slots=True)
class DocumentType:
    """One kind of document an agency sends or receives."""

    name: str
    """URL segment and CLI name, e.g. ``vehicle-registration``."""
    title: tuple[str, str]
    """(Chinese, English)."""
    schema: Path
    """The XSD, under ``standards/``."""
    namespace: str
    root: str
    """Local name of the root element."""
    parse: Callable[[Element], tuple[Record, ...]]
    """A validated document → the records it carries (may raise ValueError naming the rule)."""
    export: Callable[[Sequence[Record], Header], bytes]
    """Records → one XSD-valid document, for sharing back out."""
    record_types: tuple[type, ...]
    """The canonical record classes this document carries."""
    earlier: tuple[EarlierVersion, ...] = ()
    """Earlier namespace versions still accepted (``namespace``/``schema`` are the current)."""

    @property
    def namespaces(self) -> tuple[str, ...]:
        """Every namespace a document of this type is accepted in, the current one first."""
        return (self.namespace, *(version.namespace for version in self.earlier))

    def earlier_version(self, namespace_uri: str) -> EarlierVersion | None:
        """The earlier version ``namespace_uri`` names; None for the current one (or none)."""
        return next((v for v in self.earlier if v.namespace == namespace_uri), None)

    def schema_for(self, namespace_uri: str) -> Path:
        """The XSD of the version ``namespace_uri`` names (one of :attr:`namespaces`)."""
        version = self.earlier_version(namespace_uri)
        return self.schema if version is None else version.schema

    def records(self, root: Element) -> tuple[Record, ...]:
        """The records of a validated document, mapped by the version it is written in."""
        version = self.earlier_version(root.tag[1:].partition("}")[0])
        return (self.parse if version is None else version.parse)(root)


@dataclass(frozen=True, slots=True)
class PullPage:
    """One page of an agency feed."""

    documents: list[bytes]
    cursor: str | None
    """Where the next pull resumes; None when the feed gave none."""
    more: bool


class CircuitOpen(Exception):
    """The agency's endpoint failed too often: calls are refused until it cools down."""


@dataclass
class CircuitBreaker:
    """Stops calling an endpoint after ``threshold`` failures in a row, for ``cooldown`` s."""

    threshold: int = 5
    cooldown: float = 30.0
    failures: int = 0
    opened_at: float | None = None

    @property
    def is_open(self) -> bool:
        """Calls are refused now (after the cooldown it is half-open: one call may try)."""
        return self.opened_at is not None and time.monotonic() - self.opened_at < self.cooldown

    def check(self) -> None:
        """Raise CircuitOpen while the circuit is open; half-open after the cooldown."""
        if self.is_open:
            raise CircuitOpen(f"circuit open after {self.failures} failures; retry later")

    def success(self) -> None:
        self.failures, self.opened_at = 0, None

    def failure(self) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = time.monotonic()


class RetryableError(Exception):
    """A failure worth retrying: a timeout, a dropped connection, a 5xx or 429."""


@dataclass
class AgencyClient:
    """The client of an agency's feed: timeouts, retries with backoff, a circuit breaker.

    The feed protocol is the exchange standard's: ``GET {base}/feed/{document}?after=&limit=``
    answers ``{"documents": [<xml>...], "cursor": "...", "more": bool}``.
    """

    agency: str
    base_url: str
    timeout: float = 10.0
    attempts: int = 4
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    transport: httpx.AsyncBaseTransport | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    async def _get(self, client: httpx.AsyncClient, url: str, params: dict[str, Any]) -> Any:
        try:
            return await self._attempt(client, url, params)
        finally:
            CIRCUIT_OPEN.labels(self.agency).set(1 if self.breaker.is_open else 0)

    async def _attempt(self, client: httpx.AsyncClient, url: str, params: dict[str, Any]) -> Any:
        self.breaker.check()
        try:
            response = await client.get(url, params=params)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            self.breaker.failure()
            raise RetryableError(f"{self.agency}: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            self.breaker.failure()
            raise RetryableError(f"{self.agency}: HTTP {response.status_code}")
        self.breaker.success()
        response.raise_for_status()
        return response.json()

    async def pull(self, document: str, cursor: str | None, limit: int = 100) -> PullPage:
        """One page of the feed after ``cursor``, retried with exponential backoff."""
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["after"] = cursor
        async with httpx.AsyncClient(
            base_url=self.base_url,
            timeout=self.timeout,
            transport=self.transport,
            headers=dict(self.headers),
        ) as client:
            retrying = AsyncRetrying(
                retry=retry_if_exception_type(RetryableError),
                stop=stop_after_attempt(self.attempts),
                wait=wait_exponential_jitter(multiplier=0.05, max=2.0),
                reraise=True,
            )
            try:
                async for attempt in retrying:
                    with attempt:
                        body = await self._get(client, f"/feed/{document}", params)
            except (RetryableError, CircuitOpen, httpx.HTTPError, ValueError):
                PULL_FAILURES.labels(self.agency, document).inc()
                raise
        return PullPage(
            # JSON carries each document as text: back to the bytes its declaration names.
            documents=[bytes_of(str(item)) for item in body.get("documents", [])],
            cursor=body.get("cursor"),
            more=bool(body.get("more")),
        )


@dataclass(frozen=True, slots=True)
class DemoSubjects:
    """What the hub's demo data holds, so an agency's demo documents speak of the same things."""

    vehicles: Sequence[tuple[str, str, str, bool, str]]
    """(plate, plate colour code, VIN, carries dangerous goods, operator USCC)."""
    operators: Sequence[tuple[str, str]]
    """(USCC, name)."""
    vessels: Sequence[tuple[str, str | None, str]]
    """(MMSI, IMO or None, name)."""
    today: str
    """ISO date the demo is built for."""
    seed: int = 2026
    journeys: Sequence[Consignment] = ()
    """Multimodal consignments (一单到底) the demo books: each agency reports its own legs."""
    places: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """(latitude, longitude) of the stations and ports the journeys' legs start and end at."""


@dataclass(frozen=True, slots=True)
class Adapter:
    """Everything the hub knows of one agency."""

    name: str
    """Agency code, also the entry-point name: ``public_security``."""
    title: tuple[str, str]
    documents: Mapping[str, DocumentType]
    simulator: Callable[[], Any]
    """An ASGI app of the agency's feed, with sample documents, for tests and the demo."""
    demo: Callable[[DemoSubjects], Mapping[str, Sequence[bytes]]] | None = None
    """Documents about the demo's own subjects, with a few planted disagreements."""

    def client(self, base_url: str, **options: Any) -> AgencyClient:
        """The client of this agency's feed at ``base_url``."""
        return AgencyClient(agency=self.name, base_url=base_url, **options)

    def document_for(self, namespace_uri: str, root: str) -> DocumentType | None:
        """The document type of a root element, by namespace and local name."""
        for document in self.documents.values():
            if namespace_uri in document.namespaces and document.root == root:
                return document
        return None


def feed_app(documents: Mapping[str, Sequence[bytes]], *, fail_every: int = 0) -> Any:
    """A simulator of an agency feed serving ``documents`` by cursor (their index).

    ``fail_every`` > 0 answers every n-th request with 503, so clients' retries are exercised.
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    calls = {"count": 0}

    async def feed(request: Request) -> JSONResponse:
        calls["count"] += 1
        if fail_every and calls["count"] % fail_every == 0:
            return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
        name = request.path_params["document"]
        if name not in documents:
            return JSONResponse({"error": f"no feed {name!r}"}, status_code=404)
        try:
            start = int(request.query_params.get("after", "0"))
            limit = max(1, min(int(request.query_params.get("limit", "100")), 1000))
        except ValueError:
            return JSONResponse({"error": "after and limit must be whole numbers"}, 400)
        items = documents[name][start : start + limit]
        end = start + len(items)
        await asyncio.sleep(0)
        return JSONResponse(
            {
                "documents": [text_of(item) for item in items],
                "cursor": str(end),
                "more": end < len(documents[name]),
            }
        )

    return Starlette(routes=[Route("/feed/{document}", feed)])


def batches(
    records: Sequence[Record],
    export: Callable[[Sequence[Record], Header], bytes],
    *,
    sender: str,
    message_prefix: str,
    size: int = 500,
    sent_at: str = "2026-11-25T08:00:00+08:00",
) -> list[bytes]:
    """``records`` as documents of at most ``size`` records, message ids ``<prefix>-000001``…"""
    return [
        export(
            records[start : start + size],
            Header(
                message_id=f"{message_prefix}-{start // size + 1:06d}",
                sender=sender,
                sent_at=sent_at,
            ),
        )
        for start in range(0, len(records), size)
    ]
