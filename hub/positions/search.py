"""Vehicles by where they last were: around a point, inside a polygon, registered in a region.

Each search reads bare columns of ``position_latest`` through its (latitude, longitude) index by
the bounding box of the area, with the vehicles' conditions and the row rules (``conditions``:
the caller's, from ``hub.access``, of positions and of vehicles) in the same statement; keeps
the rows truly inside by the same arithmetic on both databases (haversine for a circle, ray
casting for a polygon), so SQLite and PostgreSQL give the same answers; and only then loads the
few vehicles answered, under the same conditions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.geo import EARTH_RADIUS_M, Point, distance_m
from hub.filters import region_condition
from hub.positions.models import LatestPosition
from hub.vehicles.models import Vehicle

MAX_RADIUS_M = 50_000.0
"""The widest circle searched: a city's surroundings, not a province's fleet."""
MAX_VERTICES = 200
MAX_RESULTS = 1000


@dataclass(frozen=True, slots=True)
class Located:
    """A vehicle with its latest position, and how far that is from the point asked about."""

    vehicle: Vehicle
    position: LatestPosition
    distance_m: float | None = None


Query = Select[Vehicle, LatestPosition]
Key = tuple[str, str]
"""(plate, colour code) of a vehicle."""
SAME_VEHICLE = and_(
    Vehicle.plate == LatestPosition.plate, Vehicle.plate_color == LatestPosition.plate_color
)


def _query(conditions: Sequence[ColumnElement[bool]]) -> Query:
    return select(Vehicle, LatestPosition).join(Vehicle, SAME_VEHICLE).where(*conditions)


async def _candidates(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    box: tuple[float, float, float, float],
) -> list[tuple[Key, float, float]]:
    """The vehicles in a bounding box (south, north, west, east) with their coordinates: bare
    columns, as a box holds many more rows than are answered."""
    south, north, west, east = box
    query = (
        select(LatestPosition.plate, LatestPosition.plate_color, LatestPosition.latitude,
               LatestPosition.longitude)
        .join(Vehicle, SAME_VEHICLE)
        .where(LatestPosition.latitude.between(south, north),
               LatestPosition.longitude.between(west, east), *conditions)
    )  # fmt: skip
    return [
        ((plate, color.value), latitude, longitude)
        for plate, color, latitude, longitude in (await session.execute(query)).all()
    ]


async def _rows(
    session: AsyncSession, keys: Sequence[Key], conditions: Sequence[ColumnElement[bool]]
) -> dict[Key, tuple[Vehicle, LatestPosition]]:
    """The vehicles and latest positions of the few keys chosen."""
    if not keys:
        return {}
    query = _query([tuple_(Vehicle.plate, Vehicle.plate_color).in_(list(keys)), *conditions])
    return {
        (vehicle.plate, vehicle.plate_color.value): (vehicle, position)
        for vehicle, position in (await session.execute(query)).all()
    }


def box_around(point: Point, radius_m: float) -> tuple[float, float, float, float]:
    """The bounding box (south, north, west, east) of the circle of ``radius_m`` around
    ``point``: the rows a search around it reads, before measuring each."""
    latitude, longitude = point
    reach_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    # Longitude degrees shrink towards the poles: widen by the box's most poleward latitude.
    widest = min(math.cos(math.radians(min(abs(latitude) + reach_lat, 89.9))), 1.0)
    reach_lon = min(reach_lat / widest, 180.0)
    return latitude - reach_lat, latitude + reach_lat, longitude - reach_lon, longitude + reach_lon


async def near(
    session: AsyncSession,
    point: Point,
    radius_m: float,
    conditions: Sequence[ColumnElement[bool]] = (),
    limit: int = MAX_RESULTS,
) -> list[Located]:
    """The vehicles whose latest position is within ``radius_m`` of ``point``, nearest first
    (ties by plate and colour)."""
    box = box_around(point, radius_m)
    ranked = sorted(
        (metres, key)
        for key, lat, lon in await _candidates(session, conditions, box)
        if (metres := distance_m(point, (lat, lon))) <= radius_m
    )[:limit]
    rows = await _rows(session, [key for _, key in ranked], conditions)
    return [Located(*rows[key], metres) for metres, key in ranked if key in rows]


def contains(polygon: Sequence[Point], point: Point) -> bool:
    """Whether ``point`` is inside ``polygon`` (ray casting; vertices in either order, the
    ring closed implicitly). Fine in degrees for polygons a few hundred kilometres across."""
    y, x = point
    inside = False
    for (y1, x1), (y2, x2) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


async def inside(
    session: AsyncSession,
    polygon: Sequence[Point],
    conditions: Sequence[ColumnElement[bool]] = (),
    limit: int = MAX_RESULTS,
) -> list[Located]:
    """The vehicles whose latest position is inside ``polygon``, by plate and colour."""
    latitudes = [p[0] for p in polygon]
    longitudes = [p[1] for p in polygon]
    box = (min(latitudes), max(latitudes), min(longitudes), max(longitudes))
    chosen = sorted(
        key
        for key, lat, lon in await _candidates(session, conditions, box)
        if contains(polygon, (lat, lon))
    )[:limit]
    rows = await _rows(session, chosen, conditions)
    return [Located(*rows[key]) for key in chosen if key in rows]


async def registered_in(
    session: AsyncSession,
    region: str,
    conditions: Sequence[ColumnElement[bool]] = (),
    limit: int = MAX_RESULTS,
) -> list[Located]:
    """The vehicles registered in a region (a division code) that have a latest position, by
    plate: the hub holds no boundaries of divisions, so a region is its vehicles."""
    query = _query([region_condition(Vehicle.region_code, region), *conditions])
    query = query.order_by(Vehicle.plate, Vehicle.plate_color).limit(limit)
    return [Located(v, p) for v, p in (await session.execute(query)).all()]
