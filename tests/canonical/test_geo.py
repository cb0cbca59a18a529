"""Distances between points, and the cheap bound that spares computing most of them."""

from __future__ import annotations

import math
import random

import pytest

from hub.canonical.geo import distance_m, surely_within_m


def test_a_degree_of_latitude_is_about_111_km() -> None:
    assert distance_m((32.0, 118.0), (33.0, 118.0)) == pytest.approx(111_195, rel=1e-4)


def test_the_bound_never_calls_points_close_that_are_not() -> None:
    # Given pairs of points a few metres to a few kilometres apart, anywhere, some across the
    # antimeridian and near the poles
    rng = random.Random(15)
    pairs = []
    for _ in range(20_000):
        lat, lon = rng.uniform(-89.9, 89.9), rng.uniform(-180, 180)
        step = 10 ** rng.uniform(-5, -1)
        angle = rng.uniform(0, 2 * math.pi)
        other_lon = lon + step * math.cos(angle)
        other_lon = (other_lon + 180) % 360 - 180
        pairs.append(((lat, lon), (max(-90, min(90, lat + step * math.sin(angle))), other_lon)))

    # Then every pair the bound calls within 1 km is, and it calls most of those that are so
    within = [pair for pair in pairs if surely_within_m(*pair, 1000)]
    assert all(distance_m(*pair) < 1000 for pair in within)
    close = [pair for pair in pairs if distance_m(*pair) < 500]
    assert sum(surely_within_m(*pair, 1000) for pair in close) > 0.9 * len(close)
    assert len(close) > 1000
