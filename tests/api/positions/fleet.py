"""A small demo fleet with positions, for the position tests: vehicles spread around Nanjing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hub.canonical.codes import PlateColor
from hub.canonical.geo import distance_m
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.filters import today
from hub.positions import repository
from hub.positions.lines import Fix
from hub.vehicles.models import Vehicle

SMALL = DemoScale(operators=13, vehicles=80, vessels=2, practitioners=10, stations=13)
CENTRE = (32.05, 118.78)
"""Nanjing, Xinjiekou."""


@dataclass(frozen=True, slots=True)
class Placed:
    plate: str
    color: PlateColor
    region: str
    latitude: float
    longitude: float
    dangerous_goods: bool

    def distance_from(self, point: tuple[float, float]) -> float:
        return distance_m(point, (self.latitude, self.longitude))


def fix(plate: str, color: PlateColor, at: dt.datetime, lat: float, lon: float) -> Fix:
    return Fix(plate, color, at, lat, lon, 40.0, 90, 10, 0)


async def fleet(sessions: Any, now: dt.datetime) -> list[Placed]:
    """The demo data center, and every vehicle's latest fix within ~30 km of the centre,
    one of them (the first by plate) 20 minutes old and the rest a minute old."""
    await load(sessions, generate(SMALL, seed=7, today=today()))
    return await place(sessions, now)


async def place(sessions: Any, now: dt.datetime) -> list[Placed]:
    """A latest fix for every vehicle stored, as :func:`fleet` places them."""
    rng = random.Random(15)
    async with sessions() as session:
        rows = (await session.scalars(select(Vehicle).order_by(Vehicle.plate))).all()
        placed = []
        fixes = []
        for i, row in enumerate(rows):
            lat = CENTRE[0] + rng.uniform(-0.25, 0.25)
            lon = CENTRE[1] + rng.uniform(-0.3, 0.3)
            age = dt.timedelta(minutes=20 if i == 0 else 1)
            fixes.append(fix(row.plate, row.plate_color, now - age, lat, lon))
            placed.append(
                Placed(row.plate, row.plate_color, row.region_code, lat, lon, row.dangerous_goods)
            )
        await repository.ensure_partitions(session, {f.observed_at.date() for f in fixes})
        await session.commit()
        await repository.store(session, fixes, now)
        await session.commit()
    return placed
