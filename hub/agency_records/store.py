"""Applying canonical records to their tables: idempotent by (agency, source record id).

State records (a registration, a policy) are upserted: the newest received wins. Events (a
violation, a container event, an AIS report) are immutable: a second copy is ignored. Child
rows (accident vehicles, waybill containers, vessel certificates) are replaced with the parent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agency_records import bulk
from hub.agency_records import models as m
from hub.agency_records.identifiers import normalise_values
from hub.canonical import records as r
from hub.db import Base


@dataclass(frozen=True, slots=True)
class Children:
    """How a record's tuple field becomes child rows."""

    field: str
    model: type[Base]
    parent_key: str
    to_row: Callable[[Any], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Storage:
    """Where a record type is kept and how."""

    model: type[Base]
    event: bool = False
    children: Children | None = None


STORAGE: dict[type, Storage] = {
    r.VehicleRegistration: Storage(m.VehicleRegistrationRow),
    r.DrivingLicence: Storage(m.DrivingLicenceRow),
    r.TrafficViolation: Storage(m.TrafficViolationRow, event=True),
    r.BlacklistEntry: Storage(m.BlacklistRow),
    r.Accident: Storage(
        m.AccidentRow,
        children=Children(
            "vehicles",
            m.AccidentVehicleRow,
            "accident_id",
            lambda v: {
                "plate": v.plate,
                "plate_color": v.plate_color,
                "responsibility": v.responsibility,
            },
        ),
    ),
    r.SafetyInspection: Storage(m.SafetyInspectionRow),
    r.BusinessRegistration: Storage(m.BusinessRegistrationRow),
    r.InsurancePolicy: Storage(m.InsurancePolicyRow),
    r.InsuranceClaim: Storage(m.InsuranceClaimRow),
    r.RailWaybill: Storage(
        m.RailWaybillRow,
        children=Children(
            "containers", m.WaybillContainerRow, "waybill_id", lambda c: {"container_number": c}
        ),
    ),
    r.ContainerEvent: Storage(m.ContainerEventRow, event=True),
    r.VesselRegistration: Storage(
        m.VesselRegistrationRow,
        children=Children(
            "certificates",
            m.VesselRegistrationCertificateRow,
            "registration_id",
            lambda c: {f.name: getattr(c, f.name) for f in dataclasses.fields(c)},
        ),
    ),
    r.PortCall: Storage(m.PortCallRow, event=True),
    r.AisPosition: Storage(m.AisPositionRow, event=True),
    r.ShippingListing: Storage(m.ShippingListingRow),
    r.VehiclePosition: Storage(m.VehiclePositionRow, event=True),
    r.HotlineComplaint: Storage(m.HotlineComplaintRow),
}
"""Every canonical record type and its table; a test holds it complete."""

_KEY = ["source", "source_record_id"]
_PROVENANCE = ("source", "received_at", "verified_at")


BATCH = 500
"""Rows per statement on SQLite: well under its bind-parameter limit."""


async def store(
    session: AsyncSession, agency: str, records: Sequence[r.Record], at: dt.datetime
) -> int:
    """Apply ``records`` received from ``agency``; returns how many rows were new or changed.

    Runs in the caller's transaction: the records of one document are kept all or none. Records
    of one type go in multi-row statements; a record repeated in one document counts once (the
    last copy wins), as it would arriving in two.
    """
    return (await store_many(session, [(agency, records, at)]))[0]


Document = tuple[str, Sequence[r.Record], dt.datetime]
"""(agency, the records of one document, when it was received)."""


async def store_many(session: AsyncSession, documents: Sequence[Document]) -> list[int]:
    """Apply the records of many documents at once; per document, the rows it made new or changed.

    The same as storing the documents one after the other, in multi-row statements across
    documents: of a state record sent by several, the last copy is kept and each of them
    changed it; of an event, the first copy is kept and only its document added it.
    """
    by_type: dict[type, dict[tuple[str, str], _Copies]] = {}
    for index, (agency, records, at) in enumerate(documents):
        for record in records:
            # Looked up before anything is made: a batch holds thousands of records.
            kind = type(record)
            keyed = by_type.get(kind)
            if keyed is None:
                keyed = by_type[kind] = {}
            key = (agency, record.source_record_id)
            copies = keyed.get(key)
            if copies is None:
                copies = keyed[key] = _Copies()
            sent = copies.documents
            if sent and sent[0] != index and STORAGE[kind].event:
                continue  # an event again from a later document: the first copy stands
            if not sent or sent[-1] != index:
                sent.append(index)
            copies.record, copies.at = record, at  # within a document, the last copy
    changed = [0] * len(documents)
    # PostgreSQL takes a table's rows as arrays, whatever their number: one statement each.
    arrays = session.get_bind().dialect.name == "postgresql"
    for record_type, keyed in by_type.items():
        group = list(keyed.items())
        size = len(group) if arrays else BATCH
        for start in range(0, len(group), size):
            part = group[start : start + size]
            stored = await _store_batch(session, STORAGE[record_type], part)
            for key, copies in part:
                if key in stored:
                    for index in copies.documents:
                        changed[index] += 1
    return changed


@dataclass(slots=True)
class _Copies:
    """The copy of one record kept, and the documents that sent it (in order)."""

    record: Any = None
    at: dt.datetime | None = None
    documents: list[int] = dataclasses.field(default_factory=list)


@cache
def _fields(
    record_type: type, child_field: str | None
) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The fields of a record type stored in its row (its children apart), and a getter of
    their values (one C call per record, not an attribute lookup per field)."""
    names = tuple(f.name for f in dataclasses.fields(record_type) if f.name != child_field)
    if len(names) == 1:  # attrgetter of one name gives the value itself, not a tuple
        return names, lambda record: (getattr(record, names[0]),)
    return names, attrgetter(*names)


async def _store_batch(
    session: AsyncSession, storage: Storage, group: Sequence[tuple[tuple[str, str], _Copies]]
) -> set[tuple[str, str]]:
    """Upsert (or insert, events) one multi-row statement; the keys of the rows it wrote."""
    model: Any = storage.model
    child_field = storage.children.field if storage.children else None
    record_type: type = type(group[0][1].record)
    fields, values_of = _fields(record_type, child_field)
    names = (*fields, *_PROVENANCE)
    rows = [
        normalise_values(model, names, [*values_of(copies.record), agency, copies.at, copies.at])
        for (agency, _record_id), copies in group
    ]
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        # Arrays bound to one prepared statement: one round trip, values encoded in C.
        returned = await bulk.insert(
            session,
            table,
            names,
            rows,
            conflict=tuple(_KEY),
            update=not storage.event,
            returning=("id", "source", "source_record_id"),
        )
    else:
        # Core, executemany: SQLAlchemy renders one multi-row statement per page of rows
        # ("insertmanyvalues") from one cached compilation, with RETURNING.
        statement = sqlite.insert(table)
        if storage.event:
            statement = statement.on_conflict_do_nothing(index_elements=_KEY)
        else:
            kept = {key: statement.excluded[key] for key in names if key not in _KEY}
            kept.pop("received_at")  # when the hub first received it stays as it was
            statement = statement.on_conflict_do_update(index_elements=_KEY, set_=kept)
        result = await session.execute(
            statement.returning(table.c.id, table.c.source, table.c.source_record_id),
            [dict(zip(names, row, strict=True)) for row in rows],
        )
        returned = [tuple(row) for row in result.all()]
    ids = {(source, record_id): row_id for row_id, source, record_id in returned}
    if storage.children is not None and ids:
        await _replace_children(
            session,
            storage.children,
            [
                (ids[key], getattr(copies.record, child_field or ""))
                for key, copies in group
                if key in ids
            ],
        )
    return set(ids)


async def _replace_children(
    session: AsyncSession, children: Children, parents: Sequence[tuple[int, Iterable[Any]]]
) -> None:
    table: Any = children.model.__table__
    named = [
        {children.parent_key: parent_id, "position": position, **children.to_row(item)}
        for parent_id, items in parents
        for position, item in enumerate(items, 1)
    ]
    names = tuple(named[0]) if named else ()
    rows = [normalise_values(children.model, names, list(row.values())) for row in named]
    if session.get_bind().dialect.name == "postgresql":
        await bulk.delete_by(session, table, children.parent_key, [p for p, _ in parents])
        if rows:
            await bulk.insert(session, table, names, rows)
        return
    parent = getattr(children.model, children.parent_key)
    await session.execute(delete(children.model).where(parent.in_([p for p, _ in parents])))
    if rows:
        await session.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
