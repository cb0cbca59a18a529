"""The multimodal documents: their XSDs, examples, and the mapping both ways, losslessly."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from hub.canonical import multimodal
from hub.canonical.codes import (
    ConsignmentEventKind,
    DangerousGoodsClass,
    PlateColor,
    TransportMode,
)
from hub.canonical.multimodal import Consignment, ConsignmentEvent, Goods, Leg, Party
from hub.exchange.consignments import (
    CONSIGNMENT_NS,
    CONSIGNMENT_SCHEMA,
    STATUS_EVENT_NS,
    STATUS_EVENT_SCHEMA,
    WAYBILL_NS,
    WAYBILL_SCHEMA,
    consignment_from_xml,
    consignment_to_xml,
    events_from_xml,
    events_to_xml,
    waybills_from_xml,
    waybills_to_xml,
)
from hub.exchange.protocol import STANDARDS_DIR, Header
from hub.exchange.validation import MAX_DOCUMENT_BYTES, InvalidDocument, parse, schema

EXAMPLES = WAYBILL_SCHEMA.parent / "examples"
VALID = sorted((EXAMPLES / "valid").glob("*.xml"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.xml"))
SUZHOU = EXAMPLES / "valid" / "waybill-suzhou-lianyungang-xuzhou.xml"
NANJING = EXAMPLES / "valid" / "waybill-nanjing-taicang.xml"
SUZHOU_EVENTS = EXAMPLES / "valid" / "status-event-suzhou-lianyungang-xuzhou.xml"
SUZHOU_RECORD = EXAMPLES / "valid" / "consignment-suzhou-lianyungang-xuzhou.xml"
XS = "{http://www.w3.org/2001/XMLSchema}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CST = dt.timezone(dt.timedelta(hours=8))
HEADER = Header(message_id="TEST-0001", sender="JSMM", sent_at="2026-11-27T12:00:00+08:00")
SCHEMAS = {
    "waybill": (WAYBILL_SCHEMA, WAYBILL_NS, "Waybills"),
    "status-event": (STATUS_EVENT_SCHEMA, STATUS_EVENT_NS, "StatusEvents"),
    "consignment": (CONSIGNMENT_SCHEMA, CONSIGNMENT_NS, "ConsignmentRecord"),
}
READERS: dict[str, Callable[[bytes], Any]] = {
    "waybill": waybills_from_xml,
    "status-event": events_from_xml,
    "consignment": consignment_from_xml,
}
WRITERS: dict[str, Callable[[Any], bytes]] = {
    "waybill": lambda consignments: waybills_to_xml(consignments, HEADER),
    "status-event": lambda events: events_to_xml(events, HEADER),
    "consignment": lambda record: consignment_to_xml(record[0], record[1], HEADER),
}


def kind_of(path: Path) -> str:
    """The document an example is named after (``<document>-<what>.xml``)."""
    (kind,) = [kind for kind in SCHEMAS if re.match(rf"{kind}-[a-z]", path.name)]
    return kind


def read(path: Path) -> Any:
    return READERS[kind_of(path)](path.read_bytes())


def suzhou() -> Consignment:
    (consignment,) = waybills_from_xml(SUZHOU.read_bytes())
    return consignment


def bare() -> Consignment:
    """A consignment with every optional value left out."""
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=CST)
    return Consignment(
        reference="JSMM-TEST-000001",
        issued_at=start,
        parties=(Party("shipper", "甲", None), Party("consignee", "乙", None)),
        goods=(Goods("钢材", 1, "捆", 1.0, None, None),),
        containers=(),
        legs=(Leg(1, TransportMode.SEA, None, "丙", "连云港港", "釜山港", None, start, start),),
    )


def full() -> Consignment:
    """Every optional value given, in the awkward shapes the mapping must keep exactly."""
    utc = dt.datetime(2026, 12, 1, 0, 0, 0, 1, tzinfo=dt.UTC)
    nepal = dt.timezone(dt.timedelta(hours=5, minutes=45))
    new_york = dt.timezone(dt.timedelta(hours=-5))
    return Consignment(
        reference="JSMM-TEST-000002",
        issued_at=utc,
        parties=(
            Party("consignee", "R&D <实验室>  两个空格", "91320300MA1W5H6D28"),
            Party("carrier", "承运人", None),
            Party("shipper", "Müller & Söhne GmbH 🚢", None),
            Party("shipper", "第二发货人", "91320594MA1X7K2B6U"),
        ),
        goods=(
            Goods("溶剂", 3, "桶", 0.1, "1993", "3"),
            Goods("样品", 1, "信封", 1e-05, None, None),
            Goods("铁矿石", 999_999, "散装", 123_456_789.123, None, None),
            Goods("三分之一", 7, "箱", 1 / 3, "3480", "9"),
        ),
        containers=("TGHU3054380", "CBHU4128706", "CSNU6265178"),
        legs=(
            Leg(
                2,
                TransportMode.ROAD,
                "91320594MA1Y2L5H1N",
                "车队",
                "工厂",
                "码头",
                "码头闸口",
                utc.astimezone(nepal),
                utc.astimezone(new_york) + dt.timedelta(hours=3),
                vehicle_plate="苏EF12345",
                vehicle_plate_color=PlateColor.GREEN,
            ),
            Leg(
                1,
                TransportMode.INLAND_WATER,
                None,
                "船公司",
                "南京港",
                "太仓港",
                None,
                utc,
                utc + dt.timedelta(days=1),
                vehicle_plate="苏E8H352",
                vessel_mmsi="413812345",
                rail_waybill_number="20261126108831",
            ),
        ),
    )


def events() -> list[ConsignmentEvent]:
    """Each reference alone, and every optional value, in awkward shapes."""
    at = dt.datetime(2026, 12, 2, 9, 30, 15, 250_000, tzinfo=CST)
    return [
        ConsignmentEvent("src", "1", ConsignmentEventKind.GATE_OUT, at, "码头", "JSMM-TEST-000002"),
        # A wrong check digit: events are kept as their source sent them.
        ConsignmentEvent(
            "src", "2", ConsignmentEventKind.EXCEPTION, at, "码头", container_number="CSNU6265179"
        ),
        ConsignmentEvent(
            "src", "3", ConsignmentEventKind.DEPART, at, "闸口", vehicle_plate="苏E8H352"
        ),
        ConsignmentEvent(
            "src.b:2",
            "x_4-y",
            ConsignmentEventKind.ARRIVE,
            at.astimezone(dt.UTC),
            "太仓港",
            consignment_reference="JSMM-TEST-000002",
            container_number="TGHU3054380",
            vehicle_plate="苏E5K721",
            vessel_mmsi="413812345",
            mode=TransportMode.INLAND_WATER,
            remarks="  第一行 & <备注>\n\t第二行  ",
        ),
    ]


# -- the XSDs -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", SCHEMAS)
def test_schema_compiles_and_declares_its_namespace_version_and_root(kind: str) -> None:
    path, ns, root = SCHEMAS[kind]

    compiled = schema(path)

    assert path.parent == STANDARDS_DIR / "multimodal"
    assert ns == f"urn:js-transport-hub:multimodal:{kind}:1.0"
    assert compiled.target_namespace == ns
    assert compiled.version == "1.0"
    assert list(compiled.elements) == [root]


@pytest.mark.parametrize("kind", SCHEMAS)
def test_every_schema_component_is_documented_in_chinese_then_english(kind: str) -> None:
    tree = etree.parse(str(SCHEMAS[kind][0]))
    components = tree.iter(
        f"{XS}schema", f"{XS}element", f"{XS}complexType", f"{XS}simpleType", f"{XS}enumeration"
    )
    for component in components:
        docs = component.findall(f"{XS}annotation/{XS}documentation")
        where = component.get("name") or component.get("ref") or component.get("value")
        assert [d.get(XML_LANG) for d in docs] == ["zh", "en"], f"{where} needs zh, en docs"
        assert all((d.text or "").strip() for d in docs), f"{where} has an empty documentation"


def test_code_lists_in_the_schemas_are_the_canonical_enums() -> None:
    waybill, status_event = schema(WAYBILL_SCHEMA), schema(STATUS_EVENT_SCHEMA)

    rec19 = ["1", "2", "3", "4", "5", "7", "8", "9"]
    assert (
        waybill.types["TransportModeType"].enumeration == [m.value for m in TransportMode] + rec19
    )
    assert waybill.types["PlateColorType"].enumeration == [c.value for c in PlateColor]
    assert waybill.types["DangerousGoodsClassType"].enumeration == [
        c.value for c in DangerousGoodsClass
    ]
    assert status_event.types["EventKindType"].enumeration == [
        k.value for k in ConsignmentEventKind
    ]


# -- examples --------------------------------------------------------------------------------


def test_every_document_has_valid_and_invalid_examples() -> None:
    for kind in SCHEMAS:
        valid = [p.name for p in VALID if kind_of(p) == kind]
        invalid = [p.name for p in INVALID if kind_of(p) == kind]
        assert valid, f"no valid example of {kind}"
        bad_code = "-bad-kind" if kind == "status-event" else "-bad-mode"
        for what in ("-wrong-namespace", "-missing-", bad_code, "-bad-container-number"):
            assert any(what in name for name in invalid), f"no invalid {kind} example {what}"
    invalid_names = {p.stem for p in INVALID}
    assert {"waybill-no-consignee", "status-event-no-reference"} <= invalid_names


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_example_parses(path: Path) -> None:
    assert read(path)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_example_is_refused_with_its_expected_reason(path: Path) -> None:
    match = re.fullmatch(r"<!-- expect: (.+) -->", path.read_text(encoding="utf-8").splitlines()[1])
    assert match, f"{path.name}: line 2 must be <!-- expect: ... -->"

    with pytest.raises((InvalidDocument, ValueError)) as refused:
        read(path)

    assert match.group(1) in str(refused.value)


def test_the_suzhou_waybill_goes_by_road_then_rail_in_two_containers() -> None:
    consignment = suzhou()

    assert consignment.reference == "JSMM-2026-1125-000108"
    assert consignment.issued_at == dt.datetime(2026, 11, 24, 16, 30, tzinfo=CST)
    assert consignment.issued_at.utcoffset() == dt.timedelta(hours=8)
    assert [p.role for p in consignment.parties] == ["shipper", "consignee", "carrier"]
    assert consignment.containers == ("CBHU4128706", "TGHU3054380")
    assert [(g.un_number, g.hazard_class) for g in consignment.goods] == [
        (None, None),
        ("3480", "9"),
    ]
    road, rail = consignment.legs
    assert (road.mode, road.vehicle_plate, road.vehicle_plate_color) == (
        TransportMode.ROAD,
        "苏E5K721",
        PlateColor.YELLOW,
    )
    assert road.handover_point == road.destination == "连云港港铁路集装箱中心站"
    assert (rail.mode, rail.destination, rail.rail_waybill_number) == (
        TransportMode.RAIL,
        "徐州北站",
        "20261126108831",
    )
    assert (rail.carrier_uscc, rail.handover_point, rail.vehicle_plate) == (None, None, None)


def test_a_waybill_with_recommendation_19_numeric_modes_is_read_and_written_with_letters() -> None:
    # Given the Suzhou waybill as a sender using UN/CEFACT Rec 19's numeric codes writes it
    numeric = (
        SUZHOU.read_bytes()
        .replace(b"<Mode>ROAD<", b"<Mode>3<")
        .replace(b"<Mode>RAIL<", b"<Mode>2<")
    )
    assert numeric != SUZHOU.read_bytes()

    # When it is read, and written back
    (consignment,) = waybills_from_xml(numeric)
    written = waybills_to_xml([consignment], HEADER)

    # Then the legs are the same modes as with letters, and the hub writes the letters
    assert consignment == suzhou()
    assert [leg.mode for leg in consignment.legs] == [TransportMode.ROAD, TransportMode.RAIL]
    assert b"<Mode>ROAD</Mode>" in written
    assert b"<Mode>3</Mode>" not in written


def test_every_recommendation_19_code_names_one_mode() -> None:
    codes = {"1": "SEA", "2": "RAIL", "3": "ROAD", "4": "AIR", "5": "MAIL", "7": "FIXED"}
    codes |= {"8": "INLAND_WATER", "9": "NOT_KNOWN"}
    assert {code: TransportMode(code).value for code in codes} == codes
    with pytest.raises(ValueError, match="'6' is not a valid TransportMode"):
        TransportMode("6")


def test_the_nanjing_waybill_goes_by_river_then_road() -> None:
    (consignment,) = waybills_from_xml(NANJING.read_bytes())

    river, road = consignment.legs
    assert (river.mode, river.origin, river.vessel_mmsi) == (
        TransportMode.INLAND_WATER,
        "南京港龙潭港区",
        "413812345",
    )
    assert (road.mode, road.vehicle_plate, road.vehicle_plate_color) == (
        TransportMode.ROAD,
        "苏E8H352",
        None,
    )
    assert consignment.parties[1].uscc is None


def test_the_suzhou_events_follow_the_journey() -> None:
    consignment, events = suzhou(), events_from_xml(SUZHOU_EVENTS.read_bytes())

    kinds = {event.kind.value for event in events}
    assert {"GTIN", "LOAD", "DEPA", "ARRI", "DISC", "HAND", "DLVD"} <= kinds
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    for event in events:
        assert (
            event.consignment_reference == consignment.reference
            or event.container_number in consignment.containers
            or event.vehicle_plate == consignment.legs[0].vehicle_plate
        ), f"{event.source_event_id} is not about the Suzhou consignment"


def test_the_consignment_record_is_the_waybill_with_its_events() -> None:
    record = consignment_from_xml(SUZHOU_RECORD.read_bytes())

    assert record == (suzhou(), events_from_xml(SUZHOU_EVENTS.read_bytes()))


# -- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_writing_a_valid_example_again_gives_the_same_records(path: Path) -> None:
    kind, records = kind_of(path), read(path)

    again = READERS[kind](WRITERS[kind](records))

    assert again == records


@pytest.mark.parametrize("consignment", [bare(), full()], ids=["bare", "full"])
@pytest.mark.parametrize("with_events", [False, True], ids=["no-events", "events"])
def test_a_consignment_record_round_trips_exactly(
    consignment: Consignment, with_events: bool
) -> None:
    given = events() if with_events else []

    data = consignment_to_xml(consignment, given, HEADER)

    assert schema(CONSIGNMENT_SCHEMA).is_valid(parse(data).resource)
    assert consignment_from_xml(data) == (consignment, given)
    assert (b"<Events>" in data) is with_events


def test_waybills_and_events_round_trip_exactly_and_validate() -> None:
    waybills, given = [bare(), full(), suzhou()], events()

    waybill_data, event_data = waybills_to_xml(waybills, HEADER), events_to_xml(given, HEADER)

    assert schema(WAYBILL_SCHEMA).is_valid(parse(waybill_data).resource)
    assert schema(STATUS_EVENT_SCHEMA).is_valid(parse(event_data).resource)
    assert waybills_from_xml(waybill_data) == waybills
    assert events_from_xml(event_data) == given


def test_round_trips_keep_offsets_weights_and_optional_values_exactly() -> None:
    (again,) = waybills_from_xml(waybills_to_xml([full()], HEADER))
    (event,) = events_from_xml(events_to_xml(events()[3:], HEADER))

    offsets = [leg.planned_departure.utcoffset() for leg in again.legs]
    assert offsets == [dt.timedelta(hours=5, minutes=45), dt.timedelta(0)]
    assert [g.gross_weight_kg for g in again.goods] == [0.1, 1e-05, 123_456_789.123, 1 / 3]
    assert again.legs[1].vehicle_plate_color is None
    assert again.legs[0].vehicle_plate_color is PlateColor.GREEN
    assert again.legs[1].carrier_uscc is None
    assert event.remarks == "  第一行 & <备注>\n\t第二行  "
    assert event.occurred_at.microsecond == 250_000


def test_weights_are_written_as_plain_decimals() -> None:
    data = waybills_to_xml([full()], HEADER)

    assert b"<GrossWeightKg>0.00001</GrossWeightKg>" in data
    assert b"<GrossWeightKg>123456789.123</GrossWeightKg>" in data


# -- what is refused -------------------------------------------------------------------------


def test_a_document_over_the_size_limit_is_refused() -> None:
    data = SUZHOU.read_bytes().replace(
        b"<h:Header>", b"<!--" + b" " * MAX_DOCUMENT_BYTES + b"-->\n<h:Header>"
    )

    with pytest.raises(InvalidDocument) as refused:
        waybills_from_xml(data)

    assert "the limit is" in refused.value.reason


@pytest.mark.parametrize("kind", SCHEMAS)
def test_a_document_with_an_external_entity_is_refused(kind: str) -> None:
    _, ns, root = SCHEMAS[kind]
    data = (
        f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<{root} xmlns="{ns}">&x;</{root}>'
    ).encode()

    with pytest.raises(InvalidDocument) as refused:
        READERS[kind](data)

    assert "Entities are forbidden" in refused.value.reason


def test_a_waybill_without_a_consignee_is_not_written() -> None:
    consignment = dataclasses.replace(bare(), parties=(Party("shipper", "甲", None),))

    with pytest.raises(ValueError, match="at least one shipper and one consignee"):
        waybills_to_xml([consignment], HEADER)


def test_a_waybill_with_a_wrong_container_check_digit_is_not_written() -> None:
    consignment = dataclasses.replace(bare(), containers=("CSNU6265179",))

    with pytest.raises(ValueError, match=r"Container\[1\]: 'CSNU6265179' check digit is wrong"):
        consignment_to_xml(consignment, [], HEADER)


def test_an_event_without_a_reference_is_not_written() -> None:
    event = dataclasses.replace(events()[0], consignment_reference=None)

    with pytest.raises(ValueError, match="needs at least one reference"):
        events_to_xml([event], HEADER)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"issued_at": dt.datetime(2026, 12, 1, 8, 0)}, "IssuedAt: .* has no time zone"),
        (
            {"issued_at": dt.datetime(2026, 12, 1, tzinfo=dt.timezone(dt.timedelta(seconds=30)))},
            "offset xs:dateTime cannot hold",
        ),
        ({"goods": (Goods("钢材", 1, "捆", float("nan"), None, None),)}, "not a number"),
        ({"goods": (Goods("钢材", 1, "捆", 1.0, "1993", None),)}, "needs both UnNumber and Class"),
        (
            {"parties": (Party("shipper", "甲\x00", None), Party("consignee", "乙", None))},
            "XML cannot carry unchanged",
        ),
        (
            {"parties": (Party("shipper", "甲\r\n", None), Party("consignee", "乙", None))},
            "XML cannot carry unchanged",
        ),
    ],
)
def test_values_a_document_cannot_hold_are_not_written(change: dict[str, Any], rule: str) -> None:
    consignment = dataclasses.replace(bare(), **change)

    with pytest.raises(ValueError, match=rule):
        waybills_to_xml([consignment], HEADER)


def test_a_plate_colour_without_a_plate_is_not_written() -> None:
    (leg,) = bare().legs
    consignment = dataclasses.replace(
        bare(), legs=(dataclasses.replace(leg, vehicle_plate_color=PlateColor.BLUE),)
    )

    with pytest.raises(ValueError, match="Vehicle needs a Plate"):
        waybills_to_xml([consignment], HEADER)


@pytest.mark.parametrize("count", [0, 101])
def test_a_waybill_document_carries_one_to_a_hundred_waybills(count: int) -> None:
    with pytest.raises(ValueError, match=f"1-100 waybills, not {count}"):
        waybills_to_xml([bare()] * count, HEADER)


def test_an_event_document_carries_at_least_one_event() -> None:
    with pytest.raises(ValueError, match="1-1000 events, not 0"):
        events_to_xml([], HEADER)


def _simple_type(xsd: Path, name: str) -> Any:
    found = etree.parse(str(xsd)).getroot().find(f"{XS}simpleType[@name='{name}']")
    assert found is not None, f"{xsd.name} has no simple type {name}"
    return found


def test_graphql_input_is_held_to_the_rules_of_the_standard() -> None:
    waybill, events = WAYBILL_SCHEMA, STATUS_EVENT_SCHEMA

    def pattern(xsd: Path, name: str) -> str | None:
        found = _simple_type(xsd, name).find(f"{XS}restriction/{XS}pattern")
        return None if found is None else found.get("value")

    def limit(xsd: Path, name: str, facet: str) -> str | None:
        found = _simple_type(xsd, name).find(f"{XS}restriction/{XS}{facet}")
        return None if found is None else found.get("value")

    assert pattern(waybill, "ReferenceType") == multimodal.REFERENCE
    assert pattern(waybill, "RailWaybillNumberType") == multimodal.RAIL_WAYBILL_NUMBER
    assert pattern(events, "SourceType") == multimodal.SOURCE
    assert pattern(events, "SourceEventIdType") == multimodal.SOURCE_EVENT_ID
    assert limit(waybill, "TextType", "maxLength") == str(multimodal.TEXT_MAX)
    assert limit(events, "RemarksType", "maxLength") == str(multimodal.REMARKS_MAX)
    assert limit(waybill, "WeightKgType", "maxExclusive") == str(multimodal.WEIGHT_MAX_KG)
