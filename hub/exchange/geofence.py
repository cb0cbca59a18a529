"""Road positions of exchange documents become consignment events at stations and ports.

The rule is the positions domain's (``hub.positions.crossings``: fences, ``GAP``, event ids),
applied here to the stored fixes (``position_fixes``: the one store of road positions, where
documents' fixes go beside the stream's). The pairs of fixes are read from what is stored, so
documents and streams that split a journey anywhere, arrive out of order or again give the
same events.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import PlateColor
from hub.canonical.multimodal import ConsignmentEvent
from hub.canonical.records import VehiclePosition
from hub.positions import crossings
from hub.positions.crossings import GAP, Vehicle, serialise
from hub.positions.fences import FENCED, RADIUS_M, Fence, nearest
from hub.positions.models import PositionFix
from hub.stations.models import Station

__all__ = ["RADIUS_M", "fence_events", "serialise", "watched_vehicles"]
_MARGIN_DEG = 0.01  # about 1.1 km of latitude: wider than any fence


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


async def watched_vehicles(
    session: AsyncSession, positions: Sequence[VehiclePosition]
) -> set[Vehicle]:
    """The vehicles (plate and colour: a plate alone names none) on a road leg being followed."""
    return await crossings.watched_vehicles(session, {p.plate for p in positions})


def _near(fixes: Sequence[PositionFix]) -> tuple[float, float, float, float]:
    latitudes, longitudes = [f.latitude for f in fixes], [f.longitude for f in fixes]
    return min(latitudes), max(latitudes), min(longitudes), max(longitudes)


async def _stored_fixes(
    session: AsyncSession, plate: str, color: PlateColor, start: dt.datetime, end: dt.datetime
) -> list[PositionFix]:
    """The vehicle's stored fixes from ``start`` to ``end``, with the one before and after."""
    vehicle = (PositionFix.plate == plate, PositionFix.plate_color == color)
    at = PositionFix.observed_at
    between = select(PositionFix).where(*vehicle, at >= start, at <= end).order_by(at)
    before = select(PositionFix).where(*vehicle, at < start).order_by(at.desc()).limit(1)
    after = select(PositionFix).where(*vehicle, at > end).order_by(at).limit(1)
    return [
        *(await session.scalars(before)).all(),
        *(await session.scalars(between)).all(),
        *(await session.scalars(after)).all(),
    ]


async def fence_events(
    session: AsyncSession,
    agency: str,
    positions: Sequence[VehiclePosition],
    watched: set[Vehicle],
) -> list[ConsignmentEvent]:
    """The gate-in and gate-out events these (stored) positions mean for vehicles on road legs.

    Whichever document completes a pair of fixes finds the crossing (``crossings.crossings``).
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
        found = crossings.crossings(
            [(f.observed_at, nearest(fences, f.latitude, f.longitude)) for f in track]
        )
        if not found:
            continue
        known = await crossings.known_crossings(
            session, agency, [(plate, color)], start - 2 * GAP, end + 2 * GAP
        )
        events += [
            crossings.event(agency, plate, color, crossing)
            for crossing in found
            if not crossings.is_known(known, plate, color, crossing)
        ]
    return events
