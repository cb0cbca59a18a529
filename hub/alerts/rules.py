"""The per-fix rules: given one vehicle's facts, what it was doing, and a new fix, what it broke.

Pure functions over small values, so every rule is run on every fix without the database:
the engine (``hub.alerts.engine``) loads the facts and the state of a batch's vehicles once,
runs :func:`evaluate` on each fix in time order, and stores what changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from hub.alerts.geometry import in_jiangsu, inside, route_distance_km
from hub.alerts.thresholds import Thresholds
from hub.canonical.codes import AlertKind, PermitKind, PlateColor
from hub.canonical.geo import distance_m, surely_within_m

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


class Facts(NamedTuple):
    """What the registry says of a vehicle, as far as the rules need it (a named tuple, as
    :class:`State`: a worker reads them for every vehicle it sees once a minute)."""

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


class State(NamedTuple):
    """What the rules remember of a vehicle: its last plausible fix and three clocks.

    A named tuple, not a frozen dataclass: one is read and one made per vehicle of every
    batch, and a tuple is made in a fifth of the time (a row of ``alert_vehicle_states`` as
    it is read and written)."""

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


class Reading(Protocol):
    """One fix as the rules read it: a stored fix (``hub.positions.lines.Fix``) or
    :class:`Observed`."""

    @property
    def plate(self) -> str: ...
    @property
    def color(self) -> PlateColor: ...
    @property
    def observed_at(self) -> dt.datetime: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...
    @property
    def speed_kmh(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Observed:
    """One fix as the rules read it, made by hand (tests, the sweep's evidence)."""

    plate: str
    color: PlateColor
    observed_at: dt.datetime
    latitude: float
    longitude: float
    speed_kmh: float

    @property
    def evidence(self) -> str:
        """The fix's id: vehicle and instant, as ``position_fixes`` keys it."""
        return evidence(self.plate, self.color, self.observed_at)


def evidence(plate: str, color: PlateColor, observed_at: dt.datetime) -> str:
    """The id of a fix: vehicle and instant, as ``position_fixes`` keys it."""
    return f"fix:{plate}:{color.value}:{observed_at:%Y-%m-%dT%H:%M:%SZ}"


def plausible(fix: Reading, now: dt.datetime) -> str | None:
    """Why a fix cannot be taken at its word (None: it can). Such a fix raises nothing."""
    if fix.observed_at < EARLIEST:
        return "before 2000"
    if fix.observed_at > now + AHEAD:
        return "in the future"
    south, north, west, east = CHINA
    if not (south <= fix.latitude <= north and west <= fix.longitude <= east):
        return "outside China"
    return None


@dataclass(frozen=True, slots=True)
class Limits:
    """The thresholds as the per-fix rules read them: looked up once per batch, not per fix."""

    blacklisted: bool
    night_ban: bool
    night_kmh: float
    night_from: float
    night_to: float
    off_route: bool
    route_km: float
    area_kinds: dict[PermitKind, AlertKind]
    """The permit kinds held to their area whose alert is in force, and that alert."""
    entry: bool
    over_speed: bool
    speed_seconds: float
    bus_kmh: float
    truck_kmh: float
    dangerous_goods_kmh: float
    drift: bool
    drift_metres: float
    drift_kmh: float
    fatigue: bool
    rest: dt.timedelta
    moving_kmh: float
    driving_seconds: float

    @classmethod
    def of(cls, thresholds: Thresholds) -> Limits:
        """The rules' reading of a thresholds file."""
        on, value = thresholds.enabled, thresholds
        return cls(
            blacklisted=on(AlertKind.BLACKLISTED),
            night_ban=on(AlertKind.NIGHT_BAN),
            night_kmh=value(AlertKind.NIGHT_BAN, "moving_kmh"),
            night_from=value(AlertKind.NIGHT_BAN, "from_hour"),
            night_to=value(AlertKind.NIGHT_BAN, "to_hour"),
            off_route=on(AlertKind.OFF_ROUTE),
            route_km=value(AlertKind.OFF_ROUTE, "km"),
            area_kinds={permit: kind for permit, kind in _AREA_KINDS.items() if on(kind)},
            entry=on(AlertKind.OUT_OF_PROVINCE_ENTRY),
            over_speed=on(AlertKind.OVER_SPEED),
            speed_seconds=value(AlertKind.OVER_SPEED, "seconds"),
            bus_kmh=value(AlertKind.OVER_SPEED, "bus_kmh"),
            truck_kmh=value(AlertKind.OVER_SPEED, "truck_kmh"),
            dangerous_goods_kmh=value(AlertKind.OVER_SPEED, "dangerous_goods_kmh"),
            drift=on(AlertKind.POSITION_DRIFT),
            drift_metres=value(AlertKind.POSITION_DRIFT, "min_metres"),
            drift_kmh=value(AlertKind.POSITION_DRIFT, "max_kmh"),
            fatigue=on(AlertKind.FATIGUE),
            rest=dt.timedelta(seconds=value(AlertKind.FATIGUE, "rest_seconds")),
            moving_kmh=value(AlertKind.FATIGUE, "moving_kmh"),
            driving_seconds=value(AlertKind.FATIGUE, "driving_seconds"),
        )

    def speed_limit(self, facts: Facts) -> float | None:
        """The OVER_SPEED limit of the vehicle's class (None: a class without one)."""
        if facts.dangerous_goods:
            return self.dangerous_goods_kmh
        if facts.bus:
            return self.bus_kmh
        if facts.truck:
            return self.truck_kmh
        return None


_AREA_KINDS = {
    PermitKind.CHARTER: AlertKind.CHARTER_OUT_OF_AREA,
    PermitKind.DRIVING_TRAINING: AlertKind.TRAINING_CAR_OUT_OF_AREA,
}
"""The vehicles held to their permitted area, and the alert each raises outside it."""


def evaluate(
    fix: Reading, facts: Facts, state: State | None, limits: Thresholds
) -> tuple[list[Finding], State]:
    """Every rule on one fix of a vehicle; the findings and the state after it.

    A fix older than the state's (it came late) is judged by the rules that need no history
    only, and leaves the state as it was.
    """
    found, after = evaluate_track([fix], facts, state, Limits.of(limits))
    assert after is not None  # a fix leaves a state, if only the one before it
    return found, after


def evaluate_track(
    fixes: Sequence[Reading], facts: Facts, state: State | None, limits: Limits
) -> tuple[list[Finding], State | None]:
    """Every rule on each of one vehicle's fixes, in their order (time order: the caller's);
    the findings, and the state after the last (``state`` itself if no fix changed it).

    The same as :func:`evaluate` fix after fix, but what depends on the vehicle alone (its
    class's limit, which rules can apply to it at all) is worked out once, the state is kept
    in locals, and a rule that cannot apply to the vehicle costs nothing per fix: a batch
    holds thousands of vehicles, each with a few fixes.
    """
    if not fixes:
        return [], state
    plate, color = fixes[0].plate, fixes[0].color
    su = plate.startswith("苏")
    # Whether a 苏 vehicle is in Jiangsu matters to no rule: the boundary is looked at for others,
    # at every fix only for those OUT_OF_PROVINCE_ENTRY can apply to.
    entry = limits.entry and not su and (color in LARGE or facts.bus or facts.dangerous_goods)
    blacklisted = limits.blacklisted and facts.blacklisted
    night = limits.night_ban and facts.bus
    night_kmh, night_from, night_to = limits.night_kmh, limits.night_from, limits.night_to
    route = facts.route if limits.off_route and facts.route else None
    route_km = limits.route_km
    area_kind = (
        limits.area_kinds.get(facts.business_kind)
        if facts.permitted_area and facts.business_kind is not None
        else None
    )
    area = facts.permitted_area if area_kind is not None else None
    speed_limit = limits.speed_limit(facts)
    over_speed, speed_seconds = limits.over_speed, limits.speed_seconds
    drift, drift_metres, drift_kmh = limits.drift, limits.drift_metres, limits.drift_kmh
    fatigue, rest, moving_kmh = limits.fatigue, limits.rest, limits.moving_kmh
    driving_limit = limits.driving_seconds

    found: list[Finding] = []
    changed = False
    if state is not None:
        at0, lat0, lon0 = state.observed_at, state.latitude, state.longitude
        driving_since, stopped_since = state.driving_since, state.stopped_since
        speeding_since, in_jiangsu_before = state.speeding_since, state.in_jiangsu
    for fix in fixes:
        at, latitude, longitude, speed = (
            fix.observed_at, fix.latitude, fix.longitude, fix.speed_kmh
        )  # fmt: skip
        kinds: list[AlertKind] = []
        late = state is not None and at <= at0
        if (
            state is not None
            and not late
            and not surely_within_m((lat0, lon0), (latitude, longitude), drift_metres)
        ):
            elapsed = (at - at0).total_seconds()
            jump = distance_m((lat0, lon0), (latitude, longitude))
            if jump >= drift_metres and jump / 1000 > drift_kmh * elapsed / 3600:
                if drift:
                    found += _findings([AlertKind.POSITION_DRIFT], fix)
                continue  # a fix that cannot be where it says judges nothing else

        if blacklisted:
            kinds.append(AlertKind.BLACKLISTED)
        if night and speed > night_kmh and night_from <= at.astimezone(BEIJING).hour < night_to:
            kinds.append(AlertKind.NIGHT_BAN)
        if route is not None and route_distance_km(latitude, longitude, route) > route_km:
            kinds.append(AlertKind.OFF_ROUTE)
        if area is not None and area_kind is not None and not inside(latitude, longitude, area):
            kinds.append(area_kind)
        if late:
            found += _findings(kinds, fix)
            continue

        here = su or (entry and in_jiangsu(latitude, longitude))
        if state is None:
            # The vehicle's first fix: its state starts here, with no history to judge by.
            state = State(at, latitude, longitude, in_jiangsu=here)
            at0, lat0, lon0 = at, latitude, longitude
            driving_since = stopped_since = speeding_since = None
            in_jiangsu_before = here
        elif entry and here and not in_jiangsu_before:
            kinds.append(AlertKind.OUT_OF_PROVINCE_ENTRY)

        # OVER_SPEED: over the class's limit, fix after fix, for longer than the threshold.
        if speed_limit is not None and speed > speed_limit:
            if speeding_since is None or at - at0 > SPEED_GAP:
                speeding_since = at
            if over_speed and (at - speeding_since).total_seconds() > speed_seconds:
                kinds.append(AlertKind.OVER_SPEED)
        else:
            speeding_since = None

        # FATIGUE: driving on for longer than the threshold without a rest long enough.
        if at - at0 >= rest:  # silent that long: it rested meanwhile
            driving_since = stopped_since = None
        if speed > moving_kmh:
            if stopped_since is not None and at - stopped_since >= rest:
                driving_since = None
            stopped_since = None
            driving_since = driving_since or at
            if fatigue and (at - driving_since).total_seconds() > driving_limit:
                kinds.append(AlertKind.FATIGUE)
        else:
            stopped_since = stopped_since or at
            if at - stopped_since >= rest:
                driving_since = None

        if kinds:
            found += _findings(kinds, fix)
        at0, lat0, lon0, in_jiangsu_before, changed = at, latitude, longitude, here, True

    if not changed:
        return found, state
    if not su and not entry:  # the boundary was not looked at: it is, for the state kept
        in_jiangsu_before = in_jiangsu(lat0, lon0)
    return found, State(
        at0, lat0, lon0, driving_since, stopped_since, speeding_since, in_jiangsu_before
    )


def _findings(kinds: list[AlertKind], fix: Reading) -> list[Finding]:
    """The findings of the rules a fix broke (none: no evidence formatted)."""
    if not kinds:
        return []
    at, latitude, longitude = fix.observed_at, fix.latitude, fix.longitude
    proof = evidence(fix.plate, fix.color, at)
    return [Finding(kind, at, latitude, longitude, proof) for kind in kinds]
