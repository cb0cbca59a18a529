"""The simulator's waterway: the Yangtze from 南京港 to its mouth, then the Jiangsu coast north
to 连云港港, as one line of WGS-84 waypoints, and the ports that lie on it.

A place on the waterway is its distance in nautical miles from 南京港 down the line, so a
voyage between two ports is a stretch of that line, sailed one way or the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import accumulate, pairwise
from typing import Final

WAYPOINTS: Final[tuple[tuple[float, float], ...]] = (
    (32.1400, 118.8700),  # 0 南京港新生圩港区
    (32.1650, 119.0400),  # 1 龙潭
    (32.2300, 119.2500),  # 2 仪征
    (32.2100, 119.6600),  # 3 镇江港大港港区
    (32.2800, 119.8500),  # 4 高港
    (31.9300, 120.2800),  # 5 江阴港
    (31.9700, 120.4200),  # 6 张家港港
    (31.9600, 120.8800),  # 7 南通港狼山港区
    (31.7700, 120.9800),  # 8 常熟
    (31.6200, 121.2200),  # 9 太仓港
    (31.4500, 121.6000),  # 10 长江口南槽
    (31.5500, 122.1000),  # 11 崇明岛以东
    (32.4000, 122.0000),  # 12 吕四以东
    (33.2000, 121.2000),  # 13 大丰以东
    (34.0000, 120.5000),  # 14 射阳以东
    (34.5000, 119.8000),  # 15 灌河口以东
    (34.7400, 119.4500),  # 16 连云港港
)
"""The line ships follow (latitude, longitude), WGS-84, from 南京港 downstream and up the coast."""

PORT_WAYPOINTS: Final[dict[str, int]] = {
    "南京港": 0,
    "镇江港": 3,
    "江阴港": 5,
    "张家港港": 6,
    "南通港": 7,
    "太仓港": 9,
    "连云港港": 16,
}
"""Ports on the line, by the waypoint they lie at."""

RIVER_PORTS: Final[tuple[str, ...]] = tuple(p for p in PORT_WAYPOINTS if p != "连云港港")
"""Ports an inland vessel may call at; only sea-going ships go round the coast to 连云港."""


def _miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Equirectangular: within a few hundred miles the error is far below an AIS fix's.
    mean_latitude = math.radians((a[0] + b[0]) / 2)
    north = (b[0] - a[0]) * 60
    east = (b[1] - a[1]) * 60 * math.cos(mean_latitude)
    return math.hypot(north, east)


MILES: Final[tuple[float, ...]] = tuple(
    accumulate((_miles(a, b) for a, b in pairwise(WAYPOINTS)), initial=0.0)
)
"""Distance of each waypoint from 南京港 along the line, in nautical miles."""


@dataclass(frozen=True, slots=True)
class Fix:
    """Where a ship is and which way it heads."""

    latitude: float
    longitude: float
    course_degrees: float


def mile_of(port: str) -> float:
    """Where a port lies on the line, in nautical miles from 南京港."""
    return MILES[PORT_WAYPOINTS[port]]


def distance(port_from: str, port_to: str) -> float:
    """Nautical miles between two ports along the waterway."""
    return abs(mile_of(port_to) - mile_of(port_from))


def fix_at(mile: float, downstream: bool) -> Fix:
    """The position at ``mile`` on the line, heading down it (toward 连云港) or back up."""
    mile = min(max(mile, 0.0), MILES[-1])
    leg = max(i for i in range(len(MILES) - 1) if MILES[i] <= mile)  # the last leg ends it
    (lat_a, lon_a), (lat_b, lon_b) = WAYPOINTS[leg], WAYPOINTS[leg + 1]
    share = (mile - MILES[leg]) / (MILES[leg + 1] - MILES[leg])
    north = lat_b - lat_a
    east = (lon_b - lon_a) * math.cos(math.radians((lat_a + lat_b) / 2))
    course = math.degrees(math.atan2(east, north)) + (0 if downstream else 180)
    return Fix(
        latitude=lat_a + share * (lat_b - lat_a),
        longitude=lon_a + share * (lon_b - lon_a),
        course_degrees=course % 360,
    )
