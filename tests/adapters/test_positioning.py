"""The positioning adapter's own rules: its samples' records, its refusals, the tracks it simulates
and the demo's vehicle tracks (what every adapter does: test_every_adapter.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from itertools import pairwise

import pytest

from adapters.positioning import adapter, demo, simulator
from hub.canonical import identifiers
from hub.canonical.codes import PlateColor, TransportMode
from hub.canonical.geo import distance_m
from hub.canonical.multimodal import Consignment, Leg
from hub.canonical.records import AisPosition, VehiclePosition
from hub.exchange.protocol import DemoSubjects, Header
from hub.exchange.record_xml import MAX_BATCH
from hub.exchange.validation import parse, validate
from tests.adapters.cases import valid_sample

CHINA = dt.timezone(dt.timedelta(hours=8))
POSITIONS = adapter.documents["vehicle-position"]


def positions_of(documents: list[bytes] | tuple[bytes, ...]) -> list[VehiclePosition]:
    found = [r for data in documents for r in POSITIONS.parse(validate(POSITIONS, parse(data)))]
    assert all(isinstance(r, VehiclePosition) for r in found)
    return [r for r in found if isinstance(r, VehiclePosition)]


# -- the registry entry ----------------------------------------------------------------------


def test_the_adapter_is_titled_and_its_document_rooted_as_the_standard_says() -> None:
    assert adapter.title == (
        "道路运输车辆卫星定位监管平台",
        "Road vehicle satellite positioning platform",
    )
    assert POSITIONS.root == "VehiclePositions"


# -- samples ----------------------------------------------------------------------------------


def test_departure_sample_maps_to_records() -> None:
    positions = valid_sample(adapter, "vehicle-position-departure.xml")

    assert positions[0] == VehiclePosition(
        source_record_id="VP0000884101",
        plate="苏E7K215",
        plate_color=PlateColor.YELLOW,
        observed_at=dt.datetime(2026, 11, 25, 9, 20, tzinfo=CHINA),
        latitude=31.420213,
        longitude=120.640388,
        speed_kmh=0.0,
        heading_degrees=331.5,
    )
    assert [p.speed_kmh for p in positions if isinstance(p, VehiclePosition)] == [
        0.0, 0.0, 62.4, 71.8,
    ]  # fmt: skip


def test_mixed_fleet_sample_keeps_colours_offsets_and_normalises_plates() -> None:
    electric, light, north = valid_sample(adapter, "vehicle-position-mixed-fleet.xml")

    assert isinstance(electric, VehiclePosition)
    assert (electric.plate, electric.plate_color) == ("苏A12345D", PlateColor.YELLOW_GREEN)
    assert electric.observed_at.utcoffset() == dt.timedelta(0), "the offset sent is kept"
    assert isinstance(light, VehiclePosition)
    assert (light.plate, light.plate_color) == ("苏B3C8D1", PlateColor.BLUE)
    assert isinstance(north, VehiclePosition)
    assert (north.latitude, north.longitude, north.heading_degrees) == (34.18, 117.17, 359.9)


# -- mapping back out -----------------------------------------------------------------------


def test_export_refuses_other_records_and_naive_times() -> None:
    header = Header("positioning-test-1", "positioning", "2026-11-25T09:05:00+08:00")
    (position, *_) = valid_sample(adapter, "vehicle-position-departure.xml")
    assert isinstance(position, VehiclePosition)
    vessel = AisPosition("AIS1", "413800001", position.observed_at, 31.9, 120.2, 8.5, 95.0)

    with pytest.raises(TypeError, match="cannot carry AisPosition"):
        POSITIONS.export([position, vessel], header)
    with pytest.raises(ValueError, match="ObservedAt: 2026-11-25T09:20:00 has no time zone"):
        POSITIONS.export(
            [replace(position, observed_at=position.observed_at.replace(tzinfo=None))], header
        )


# -- the simulator --------------------------------------------------------------------------


def test_simulated_vehicles_have_valid_plates_and_move_plausibly() -> None:
    positions = positions_of(simulator.documents(count=40)["vehicle-position"])
    tracks: dict[tuple[str, PlateColor], list[VehiclePosition]] = defaultdict(list)
    for p in positions:
        assert identifiers.plate(p.plate) == p.plate
        tracks[p.plate, p.plate_color].append(p)

    assert [p.source_record_id for p in positions] == [
        f"VP{n:010d}" for n in range(1, len(positions) + 1)
    ]
    assert [p.observed_at for p in positions] == sorted(p.observed_at for p in positions)
    assert len(tracks) == 12
    assert any(p.speed_kmh > 40 for p in positions), "some vehicles are driving"
    for (plate, _), track in tracks.items():
        for before, after in pairwise(track):
            hours = (after.observed_at - before.observed_at).total_seconds() / 3600
            km = distance_m((before.latitude, before.longitude), (after.latitude, after.longitude))
            assert km / 1000 <= 130 * hours + 1, f"{plate} jumps {km:.0f} m in {hours:.2f} h"


# -- the demo -------------------------------------------------------------------------------

SUZHOU_PLANT = (31.3190, 120.7260)  # 苏州工业园区
TAICANG_PORT = (31.6420, 121.2160)  # 太仓港
XUZHOU = (34.2580, 117.1930)
DEPARTURE = dt.datetime(2026, 11, 25, 9, 0, tzinfo=CHINA)
ARRIVAL = dt.datetime(2026, 11, 25, 10, 30, tzinfo=CHINA)


ROAD_LEG = Leg(
    sequence=1,
    mode=TransportMode.ROAD,
    carrier_uscc=None,
    carrier_name="苏州顺达集装箱运输有限公司",
    origin="苏州工业园区",
    destination="太仓港",
    handover_point=None,
    planned_departure=DEPARTURE,
    planned_arrival=ARRIVAL,
    vehicle_plate="苏E7K215",
    vehicle_plate_color=PlateColor.YELLOW,
)


def journey(*legs: Leg) -> Consignment:
    return Consignment(
        reference="JS-MM-20261125-0001",
        issued_at=DEPARTURE - dt.timedelta(hours=3),
        parties=(),
        goods=(),
        containers=("TBJU3054388",),
        legs=legs,
    )


def subjects(*journeys: Consignment, vehicles: int = 40) -> DemoSubjects:
    fleet = simulator.fleet(size=vehicles, seed=11)
    return DemoSubjects(
        vehicles=[(v.plate, v.plate_color.value, "VIN", False, "USCC") for v in fleet],
        operators=[],
        vessels=[],
        today="2026-11-25",
        journeys=journeys,
        places={"苏州工业园区": SUZHOU_PLANT, "太仓港": TAICANG_PORT, "徐州北站": XUZHOU},
    )


def test_demo_tracks_the_road_leg_from_origin_to_destination_on_plan() -> None:
    rail = replace(
        ROAD_LEG, sequence=2, mode=TransportMode.RAIL, origin="太仓港", destination="徐州北站",
        planned_departure=ARRIVAL + dt.timedelta(hours=3),
        planned_arrival=ARRIVAL + dt.timedelta(hours=17),
        vehicle_plate=None, vehicle_plate_color=None,
    )  # fmt: skip
    given = subjects(journey(ROAD_LEG, rail))

    documents = demo.documents(given)["vehicle-position"]

    positions = positions_of(tuple(documents))
    track = [p for p in positions if (p.plate, p.plate_color) == ("苏E7K215", PlateColor.YELLOW)]
    where = [(p.latitude, p.longitude) for p in track]
    at_origin = [p for p, w in zip(track, where, strict=True) if distance_m(w, SUZHOU_PLANT) <= 150]
    at_destination = [
        p for p, w in zip(track, where, strict=True) if distance_m(w, TAICANG_PORT) <= 150
    ]
    en_route = track[len(at_origin) : len(track) - len(at_destination)]
    assert track == [*at_origin, *en_route, *at_destination], "parked, driven, parked, in order"
    assert len(at_origin) >= 3
    assert len(at_destination) >= 3
    assert at_origin[-1].observed_at == DEPARTURE
    assert at_destination[0].observed_at == ARRIVAL
    for fixes in (at_origin, at_destination):
        gaps = {b.observed_at - a.observed_at for a, b in pairwise(fixes)}
        assert gaps <= {dt.timedelta(minutes=m) for m in range(5, 11)}, gaps
    assert en_route, "the vehicle is seen on the way"
    for p in en_route:
        assert DEPARTURE < p.observed_at < ARRIVAL
        assert (p.observed_at - DEPARTURE) % dt.timedelta(minutes=10) == dt.timedelta(0)
        for end in (SUZHOU_PLANT, TAICANG_PORT):
            assert distance_m((p.latitude, p.longitude), end) > 2_000
    assert [p.source_record_id for p in track] == [
        f"JS-MM-20261125-0001-1-{n:04d}" for n in range(1, len(track) + 1)
    ]
    assert demo.documents(given)["vehicle-position"] == documents, "stable, byte for byte"


def test_demo_background_tracks_keep_away_from_the_journeys_places() -> None:
    given = subjects()

    documents = demo.documents(given)["vehicle-position"]

    positions = positions_of(tuple(documents))
    vehicles = {(p.plate, p.plate_color) for p in positions}
    assert 15 <= len(vehicles) <= 20
    assert vehicles <= {(plate, PlateColor(colour)) for plate, colour, *_ in given.vehicles}
    for p in positions:
        for place in given.places.values():
            assert distance_m((p.latitude, p.longitude), place) > 2_000


def test_demo_leaves_out_legs_it_cannot_place_and_splits_large_feeds() -> None:
    legs = [
        replace(ROAD_LEG, sequence=1, vehicle_plate=None),  # no vehicle
        replace(ROAD_LEG, sequence=2, destination="无锡"),  # no coordinates for 无锡
        replace(ROAD_LEG, sequence=3, mode=TransportMode.RAIL),  # not by road
        replace(
            ROAD_LEG, sequence=4, origin="徐州北站", vehicle_plate="苏C88251",
            planned_arrival=DEPARTURE + dt.timedelta(days=8),
        ),  # a week and more on the road: more fixes than one document holds
    ]  # fmt: skip

    documents = demo.documents(subjects(journey(*legs), vehicles=0))["vehicle-position"]

    positions = positions_of(tuple(documents))
    assert {p.plate for p in positions} == {"苏C88251"}
    assert len(positions) > MAX_BATCH
    assert len(documents) > 1
    assert all(len(POSITIONS.parse(parse(d).element)) <= MAX_BATCH for d in documents)
    assert demo.documents(subjects(vehicles=0)) == {}
