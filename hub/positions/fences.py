"""Geofences: which station's circle, if any, a point lies in.

Each freight station and port terminal is fenced by a circle of ``RADIUS_M`` around its point.
A point inside two circles is in the nearer station's (ties: the smaller code). Two ways to
answer, the same answers: PostGIS with a GiST index on the stations' geography (when the
database has the extension), or an in-memory grid of the fences (SQLite, or PostgreSQL
without PostGIS). Distances are on the sphere (haversine, ``hub.canonical.geo``), so both
agree to the millimetre.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import StationKind
from hub.canonical.geo import EARTH_RADIUS_M, Point, distance_m
from hub.stations.models import Station

RADIUS_M = 500.0
"""How near a station's point a vehicle counts as inside it: terminals are a few hundred metres."""
FENCED = (StationKind.FREIGHT_STATION, StationKind.PORT_TERMINAL)
CELL_DEG = 0.01
"""Grid cells of 0.01° (about 1.1 km north-south): a fence covers a few cells at most."""
INDEX = "ix_stations_fence_geography"
_GEOGRAPHY = "geography(ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326))"


@dataclass(frozen=True, slots=True)
class Fence:
    """A station's circle."""

    code: str
    name: str
    latitude: float
    longitude: float

    def distance_m(self, latitude: float, longitude: float) -> float:
        return distance_m((self.latitude, self.longitude), (latitude, longitude))

    def holds(self, latitude: float, longitude: float) -> bool:
        return self.distance_m(latitude, longitude) <= RADIUS_M


def nearest(fences: Sequence[Fence], latitude: float, longitude: float) -> Fence | None:
    """The fence a point is in: the nearest holding it (ties: the smaller code), or None."""
    near = [(f.distance_m(latitude, longitude), f.code, f) for f in fences]
    inside = [entry for entry in near if entry[0] <= RADIUS_M]
    return min(inside)[2] if inside else None


class Grid:
    """The fences by grid cell: a point is compared with the few fences of its own cell."""

    def __init__(self, fences: Sequence[Fence]) -> None:
        self.cells: dict[tuple[int, int], list[Fence]] = defaultdict(list)
        reach_lat = math.degrees(RADIUS_M / EARTH_RADIUS_M)
        for fence in fences:
            # A circle's box in degrees: longitude degrees shrink towards the poles.
            reach_lon = reach_lat / max(math.cos(math.radians(fence.latitude)), 1e-6)
            rows = range(_cell(fence.latitude - reach_lat), _cell(fence.latitude + reach_lat) + 1)
            columns = range(
                _cell(fence.longitude - reach_lon), _cell(fence.longitude + reach_lon) + 1
            )
            for row in rows:
                for column in columns:
                    self.cells[(row, column)].append(fence)

    def fence_at(self, latitude: float, longitude: float) -> Fence | None:
        """The fence a point is in, or None."""
        candidates = self.cells.get((_cell(latitude), _cell(longitude)))
        return nearest(candidates, latitude, longitude) if candidates else None


def _cell(degrees: float) -> int:
    return math.floor(degrees / CELL_DEG)


async def fences(session: AsyncSession) -> list[Fence]:
    """Every fenced station (a province has a few thousand at most)."""
    query = select(Station.code, Station.name, Station.latitude, Station.longitude).where(
        Station.kind.in_(FENCED)
    )
    return [Fence(*row) for row in (await session.execute(query)).all()]


async def has_postgis(session: AsyncSession) -> bool:
    """Whether the database is PostgreSQL with the PostGIS extension created."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    found = await session.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'"))
    return found is not None


async def ensure_index(session: AsyncSession) -> None:
    """The GiST index of the fenced stations' geography (PostGIS only; idempotent)."""
    kinds = ", ".join(f"'{kind.value}'" for kind in FENCED)
    await session.execute(
        text(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON stations USING gist "
            f"(({_GEOGRAPHY.format(lon='longitude', lat='latitude')})) WHERE kind IN ({kinds})"
        )
    )


async def fences_at_postgis(session: AsyncSession, points: Sequence[Point]) -> list[Fence | None]:
    """The fence each point is in, found by PostGIS through the stations' GiST index."""
    if not points:
        return []
    kinds = ", ".join(f"'{kind.value}'" for kind in FENCED)
    station = _GEOGRAPHY.format(lon="s.longitude", lat="s.latitude")
    point = _GEOGRAPHY.format(lon="p.lon", lat="p.lat")
    query = text(
        f"SELECT p.i, f.code, f.name, f.latitude, f.longitude "
        f"FROM unnest(CAST(:lats AS float8[]), CAST(:lons AS float8[])) "
        f"WITH ORDINALITY AS p(lat, lon, i) "
        f"CROSS JOIN LATERAL (SELECT s.code, s.name, s.latitude, s.longitude FROM stations s "
        f"WHERE s.kind IN ({kinds}) AND ST_DWithin({station}, {point}, :radius, false) "
        f"ORDER BY ST_Distance({station}, {point}, false), s.code LIMIT 1) f"
    )
    found: list[Fence | None] = [None] * len(points)
    rows = await session.execute(
        query,
        {"lats": [p[0] for p in points], "lons": [p[1] for p in points], "radius": RADIUS_M},
    )
    for i, code, name, latitude, longitude in rows.all():
        found[i - 1] = Fence(code, name, latitude, longitude)
    return found


class FenceFinder:
    """Answers which fence points lie in, by PostGIS where the database has it, else a grid.

    Whether PostGIS is there is asked once (and its index made sure of once); the grid is
    built from the stations on each call, so a new station counts from the next batch on.
    """

    def __init__(self, use_postgis: bool | None = None) -> None:
        self.use_postgis = use_postgis

    async def __call__(self, session: AsyncSession, points: Sequence[Point]) -> list[Fence | None]:
        if self.use_postgis is None:
            self.use_postgis = await has_postgis(session)
            if self.use_postgis:
                await ensure_index(session)
        if self.use_postgis:
            return await fences_at_postgis(session, points)
        grid = Grid(await fences(session))
        return [grid.fence_at(latitude, longitude) for latitude, longitude in points]
