"""Every per-fix rule on small tracks, without the database: what it raises and what not."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.alerts.geometry import in_jiangsu, inside, route_distance_km
from hub.alerts.rules import Facts, Observed, State, evaluate, plausible
from hub.alerts.thresholds import load
from hub.canonical.codes import AlertKind, PermitKind, PlateColor

LIMITS = load()
T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing
NANJING = (32.06, 118.79)
TRUCK = Facts(vehicle_id=1, operator_id=1, region_code="320102", vehicle_type="H11")
TANKER = Facts(vehicle_id=2, region_code="320102", vehicle_type="H14", dangerous_goods=True)
BUS = Facts(vehicle_id=3, region_code="320102", vehicle_type="K11")


def fix(
    seconds: float, speed: float = 60.0, at: tuple[float, float] = NANJING,
    plate: str = "苏A12345", color: PlateColor = PlateColor.YELLOW, start: dt.datetime = T0,
) -> Observed:  # fmt: skip
    return Observed(plate, color, start + dt.timedelta(seconds=seconds), *at, speed)


def run(facts: Facts, fixes: list[Observed], state: State | None = None) -> list[AlertKind]:
    """The kinds raised along a track, in order (each fix's findings)."""
    raised = []
    for each in fixes:
        found, state = evaluate(each, facts, state, LIMITS)
        raised += [finding.kind for finding in found]
    return raised


def test_jiangsu_holds_its_cities_and_not_its_neighbours() -> None:
    for city in [(32.06, 118.79), (34.26, 117.18), (31.30, 120.58), (34.60, 119.22)]:
        assert in_jiangsu(*city), city
    for outside in [(31.23, 121.47), (31.82, 117.23), (36.65, 117.12), (30.27, 120.16)]:
        assert not in_jiangsu(*outside), outside


def test_distances_to_a_route_and_points_in_a_ring() -> None:
    route = [[118.0, 32.0], [119.0, 32.0]]
    assert route_distance_km(32.0, 118.5, route) == pytest.approx(0.0, abs=1e-9)
    assert route_distance_km(32.1, 118.5, route) == pytest.approx(11.06, abs=0.01)
    ring = [[118.0, 32.0], [119.0, 32.0], [119.0, 33.0], [118.0, 33.0]]
    assert inside(32.5, 118.5, ring)
    assert not inside(31.5, 118.5, ring)


def test_over_speed_needs_longer_than_the_threshold_over_the_class_limit() -> None:
    # Tankers: 80 km/h; 30 s over it are not yet more than 30 s.
    brief = [fix(0, 85), fix(15, 85), fix(30, 85), fix(45, 60)]
    held = [fix(0, 85), fix(20, 85), fix(40, 85)]

    assert run(TANKER, brief) == []
    assert run(TANKER, held) == [AlertKind.OVER_SPEED]
    assert run(TRUCK, held) == [], "85 km/h is within a truck's 90"


def test_fatigue_after_four_hours_without_a_twenty_minute_rest() -> None:
    driving = [fix(minutes * 60) for minutes in range(0, 4 * 60 + 20, 10)]
    rested = (
        [fix(minutes * 60) for minutes in range(0, 2 * 60, 10)]
        + [fix(minutes * 60, speed=0) for minutes in range(120, 141, 5)]
        + [fix(minutes * 60) for minutes in range(145, 4 * 60 + 20, 10)]
    )

    assert run(TRUCK, driving) == [AlertKind.FATIGUE]
    assert run(TRUCK, rested) == []


def test_night_ban_is_for_buses_moving_from_two_to_five_beijing_time() -> None:
    night = dt.datetime(2026, 11, 1, 19, 30, tzinfo=dt.UTC)  # 03:30 in Beijing
    at_night = [fix(0, 50, start=night)]

    assert run(BUS, at_night) == [AlertKind.NIGHT_BAN]
    assert run(BUS, [fix(0, 0, start=night)]) == [], "a bus parked at night"
    assert run(TRUCK, at_night) == []
    assert run(BUS, [fix(0, 50)]) == [], "at 09:00"


def test_off_route_is_farther_than_the_threshold_from_the_line() -> None:
    line_bus = Facts(vehicle_type="K11", route=[[118.79, 32.06], [119.42, 32.39]])

    assert run(line_bus, [fix(0, at=(32.06, 118.80))]) == []
    assert run(line_bus, [fix(0, at=(31.80, 118.80))]) == [AlertKind.OFF_ROUTE]


def test_charter_and_training_cars_outside_their_area() -> None:
    nanjing = [[118.4, 31.7], [119.2, 31.7], [119.2, 32.6], [118.4, 32.6]]
    charter = Facts(vehicle_type="K11", business_kind=PermitKind.CHARTER, permitted_area=nanjing)
    trainer = Facts(business_kind=PermitKind.DRIVING_TRAINING, permitted_area=nanjing)
    suzhou = (31.30, 120.58)

    assert run(charter, [fix(0)]) == []
    assert run(charter, [fix(0, at=suzhou)]) == [AlertKind.CHARTER_OUT_OF_AREA]
    assert run(trainer, [fix(0, at=suzhou)]) == [AlertKind.TRAINING_CAR_OUT_OF_AREA]


def test_out_of_province_entry_is_a_non_su_large_vehicle_crossing_in() -> None:
    shandong, xuzhou = (35.20, 118.35), (34.30, 118.35)
    entering = [fix(0, at=shandong, plate="鲁Q12345"), fix(1800, at=xuzhou, plate="鲁Q12345")]
    staying = [*entering, fix(1830, at=xuzhou, plate="鲁Q12345")]
    first_seen_inside = [fix(0, at=xuzhou, plate="鲁Q12345")]
    su = [fix(0, at=shandong), fix(1800, at=xuzhou)]

    assert run(Facts(), entering) == [AlertKind.OUT_OF_PROVINCE_ENTRY]
    assert run(Facts(), staying) == [AlertKind.OUT_OF_PROVINCE_ENTRY], "entered once"
    assert run(Facts(), first_seen_inside) == []
    assert run(Facts(), su) == []


def test_a_drifting_fix_is_flagged_and_judges_nothing_else() -> None:
    jump = [fix(0), fix(10, at=(34.26, 117.18)), fix(20)]

    assert run(TRUCK, jump) == [AlertKind.POSITION_DRIFT]


def test_a_blacklisted_vehicle_is_flagged_at_every_fix() -> None:
    assert run(Facts(blacklisted=True), [fix(0), fix(30)]) == [AlertKind.BLACKLISTED] * 2


def test_implausible_fixes_are_named() -> None:
    now = T0 + dt.timedelta(hours=1)

    assert plausible(fix(0), now) is None
    assert plausible(fix(-27 * 365 * 86400), now) == "before 2000"
    assert plausible(fix(4 * 3600), now) == "in the future"
    assert plausible(fix(0, at=(48.85, 2.35)), now) == "outside China"


def test_a_late_fix_leaves_the_state_as_it_was() -> None:
    _, state = evaluate(fix(60), TRUCK, None, LIMITS)
    _, after = evaluate(fix(0), TRUCK, state, LIMITS)

    assert after is state
