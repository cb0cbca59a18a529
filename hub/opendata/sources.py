"""Where each dataset's rows come from: the stored rows of a GraphQL type, streamed in batches,
with the related records its paths name loaded one batch at a time; or a statistics query.

Open data is the same for every caller (no region binds an open-data client), so the rows of a
type are all its rows, as the anonymous GraphQL lists return them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.cargo.types import DangerousGoods
from hub.api.lines.types import PassengerLine
from hub.api.operators.types import Operator, Permit
from hub.api.stations.types import Station
from hub.api.vehicles.types import Vehicle
from hub.api.vessels.types import Vessel
from hub.cargo.models import DangerousGoods as DangerousGoodsRow
from hub.db import Base
from hub.lines.models import LineStop
from hub.lines.models import PassengerLine as LineRow
from hub.operators.models import Operator as OperatorRow
from hub.operators.models import Permit as PermitRow
from hub.stations.models import Station as StationRow
from hub.vehicles.models import Vehicle as VehicleRow
from hub.vessels.models import Vessel as VesselRow

BATCH = 1_000
"""Rows fetched, and related records loaded, at a time: what bounds a publication's memory."""

Loader = Callable[[AsyncSession, Sequence[Any]], Awaitable[list[Any]]]
"""Loads one relation for a batch of rows: one value (an object, a list or None) per row."""


async def _operators_of(session: AsyncSession, rows: Sequence[Any]) -> list[Any]:
    ids = {row.operator_id for row in rows if row.operator_id is not None}
    found = await session.scalars(select(OperatorRow).where(OperatorRow.id.in_(ids)))
    by_id = {row.id: Operator.from_row(row) for row in found}
    return [by_id.get(row.operator_id) for row in rows]


async def _stations_of_lines(session: AsyncSession, rows: Sequence[Any]) -> list[Any]:
    ids = [row.id for row in rows]
    stops = await session.execute(
        select(LineStop.line_id, StationRow)
        .join(StationRow, StationRow.id == LineStop.station_id)
        .where(LineStop.line_id.in_(ids))
        .order_by(LineStop.line_id, LineStop.sequence)
    )
    calls: dict[int, list[Station]] = {line_id: [] for line_id in ids}
    for line_id, station in stops:
        calls[line_id].append(Station.from_row(station))
    return [calls[row.id] for row in rows]


@dataclass(frozen=True, slots=True)
class TypeSource:
    """The stored rows behind a published GraphQL type."""

    model: type[Base]
    publish: Callable[[Any], Any]
    """The type's ``from_row``: the published object, exactly as the API builds it."""
    relations: dict[str, Loader]


SOURCES: dict[str, TypeSource] = {
    "Operator": TypeSource(OperatorRow, Operator.from_row, {}),
    "Permit": TypeSource(PermitRow, Permit.from_row, {"operator": _operators_of}),
    "Vehicle": TypeSource(VehicleRow, Vehicle.from_row, {"operator": _operators_of}),
    "Vessel": TypeSource(VesselRow, Vessel.from_row, {"operator": _operators_of}),
    "Station": TypeSource(StationRow, Station.from_row, {"operator": _operators_of}),
    "PassengerLine": TypeSource(
        LineRow,
        PassengerLine.from_row,
        {"operator": _operators_of, "stations": _stations_of_lines},
    ),
    "DangerousGoods": TypeSource(DangerousGoodsRow, DangerousGoods.from_row, {}),
}
"""Every GraphQL type a dataset may publish."""


async def batches(
    session: AsyncSession, source: TypeSource, relations: Sequence[str]
) -> AsyncIterator[list[tuple[Any, dict[str, Any]]]]:
    """The published objects of every row in id order, a batch at a time, with relations.

    Rows are streamed (server-side cursor on PostgreSQL); the session's identity map holds
    them weakly, so each batch is let go once written and the memory held does not grow with
    the table.
    """
    missing = sorted(set(relations) - set(source.relations))
    if missing:
        raise ValueError(f"{source.model.__name__}: no loader for the relations {missing}")
    statement = select(source.model).order_by(source.model.id)  # type: ignore[attr-defined]
    result = await session.stream_scalars(statement.execution_options(yield_per=BATCH))
    async for partition in result.partitions():
        loaded = {name: await source.relations[name](session, partition) for name in relations}
        yield [
            (source.publish(row), {name: values[index] for name, values in loaded.items()})
            for index, row in enumerate(partition)
        ]


async def statistics(session: AsyncSession, today: dt.date) -> list[dict[str, Any]]:
    """The monthly statistics: operators by region and status, vehicles by region, type and
    certificate status — the counts GraphQL's ``totalCount`` gives for the same filters."""
    period = f"{today:%Y-%m}"
    operators = select(func.count(), OperatorRow.region_code, OperatorRow.status).group_by(
        OperatorRow.region_code, OperatorRow.status
    )
    vehicles = select(
        func.count(), VehicleRow.region_code, VehicleRow.vehicle_type, VehicleRow.certificate_status
    ).group_by(VehicleRow.region_code, VehicleRow.vehicle_type, VehicleRow.certificate_status)
    rows: list[dict[str, Any]] = []
    for count, region_code, status in await session.execute(operators):
        rows.append(
            {
                "period": period,
                "subject": "operators",
                "region": region_code,
                "category": None,
                "status": status.name,
                "count": count,
            }
        )
    for count, region_code, vehicle_type, certificate in await session.execute(vehicles):
        rows.append(
            {
                "period": period,
                "subject": "vehicles",
                "region": region_code,
                "category": vehicle_type.name,
                "status": certificate.name,
                "count": count,
            }
        )
    rows.sort(key=lambda row: (row["subject"], row["region"], row["category"] or "", row["status"]))
    return rows
