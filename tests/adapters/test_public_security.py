"""The public security adapter's own rules: its samples' records, its refusals and the registers,
licences, violations and blacklist it simulates (the rest: test_every_adapter.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.public_security import adapter, simulator
from hub.canonical import identifiers
from hub.canonical.codes import DrivingLicenceStatus, PlateColor, RegistrationStatus
from hub.canonical.records import (
    BlacklistEntry,
    DrivingLicence,
    TrafficViolation,
    VehicleRegistration,
)
from hub.exchange.protocol import Header
from tests.adapters.cases import valid_sample

CST = dt.timezone(dt.timedelta(hours=8))


def test_vehicle_registrations_carry_plate_colour_vin_owner_and_status() -> None:
    records = valid_sample(adapter, "vehicle-registration-suzhou-nanjing.xml")

    assert records == (
        VehicleRegistration(
            source_record_id="VR3205000018821",
            plate="苏EQ2817",
            plate_color=PlateColor.YELLOW,
            vin="LZZ5BLSJ8MA412836",
            vehicle_type="Q11",
            owner_name="昆山恒泰物流有限公司",
            owner_id="9132058313482761XY",
            registered_on=dt.date(2021, 4, 16),
            status=RegistrationStatus.NORMAL,
        ),
        VehicleRegistration(
            source_record_id="VR3205000007342",
            plate="苏E3F5K2",
            plate_color=PlateColor.BLUE,
            vin="LSVAM4183E2153078",
            vehicle_type="K33",
            owner_name="陆建国",
            owner_id="320508197803143510",
            registered_on=dt.date(2014, 7, 2),
            status=RegistrationStatus.STOLEN,
        ),
        VehicleRegistration(
            source_record_id="VR3201000002290",
            plate="苏A71902",
            plate_color=PlateColor.YELLOW,
            vin="LZYTBTD6091038461",
            vehicle_type="K11",
            owner_name="南京宏远客运有限公司",
            owner_id="91320102688105328T",
            registered_on=dt.date(2009, 3, 18),
            status=RegistrationStatus.SCRAPPED,
        ),
    )


def test_a_vin_with_a_wrong_check_digit_is_kept_as_received() -> None:
    (record,) = valid_sample(adapter, "vehicle-registration-wrong-check-digit.xml")

    assert isinstance(record, VehicleRegistration)
    assert record.vin == "LGXCE4CB3P2019486"
    assert record.plate_color is PlateColor.GREEN
    with pytest.raises(identifiers.InvalidIdentifier, match="expected '7'"):
        identifiers.vin(record.vin)


def test_driving_licences_carry_class_status_and_points() -> None:
    records = valid_sample(adapter, "driving-licence-drivers.xml")

    assert records[0] == DrivingLicence(
        source_record_id="DL3203000051204",
        id_number="320303199206114013",
        name="徐海涛",
        licence_class="A2",
        status=DrivingLicenceStatus.VALID,
        points=3,
        valid_to=dt.date(2030, 6, 11),
    )
    assert isinstance(records[2], DrivingLicence)
    assert (records[2].status, records[2].points) == (DrivingLicenceStatus.POINTS_EXCEEDED, 14)


def test_traffic_violations_keep_the_time_zone_sent() -> None:
    records = valid_sample(adapter, "traffic-violation-expressway-and-junction.xml")

    assert records[0] == TrafficViolation(
        source_record_id="TV3202000412093",
        plate="苏EQ2817",
        plate_color=PlateColor.YELLOW,
        occurred_at=dt.datetime(2026, 10, 8, 14, 23, 5, tzinfo=CST),
        place="G2京沪高速K1112+300（无锡段）",
        code="1352",
        description="驾驶机动车在高速公路上超过规定时速20%以上未达到50%的",
        fine_yuan=200,
        points=6,
        processed=False,
    )
    assert isinstance(records[0], TrafficViolation)
    assert records[0].occurred_at.utcoffset() == dt.timedelta(hours=8)
    assert isinstance(records[1], TrafficViolation)
    assert records[1].processed is True


def test_blacklist_entries_are_lifted_only_when_the_date_is_sent() -> None:
    records = valid_sample(adapter, "vehicle-blacklist-listed-and-lifted.xml")

    assert records == (
        BlacklistEntry(
            source_record_id="BL3205000000917",
            plate="苏E3F5K2",
            plate_color=PlateColor.BLUE,
            reason="被盗抢车辆",
            listed_on=dt.date(2026, 8, 2),
            lifted_on=None,
        ),
        BlacklistEntry(
            source_record_id="BL3203000000388",
            plate="苏C7K631",
            plate_color=PlateColor.YELLOW,
            reason="涉嫌非法营运",
            listed_on=dt.date(2025, 11, 3),
            lifted_on=dt.date(2026, 2, 15),
        ),
    )


def test_export_refuses_records_of_another_type() -> None:
    header = Header(message_id="m-1", sender="public_security", sent_at="2026-11-25T08:00:00Z")
    (licence, *_) = valid_sample(adapter, "driving-licence-drivers.xml")
    registration = adapter.documents["vehicle-registration"]

    with pytest.raises(TypeError, match="VehicleRegistrations carries VehicleRegistration"):
        registration.export([licence], header)


def test_simulated_registrations_have_stolen_and_scrapped_vehicles_and_one_flawed_vin() -> None:
    registrations = simulator.vehicle_registrations(count=60, flawed=1)
    statuses = {r.status for r in registrations}
    assert {RegistrationStatus.STOLEN, RegistrationStatus.SCRAPPED} <= statuses
    bad_vins = []
    for record in registrations:
        identifiers.plate(record.plate)
        try:
            identifiers.vin(record.vin)
        except identifiers.InvalidIdentifier:
            bad_vins.append(record.vin)
    assert len(bad_vins) == 1


def test_the_blacklist_lists_every_stolen_vehicle_of_the_register() -> None:
    registrations = simulator.vehicle_registrations(count=60)
    stolen = [(r.plate, r.plate_color.value) for r in registrations if r.status.value == "C"]
    plates = [(r.plate, r.plate_color.value) for r in registrations]

    entries = simulator.vehicle_blacklist(plates, count=10, stolen=stolen)

    assert len(entries) == 10
    listed = {(e.plate, e.plate_color.value): e for e in entries}
    assert all(listed[p].reason == "被盗抢车辆" and listed[p].lifted_on is None for p in stolen)
    assert set(listed) <= set(plates)


def test_the_generators_describe_the_vehicles_and_people_they_are_given() -> None:
    vehicles = [("苏A12345", "2", "LZZ5BLSJ8MA412836"), ("苏E3F5K2", "1", "LSVAM4183E2153078")]
    people = [("320303199206114013", "徐海涛")]

    registrations = simulator.vehicle_registrations(vehicles, owners=[("9132058313482761XY", "x")])
    licences = simulator.driving_licences(people)
    violations = simulator.traffic_violations([v[:2] for v in vehicles], count=5)

    assert [(r.plate, r.plate_color.value, r.vin) for r in registrations] == vehicles
    assert registrations[0].owner_id == "9132058313482761XY"  # a yellow plate: a company's
    assert [(r.id_number, r.name) for r in licences] == people
    assert {(v.plate, v.plate_color.value) for v in violations} <= {v[:2] for v in vehicles}
    assert simulator.vehicle_registrations(vehicles) == simulator.vehicle_registrations(vehicles)
