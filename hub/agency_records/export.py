"""Reading stored agency records back as canonical records, to share them out as documents."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agency_records.access import RULES
from hub.agency_records.store import STORAGE
from hub.canonical import records as r
from hub.canonical.records import Record
from hub.readers import Reader

MAX_EXPORT = 1000
"""Records in one exported document (the XSDs allow 1,000 per batch)."""


def _child(record_type: type, row: Any) -> Any:
    if record_type is r.Accident:
        return r.AccidentVehicle(row.plate, row.plate_color, row.responsibility)
    if record_type is r.RailWaybill:
        return row.container_number
    return r.VesselCertificateRecord(
        row.kind, row.number, row.valid_from, row.valid_to, row.issuing_authority
    )


async def export_records(
    session: AsyncSession,
    record_type: type,
    reader: Reader,
    *,
    after: int = 0,
    limit: int = MAX_EXPORT,
) -> tuple[list[Record], int | None]:
    """Up to ``limit`` stored records of a type after row id ``after`` that ``reader`` may
    see (the type's row rule, ``hub.agency_records.access``), and the next cursor."""
    storage = STORAGE[record_type]
    model: Any = storage.model
    query = (
        select(model)
        .where(model.id > after, RULES[model](reader))
        .order_by(model.id)
        .limit(limit + 1)
    )
    rows = list((await session.scalars(query)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    children: dict[int, list[Any]] = {}
    if storage.children is not None and rows:
        child = storage.children
        parent = getattr(child.model, child.parent_key)
        found = await session.scalars(
            select(child.model)
            .where(parent.in_([row.id for row in rows]))
            .order_by(parent, child.model.position)  # type: ignore[attr-defined]
        )
        for item in found.all():
            children.setdefault(getattr(item, child.parent_key), []).append(item)
    names = [field.name for field in dataclasses.fields(record_type)]
    exported: list[Record] = []
    for row in rows:
        values = {name: getattr(row, name) for name in names if hasattr(row, name)}
        if storage.children is not None:
            values[storage.children.field] = tuple(
                _child(record_type, item) for item in children.get(row.id, [])
            )
        exported.append(record_type(**values))
    return exported, (rows[-1].id if more else None)


def record_types_of(types: Sequence[type]) -> list[type]:
    """The record types of a document that the hub stores."""
    return [record_type for record_type in types if record_type in STORAGE]
