"""Road positions become consignment events where a vehicle enters or leaves a station or port.

Each freight station and port terminal of the data center is fenced by a circle of ``RADIUS_M``
around its point. Only vehicles on the road leg of an open consignment are looked at: a fix
inside a fence after one outside it is a gate-in there, a fix outside after one inside a
gate-out; a vehicle first seen inside a fence was not seen entering it, so that is no event.
The pairs of fixes are read from what is stored, so documents that split a journey anywhere,
arrive out of order or again give the same events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agency_records.models import VehiclePositionRow
from hub.canonical.codes import ConsignmentEventKind, PlateColor, StationKind, TransportMode
from hub.canonical.geo import distance_m
from hub.canonical.multimodal import ConsignmentEvent
from hub.canonical.records import VehiclePosition
from hub.multimodal.models import ConsignmentEventRow, ConsignmentLegRow, ConsignmentRow
from hub.multimodal.service import FOLLOWED
from hub.stations.models import Station

RADIUS_M = 500.0
"""How near a station's point a vehicle counts as inside it: terminals are a few hundred metres."""
FENCED = (StationKind.FREIGHT_STATION, StationKind.PORT_TERMINAL)
_MARGIN_DEG = 0.01  # about 1.1 km of latitude: wider than any fence
GAP = dt.timedelta(minutes=30)
"""Fixes further apart than this say nothing of where the vehicle went in between."""


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


async def _fences(
    session: AsyncSession, south: float, north: float, west: float, east: float
) -> list[Fence]:
    """The fences in a box, with a margin wider than a fence."""
    query = select(Station.code, Station.name, Station.latitude, Station.longitude).where(
        Station.kind.in_(FENCED),
        Station.latitude.between(south - _MARGIN_DEG, north + _MARGIN_DEG),
        Station.longitude.between(west - _MARGIN_DEG, east + _MARGIN_DEG),
    )
    return [Fence(*row) for row in (await session.execute(query)).all()]


Vehicle = tuple[str, PlateColor]


async def watched_vehicles(
    session: AsyncSession, positions: Sequence[VehiclePosition]
) -> set[Vehicle]:
    """The vehicles (plate and colour: a plate alone names none) on a road leg being followed."""
    query = (
        select(ConsignmentLegRow.vehicle_plate, ConsignmentLegRow.vehicle_plate_color)
        .join(ConsignmentRow, ConsignmentRow.id == ConsignmentLegRow.consignment_id)
        .where(
            ConsignmentLegRow.vehicle_plate.in_({p.plate for p in positions}),
            ConsignmentLegRow.mode == TransportMode.ROAD,
            ConsignmentRow.status.in_(FOLLOWED),
        )
        .distinct()
    )
    return {
        (plate, color)
        for plate, color in (await session.execute(query)).all()
        if plate is not None and color is not None
    }


def _near(fixes: Sequence[VehiclePositionRow]) -> tuple[float, float, float, float]:
    latitudes, longitudes = [f.latitude for f in fixes], [f.longitude for f in fixes]
    return min(latitudes), max(latitudes), min(longitudes), max(longitudes)


async def _stored_fixes(
    session: AsyncSession, plate: str, color: PlateColor, start: dt.datetime, end: dt.datetime
) -> list[VehiclePositionRow]:
    """The vehicle's stored fixes from ``start`` to ``end``, with the one before and after."""
    vehicle = (VehiclePositionRow.plate == plate, VehiclePositionRow.plate_color == color)
    at = VehiclePositionRow.observed_at
    between = select(VehiclePositionRow).where(*vehicle, at >= start, at <= end).order_by(at)
    before = select(VehiclePositionRow).where(*vehicle, at < start).order_by(at.desc()).limit(1)
    after = select(VehiclePositionRow).where(*vehicle, at > end).order_by(at).limit(1)
    rows = [
        *(await session.scalars(before)).all(),
        *(await session.scalars(between)).all(),
        *(await session.scalars(after)).all(),
    ]
    # One fix per instant: the same fix may come from two documents under two record ids.
    unique: dict[dt.datetime, VehiclePositionRow] = {}
    for row in rows:
        unique.setdefault(row.observed_at, row)
    return list(unique.values())


def _digest(text: str, size: int) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=size).digest()


async def _crossed(
    session: AsyncSession,
    agency: str,
    plate: str,
    color: PlateColor,
    kind: ConsignmentEventKind,
    fence: Fence,
    fix: VehiclePositionRow,
) -> bool:
    """Whether this crossing is known already, found from another pair of fixes.

    A fix that arrives late can show a crossing a little earlier than the one found without
    it; events are never changed, so the first one found stands.
    """
    found = await session.scalar(
        select(ConsignmentEventRow.id)
        .where(
            ConsignmentEventRow.source == agency,
            ConsignmentEventRow.vehicle_plate == plate,
            ConsignmentEventRow.vehicle_plate_color == color,
            ConsignmentEventRow.kind == kind,
            ConsignmentEventRow.location == fence.name,
            ConsignmentEventRow.occurred_at.between(fix.observed_at - GAP, fix.observed_at + GAP),
        )
        .limit(1)
    )
    return found is not None


async def serialise(session: AsyncSession, watched: set[Vehicle]) -> None:
    """Hold each watched vehicle's lock until this transaction ends (PostgreSQL).

    Taken before the fixes are stored, so two documents of one vehicle processed at once (by
    two workers) are handled one after the other, and the second sees the first's fixes.
    SQLite writes one transaction at a time anyway.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for plate, color in sorted(watched, key=lambda v: (v[0], v[1].value)):  # one order: no deadlock
        key = int.from_bytes(_digest(f"{plate}:{color.value}", 8), "big")
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key - 2**63})


async def fence_events(
    session: AsyncSession,
    agency: str,
    positions: Sequence[VehiclePosition],
    watched: set[Vehicle],
) -> list[ConsignmentEvent]:
    """The gate-in and gate-out events these (stored) positions mean for vehicles on road legs.

    A fix is a crossing when the vehicle's stored fix just before it lies in another fence (or
    none) and no more than ``GAP`` earlier. Events depend on the stored fixes alone, not on the
    order documents came in: whichever document completes a pair of fixes finds the crossing,
    and its id (vehicle, station, direction, time) makes finding it again harmless; a crossing
    found already from another pair within ``GAP`` is not found twice.
    """
    vehicles: dict[Vehicle, list[VehiclePosition]] = defaultdict(list)
    for position in positions:
        if (position.plate, position.plate_color) in watched:
            vehicles[(position.plate, position.plate_color)].append(position)
    events: list[ConsignmentEvent] = []
    for (plate, color), fixes in vehicles.items():
        start = min(f.observed_at for f in fixes)
        end = max(f.observed_at for f in fixes)
        track = await _stored_fixes(session, plate, color, start, end)
        if len(track) < 2:
            continue
        fences = await _fences(session, *_near(track))
        states = [_inside(fences, f.latitude, f.longitude) for f in track]
        for (before, where), (fix, here) in pairwise(zip(track, states, strict=True)):
            if here == where or fix.observed_at - before.observed_at > GAP:
                continue
            at = fix.observed_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            for fence, kind, direction in (
                (where, ConsignmentEventKind.GATE_OUT, "OUT"),
                (here, ConsignmentEventKind.GATE_IN, "IN"),
            ):
                if fence is None or await _crossed(session, agency, plate, color, kind, fence, fix):
                    continue
                events.append(
                    ConsignmentEvent(
                        source=agency,
                        # ASCII, as the status-event standard wants its ids: the plate is not.
                        source_event_id=(
                            f"GF-{_digest(f'{plate}:{color.value}:{fence.code}', 10).hex()}-"
                            f"{direction}-{at}"
                        ),
                        kind=kind,
                        occurred_at=fix.observed_at,
                        location=fence.name,
                        vehicle_plate=plate,
                        vehicle_plate_color=color,
                        mode=TransportMode.ROAD,
                    )
                )
    return events
