"""Douglas-Peucker keeps the fixes a track's shape needs; stops are 5 minutes within 100 m."""

from __future__ import annotations

import datetime as dt

from hub.positions.tracks import Stop, TrackFix, simplify, stops

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
METRE = 1 / 111_195  # degrees of latitude in a metre, on the sphere of hub.canonical.geo


def _at(second: int, north_m: float, east_m: float = 0.0) -> TrackFix:
    return TrackFix(T0 + dt.timedelta(seconds=second), 32.0 + north_m * METRE,
                    118.0 + east_m * METRE / 0.848, 30.0)  # fmt: skip


def test_fixes_nearer_the_line_than_the_tolerance_go_and_farther_ones_stay() -> None:
    # North 1 km, bulging 60 m east at three quarters; half-way 45 m east lies 5 m off the
    # line from the start to the bulge, a quarter of the way (0 east) 20 m off it.
    track = [_at(0, 0), _at(30, 250), _at(60, 500, 45), _at(90, 750, 60), _at(120, 1000)]

    assert simplify(track, 25) == [track[0], track[3], track[4]]
    assert simplify(track, 4) == track
    assert simplify(track, 100) == [track[0], track[4]]
    assert simplify(track[:2], 1000) == track[:2]
    assert simplify([], 20) == []


def test_a_stop_is_five_minutes_within_a_hundred_metres() -> None:
    moving = [_at(i * 30, i * 300) for i in range(4)]  # 36 km/h
    here = moving[-1]
    standing = [_at(90 + i * 60, 900 + (i % 2) * 40) for i in range(1, 6)]  # 40 m of scatter
    short = [_at(500, 2000), _at(560, 2010), _at(620, 2020)]  # 2 minutes: traffic

    found = stops([*moving, *standing, *short])

    assert found == [Stop(here.latitude, here.longitude, here.observed_at,
                          standing[-1].observed_at, 6)]  # fmt: skip
    assert stops(moving) == []
