"""Position lines as the positioning platforms send them: NDJSON objects or CSV rows.

Each line carries the JT/T 809 real-time location fields (UP_EXG_MSG_REAL_LOCATION) under
these names:

``plate``      车牌号, e.g. 苏A12345 (normalised by the plate rule: 苏ａ 12345 is 苏A12345)
``color``      车牌颜色, the JT/T 809 / GA 36 code: 1 blue, 2 yellow, 3 black, 4 white, 5 green,
               6 yellow-green, 9 other
``time``       定位时间, ISO 8601; without an offset it is Beijing time (+08:00), as JT/T 809
               sends it
``lon``/``lat`` 经度/纬度, decimal degrees, WGS-84 / CGCS2000
``speed``      速度, km/h, 0 to 300
``direction``  方向, degrees clockwise from north, 0 to 359
``altitude``   海拔, metres (optional, default 0)
``alarm``      报警标志, the 32-bit alarm flags as a whole number (optional, default 0)

A line that breaks a rule becomes a ``Rejected`` naming its line number and the rule; the
other lines are still taken.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from hub.canonical.codes import PlateColor
from hub.canonical.identifiers import InvalidIdentifier, plate

BEIJING = dt.timezone(dt.timedelta(hours=8))
FIELDS = ("plate", "color", "time", "lon", "lat", "speed", "direction", "altitude", "alarm")
REQUIRED = FIELDS[:7]
MAX_LINE = 4096
"""Bytes in one line at most: a location record is under 200."""
COLOR_CODES = {color.value: color for color in PlateColor}
_COLORS = ", ".join(COLOR_CODES)


class Fix(NamedTuple):
    """One position of one vehicle (plate and colour) at one instant (UTC).

    A named tuple, not a frozen dataclass: one is made per line of a stream, in a fifth of
    the time (2.8 -> 0.5 us, measured)."""

    plate: str
    color: PlateColor
    observed_at: dt.datetime
    latitude: float
    longitude: float
    speed_kmh: float
    direction: int
    altitude_m: int
    alarm_flags: int


@dataclass(frozen=True, slots=True)
class Rejected:
    """A line not taken: where it was and why."""

    line: int
    reason: str
    text: str


class BadLine(ValueError):
    """A line that breaks a rule; the message names the field and the rule."""


def _number(value: object, name: str, low: float, high: float, default: float | None) -> float:
    """A number in ``[low, high]`` from JSON (a number or a numeric string) or CSV (a string)."""
    kind = type(value)  # exact types: a JSON true is not the number 1
    if kind is int:
        if not low <= value <= high:  # type: ignore[operator]
            raise BadLine(f"{name}: {value!r} is outside {low:g} to {high:g}")
        return float(value)  # type: ignore[arg-type]
    if kind is float or (kind is str and value):
        try:
            number = float(value)  # type: ignore[arg-type]
        except ValueError:
            raise BadLine(f"{name}: {value!r} is not a number") from None
    elif value is None or value == "":
        if default is None:
            raise BadLine(f"{name}: missing")
        return float(default)
    else:
        raise BadLine(f"{name}: {value!r} is not a number")
    if not low <= number <= high:  # also false for NaN
        raise BadLine(f"{name}: {value!r} is outside {low:g} to {high:g}")
    return number


def _whole(value: object, name: str, low: int, high: int, default: int | None) -> int:
    number = _number(value, name, low, high, default)
    if not number.is_integer():
        raise BadLine(f"{name}: {value!r} is not a whole number")
    return int(number)


@lru_cache(maxsize=4096)
def instant(value: str) -> dt.datetime:
    """The UTC instant of a ``time`` field, or ``BadLine``."""
    # Fixes are to the second: a fleet's fixes share a few time stamps a second.
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadLine(f"time: {value!r} is not an ISO 8601 date-time") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=BEIJING)
    return at.astimezone(dt.UTC)


@lru_cache(maxsize=100_000)
def plate_number(value: str) -> str:
    """A ``plate`` field normalised by the plate rule, or ``BadLine`` naming what is wrong."""
    # A fleet reports every 10-30 s: the same few thousand plates, normalised once each.
    try:
        return plate(value)
    except InvalidIdentifier as exc:
        raise BadLine(str(exc)) from None


def fix_from(values: Mapping[str, object]) -> Fix:
    """The fix these named values describe, or ``BadLine`` naming what is wrong."""
    raw_plate = values.get("plate")
    if type(raw_plate) is not str or not raw_plate:
        raise BadLine(f"plate: {raw_plate!r} is not a plate" if raw_plate else "plate: missing")
    number = plate_number(raw_plate)
    code = values.get("color")
    color = COLOR_CODES.get(code if type(code) is str else str(code))
    if color is None:
        raise BadLine(f"color: {code!r} is not a plate colour code ({_COLORS})")
    at = values.get("time")
    if type(at) is not str or not at:
        raise BadLine(f"time: {at!r} is not an ISO 8601 date-time" if at else "time: missing")
    get = values.get
    return Fix(
        plate=number,
        color=color,
        observed_at=instant(at),
        latitude=_number(get("lat"), "lat", -90, 90, None),
        longitude=_number(get("lon"), "lon", -180, 180, None),
        speed_kmh=_number(get("speed"), "speed", 0, 300, None),
        direction=_whole(get("direction"), "direction", 0, 359, None),
        altitude_m=_whole(get("altitude"), "altitude", -500, 9000, 0),
        alarm_flags=_whole(get("alarm"), "alarm", 0, 2**32 - 1, 0),
    )


def from_json(line: str) -> Fix:
    """A fix from one NDJSON line: an object with the fields above."""
    try:
        values = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(values, dict):
        raise BadLine("not a JSON object")
    return fix_from(values)


class CsvLines:
    """CSV rows after a header row naming the columns (any order; unknown columns refused)."""

    def __init__(self, header: str) -> None:
        names = [name.strip().lower() for name in next(csv.reader([header]), [])]
        unknown = [name for name in names if name not in FIELDS]
        missing = [name for name in REQUIRED if name not in names]
        if unknown or missing or len(set(names)) != len(names):
            raise BadLine(
                f"header: needs the columns {', '.join(REQUIRED)} (optional: altitude, alarm), "
                f"each once; unknown: {', '.join(unknown) or 'none'}; "
                f"missing: {', '.join(missing) or 'none'}"
            )
        self.names = names

    def fix(self, line: str) -> Fix:
        """A fix from one CSV row."""
        row = next(csv.reader([line]), [])
        if len(row) != len(self.names):
            raise BadLine(f"has {len(row)} columns, the header {len(self.names)}")
        return fix_from(dict(zip(self.names, row, strict=True)))
