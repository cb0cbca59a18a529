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
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agency_records import models as m
from hub.agency_records.identifiers import normalise_row
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
            lambda c: dataclasses.asdict(c),
        ),
    ),
    r.PortCall: Storage(m.PortCallRow, event=True),
    r.AisPosition: Storage(m.AisPositionRow, event=True),
    r.ShippingListing: Storage(m.ShippingListingRow),
    r.VehiclePosition: Storage(m.VehiclePositionRow, event=True),
}
"""Every canonical record type and its table; a test holds it complete."""

_KEY = ["source", "source_record_id"]


def _insert(session: AsyncSession, model: type[Base]) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


BATCH = 500
"""Rows per statement: well under PostgreSQL's and SQLite's bind-parameter limits."""


async def store(
    session: AsyncSession, agency: str, records: Sequence[r.Record], at: dt.datetime
) -> int:
    """Apply ``records`` received from ``agency``; returns how many rows were new or changed.

    Runs in the caller's transaction: the records of one document are kept all or none. Records
    of one type go in multi-row statements; a record repeated in one document counts once (the
    last copy wins), as it would arriving in two.
    """
    by_type: dict[type, dict[str, r.Record]] = {}
    for record in records:
        by_type.setdefault(type(record), {})[record.source_record_id] = record
    changed = 0
    for record_type, keyed in by_type.items():
        group = list(keyed.values())
        for start in range(0, len(group), BATCH):
            changed += await _store_batch(
                session, STORAGE[record_type], agency, group[start : start + BATCH], at
            )
    return changed


async def _store_batch(
    session: AsyncSession,
    storage: Storage,
    agency: str,
    records: Sequence[r.Record],
    at: dt.datetime,
) -> int:
    model: Any = storage.model
    child_field = storage.children.field if storage.children else None
    rows = []
    for record in records:
        values = {
            f.name: getattr(record, f.name)
            for f in dataclasses.fields(record)
            if f.name != child_field
        }
        values.update(source=agency, received_at=at, verified_at=at)
        rows.append(normalise_row(model, values))
    statement = _insert(session, model).values(rows)
    if storage.event:
        statement = statement.on_conflict_do_nothing(index_elements=_KEY)
    else:
        kept = {key: statement.excluded[key] for key in rows[0] if key not in _KEY}
        kept.pop("received_at")  # when the hub first received it stays as it was
        statement = statement.on_conflict_do_update(index_elements=_KEY, set_=kept)
    returned = await session.execute(statement.returning(model.id, model.source_record_id))
    ids = {record_id: row_id for row_id, record_id in returned.all()}
    if storage.children is not None:
        for record in records:
            row_id = ids.get(record.source_record_id)
            if row_id is not None:
                await _replace_children(
                    session, storage.children, row_id, getattr(record, child_field or "")
                )
    return len(ids)


async def _replace_children(
    session: AsyncSession, children: Children, parent_id: int, items: Iterable[Any]
) -> None:
    parent = getattr(children.model, children.parent_key)
    await session.execute(delete(children.model).where(parent == parent_id))
    rows = [
        normalise_row(
            children.model,
            {children.parent_key: parent_id, "position": position, **children.to_row(item)},
        )
        for position, item in enumerate(items, 1)
    ]
    if rows:
        await session.execute(insert(children.model), rows)
