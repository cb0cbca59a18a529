"""The exchange pipeline: receive (store raw, once), then process (validate, map, store).

Receiving refuses what must never be stored — oversized, malformed or entity-bearing XML, a
document the agency does not send, one without a message id — and stores everything else raw
before anything reads it. Processing is idempotent: a message already processed is skipped,
records are applied by (agency, source record id), and a document that fails lands in the dead
letters with the exact reason, all in one transaction so nothing is half-applied.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.agency_records.inbox import FAILED, PROCESSED, RECEIVED, ExchangeMessage
from hub.agency_records.store import store
from hub.canonical.records import VehiclePosition
from hub.errors import ServiceUnavailable
from hub.exchange.geofence import fence_events, serialise, watched_vehicles
from hub.exchange.protocol import DocumentType, read_header
from hub.exchange.registry import AdapterRegistry
from hub.exchange.validation import MAX_DOCUMENT_BYTES, InvalidDocument, Parsed, parse, validate
from hub.metrics import EXCHANGE_DOCUMENTS
from hub.multimodal import service as multimodal
from hub.pubsub import PubSub
from hub.queue import WorkQueue

log = logging.getLogger("hub.exchange")


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the sender is told: the receipt id, and whether the hub had the message already."""

    id: int
    agency: str
    document_type: str
    message_id: str
    duplicate: bool
    status: str


class Exchange:
    """Receives and processes agency documents."""

    def __init__(
        self,
        registry: AdapterRegistry,
        sessions: async_sessionmaker[AsyncSession],
        queue: WorkQueue | None = None,
        max_bytes: int = MAX_DOCUMENT_BYTES,
        pubsub: PubSub | None = None,
    ) -> None:
        self.registry = registry
        self.sessions = sessions
        self.queue = queue
        self.max_bytes = max_bytes
        self.pubsub = pubsub

    def _count(self, agency: str, outcome: str) -> None:
        # Only agencies the hub has adapters for become labels: the URL's text is the sender's.
        label = agency if agency in self.registry else "unknown"
        EXCHANGE_DOCUMENTS.labels(label, "dead_lettered" if outcome == FAILED else outcome).inc()

    def _admit(
        self, agency: str, data: bytes, document_type: str | None
    ) -> tuple[DocumentType, Parsed, str]:
        """Everything checked before a document may be stored: its type and its message id."""
        try:
            return self._admitted(agency, data, document_type)
        except InvalidDocument:
            self._count(agency, "refused")
            raise

    def _admitted(
        self, agency: str, data: bytes, document_type: str | None
    ) -> tuple[DocumentType, Parsed, str]:
        adapter = self.registry[agency]
        parsed = parse(data, self.max_bytes)
        document = adapter.document_for(parsed.namespace, parsed.root)
        if document is None:
            raise InvalidDocument(f"{agency} sends no document {{{parsed.namespace}}}{parsed.root}")
        if document_type is not None and document.name != document_type:
            raise InvalidDocument(f"this is a {document.name} document, sent as {document_type}")
        try:
            message_id = read_header(parsed.element).message_id
        except ValueError:
            message_id = ""
        if not message_id:
            raise InvalidDocument("the document has no Header/MessageId")
        return document, parsed, message_id

    def _row(
        self, agency: str, document: DocumentType, message_id: str, data: bytes, via: str
    ) -> ExchangeMessage:
        return ExchangeMessage(
            agency=agency,
            document_type=document.name,
            message_id=message_id,
            received_via=via,
            received_at=dt.datetime.now(dt.UTC),
            sha256=hashlib.sha256(data).hexdigest(),
            body=data,
            status=RECEIVED,
            attempts=0,
            records=0,
        )

    async def _duplicate(self, agency: str, message_id: str, data: bytes) -> Receipt:
        existing = await self._find(agency, message_id)
        if existing is None:
            raise RuntimeError(f"message {agency}/{message_id} vanished")
        if existing.sha256 != hashlib.sha256(data).hexdigest():
            raise InvalidDocument(
                f"message id {message_id} was already received with different content "
                f"(receipt {existing.id}): send corrections under a new message id"
            )
        self._count(agency, "duplicate")
        return _receipt(existing, duplicate=True)

    async def receive(
        self, agency: str, data: bytes, via: str, document_type: str | None = None
    ) -> Receipt:
        """Store a document raw (once per message id) and queue it; InvalidDocument refuses it."""
        document, _parsed, message_id = self._admit(agency, data, document_type)
        try:
            async with self.sessions() as session, session.begin():
                row = self._row(agency, document, message_id, data, via)
                session.add(row)
        except IntegrityError:  # the hub has this message already
            return await self._duplicate(agency, message_id, data)
        self._count(agency, "received")
        await self._enqueue(row.id)
        return _receipt(row, duplicate=False)

    async def receive_and_process(self, agency: str, data: bytes, via: str) -> Receipt:
        """Files and pulls: store raw and process in one transaction, without a queue.

        The raw document and its outcome commit together; if the process dies first, the file
        or the feed page (whose cursor has not moved) is simply taken in again.
        """
        document, parsed, message_id = self._admit(agency, data, None)
        try:
            async with self.sessions() as session, session.begin():
                row = self._row(agency, document, message_id, data, via)
                session.add(row)
                await session.flush()
                messages = await self._process_row(session, row, parsed)
            self._count(agency, row.status)
            await self._publish(messages)
        except IntegrityError:
            receipt = await self._duplicate(agency, message_id, data)
            if receipt.status != PROCESSED:
                status = await self.process(receipt.id)
                return dataclasses.replace(receipt, status=status)
            return receipt
        return _receipt(row, duplicate=False)

    async def _find(self, agency: str, message_id: str) -> ExchangeMessage | None:
        async with self.sessions() as session:
            return await session.scalar(
                select(ExchangeMessage).where(
                    ExchangeMessage.agency == agency, ExchangeMessage.message_id == message_id
                )
            )

    async def _enqueue(self, message: int) -> None:
        if self.queue is None:
            return
        try:
            await self.queue.put(message)
        except ServiceUnavailable as exc:
            # Stored is what counts: the workers' sweep queues what was never queued.
            log.warning("message %s stored but not queued: %s", message, exc.message)

    async def process(self, message: int) -> str:
        """Validate, map and store one received message; returns its status afterwards."""
        async with self.sessions() as session, session.begin():
            row = await session.get(ExchangeMessage, message, with_for_update=True)
            if row is None:
                return "missing"
            if row.status == PROCESSED:
                return PROCESSED  # delivered twice: done already
            messages = await self._process_row(session, row)
            status = row.status
        self._count(row.agency, status)
        await self._publish(messages)
        return status

    async def _publish(self, messages: list[tuple[str, bytes]]) -> None:
        # After the commit: subscribers must never hear of an event that was rolled back.
        await multimodal.publish(self.pubsub, messages)

    async def _process_row(
        self, session: AsyncSession, row: ExchangeMessage, parsed: Parsed | None = None
    ) -> list[tuple[str, bytes]]:
        row.attempts += 1
        messages: list[tuple[str, bytes]] = []
        try:
            async with session.begin_nested():
                row.records, messages = await self._apply(session, row, parsed)
        except InvalidDocument as exc:
            row.status, row.error = FAILED, exc.reason
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            row.status, row.error = FAILED, f"mapping failed: {exc}"
            # The reason may quote the document's values (personal data): it stays with the
            # dead letter (``hub exchange failed``), the log names only the message.
            log.warning(
                "message %s of %s failed to map (%s): see hub exchange failed",
                row.id,
                row.agency,
                type(exc).__name__,
            )
        else:
            row.status, row.error = PROCESSED, None
            row.processed_at = dt.datetime.now(dt.UTC)
            return messages
        return []

    async def _apply(
        self, session: AsyncSession, row: ExchangeMessage, parsed: Parsed | None
    ) -> tuple[int, list[tuple[str, bytes]]]:
        document = self.registry[row.agency].documents[row.document_type]
        element = validate(document, parsed or parse(row.body, self.max_bytes))
        records = document.parse(element)
        positions = [record for record in records if isinstance(record, VehiclePosition)]
        watched = await watched_vehicles(session, positions) if positions else set()
        if watched:
            await serialise(session, watched)
        stored = await store(session, row.agency, records, row.received_at)
        # Rail and maritime events, and road positions at stations and ports, also move the
        # consignments they concern (一单到底).
        events = [multimodal.from_agency_record(row.agency, record) for record in records]
        if watched:
            events += await fence_events(session, row.agency, positions, watched)
        attached = []
        for event in events:
            if event is not None:
                new = await multimodal.record(session, event, row.received_at, row.agency)
                attached += [(consignment, event) for consignment in new]
        return stored, await multimodal.published_events(session, attached)

    async def retry(self, messages: list[int] | None = None) -> dict[str, int]:
        """Process failed messages again (after a fix); all of them when none are named."""
        async with self.sessions() as session:
            query = select(ExchangeMessage.id).where(ExchangeMessage.status == FAILED)
            if messages:
                query = query.where(ExchangeMessage.id.in_(messages))
            ids = list((await session.scalars(query.order_by(ExchangeMessage.id))).all())
        outcome: dict[str, int] = {}
        for message in ids:
            async with self.sessions() as session, session.begin():
                row = await session.get(ExchangeMessage, message)
                if row is not None:
                    row.status = RECEIVED
            status = await self.process(message)
            outcome[status] = outcome.get(status, 0) + 1
        return outcome

    async def unprocessed(self, older_than: dt.timedelta) -> list[int]:
        """Messages received but never processed: lost from the queue by a crash."""
        cutoff = dt.datetime.now(dt.UTC) - older_than
        async with self.sessions() as session:
            query = select(ExchangeMessage.id).where(
                ExchangeMessage.status == RECEIVED, ExchangeMessage.received_at <= cutoff
            )
            return list((await session.scalars(query.order_by(ExchangeMessage.id))).all())


def _receipt(row: ExchangeMessage, duplicate: bool) -> Receipt:
    return Receipt(
        id=row.id,
        agency=row.agency,
        document_type=row.document_type,
        message_id=row.message_id,
        duplicate=duplicate,
        status=row.status,
    )
