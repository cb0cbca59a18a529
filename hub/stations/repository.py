"""Every query of stations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import StationKind, StationLevel
from hub.filters import region_condition, text_condition
from hub.paging import Listing, Relation
from hub.stations.models import Station


@dataclass(frozen=True, slots=True)
class StationFilter:
    """Which stations a list shows."""

    region: str | None = None
    kind: StationKind | None = None
    level: StationLevel | None = None
    search: str | None = None


def station_conditions(f: StationFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.region:
        conditions.append(region_condition(Station.region_code, f.region))
    if f.kind is not None:
        conditions.append(Station.kind == f.kind)
    if f.level is not None:
        conditions.append(Station.level == f.level)
    if f.search:
        conditions.append(text_condition(Station.name, f.search))
    return conditions


STATIONS: Listing[Station, StationFilter] = Listing(
    model=Station,
    sorts={"NAME": Station.name, "CODE": Station.code},
    default_sort="CODE",
    conditions=station_conditions,
)


STATIONS_OF_OPERATOR = Relation(STATIONS, Station.operator_id)


async def stations_by_code(
    session: AsyncSession, codes: Sequence[str], rule: ColumnElement[bool]
) -> list[Station]:
    """Stations with these codes that ``rule`` allows."""
    stmt = select(Station).where(Station.code.in_(codes), rule)
    return list((await session.scalars(stmt)).all())
