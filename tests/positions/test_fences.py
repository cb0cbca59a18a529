"""Which fence a point is in: PostGIS (with its index), the grid and every fence agree."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from sqlalchemy import text

from hub.canonical.codes import StationKind
from hub.canonical.geo import EARTH_RADIUS_M
from hub.config import Settings
from hub.positions.fences import (
    INDEX,
    RADIUS_M,
    FenceFinder,
    Grid,
    ensure_index,
    fences,
    fences_at_postgis,
    has_postgis,
    nearest,
)
from hub.stations.models import Station
from tests.conftest import unavailable

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


def _offset(
    latitude: float, longitude: float, metres: float, bearing: float
) -> tuple[float, float]:
    """A point ``metres`` from another towards ``bearing`` (radians), on the sphere."""
    north, east = metres * math.cos(bearing), metres * math.sin(bearing)
    latitude2 = latitude + math.degrees(north / EARTH_RADIUS_M)
    longitude2 = longitude + math.degrees(
        east / (EARTH_RADIUS_M * math.cos(math.radians(latitude)))
    )
    return latitude2, longitude2


async def _stations(sessions: Any) -> list[tuple[float, float]]:
    """Forty fenced stations around Suzhou, some close enough for their circles to overlap,
    and ten passenger stations (not fenced) among them."""
    rng = random.Random(11)
    places = []
    async with sessions() as session, session.begin():
        for n in range(50):
            if n % 4 == 3 and places:  # within 700 m of the one before: overlapping circles
                lat, lon = _offset(*places[-1], rng.uniform(200, 700), rng.uniform(0, 2 * math.pi))
            else:
                lat, lon = 31.2 + rng.uniform(0, 0.3), 120.4 + rng.uniform(0, 0.4)
            kind = (
                StationKind.PASSENGER_STATION
                if n % 5 == 4
                else (StationKind.FREIGHT_STATION, StationKind.PORT_TERMINAL)[n % 2]
            )
            session.add(
                Station(code=f"ST-{n:03d}", name=f"站{n}", kind=kind, latitude=lat, longitude=lon,
                        address="苏州", region_code="320500", source="test",
                        source_record_id=f"ST-{n}", received_at=NOW)
            )  # fmt: skip
            places.append((lat, lon))
    return places


def _points(places: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points near each station: inside, on either side of the edge (±1 m), well outside."""
    rng = random.Random(5)
    points = []
    for lat, lon in places:
        for metres in (0, 100, 300, 499, 501, 650, 900, rng.uniform(0, 1200)):
            points.append(_offset(lat, lon, metres, rng.uniform(0, 2 * math.pi)))
    return points


async def test_the_grid_and_postgis_give_every_point_the_fence_a_search_of_all_gives(
    sessions: Any, settings: Settings
) -> None:
    points = _points(await _stations(sessions))
    async with sessions() as session:
        every = await fences(session)
        by_all = [nearest(every, lat, lon) for lat, lon in points]
        by_grid = [Grid(every).fence_at(lat, lon) for lat, lon in points]
        by_finder = await FenceFinder()(session, points)
        postgis = await has_postgis(session)

    assert len(every) == 40  # the passenger stations are not fenced
    assert sum(f is not None for f in by_all) > len(points) / 3
    assert by_grid == by_all
    assert by_finder == by_all
    if settings.database_url.startswith("postgresql"):
        assert postgis, "the migrations create PostGIS where the server has it"
        async with sessions() as session:
            assert await fences_at_postgis(session, points) == by_all
    else:
        assert not postgis


async def test_postgis_finds_fences_through_its_index(sessions: Any, settings: Settings) -> None:
    if not settings.database_url.startswith("postgresql"):
        async with sessions() as session:
            assert not await has_postgis(session)  # SQLite: the grid, no index to look at
        return
    places = await _stations(sessions)
    async with sessions() as session, session.begin():
        if not await has_postgis(session):
            unavailable("PostGIS is not installed on the PostgreSQL server")
        await ensure_index(session)
        # Statistics of the stations just made: without them (autovacuum may be off or
        # behind) the planner may guess that the kind filter alone selects one row, and take
        # the kind's index instead, which says nothing about the GiST index being usable.
        await session.execute(text("ANALYZE stations"))
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            (
                await session.execute(
                    text(
                        "EXPLAIN SELECT code FROM stations s WHERE s.kind IN ('F', 'T') "
                        "AND ST_DWithin(geography(ST_SetSRID(ST_MakePoint(s.longitude, "
                        "s.latitude), 4326)), geography(ST_SetSRID(ST_MakePoint(:lon, :lat), "
                        "4326)), :radius, false)"
                    ),
                    {"lat": places[0][0], "lon": places[0][1], "radius": RADIUS_M},
                )
            ).scalars()
        )
    assert INDEX in plan, plan
