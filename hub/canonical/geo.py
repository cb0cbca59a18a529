"""Points on the earth: WGS-84 / CGCS2000 degrees (never GCJ-02), and distances between them."""

from __future__ import annotations

import math

Point = tuple[float, float]
"""(latitude, longitude) in degrees."""

EARTH_RADIUS_M = 6_371_008.8
"""The mean earth radius (IUGG): haversine on it is within 0.5 % of the ellipsoid."""


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres (haversine): plenty for fences and tracks in a province."""
    # Unpacked by hand: called for every fix of a stream, where generators cost a third.
    lat1, lon1, lat2, lon2 = (
        math.radians(a[0]), math.radians(a[1]), math.radians(b[0]), math.radians(b[1])
    )  # fmt: skip
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))
