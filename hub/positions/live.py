"""New fixes on the shared pub/sub, for those following a vehicle live (锁定跟踪).

Each batch the intake stores is published once it has committed, as a few messages rather than
one per fix: the vehicles are spread over ``SHARDS`` channels by a stable hash of plate and
colour, and a follower subscribes to its vehicle's channel only. A worker decodes a message
once however many of its clients follow vehicles on that channel (``fixes_in``).
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from hub.canonical.codes import PlateColor
from hub.positions.lines import Fix

SHARDS = 16
"""Channels the fixes are spread over: few messages per batch, few fixes each to skip."""


@dataclass(frozen=True, slots=True)
class LiveFix:
    """One new fix of a followed vehicle, as a follower receives it."""

    observed_at: dt.datetime
    latitude: float
    longitude: float
    speed_kmh: float
    direction: int


def channel(plate: str, color: PlateColor) -> str:
    """The channel the fixes of this vehicle are published on."""
    shard = zlib.crc32(f"{plate}/{color._value_}".encode()) % SHARDS
    return f"positions:{shard}"


def messages(fixes: Iterable[Fix]) -> list[tuple[str, bytes]]:
    """(channel, message) for these fixes: one message per channel that has some."""
    by_channel: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    times: dict[dt.datetime, str] = {}  # a fleet's fixes share a few instants a second
    rows: list[tuple[object, ...]] = []
    last: Fix | None = None
    for fix in fixes:
        # A batch holds each vehicle's fixes together: its channel once, not once a fix.
        if last is None or fix.plate != last.plate or fix.color is not last.color:
            rows, code = by_channel[channel(fix.plate, fix.color)], fix.color._value_
        at = times.get(fix.observed_at)
        if at is None:
            at = times[fix.observed_at] = fix.observed_at.isoformat()
        rows.append(
            (fix.plate, code, at, fix.latitude, fix.longitude, fix.speed_kmh, fix.direction)
        )
        last = fix
    return [
        (name, json.dumps(found, ensure_ascii=False, separators=(",", ":")).encode())
        for name, found in sorted(by_channel.items())
    ]


@lru_cache(maxsize=256)
def fixes_in(message: bytes) -> dict[tuple[str, PlateColor], list[LiveFix]]:
    """The fixes of a published message by vehicle, in time order; decoded once per process
    however many subscribers it goes to (each is handed the same ``bytes``)."""
    found: dict[tuple[str, PlateColor], list[LiveFix]] = defaultdict(list)
    for plate, color, at, latitude, longitude, speed, direction in json.loads(message):
        found[(plate, PlateColor(color))].append(
            LiveFix(dt.datetime.fromisoformat(at), latitude, longitude, speed, direction)
        )
    for fixes in found.values():
        fixes.sort(key=lambda f: f.observed_at)
    return dict(found)
