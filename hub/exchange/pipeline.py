"""The exchange pipeline: receive (store raw, once), then process (validate, map, store).

Receiving refuses what must never be stored — oversized, malformed, entity-bearing or
XInclude-bearing XML, a document the agency does not send, a header the exchange header standard
does not allow (a message id of the wrong length or characters), a header naming another sender
— and stores everything else raw before anything reads it. Processing is idempotent: a message
already processed is skipped, records are applied by (agency, source record id), and a document
that fails its XSD or its mapping lands in the dead letters with the exact reason, all in one
transaction so nothing is half-applied. A failure that is not the document's own (a bug, a
record writer or the database failing) rolls the processing back but is counted, in a
transaction of its own: the message is tried again until ``max_attempts``, then dead-lettered
with the reason of the last failure, so no document is retried for ever.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from collections import Counter
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, any_, bindparam, insert, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.agency_records import bulk
from hub.agency_records.inbox import FAILED, PROCESSED, RECEIVED, ExchangeMessage
from hub.canonical.records import Record
from hub.errors import ServiceUnavailable
from hub.exchange.batches import Prepared, apply_records, write_batch
from hub.exchange.protocol import DocumentType
from hub.exchange.registry import AdapterRegistry
from hub.exchange.validation import (
    MAX_DOCUMENT_BYTES,
    InvalidDocument,
    Parsed,
    checked_header,
    parse,
    shown,
    validate,
    without_server_paths,
)
from hub.filters import today
from hub.metrics import EXCHANGE_DOCUMENTS
from hub.multimodal import service as multimodal
from hub.pubsub import PubSub
from hub.queue import WorkQueue

log = logging.getLogger("hub.exchange")
MAX_ATTEMPTS = 5
"""Processing attempts before a message that keeps failing is dead-lettered."""
MAX_REASON = 500
"""Characters of an exception's message kept as the reason of a failed attempt."""


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
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.registry = registry
        self.sessions = sessions
        self.queue = queue
        self.max_bytes = max_bytes
        self.pubsub = pubsub
        self.max_attempts = max_attempts

    def _count(self, agency: str, outcome: str, documents: int = 1) -> None:
        # Only agencies the hub has adapters for become labels: the URL's text is the sender's.
        label = agency if agency in self.registry else "unknown"
        outcome = "dead_lettered" if outcome == FAILED else outcome
        EXCHANGE_DOCUMENTS.labels(label, outcome).inc(documents)

    def _count_all(self, outcomes: Counter[tuple[str, str]]) -> None:
        """A batch's (agency, outcome) counts: one labelled increment each, not one a document."""
        for (agency, outcome), documents in outcomes.items():
            self._count(agency, outcome, documents)

    def _admit(
        self, agency: str, data: bytes, document_type: str | None, sender: str | None = None
    ) -> tuple[DocumentType, Parsed, str]:
        """Everything checked before a document may be stored: its type and its header.

        ``sender`` is the agency of the client pushing it; files and pulls are sent by the
        agency they are taken in for.
        """
        try:
            return self._admitted(agency, data, document_type, sender)
        except InvalidDocument:
            self._count(agency, "refused")
            raise

    def _admitted(
        self, agency: str, data: bytes, document_type: str | None, sender: str | None
    ) -> tuple[DocumentType, Parsed, str]:
        adapter = self.registry[agency]
        parsed = parse(data, self.max_bytes)
        document = adapter.document_for(parsed.namespace, parsed.root)
        if document is None:
            raise InvalidDocument(f"{agency} sends no document {{{parsed.namespace}}}{parsed.root}")
        if document_type is not None and document.name != document_type:
            raise InvalidDocument(f"this is a {document.name} document, sent as {document_type}")
        earlier = document.earlier_version(parsed.namespace)
        if earlier is not None and today() > earlier.accepted_until:
            raise InvalidDocument(
                f"{{{parsed.namespace}}}{parsed.root} was accepted until "
                f"{earlier.accepted_until}: send it in {document.namespace}"
            )
        header = checked_header(parsed.element)
        expected = agency if sender is None else sender
        if header.sender != expected:
            by = "the agency of the client pushing it" if sender is not None else "its agency"
            raise InvalidDocument(
                f"Header/Sender {shown(header.sender)} is not {expected!r}, {by}: "
                "an agency sends only its own documents"
            )
        return document, parsed, header.message_id

    def _row(
        self,
        agency: str,
        document: DocumentType,
        message_id: str,
        data: bytes,
        via: str,
        attempts: int = 0,
    ) -> ExchangeMessage:
        return ExchangeMessage(**_received(agency, document, message_id, data, via, attempts))

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
        self,
        agency: str,
        data: bytes,
        via: str,
        document_type: str | None = None,
        sender: str | None = None,
    ) -> Receipt:
        """Store a document raw (once per message id) and queue it; InvalidDocument refuses it.

        ``sender``: the agency of the client that pushed it, which its header must name.
        """
        document, _parsed, message_id = self._admit(agency, data, document_type, sender)
        table: Any = ExchangeMessage.__table__
        values = _received(agency, document, message_id, data, via)
        try:
            async with self.sessions() as session, session.begin():
                # One Core statement, not an ORM row: every push comes through here, and the
                # unit of work's bookkeeping for one row costs more than the insert itself.
                stored = (await session.execute(insert(table).returning(table.c.id), values)).one()
        except IntegrityError:  # the hub has this message already
            return await self._duplicate(agency, message_id, data)
        self._count(agency, "received")
        await self._enqueue(stored.id)
        return Receipt(
            id=stored.id,
            agency=agency,
            document_type=document.name,
            message_id=message_id,
            duplicate=False,
            status=RECEIVED,
        )

    async def receive_and_process(self, agency: str, data: bytes, via: str) -> Receipt:
        """Files and pulls: store raw and process in one transaction, without a queue.

        The raw document and its outcome commit together; if the process dies first, the file
        or the feed page (whose cursor has not moved) is simply taken in again. If processing
        breaks (not the document's fault), the document is stored on its own and processed as
        the worker would, the attempt counted.
        """
        document, parsed, message_id = self._admit(agency, data, None)
        stored = False
        try:
            async with self.sessions() as session, session.begin():
                row = self._row(agency, document, message_id, data, via, attempts=1)
                session.add(row)
                await session.flush()
                stored = True
                messages = await self._process_row(session, row, parsed)
        except Exception as exc:
            if stored or not isinstance(exc, IntegrityError):
                # A bug or a failing writer took the raw document down with the processing.
                log.warning("message %s of %s broke processing", message_id, agency, exc_info=exc)
                receipt = await self.receive(agency, data, via)
            else:  # the hub has this message already
                receipt = await self._duplicate(agency, message_id, data)
            if receipt.status == RECEIVED:
                return dataclasses.replace(receipt, status=await self.process(receipt.id))
            return receipt
        self._count(agency, row.status)
        await self._publish(messages)
        return _receipt(row, duplicate=False)

    async def receive_and_process_many(
        self, documents: Sequence[tuple[str, bytes, str]]
    ) -> list[Receipt | InvalidDocument]:
        """Files and pulls in batches: ``receive_and_process`` for each (agency, data, via).

        Validation and mapping come first, in memory; then the batch's raw documents, their
        outcomes and their records are written in one transaction, records in multi-row
        statements across documents. A document that fails its XSD or its mapping is a dead
        letter among the others. If writing the batch breaks, it is rolled back whole and its
        documents are taken in one by one, each in its own transaction: a document that breaks
        the database is kept on its own, the rest commit. Per document: its receipt, or the
        refusal (nothing of it stored).
        """
        outcomes: list[Receipt | InvalidDocument | None] = [None] * len(documents)
        batch: dict[tuple[str, str], Prepared] = {}
        again: list[int] = []  # a message id repeated within the batch: after it, a duplicate
        for index, (agency, data, via) in enumerate(documents):
            try:
                prepared = self._prepare(index, agency, data, via)
            except InvalidDocument as exc:
                outcomes[index] = exc
                continue
            if (agency, prepared.message_id) in batch:
                again.append(index)
            else:
                batch[(agency, prepared.message_id)] = prepared
        try:
            written, messages = await write_batch(self.sessions, list(batch.values()))
        except Exception as exc:
            log.warning("a batch of %s documents broke: one by one", len(batch), exc_info=exc)
            again += [prepared.index for prepared in batch.values()]
        else:
            counted: Counter[tuple[str, str]] = Counter()
            for prepared in batch.values():
                stored = written.get(prepared.index)
                if stored is None:  # the hub has this message already
                    outcomes[prepared.index] = await self._refused_or(
                        self._duplicate(prepared.agency, prepared.message_id, prepared.data)
                    )
                else:
                    counted[(prepared.agency, stored.status)] += 1
                    outcomes[prepared.index] = Receipt(
                        id=stored.id,
                        agency=prepared.agency,
                        document_type=prepared.document.name,
                        message_id=prepared.message_id,
                        duplicate=False,
                        status=stored.status,
                    )
            self._count_all(counted)
            await self._publish(messages)
        for index in sorted(again):
            agency, data, via = documents[index]
            outcomes[index] = await self._refused_or(self.receive_and_process(agency, data, via))
        return [outcome for outcome in outcomes if outcome is not None]

    @staticmethod
    async def _refused_or(receiving: Awaitable[Receipt]) -> Receipt | InvalidDocument:
        try:
            return await receiving
        except InvalidDocument as exc:
            return exc

    def _prepare(self, index: int, agency: str, data: bytes, via: str) -> Prepared:
        """Admitted (else InvalidDocument), validated and mapped: all but the writing."""
        document, parsed, message_id = self._admit(agency, data, None)
        prepared = Prepared(index, agency, data, via, document, message_id)
        prepared.records, prepared.error = _mapped(agency, document, parsed)
        return prepared

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
        """Validate, map and store one received message; returns its status afterwards.

        Processed messages and dead letters are left as they are (a redelivery, a reclaimed
        entry). A failure that rolls processing back is counted and its reason kept: the
        message stays received, for the worker's sweep to try again, until the
        ``max_attempts``-th failure makes it a dead letter. Raises only when the database
        cannot even record that (an outage): the queue entry then stays pending.
        """
        status, attempt = await self._start_attempt(message)
        if status != RECEIVED:
            return status
        return await self._attempt(message, attempt)

    async def _attempt(self, message: int, attempt: int) -> str:
        """Process one message whose attempt is counted, in a transaction of its own."""
        try:
            async with self.sessions() as session, session.begin():
                row = await session.get(ExchangeMessage, message, with_for_update=True)
                if row is None or row.status != RECEIVED:  # another worker was quicker
                    return "missing" if row is None else row.status
                messages = await self._process_row(session, row)
                status, agency = row.status, row.agency
        except Exception as exc:  # a bug, a failing writer, the database: all rolled back
            return await self._failed_attempt(message, attempt, exc)
        self._count(agency, status)
        await self._publish(messages)
        return status

    async def process_many(self, messages: Sequence[int]) -> dict[int, str]:
        """``process`` for many messages at once; each message's status afterwards.

        Raises only as ``process`` does (an outage). A message tried before (its attempt
        failed, or died with its process) is processed alone first, so that one which kills
        its process uses up only its own attempts. The others' attempts are counted
        (committed, as for one message); validation and mapping happen in memory; then the
        outcomes and records of every message still received are written in one transaction,
        records in multi-row statements across messages, as ``hub ingest`` writes a batch
        (``apply_records``). A document that fails its XSD or its mapping is a dead letter
        among the others. If writing the batch breaks, it is rolled back whole and each
        message is processed again on its own, within the attempt already counted: only the
        one that breaks keeps the failure.
        """
        outcome, attempts = await self._start_attempts(messages)
        for started in attempts:
            parsed = None
            try:
                parsed = parse(started.body, self.max_bytes)
            except InvalidDocument as exc:
                started.error = exc.reason
            if parsed is not None:
                document = self.registry[started.agency].documents[started.document_type]
                started.records, started.error = _mapped(started.agency, document, parsed)
        try:
            written, events = await self._write_attempts(attempts)
        except Exception as exc:  # a bug, a failing writer, the database: all rolled back
            if len(attempts) == 1:  # alone already: what broke is this message's
                outcome[attempts[0].id] = await self._failed_attempt(
                    attempts[0].id, attempts[0].attempt, exc
                )
                return outcome
            log.warning("a batch of %s messages broke: one by one", len(attempts), exc_info=exc)
            for started in attempts:
                outcome[started.id] = await self._attempt(started.id, started.attempt)
            return outcome
        counted: Counter[tuple[str, str]] = Counter()
        for started in attempts:
            status = written.get(started.id)
            if status is None:  # another worker was quicker
                status = await self._status(started.id)
            else:
                counted[(started.agency, status)] += 1
            outcome[started.id] = status
        self._count_all(counted)
        await self._publish(events)
        return outcome

    async def _start_attempts(
        self, messages: Sequence[int]
    ) -> tuple[dict[int, str], list[_Started]]:
        """Process alone the messages tried before, then count the first attempt of the rest.

        Returns the statuses of the messages not in the batch (tried before and processed
        now, done already, gone) and the attempts started for the batch, committed.
        """
        table: Any = ExchangeMessage.__table__
        wanted = sorted(set(messages))
        async with self.sessions() as session:
            found = {
                message: (status, attempts)
                for message, status, attempts in await session.execute(
                    select(table.c.id, table.c.status, table.c.attempts).where(
                        _one_of(session, table.c.id, wanted)
                    )
                )
            }
        outcome: dict[int, str] = {}
        fresh = []
        for message in wanted:
            status, attempts = found.get(message, ("missing", 0))
            if status != RECEIVED:
                outcome[message] = status
            elif attempts:
                # Tried before: its attempt failed, or died with its process. Alone, its
                # attempt counted just before it, one that kills its process uses up only its
                # own attempts (a dead letter after ``max_attempts``), not its batch's.
                outcome[message] = await self.process(message)
            else:
                fresh.append(message)
        if not fresh:
            return outcome, []
        async with self.sessions() as session, session.begin():
            counted = await session.execute(
                update(table)
                .where(
                    _one_of(session, table.c.id, fresh),
                    table.c.status == RECEIVED,
                    table.c.attempts == 0,
                )
                .values(attempts=table.c.attempts + 1)
                .returning(
                    table.c.id,
                    table.c.attempts,
                    table.c.agency,
                    table.c.document_type,
                    table.c.body,
                    table.c.received_at,
                )
            )
            attempts = sorted((_Started(*row) for row in counted.all()), key=lambda a: a.id)
        started = {a.id for a in attempts}
        for message in fresh:
            if message not in started:  # another worker took it up meanwhile
                outcome[message] = await self._status(message)
        return outcome, attempts

    async def _write_attempts(
        self, attempts: Sequence[_Started]
    ) -> tuple[dict[int, str], list[tuple[str, bytes]]]:
        """The outcomes and records of started attempts, in one transaction.

        Only messages still received are written (locked first, in id order): one another
        worker processed meanwhile is left as it is, and has no status in the answer.
        """
        if not attempts:
            return {}, []
        table: Any = ExchangeMessage.__table__
        async with self.sessions() as session, session.begin():
            locked = set(
                (
                    await session.scalars(
                        select(table.c.id)
                        .where(
                            _one_of(session, table.c.id, [a.id for a in attempts]),
                            table.c.status == RECEIVED,
                        )
                        .order_by(table.c.id)
                        .with_for_update()
                    )
                ).all()
            )
            mine = [a for a in attempts if a.id in locked]
            applied = [a for a in mine if a.error is None]
            counts, events = await apply_records(
                session, [(a.agency, a.records, a.received_at) for a in applied]
            )
            records = {a.id: count for a, count in zip(applied, counts, strict=True)}
            now = dt.datetime.now(dt.UTC)
            outcomes = [
                (
                    a.id,
                    FAILED if a.error else PROCESSED,
                    a.error,
                    records.get(a.id, 0),
                    None if a.error else now,
                )
                for a in mine
            ]
            if session.get_bind().dialect.name == "postgresql":
                await bulk.update_by_id(
                    session, table, ("status", "error", "records", "processed_at"), outcomes
                )
            elif outcomes:
                await session.execute(
                    update(table)
                    .where(table.c.id == bindparam("message"))
                    .values(
                        status=bindparam("outcome"),
                        error=bindparam("reason"),
                        records=bindparam("count"),
                        processed_at=bindparam("done"),
                    ),
                    [
                        dict(
                            zip(("message", "outcome", "reason", "count", "done"), row, strict=True)
                        )
                        for row in outcomes
                    ],
                )
        return {a.id: FAILED if a.error else PROCESSED for a in mine}, events

    async def _status(self, message: int) -> str:
        async with self.sessions() as session:
            status = await session.scalar(
                select(ExchangeMessage.status).where(ExchangeMessage.id == message)
            )
        return status or "missing"

    async def _start_attempt(self, message: int) -> tuple[str, int]:
        """Count an attempt, committed before processing starts: (status, attempt number)."""
        async with self.sessions() as session, session.begin():
            row = await session.get(ExchangeMessage, message, with_for_update=True)
            if row is None:
                return "missing", 0
            if row.status != RECEIVED:
                return row.status, row.attempts
            if row.attempts >= self.max_attempts:
                # Every attempt left so far ended without an outcome: its process was killed.
                row.status = FAILED
                row.error = (
                    f"dead letter after {row.attempts} attempts; the last ended without an "
                    f"outcome (its process stopped){_previously(row.error)}"
                )
                log.error("message %s of %s is a dead letter: %s", row.id, row.agency, row.error)
                return FAILED, row.attempts
            row.attempts += 1
            return RECEIVED, row.attempts

    async def _failed_attempt(self, message: int, attempt: int, exc: Exception) -> str:
        reason = _failure(exc)
        log.warning(
            "message %s failed, attempt %s of %s", message, attempt, self.max_attempts, exc_info=exc
        )
        async with self.sessions() as session, session.begin():
            row = await session.get(ExchangeMessage, message, with_for_update=True)
            if row is None or row.status != RECEIVED:
                return "missing" if row is None else row.status
            if attempt >= self.max_attempts:
                row.status = FAILED
                tries = f"{attempt} failed attempt{'s' if attempt > 1 else ''}"
                row.error = f"dead letter after {tries}; the last: {reason}"
                log.error("message %s of %s is a dead letter: %s", row.id, row.agency, row.error)
            else:
                row.error = f"attempt {attempt} of {self.max_attempts} failed: {reason}"
            return row.status

    async def _publish(self, messages: list[tuple[str, bytes]]) -> None:
        # After the commit: subscribers must never hear of an event that was rolled back.
        await multimodal.publish(self.pubsub, messages)

    async def _process_row(
        self, session: AsyncSession, row: ExchangeMessage, parsed: Parsed | None = None
    ) -> list[tuple[str, bytes]]:
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
        records = document.records(element)
        counts, messages = await apply_records(session, [(row.agency, records, row.received_at)])
        return counts[0], messages

    async def retry(self, messages: list[int] | None = None) -> dict[str, int]:
        """Process failed messages again (after a fix); all of them when none are named.

        Each gets ``max_attempts`` attempts again.
        """
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
                    row.status, row.attempts = RECEIVED, 0
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


@dataclass(slots=True)
class _Started:
    """A message whose attempt is counted, mapped in memory before it is written."""

    id: int
    attempt: int
    agency: str
    document_type: str
    body: bytes
    received_at: dt.datetime
    records: tuple[Record, ...] = ()
    error: str | None = None
    """Why it is a dead letter: its XSD or its mapping refused it."""


def _mapped(
    agency: str, document: DocumentType, parsed: Parsed
) -> tuple[tuple[Record, ...], str | None]:
    """A document's records, or why it is a dead letter (its XSD or its mapping refused it)."""
    try:
        return document.records(validate(document, parsed)), None
    except InvalidDocument as exc:
        return (), exc.reason
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        # The reason may quote the document's values (personal data): it stays with the
        # dead letter (``hub exchange failed``), the log names only the agency.
        log.warning(
            "a message of %s failed to map (%s): see hub exchange failed",
            agency,
            type(exc).__name__,
        )
        return (), f"mapping failed: {exc}"


def _one_of(
    session: AsyncSession, column: ColumnElement[int], ids: Sequence[int]
) -> ColumnElement[bool]:
    """``column`` is one of ``ids``: on PostgreSQL one array parameter, so that a batch's
    statement is the same text whatever its size (prepared once, no list of bound values to
    render per batch); on SQLite an ``IN`` list (a batch is well under its variable limit)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(ids), ARRAY(Integer)))
    return column.in_(ids)


def _received(
    agency: str, document: DocumentType, message_id: str, data: bytes, via: str, attempts: int = 0
) -> dict[str, Any]:
    """The columns of a document just received, stored raw."""
    return {
        "agency": agency,
        "document_type": document.name,
        "message_id": message_id,
        "received_via": via,
        "received_at": dt.datetime.now(dt.UTC),
        "sha256": hashlib.sha256(data).hexdigest(),
        "body": data,
        "status": RECEIVED,
        "attempts": attempts,
        "records": 0,
    }


def _failure(exc: Exception) -> str:
    """What a dead letter says of an exception: its kind and message, bounded.

    Of a database error, the driver's own message: SQLAlchemy's adds the statement and its
    parameters, which would copy the document's personal data into the dead letters.
    """
    cause = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
    reason = without_server_paths(f"{type(cause).__name__}: {cause}")
    return reason if len(reason) <= MAX_REASON else reason[:MAX_REASON] + "…"


def _previously(error: str | None) -> str:
    return f"; before that: {error}" if error else ""


def _receipt(row: ExchangeMessage, duplicate: bool) -> Receipt:
    return Receipt(
        id=row.id,
        agency=row.agency,
        document_type=row.document_type,
        message_id=row.message_id,
        duplicate=duplicate,
        status=row.status,
    )
