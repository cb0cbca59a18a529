"""A vehicle's track made readable: simplified by Douglas-Peucker, with its stops found.

The simplification keeps the fixes (with their times), not bare coordinates: it answers which
fixes to keep, which is why it is written here (20 lines) rather than taken from shapely, whose
``simplify`` returns a new line without saying which input points it kept. Distances are in
metres on a local equirectangular projection around the track, exact to well under a metre
over a province.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from hub.canonical.geo import EARTH_RADIUS_M, distance_m

STOP_RADIUS_M = 100.0
"""A vehicle within this distance of where it halted has not moved on (GPS scatter)."""
STOP_MIN = dt.timedelta(minutes=5)
"""Halted at least this long is a stop; shorter is traffic."""


@dataclass(frozen=True, slots=True)
class TrackFix:
    """One stored fix of a track."""

    observed_at: dt.datetime
    latitude: float
    longitude: float
    speed_kmh: float


@dataclass(frozen=True, slots=True)
class Stop:
    """Where and from when to when a vehicle stood still."""

    latitude: float
    longitude: float
    started_at: dt.datetime
    ended_at: dt.datetime
    fixes: int


def _projected(fixes: Sequence[TrackFix]) -> list[tuple[float, float]]:
    """Metres east and north of the first fix."""
    lat0 = math.radians(fixes[0].latitude)
    scale = math.radians(1) * EARTH_RADIUS_M
    return [
        ((f.longitude - fixes[0].longitude) * scale * math.cos(lat0),
         (f.latitude - fixes[0].latitude) * scale)
        for f in fixes
    ]  # fmt: skip


def _offset(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance from p to the segment a-b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = (
        0.0
        if length2 == 0
        else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    )
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def simplify(fixes: Sequence[TrackFix], tolerance_m: float) -> list[TrackFix]:
    """The fixes Douglas-Peucker keeps: the first, the last, and every one further than
    ``tolerance_m`` from the line the kept ones make (iterative: no recursion limit)."""
    if len(fixes) <= 2:
        return list(fixes)
    points = _projected(fixes)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    spans = [(0, len(points) - 1)]
    while spans:
        first, last = spans.pop()
        farthest, index = -1.0, -1
        for i in range(first + 1, last):
            offset = _offset(points[i], points[first], points[last])
            if offset > farthest:
                farthest, index = offset, i
        if index >= 0 and farthest > tolerance_m:
            keep[index] = True
            spans += [(first, index), (index, last)]
    return [fix for fix, kept in zip(fixes, keep, strict=True) if kept]


def stops(fixes: Sequence[TrackFix]) -> list[Stop]:
    """Runs of fixes within ``STOP_RADIUS_M`` of the run's first, lasting ``STOP_MIN`` or more;
    a stop is placed at that first fix."""
    found: list[Stop] = []
    start = 0
    for i in range(1, len(fixes) + 1):
        anchor = fixes[start]
        if (
            i < len(fixes)
            and distance_m(
                (anchor.latitude, anchor.longitude), (fixes[i].latitude, fixes[i].longitude)
            )
            <= STOP_RADIUS_M
        ):
            continue
        last = fixes[i - 1]
        if last.observed_at - anchor.observed_at >= STOP_MIN:
            found.append(
                Stop(anchor.latitude, anchor.longitude, anchor.observed_at, last.observed_at,
                     i - start)
            )  # fmt: skip
        start = i
    return found
