"""Plane geometry for the area and route rules: distances to a route, points in a ring.

A province is small enough for a local equirectangular projection (kilometres east and north
of the point asked about): within a few metres over the tens of kilometres the rules care for.
Rings and routes are lists of [longitude, latitude] pairs (GeoJSON order), WGS-84.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

Ring = Sequence[Sequence[float]]

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LON_AT_EQUATOR = 111.320

JIANGSU: tuple[tuple[float, float], ...] = (
    (116.36, 34.60), (116.60, 34.95), (117.20, 34.95), (118.40, 34.90), (119.20, 35.12),
    (119.60, 34.80), (120.30, 34.30), (120.90, 33.00), (121.40, 32.40), (121.95, 31.90),
    (121.10, 31.50), (121.00, 31.05), (120.50, 30.76), (119.90, 31.10), (119.50, 31.15),
    (119.20, 31.50), (118.80, 31.25), (118.40, 31.60), (118.40, 32.10), (118.60, 32.60),
    (118.20, 33.00), (117.60, 33.75), (117.10, 34.00), (116.40, 34.15),
)  # fmt: skip
"""江苏省界, coarsely (24 vertices, ~10 km): enough to see a vehicle cross into the province on
a highway, not to settle a case at the boundary stone."""


def route_distance_km(latitude: float, longitude: float, route: Ring) -> float:
    """The distance from a point to the nearest point of a route (a polyline), in km."""
    if not route:
        return math.inf
    scale = KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(latitude))
    points = [
        ((lon - longitude) * scale, (lat - latitude) * KM_PER_DEGREE_LAT) for lon, lat in route
    ]
    if len(points) == 1:
        return math.hypot(*points[0])
    best = math.inf
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def inside(latitude: float, longitude: float, ring: Ring) -> bool:
    """Whether a point is inside a ring (even-odd rule; a closing vertex may be repeated)."""
    found = False
    count = len(ring)
    for index in range(count):
        x1, y1 = ring[index][0], ring[index][1]
        x2, y2 = ring[index - 1][0], ring[index - 1][1]
        if (y1 > latitude) != (y2 > latitude):
            crossing = x1 + (latitude - y1) * (x2 - x1) / (y2 - y1)
            if longitude < crossing:
                found = not found
    return found


def in_jiangsu(latitude: float, longitude: float) -> bool:
    """Whether a point is in Jiangsu (by the coarse boundary)."""
    return (
        116.3 <= longitude <= 122.0
        and 30.7 <= latitude <= 35.2
        and inside(latitude, longitude, JIANGSU)
    )
