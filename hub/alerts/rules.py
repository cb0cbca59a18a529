"""The per-fix rules: given one vehicle's facts, what it was doing, and a new fix, what it broke.

Pure functions over small values, so every rule is run on every fix without the database:
the engine (``hub.alerts.engine``) loads the facts and the state of a batch's vehicles once,
runs :func:`evaluate` on each fix in time order, and stores what changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from hub.alerts.geometry import in_jiangsu, inside, route_distance_km
from hub.alerts.thresholds import Thresholds
from hub.canonical.codes import AlertKind, PermitKind, PlateColor
from hub.canonical.geo import distance_m

BEIJING = dt.timezone(dt.timedelta(hours=8))
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
AHEAD = dt.timedelta(minutes=5)
"""A fix later than this past the clock is in the future: the terminal's clock is wrong."""
CHINA = (3.8, 53.6, 73.5, 135.1)
"""China's bounding box: south, north, west, east."""
SPEED_GAP = dt.timedelta(minutes=5)
"""Fixes further apart than this say nothing of whether the speeding went on in between."""
LARGE = frozenset({PlateColor.YELLOW})
"""Plate colours of large buses and heavy trucks: an unregistered such vehicle is 两客一危."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What the registry says of a vehicle, as far as the rules need it."""

    vehicle_id: int | None = None
    operator_id: int | None = None
    region_code: str = "320000"
    vehicle_type: str | None = None
    dangerous_goods: bool = False
    business_kind: PermitKind | None = None
    line_id: int | None = None
    route: list[list[float]] | None = None
    permitted_area: list[list[float]] | None = None
    blacklisted: bool = False

    @property
    def bus(self) -> bool:
        return self.vehicle_type is not None and self.vehicle_type.startswith("K")

    @property
    def truck(self) -> bool:
        return self.vehicle_type is not None and self.vehicle_type[:1] in "HQB"


@dataclass(frozen=True, slots=True)
class State:
    """What the rules remember of a vehicle: its last plausible fix and three clocks."""

    observed_at: dt.datetime
    latitude: float
    longitude: float
    driving_since: dt.datetime | None = None
    stopped_since: dt.datetime | None = None
    speeding_since: dt.datetime | None = None
    in_jiangsu: bool = True


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule broken at one fix: the alert it raises or extends."""

    kind: AlertKind
    at: dt.datetime
    latitude: float | None
    longitude: float | None
    evidence: str


@dataclass(frozen=True, slots=True)
class Observed:
    """One fix as the rules read it."""

    plate: str
    color: PlateColor
    observed_at: dt.datetime
    latitude: float
    longitude: float
    speed_kmh: float

    @property
    def evidence(self) -> str:
        """The fix's id: vehicle and instant, as ``position_fixes`` keys it."""
        return f"fix:{self.plate}:{self.color.value}:{self.observed_at:%Y-%m-%dT%H:%M:%SZ}"


def plausible(fix: Observed, now: dt.datetime) -> str | None:
    """Why a fix cannot be taken at its word (None: it can). Such a fix raises nothing."""
    if fix.observed_at < EARLIEST:
        return "before 2000"
    if fix.observed_at > now + AHEAD:
        return "in the future"
    south, north, west, east = CHINA
    if not (south <= fix.latitude <= north and west <= fix.longitude <= east):
        return "outside China"
    return None


def _limit(facts: Facts, limits: Thresholds) -> float | None:
    if facts.dangerous_goods:
        return limits(AlertKind.OVER_SPEED, "dangerous_goods_kmh")
    if facts.bus:
        return limits(AlertKind.OVER_SPEED, "bus_kmh")
    if facts.truck:
        return limits(AlertKind.OVER_SPEED, "truck_kmh")
    return None


def evaluate(
    fix: Observed, facts: Facts, state: State | None, limits: Thresholds
) -> tuple[list[Finding], State]:
    """Every rule on one fix of a vehicle; the findings and the state after it.

    A fix older than the state's (it came late) is judged by the rules that need no history
    only, and leaves the state as it was.
    """
    found: list[Finding] = []

    def broke(kind: AlertKind) -> None:
        if limits.enabled(kind):
            found.append(Finding(kind, fix.observed_at, fix.latitude, fix.longitude, fix.evidence))

    late = state is not None and fix.observed_at <= state.observed_at
    if state is not None and not late:
        elapsed = (fix.observed_at - state.observed_at).total_seconds()
        jump = distance_m((state.latitude, state.longitude), (fix.latitude, fix.longitude))
        if jump >= limits(AlertKind.POSITION_DRIFT, "min_metres") and (
            jump / 1000 > limits(AlertKind.POSITION_DRIFT, "max_kmh") * elapsed / 3600
        ):
            broke(AlertKind.POSITION_DRIFT)
            return found, state  # a fix that cannot be where it says judges nothing else

    # Whether a 苏 vehicle is in Jiangsu matters to no rule: the boundary is looked at for others.
    here = fix.plate.startswith("苏") or in_jiangsu(fix.latitude, fix.longitude)
    moving_night = fix.speed_kmh > limits(AlertKind.NIGHT_BAN, "moving_kmh")
    if facts.blacklisted:
        broke(AlertKind.BLACKLISTED)
    if facts.bus and moving_night:
        hour = fix.observed_at.astimezone(BEIJING).hour
        if (
            limits(AlertKind.NIGHT_BAN, "from_hour")
            <= hour
            < limits(AlertKind.NIGHT_BAN, "to_hour")
        ):
            broke(AlertKind.NIGHT_BAN)
    if facts.route and route_distance_km(fix.latitude, fix.longitude, facts.route) > limits(
        AlertKind.OFF_ROUTE, "km"
    ):
        broke(AlertKind.OFF_ROUTE)
    if facts.permitted_area and not inside(fix.latitude, fix.longitude, facts.permitted_area):
        if facts.business_kind is PermitKind.CHARTER:
            broke(AlertKind.CHARTER_OUT_OF_AREA)
        elif facts.business_kind is PermitKind.DRIVING_TRAINING:
            broke(AlertKind.TRAINING_CAR_OUT_OF_AREA)
    if late:
        return found, state  # type: ignore[return-value]

    if state is None:
        state = State(fix.observed_at, fix.latitude, fix.longitude, in_jiangsu=here)
    elif (
        here
        and not state.in_jiangsu
        and not fix.plate.startswith("苏")
        and (fix.color in LARGE or facts.bus or facts.dangerous_goods)
    ):
        broke(AlertKind.OUT_OF_PROVINCE_ENTRY)

    # OVER_SPEED: over the class's limit, fix after fix, for longer than the threshold.
    limit = _limit(facts, limits)
    speeding_since = None
    if limit is not None and fix.speed_kmh > limit:
        speeding_since = state.speeding_since
        if speeding_since is None or fix.observed_at - state.observed_at > SPEED_GAP:
            speeding_since = fix.observed_at
        held = (fix.observed_at - speeding_since).total_seconds()
        if held > limits(AlertKind.OVER_SPEED, "seconds"):
            broke(AlertKind.OVER_SPEED)

    # FATIGUE: driving on for longer than the threshold without a rest long enough.
    rest = dt.timedelta(seconds=limits(AlertKind.FATIGUE, "rest_seconds"))
    driving_since, stopped_since = state.driving_since, state.stopped_since
    if fix.observed_at - state.observed_at >= rest:  # silent that long: it rested meanwhile
        driving_since = stopped_since = None
    if fix.speed_kmh > limits(AlertKind.FATIGUE, "moving_kmh"):
        if stopped_since is not None and fix.observed_at - stopped_since >= rest:
            driving_since = None
        stopped_since = None
        driving_since = driving_since or fix.observed_at
        driven = (fix.observed_at - driving_since).total_seconds()
        if driven > limits(AlertKind.FATIGUE, "driving_seconds"):
            broke(AlertKind.FATIGUE)
    else:
        stopped_since = stopped_since or fix.observed_at
        if fix.observed_at - stopped_since >= rest:
            driving_since = None

    return found, replace(
        state,
        observed_at=fix.observed_at, latitude=fix.latitude, longitude=fix.longitude,
        driving_since=driving_since, stopped_since=stopped_since, speeding_since=speeding_since,
        in_jiangsu=here,
    )  # fmt: skip
