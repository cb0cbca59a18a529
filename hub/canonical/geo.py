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


def surely_within_m(a: Point, b: Point, metres: float) -> bool:
    """Whether two points are certainly closer than ``metres``, by a bound far cheaper than
    :func:`distance_m` (false of some points that are, never true of points that are not).

    No great circle is longer than the way along a meridian and then along a parallel, and no
    parallel longer than the equator: a vehicle's next fix is mostly a few hundred metres on.
    """
    return EARTH_RADIUS_M * math.radians(abs(a[0] - b[0]) + abs(a[1] - b[1])) < metres * 0.999
