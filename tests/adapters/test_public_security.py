"""The public security adapter: its XSDs, samples, mapping both ways, simulator and feed."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from adapters.public_security import adapter, simulator
from adapters.public_security.client import client
from hub.canonical import identifiers
from hub.canonical.codelists import CODES_DIR, read_entries
from hub.canonical.codes import DrivingLicenceStatus, PlateColor, RegistrationStatus
from hub.canonical.records import (
    BlacklistEntry,
    DrivingLicence,
    Record,
    TrafficViolation,
    VehicleRegistration,
)
from hub.exchange.protocol import DocumentType, Header, read_header
from hub.exchange.validation import InvalidDocument, parse, schema, validate

SAMPLES = Path(simulator.__file__).parent / "samples"
VALID = sorted((SAMPLES / "valid").glob("*.xml"))
INVALID = sorted((SAMPLES / "invalid").glob("*.xml"))
XS = "{http://www.w3.org/2001/XMLSchema}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CST = dt.timezone(dt.timedelta(hours=8))


def document_type(sample: Path) -> DocumentType:
    """The document type a sample is named after: ``<document>-<what>.xml``."""
    matches = [d for name, d in adapter.documents.items() if sample.name.startswith(name + "-")]
    assert len(matches) == 1, f"{sample.name} names no single document type"
    return matches[0]


def records_of(sample: str) -> tuple[Record, ...]:
    path = SAMPLES / "valid" / sample
    document = document_type(path)
    return document.parse(validate(document, parse(path.read_bytes())))


def test_the_adapter_is_registered_as_public_security_with_compiling_schemas() -> None:
    assert adapter.name == "public_security"
    assert set(adapter.documents) == {
        "vehicle-registration",
        "driving-licence",
        "traffic-violation",
        "vehicle-blacklist",
    }
    for name, document in adapter.documents.items():
        assert document.name == name
        assert document.namespace == f"urn:js-transport-hub:public_security:{name}:1.0"
        assert document.schema.is_file(), document.schema
        compiled = schema(document.schema)
        assert compiled.target_namespace == document.namespace
        assert document.root in compiled.elements, (document.root, list(compiled.elements))


@pytest.mark.parametrize("document", list(adapter.documents.values()), ids=lambda d: d.name)
def test_every_xsd_component_is_documented_in_chinese_then_english(
    document: DocumentType,
) -> None:
    tree = ET.parse(document.schema)
    components = [
        e for tag in ("element", "complexType", "simpleType") for e in tree.iter(XS + tag)
    ]
    assert components
    for component in components:
        name = component.get("name") or component.get("ref")
        docs = component.findall(f"{XS}annotation/{XS}documentation")
        assert [d.get(XML_LANG) for d in docs] == ["zh", "en"], f"{document.name}: {name}"
        assert all((d.text or "").strip() for d in docs), f"{document.name}: {name}"


@pytest.mark.parametrize(
    ("type_name", "code_list"),
    [
        ("PlateColorCode", "plate_color"),
        ("RegistrationStatusCode", "registration_status"),
        ("DrivingLicenceStatusCode", "driving_licence_status"),
    ],
)
def test_xsd_enumerations_are_the_code_lists(type_name: str, code_list: str) -> None:
    entries = read_entries(CODES_DIR / f"{code_list}.csv")
    expected = [(e.code, e.zh, e.en) for e in entries]
    found = 0
    for document in adapter.documents.values():
        for simple in ET.parse(document.schema).iter(XS + "simpleType"):
            if simple.get("name") != type_name:
                continue
            found += 1
            values = [
                (e.get("value"), *(d.text for d in e.iter(XS + "documentation")))
                for e in simple.iter(XS + "enumeration")
            ]
            assert values == expected, f"{document.name}: {type_name} differs from {code_list}"
    assert found, f"no XSD declares {type_name}"


def test_every_document_type_has_a_valid_sample_and_the_four_kinds_of_invalid_one() -> None:
    for name in adapter.documents:
        assert any(p.name.startswith(name + "-") for p in VALID), name
        invalid = [p.name for p in INVALID if p.name.startswith(name + "-")]
        for kind in ("wrong-namespace", "missing-", "bad-"):
            assert any(kind in n for n in invalid), f"{name}: no invalid sample '{kind}'"
        # A bad code and a bad identifier: two "bad-" samples at least.
        assert sum("bad-" in n for n in invalid) >= 2, name


@pytest.mark.parametrize("sample", VALID, ids=lambda p: p.name)
def test_a_valid_sample_validates_and_parses(sample: Path) -> None:
    document = document_type(sample)

    records = document.parse(validate(document, parse(sample.read_bytes())))

    assert records
    assert all(isinstance(r, document.record_types) for r in records)


@pytest.mark.parametrize("sample", INVALID, ids=lambda p: p.name)
def test_an_invalid_sample_is_refused_with_the_expected_reason(sample: Path) -> None:
    text = sample.read_text(encoding="utf-8")
    match = re.fullmatch(r"<!-- expect: (.+) -->", text.splitlines()[1])
    assert match, f"{sample.name}: line 2 must be <!-- expect: ... -->"

    with pytest.raises(InvalidDocument) as refused:
        validate(document_type(sample), parse(sample.read_bytes()))

    assert match.group(1) in refused.value.reason


def test_vehicle_registrations_carry_plate_colour_vin_owner_and_status() -> None:
    records = records_of("vehicle-registration-suzhou-nanjing.xml")

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
    (record,) = records_of("vehicle-registration-wrong-check-digit.xml")

    assert isinstance(record, VehicleRegistration)
    assert record.vin == "LGXCE4CB3P2019486"
    assert record.plate_color is PlateColor.GREEN
    with pytest.raises(identifiers.InvalidIdentifier, match="expected '7'"):
        identifiers.vin(record.vin)


def test_driving_licences_carry_class_status_and_points() -> None:
    records = records_of("driving-licence-drivers.xml")

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
    records = records_of("traffic-violation-expressway-and-junction.xml")

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
    records = records_of("vehicle-blacklist-listed-and-lifted.xml")

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


def test_every_simulated_document_round_trips_through_export() -> None:
    for name, documents in simulator.documents().items():
        document = adapter.documents[name]
        for data in documents:
            element = validate(document, parse(data))
            records = document.parse(element)
            header = read_header(element)
            assert 1 <= len(records) <= 5

            exported = document.export(records, header)

            again = validate(document, parse(exported))
            assert document.parse(again) == records, name
            assert read_header(again) == header


def test_export_refuses_records_of_another_type_and_empty_batches() -> None:
    header = Header(message_id="m-1", sender="public_security", sent_at="2026-11-25T08:00:00Z")
    (licence, *_) = records_of("driving-licence-drivers.xml")
    registration = adapter.documents["vehicle-registration"]

    with pytest.raises(TypeError, match="VehicleRegistrations carries VehicleRegistration"):
        registration.export([licence], header)
    with pytest.raises(ValueError, match="1 to 1000 records, got 0"):
        registration.export([], header)


def test_the_simulator_is_deterministic_and_mostly_valid() -> None:
    first, again = simulator.documents(count=20, seed=7), simulator.documents(count=20, seed=7)
    assert first == again
    assert simulator.documents(count=20, seed=8) != first
    assert {name: len(docs) for name, docs in first.items()} == dict.fromkeys(adapter.documents, 20)
    ids = [read_header(parse(d).element).message_id for docs in first.values() for d in docs]
    assert len(set(ids)) == len(ids)

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


async def test_the_feed_is_pulled_page_by_page_despite_failures() -> None:
    expected = simulator.documents(30)["traffic-violation"]
    feed = client(
        base_url="http://sim",
        transport=httpx.ASGITransport(app=simulator.app(count=30, fail_every=3)),
    )
    pulled: list[bytes] = []
    cursor: str | None = None

    while True:
        page = await feed.pull("traffic-violation", cursor, limit=7)
        assert len(page.documents) <= 7
        pulled += page.documents
        cursor = page.cursor
        if not page.more:
            break

    assert pulled == expected
    assert feed.agency == "public_security"
