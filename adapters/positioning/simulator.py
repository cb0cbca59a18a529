"""A simulator of the satellite positioning platform's feed: where road freight vehicles are.

Everything here is a pure function of its arguments (a count and a seed): the same call gives
the same documents, byte for byte. A fleet of Jiangsu trucks shuttles between logistics parks
of the province's cities: parked a while, then driven straight across at a steady speed, their
terminals reporting every few minutes. Coordinates are WGS-84 degrees (what a BeiDou/GPS
terminal reports under JT/T 808), never GCJ-02. Documents are built with the adapter's own
export function, so they are valid by construction.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from adapters.positioning.mapping import export_vehicle_position
from hub.canonical.codes import PlateColor
from hub.canonical.geo import EARTH_RADIUS_M, Point, distance_m
from hub.canonical.records import VehiclePosition
from hub.exchange.protocol import Header, feed_app

AGENCY = "positioning"
DOCUMENT = "vehicle-position"
CHINA = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 1, 6, 0, tzinfo=CHINA)
MINUTE = dt.timedelta(minutes=1)

"""(latitude, longitude) in WGS-84 degrees."""

# Logistics parks the fleet shuttles between (WGS-84, to a few hundred metres).
DEPOTS: tuple[tuple[str, Point], ...] = (
    ("南京龙潭物流园", (32.1630, 119.0320)),
    ("无锡锡山物流园", (31.6010, 120.3600)),
    ("徐州铜山物流园", (34.1800, 117.1700)),
    ("常州武进物流园", (31.7700, 119.9500)),
    ("苏州相城物流园", (31.4200, 120.6400)),
    ("南通港闸物流园", (32.0300, 120.8700)),
    ("连云港海州物流园", (34.6000, 119.2000)),
    ("淮安清江浦物流园", (33.5500, 119.0800)),
    ("盐城亭湖物流园", (33.3800, 120.1500)),
    ("扬州邗江物流园", (32.4000, 119.4500)),
    ("泰州海陵物流园", (32.4800, 119.9200)),
    ("宿迁宿城物流园", (33.9400, 118.3000)),
)

# The issuing-authority letters of Jiangsu's 13 cities (苏A 南京 … 苏N 宿迁).
CITY_LETTERS = "ABCDEFGHJKLMN"
_PLATE_CHARACTERS = "0123456789" * 3 + "ABCDEFGHJKLMNPQRSTUVWXYZ"  # mostly digits, as issued


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A vehicle with a positioning terminal, keyed as the hub keys it: plate and colour."""

    plate: str
    plate_color: PlateColor


def fleet(size: int = 12, seed: int = 7) -> tuple[Vehicle, ...]:
    """Heavy trucks on yellow plates, with a few new-energy ones (D/F, yellow-green plates)."""
    rng = random.Random(f"{seed}:positioning-fleet")
    vehicles: dict[str, Vehicle] = {}
    while len(vehicles) < size:
        letter = rng.choice(CITY_LETTERS)
        if rng.random() < 0.15:
            plate = f"苏{letter}{rng.randrange(100_000):05d}{rng.choice('DF')}"
            vehicle = Vehicle(plate, PlateColor.YELLOW_GREEN)
        else:
            body = "".join(rng.choice(_PLATE_CHARACTERS) for _ in range(5))
            vehicle = Vehicle(f"苏{letter}{body}", PlateColor.YELLOW)
        vehicles.setdefault(vehicle.plate, vehicle)
    return tuple(vehicles.values())


# -- geometry ------------------------------------------------------------------------------


def bearing(a: Point, b: Point) -> float:
    """Initial heading from ``a`` to ``b``, degrees clockwise from north, in [0, 360)."""
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    y = math.sin(lon2 - lon1) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    return math.degrees(math.atan2(y, x)) % 360


def moved(point: Point, north_m: float, east_m: float) -> Point:
    """``point`` moved by a few metres or kilometres (flat-earth steps are close enough)."""
    lat, lon = point
    dlat = math.degrees(north_m / EARTH_RADIUS_M)
    dlon = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon


def along(a: Point, b: Point, fraction: float) -> Point:
    """The point ``fraction`` of the way from ``a`` to ``b`` on a straight line."""
    return a[0] + (b[0] - a[0]) * fraction, a[1] + (b[1] - a[1]) * fraction


def jittered(rng: random.Random, point: Point, radius_m: float) -> Point:
    """A point uniformly within ``radius_m`` of ``point``: satellite fixes scatter."""
    angle, reach = rng.uniform(0, 2 * math.pi), radius_m * math.sqrt(rng.random())
    return moved(point, reach * math.cos(angle), reach * math.sin(angle))


def position(
    vehicle: Vehicle, at: dt.datetime, point: Point, speed_kmh: float, heading: float
) -> VehiclePosition:
    """A fix as a terminal reports it: ~0.1 m, 0.1 km/h and 0.1° steps.

    Record ids are left blank: callers number positions in feed order.
    """
    return VehiclePosition(
        source_record_id="",
        plate=vehicle.plate,
        plate_color=vehicle.plate_color,
        observed_at=at,
        latitude=round(point[0], 6),
        longitude=round(point[1], 6),
        speed_kmh=round(min(max(speed_kmh, 0.0), 250.0), 1),
        heading_degrees=round(heading % 360, 1) % 360,  # 359.96 rounds to 360.0, which is 0
    )


def parked(
    rng: random.Random,
    vehicle: Vehicle,
    place: Point,
    times: Sequence[dt.datetime],
    heading: float,
    radius_m: float = 60.0,
) -> list[VehiclePosition]:
    """Fixes of a standing vehicle at ``times``, scattered within ``radius_m`` of ``place``."""
    return [position(vehicle, at, jittered(rng, place, radius_m), 0.0, heading) for at in times]


def driven(
    rng: random.Random,
    vehicle: Vehicle,
    origin: Point,
    destination: Point,
    departure: dt.datetime,
    arrival: dt.datetime,
    every: dt.timedelta,
) -> list[VehiclePosition]:
    """Fixes every ``every`` strictly between departure and arrival, on the straight line."""
    total = (arrival - departure).total_seconds()
    if total <= 0:
        return []
    heading = bearing(origin, destination)
    speed = distance_m(origin, destination) / 1000 / (total / 3600)
    fixes = []
    at = departure + every
    while at < arrival:
        # Roads wander off the straight line: a few hundred metres either side of it.
        point = along(origin, destination, (at - departure).total_seconds() / total)
        sideways = rng.uniform(-300, 300)
        point = moved(
            point,
            -sideways * math.sin(math.radians(heading)),
            sideways * math.cos(math.radians(heading)),
        )
        fixes.append(
            position(
                vehicle, at, point, speed * rng.uniform(0.85, 1.15), heading + rng.uniform(-8, 8)
            )
        )
        at += every
    return fixes


# -- the feed ------------------------------------------------------------------------------


def track(vehicle: Vehicle, seed: int = 7, start: dt.datetime = START) -> Iterator[VehiclePosition]:
    """A vehicle's fixes without end: parked at a depot, driven to another, parked, …"""
    rng = random.Random(f"{seed}:{vehicle.plate}:{vehicle.plate_color.value}")
    every = rng.choice((2, 3, 5)) * MINUTE
    at = start + rng.randrange(0, 30) * MINUTE
    _, here = rng.choice(DEPOTS)
    heading = rng.uniform(0, 360)
    while True:
        _, there = rng.choice([d for d in DEPOTS if d[1] != here])
        standing = rng.randint(3, 12)
        yield from parked(rng, vehicle, here, [at + n * every for n in range(standing)], heading)
        departure = at + standing * every
        hours = distance_m(here, there) / 1000 / rng.uniform(55, 85)
        arrival = departure + dt.timedelta(hours=hours)
        yield from driven(rng, vehicle, here, there, departure, arrival, every)
        heading = bearing(here, there)
        # The first fix after arriving comes when the terminal's next report is due.
        at = departure + every * math.ceil((arrival - departure) / every)
        here = there


def vehicle_positions(
    count: int, seed: int = 7, vehicles: Sequence[Vehicle] | None = None
) -> list[VehiclePosition]:
    """The first ``count`` fixes in time of the fleet, numbered in feed order."""
    if vehicles is None:
        vehicles = fleet(seed=seed)
    merged = heapq.merge(
        *(track(v, seed) for v in vehicles), key=lambda p: (p.observed_at, p.plate)
    )
    return [
        replace(p, source_record_id=f"VP{n:010d}") for n, p in enumerate(islice(merged, count), 1)
    ]


def documents(count: int = 20, seed: int = 7) -> dict[str, list[bytes]]:
    """``count`` vehicle-position documents of 5-30 positions each, in feed order."""
    rng = random.Random(f"{seed}:positioning-batches")
    sizes = [rng.randint(5, 30) for _ in range(count)]
    positions = vehicle_positions(sum(sizes), seed)
    result, start = [], 0
    for number, size in enumerate(sizes, 1):
        batch = positions[start : start + size]
        start += size
        header = Header(
            message_id=f"{AGENCY}-{DOCUMENT}-{number:06d}",
            sender=AGENCY,
            # The platform forwards what its terminals reported within the last minute.
            sent_at=(batch[-1].observed_at + MINUTE).isoformat(),
        )
        result.append(export_vehicle_position(batch, header))
    return {DOCUMENT: result}


def app(count: int = 20, fail_every: int = 0) -> Any:
    """The positioning platform's feed as an ASGI app, serving ``documents(count)``."""
    return feed_app(documents(count), fail_every=fail_every)
