"""Documents in batches: the records of many documents written in one transaction.

Everything a document needs before it is written — admission, validation, mapping — happens in
memory first (``Exchange._prepare``); then a batch's raw documents, their outcomes and their
records go to the database together, in multi-row statements: on PostgreSQL one statement per
table per batch, its rows bound as arrays (``hub.agency_records.bulk``); on SQLite SQLAlchemy
Core executemany, rendered as pages of multi-row ``INSERT … ON CONFLICT … RETURNING``. What
the pipeline does per document on its own (``Exchange.process``) goes through
``apply_records`` too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.agency_records import bulk
from hub.agency_records.inbox import FAILED, PROCESSED, ExchangeMessage
from hub.agency_records.store import store_many
from hub.alerts import hooks as alerts
from hub.canonical import identifiers
from hub.canonical.records import Record, VehiclePosition
from hub.exchange.geofence import fence_events, serialise, watched_vehicles
from hub.exchange.protocol import DocumentType
from hub.multimodal import service as multimodal
from hub.positions import live
from hub.positions import repository as positions_store
from hub.positions.lines import Fix


@dataclass(frozen=True, slots=True)
class Written:
    """The receipt of a document written in a batch."""

    id: int
    status: str


@dataclass(slots=True)
class Prepared:
    """A document of a batch, admitted, validated and mapped, not yet written."""

    index: int
    agency: str
    data: bytes
    via: str
    document: DocumentType
    message_id: str
    records: tuple[Record, ...] = ()
    error: str | None = None
    """Why it is a dead letter: its XSD or its mapping refused it."""


async def write_batch(
    sessions: async_sessionmaker[AsyncSession], batch: Sequence[Prepared]
) -> tuple[dict[int, Written], list[tuple[str, bytes]]]:
    """The raw documents (each once), their outcomes and their records, in one transaction.

    Returns what became of each document stored now (by index; a message the hub had
    already has none) and the consignment events to publish. The messages the hub has are
    looked up first, so that only the new ones' records are applied; each raw document is
    then written once, with its outcome and the rows its records made (one statement, no
    update after it). Should another writer store one of these messages in between, the
    batch raises ``StoredMeanwhile`` and is rolled back whole: nothing is applied twice.
    """
    if not batch:
        return {}, []
    now = dt.datetime.now(dt.UTC)
    table: Any = ExchangeMessage.__table__
    async with sessions() as session, session.begin():
        had = await _stored_already(session, table, [(p.agency, p.message_id) for p in batch])
        new = [p for p in batch if (p.agency, p.message_id) not in had]
        applied = [p for p in new if p.error is None]
        counts, messages = await apply_records(
            session, [(p.agency, p.records, now) for p in applied]
        )
        records = {p.index: count for p, count in zip(applied, counts, strict=True)}
        rows = [
            (
                p.agency,
                p.document.name,
                p.message_id,
                p.via,
                now,
                hashlib.sha256(p.data).hexdigest(),
                p.data,
                FAILED if p.error else PROCESSED,
                p.error,
                1,  # attempts
                records.get(p.index, 0),
                None if p.error else now,  # processed at
            )
            for p in new
        ]
        stored = await _stored_raw(session, table, rows)
        if len(stored) != len(new):
            raise StoredMeanwhile(f"{len(new) - len(stored)} of the batch's messages")
    written = {
        p.index: Written(stored[(p.agency, p.message_id)], FAILED if p.error else PROCESSED)
        for p in new
    }
    return written, messages


class StoredMeanwhile(Exception):
    """A message of a batch was stored by another writer after the batch looked it up."""


async def _stored_already(
    session: AsyncSession, table: Any, keys: Sequence[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The (agency, message id) of these the hub has stored already."""
    wanted = sorted(set(keys))
    if session.get_bind().dialect.name == "postgresql":
        # Two arrays, one prepared statement, whatever the batch's size.
        connection = await bulk.driver(session, table)
        found = await connection.fetch(
            f"SELECT agency, message_id FROM {table.name} "
            "WHERE (agency, message_id) IN "
            "(SELECT * FROM unnest($1::varchar[], $2::varchar[]))",
            [agency for agency, _ in wanted],
            [message for _, message in wanted],
        )
        return {(agency, message) for agency, message in found}
    had: set[tuple[str, str]] = set()
    for start in range(0, len(wanted), _SQLITE_KEYS):
        part = wanted[start : start + _SQLITE_KEYS]
        result = await session.execute(
            select(table.c.agency, table.c.message_id).where(
                tuple_(table.c.agency, table.c.message_id).in_(part)
            )
        )
        had |= {(agency, message) for agency, message in result.all()}
    return had


_SQLITE_KEYS = 400
"""(agency, message id) pairs per lookup on SQLite: two bound values each, under its limit."""


_RAW = (
    "agency", "document_type", "message_id", "received_via", "received_at", "sha256", "body",
    "status", "error", "attempts", "records", "processed_at",
)  # fmt: skip
"""The columns of a raw document as a batch writes it, with its outcome."""


async def _stored_raw(
    session: AsyncSession, table: Any, rows: Sequence[tuple[Any, ...]]
) -> dict[tuple[str, str], int]:
    """Insert the raw documents (values in ``_RAW`` order) the hub does not have yet; the ids
    of those it inserted."""
    if not rows:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        returned = await bulk.insert(
            session,
            table,
            _RAW,
            rows,
            conflict=("agency", "message_id"),
            returning=("id", "agency", "message_id"),
        )
    else:
        result = await session.execute(
            sqlite.insert(table)
            .on_conflict_do_nothing(index_elements=["agency", "message_id"])
            .returning(table.c.id, table.c.agency, table.c.message_id),
            [dict(zip(_RAW, row, strict=True)) for row in rows],
        )
        returned = [tuple(row) for row in result.all()]
    return {(agency, message): row_id for row_id, agency, message in returned}


async def apply_records(
    session: AsyncSession, documents: Sequence[tuple[str, Sequence[Record], dt.datetime]]
) -> tuple[list[int], list[tuple[str, bytes]]]:
    """Store the records of (agency, records, received at) documents and move the consignments
    they concern.

    Returns the rows each document made new or changed, and the (channel, message) of each
    consignment event newly attached, of each alert raised (``hub.alerts``: the rules run
    on the road positions and the records) and of the road positions stored (``hub.positions.
    live``, as the stream intake's), to publish once committed. Rail and maritime events, and
    road positions at stations and ports, also move the consignments they concern (一单到底).
    """
    positions = [
        (agency, record, at)
        for agency, records, at in documents
        for record in records
        if isinstance(record, VehiclePosition)
    ]
    if positions:
        await _day_partitions(session, [p for _, p, _ in positions])
    watched = await watched_vehicles(session, [p for _, p, _ in positions]) if positions else set()
    if watched:
        await serialise(session, watched)
    counts = await store_many(session, documents)
    raised: list[tuple[str, bytes]] = []
    followed: list[tuple[str, bytes]] = []
    if positions:
        stored, drifted = await _in_position_store(session, positions)
        if stored or drifted:
            latest = max(at for _, _, at in positions)
            raised += await alerts.on_fixes(session, [fix for fix, _ in stored], latest, drifted)
        # Those following a vehicle live (vehicleTrack) see its fixes whichever way they came.
        followed = live.messages(fix for fix, _ in stored)
    applied = [record for _, records, _ in documents for record in records]
    if applied:
        raised += await alerts.on_records(session, applied, max(at for _, _, at in documents))
    events = [
        (agency, event, at)
        for agency, records, at in documents
        for record in records
        if (event := multimodal.from_agency_record(agency, record)) is not None
    ]
    if watched:
        for agency in sorted({agency for agency, _, _ in positions}):
            fixes = [(p, at) for a, p, at in positions if a == agency]
            found = await fence_events(session, agency, [p for p, _ in fixes], watched)
            # A derived gate event is received with the latest fix of the batch behind it.
            latest = max(at for _, at in fixes)
            events += [(agency, e, latest) for e in found]
    relevant = set(map(id, await multimodal.may_concern(session, [e for _, e, _ in events])))
    attached = []
    for agency, event, at in events:
        if id(event) in relevant:
            new = await multimodal.record(session, event, at, agency)
            attached += [(consignment, event) for consignment in new]
    return counts, await multimodal.published_events(session, attached) + raised + followed


async def _in_position_store(
    session: AsyncSession, positions: Sequence[tuple[str, VehiclePosition, dt.datetime]]
) -> tuple[list[tuple[Fix, dt.datetime]], list[Fix]]:
    """Road positions of documents also go where the stream's go (``position_fixes``).

    One store of fixes: the latest positions, the tracks and the gate events read every fix,
    whichever way it came. A fix of a vehicle and instant stored already changes nothing. A
    plate that breaks its rule stays only in the document's record, where the quality report
    names it: a fix is stored under a vehicle, and such a plate names none. A fix that cannot
    be true (in the future, before 2000, outside China, impossibly fast) is kept as a finding
    of its agency, as the stream's are, not as a position.
    """
    fixes: dict[str, list[tuple[Fix, dt.datetime]]] = {}
    for agency, position, at in positions:
        try:
            plate = identifiers.plate(position.plate)
        except identifiers.InvalidIdentifier:
            continue
        fix = Fix(
            plate=plate,
            color=position.plate_color,
            observed_at=position.observed_at.astimezone(dt.UTC),
            latitude=position.latitude,
            longitude=position.longitude,
            speed_kmh=position.speed_kmh,
            direction=round(position.heading_degrees) % 360,
            altitude_m=0,  # documents carry neither: the stream's defaults
            alarm_flags=0,
        )
        fixes.setdefault(agency, []).append((fix, at))
    stored: list[tuple[Fix, dt.datetime]] = []
    drifted: list[Fix] = []
    for agency, received in fixes.items():
        taken, jumped = await positions_store.store_plausible(session, agency, received)
        stored += taken
        drifted += jumped
    return stored, drifted


async def _day_partitions(session: AsyncSession, positions: Sequence[VehiclePosition]) -> None:
    """The day partitions these fixes need, made in a transaction of their own (PostgreSQL).

    As the stream makes them, committed first, and before the batch locks any vehicle or
    writes a fix: a batch holding a partition's lock while it writes and locks vehicles would
    wait on, and block, the writers that hold those vehicles.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    days = {p.observed_at.astimezone(dt.UTC).date() for p in positions}
    async with AsyncSession(session.bind) as own, own.begin():
        await positions_store.ensure_partitions(own, days)
