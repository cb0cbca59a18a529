"""Road positions become consignment events where a vehicle enters or leaves a station or port.

Each freight station and port terminal of the data center is fenced by a circle of ``RADIUS_M``
around its point. Only vehicles on the road leg of an open consignment are looked at: a fix
inside a fence after one outside it is a gate-in there, a fix
outside after one inside a gate-out; a vehicle first seen inside a fence was not seen entering
it, so that is no event. Fixes are taken in time order together with the vehicle's
last stored fix before them, so a document that splits a journey anywhere gives the same events.
An event's id is derived from the vehicle, the station, the direction and the time of the fix,
so a repeated document, or an overlapping one, adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agency_records.models import VehiclePositionRow
from hub.canonical.codes import ConsignmentEventKind, PlateColor, StationKind, TransportMode
from hub.canonical.geo import distance_m
from hub.canonical.multimodal import ConsignmentEvent
from hub.canonical.records import VehiclePosition
from hub.multimodal.models import ConsignmentLegRow, ConsignmentRow
from hub.multimodal.service import OPEN
from hub.stations.models import Station

RADIUS_M = 500.0
"""How near a station's point a vehicle counts as inside it: terminals are a few hundred metres."""
FENCED = (StationKind.FREIGHT_STATION, StationKind.PORT_TERMINAL)
_MARGIN_DEG = 0.01  # about 1.1 km of latitude: wider than any fence


@dataclass(frozen=True, slots=True)
class Fence:
    """A station's circle."""

    code: str
    name: str
    latitude: float
    longitude: float

    def holds(self, latitude: float, longitude: float) -> bool:
        return distance_m((self.latitude, self.longitude), (latitude, longitude)) <= RADIUS_M


def _inside(fences: Sequence[Fence], latitude: float, longitude: float) -> Fence | None:
    near = [f for f in fences if f.holds(latitude, longitude)]
    if not near:
        return None
    return min(near, key=lambda f: distance_m((f.latitude, f.longitude), (latitude, longitude)))


async def _fences(session: AsyncSession, fixes: Sequence[VehiclePosition]) -> list[Fence]:
    """The fences near any of the fixes: a box around them, with a margin wider than a fence."""
    latitudes, longitudes = [f.latitude for f in fixes], [f.longitude for f in fixes]
    query = select(Station.code, Station.name, Station.latitude, Station.longitude).where(
        Station.kind.in_(FENCED),
        Station.latitude.between(min(latitudes) - _MARGIN_DEG, max(latitudes) + _MARGIN_DEG),
        Station.longitude.between(min(longitudes) - _MARGIN_DEG, max(longitudes) + _MARGIN_DEG),
    )
    return [Fence(*row) for row in (await session.execute(query)).all()]


async def _on_road_legs(session: AsyncSession, plates: set[str]) -> set[str]:
    query = (
        select(ConsignmentLegRow.vehicle_plate)
        .join(ConsignmentRow, ConsignmentRow.id == ConsignmentLegRow.consignment_id)
        .where(
            ConsignmentLegRow.vehicle_plate.in_(plates),
            ConsignmentLegRow.mode == TransportMode.ROAD,
            ConsignmentRow.status.in_(OPEN),
        )
        .distinct()
    )
    return {plate for plate in (await session.scalars(query)).all() if plate is not None}


async def _before(session: AsyncSession, fix: VehiclePosition) -> VehiclePositionRow | None:
    return await session.scalar(
        select(VehiclePositionRow)
        .where(
            VehiclePositionRow.plate == fix.plate,
            VehiclePositionRow.plate_color == fix.plate_color,
            VehiclePositionRow.observed_at < fix.observed_at,
        )
        .order_by(VehiclePositionRow.observed_at.desc())
        .limit(1)
    )


async def fence_events(
    session: AsyncSession, agency: str, positions: Sequence[VehiclePosition]
) -> list[ConsignmentEvent]:
    """The gate-in and gate-out events these positions mean for vehicles on road legs."""
    watched = await _on_road_legs(session, {p.plate for p in positions})
    vehicles: dict[tuple[str, PlateColor], list[VehiclePosition]] = defaultdict(list)
    for position in positions:
        if position.plate in watched:
            vehicles[(position.plate, position.plate_color)].append(position)
    events: list[ConsignmentEvent] = []
    for (plate, color), fixes in vehicles.items():
        fixes.sort(key=lambda f: f.observed_at)
        fences = await _fences(session, fixes)
        previous = await _before(session, fixes[0])
        first = fixes[0] if previous is None else previous
        where = _inside(fences, first.latitude, first.longitude)
        for fix in fixes:
            here = _inside(fences, fix.latitude, fix.longitude)
            if here == where:
                continue
            at = fix.observed_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            for fence, kind, direction in (
                (where, ConsignmentEventKind.GATE_OUT, "OUT"),
                (here, ConsignmentEventKind.GATE_IN, "IN"),
            ):
                if fence is None:
                    continue
                events.append(
                    ConsignmentEvent(
                        source=agency,
                        source_event_id=f"{plate}:{color.value}:{fence.code}:{direction}:{at}",
                        kind=kind,
                        occurred_at=fix.observed_at,
                        location=fence.name,
                        vehicle_plate=plate,
                        mode=TransportMode.ROAD,
                    )
                )
            where = here
    return events
