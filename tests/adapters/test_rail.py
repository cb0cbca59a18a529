"""The rail adapter: its XSDs, samples, mapping both ways, simulator and feed client."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from lxml import etree

from adapters.rail import adapter, simulator
from adapters.rail.client import client
from hub.canonical import identifiers
from hub.canonical.codes import ContainerEventKind
from hub.canonical.records import ContainerEvent, RailWaybill, Record
from hub.exchange.protocol import DocumentType, Header, namespace, read_header
from hub.exchange.validation import InvalidDocument, parse, schema, validate

SAMPLES = Path(simulator.__file__).parent / "samples"
VALID = sorted((SAMPLES / "valid").glob("*.xml"))
INVALID = sorted((SAMPLES / "invalid").glob("*.xml"))
XS = "{http://www.w3.org/2001/XMLSchema}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CHINA = dt.timezone(dt.timedelta(hours=8))


def document_type(path: Path) -> DocumentType:
    """The document type a sample is named after (``<document>-<what>.xml``)."""
    (name,) = [name for name in adapter.documents if path.name.startswith(f"{name}-")]
    return adapter.documents[name]


def records_of(path: Path) -> tuple[Record, ...]:
    document = document_type(path)
    return document.parse(validate(document, parse(path.read_bytes())))


# -- the registry entry and the XSDs --------------------------------------------------------


def test_adapter_declares_both_rail_document_types() -> None:
    assert adapter.name == "rail"
    assert adapter.title == ("铁路货运交易平台", "Rail freight exchange")
    assert sorted(adapter.documents) == ["container-event", "rail-waybill"]
    for name, document in adapter.documents.items():
        assert document.name == name
        assert document.namespace == namespace("rail", name)
        assert document.schema.is_file(), f"{document.schema} is missing"


@pytest.mark.parametrize("document", adapter.documents.values(), ids=lambda d: d.name)
def test_schema_compiles_and_declares_the_root(document: DocumentType) -> None:
    compiled = schema(document.schema)

    assert compiled.target_namespace == document.namespace
    assert compiled.version == "1.0"
    assert list(compiled.elements) == [document.root]


@pytest.mark.parametrize("document", adapter.documents.values(), ids=lambda d: d.name)
def test_every_schema_component_is_documented_in_chinese_then_english(
    document: DocumentType,
) -> None:
    tree = etree.parse(str(document.schema))
    components = tree.iter(f"{XS}element", f"{XS}complexType", f"{XS}simpleType")
    for component in components:
        docs = component.findall(f"{XS}annotation/{XS}documentation")
        where = component.get("name") or component.get("ref")
        assert [d.get(XML_LANG) for d in docs] == ["zh", "en"], f"{where} needs zh, en docs"
        assert all((d.text or "").strip() for d in docs), f"{where} has an empty documentation"


def test_container_event_kinds_in_the_schema_are_the_code_list() -> None:
    compiled = schema(adapter.documents["container-event"].schema)

    enumeration = compiled.types["ContainerEventKindType"].enumeration

    assert enumeration == [kind.value for kind in ContainerEventKind]


# -- samples ----------------------------------------------------------------------------------


def test_every_document_type_has_valid_and_invalid_samples() -> None:
    for name in adapter.documents:
        valid = [p.name for p in VALID if p.name.startswith(f"{name}-")]
        invalid = [p.name for p in INVALID if p.name.startswith(f"{name}-")]
        assert valid, f"no valid sample of {name}"
        for what in ("wrong-namespace", "missing-", "bad-"):
            assert any(what in n for n in invalid), f"no invalid {name} sample with {what}"


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_sample_validates_and_parses(path: Path) -> None:
    document = document_type(path)

    records = records_of(path)

    assert records, f"{path.name} carries no records"
    assert all(isinstance(r, document.record_types) for r in records)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_sample_is_refused_with_the_expected_reason(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(r"<!-- expect: (.+) -->", text.splitlines()[1])
    assert match, f"{path.name}: line 2 must be <!-- expect: ... -->"

    with pytest.raises(InvalidDocument) as refused:
        validate(document_type(path), parse(path.read_bytes()))

    assert match.group(1) in refused.value.reason


def test_waybill_sample_maps_to_records() -> None:
    intermodal, coal = records_of(SAMPLES / "valid" / "rail-waybill-intermodal.xml")

    assert intermodal == RailWaybill(
        source_record_id="WB0000108831",
        waybill_number="20261125108831",
        shipper="苏州工业园区华晟电子有限公司",
        consignee="连云港港口国际集装箱代理有限公司",
        origin_station="苏州西站",
        destination_station="连云港东站",
        goods="笔记本电脑",
        weight_kg=31460,
        containers=("TBJU3054388", "CBHU4128706"),
    )
    assert isinstance(coal, RailWaybill)
    assert (coal.goods, coal.weight_kg, coal.containers) == ("煤炭", 2_880_000, ())


def test_a_container_number_with_a_wrong_check_digit_is_kept_as_received() -> None:
    (waybill,) = records_of(SAMPLES / "valid" / "rail-waybill-bad-check-digit.xml")

    assert isinstance(waybill, RailWaybill)
    assert waybill.containers == ("TBJU8872161",)
    with pytest.raises(identifiers.InvalidIdentifier, match="expected '0'"):
        identifiers.container_number(waybill.containers[0])


def test_container_event_sample_maps_to_records() -> None:
    events = records_of(SAMPLES / "valid" / "container-event-journey.xml")

    assert events[0] == ContainerEvent(
        source_record_id="CE0000530101",
        container_number="TBJU3054388",
        waybill_number="20261125108831",
        kind=ContainerEventKind.LOADED,
        station="苏州西站",
        occurred_at=dt.datetime(2026, 11, 25, 8, 42, tzinfo=CHINA),
    )
    assert [e.kind.value for e in events if isinstance(e, ContainerEvent)] == [
        "LOAD", "DEPA", "ARRI", "DISC", "LOAD",
    ]  # fmt: skip
    repositioning = events[-1]
    assert isinstance(repositioning, ContainerEvent)
    assert repositioning.waybill_number is None
    assert repositioning.occurred_at.utcoffset() == dt.timedelta(0), "the offset sent is kept"


# -- mapping back out -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rail-waybill", "container-event"])
def test_simulated_documents_round_trip(name: str) -> None:
    document = adapter.documents[name]
    for data in simulator.documents()[name]:
        element = validate(document, parse(data))
        records = document.parse(element)

        exported = document.export(records, read_header(element))

        assert document.parse(validate(document, parse(exported))) == records
        assert exported == data, "the simulator builds its documents with export"


def test_export_refuses_records_of_another_document_type() -> None:
    waybills = records_of(SAMPLES / "valid" / "rail-waybill-intermodal.xml")
    header = Header(message_id="rail-test-1", sender="rail", sent_at="2026-11-25T09:05:00+08:00")

    with pytest.raises(TypeError, match="cannot carry RailWaybill"):
        adapter.documents["container-event"].export(waybills, header)
    with pytest.raises(ValueError, match="1-1000 records, not 0"):
        adapter.documents["rail-waybill"].export((), header)


# -- the simulator --------------------------------------------------------------------------


def test_simulator_is_deterministic_and_numbers_messages_uniquely() -> None:
    first, again = simulator.documents(count=12, seed=3), simulator.documents(count=12, seed=3)

    assert first == again
    assert first != simulator.documents(count=12, seed=4)
    for name, documents in first.items():
        assert len(documents) == 12
        ids = [read_header(parse(d).element).message_id for d in documents]
        assert ids == [f"rail-{name}-{n:06d}" for n in range(1, 13)]
        sizes = [len(adapter.documents[name].parse(parse(d).element)) for d in documents]
        assert all(1 <= size <= 5 for size in sizes), sizes


def test_simulated_identifiers_are_valid() -> None:
    for name, documents in simulator.documents().items():
        for data in documents:
            for record in adapter.documents[name].parse(parse(data).element):
                numbers = (
                    record.containers
                    if isinstance(record, RailWaybill)
                    else (record.container_number,)
                    if isinstance(record, ContainerEvent)
                    else ()
                )
                for number in numbers:
                    assert identifiers.container_number(number) == number


def test_simulated_containers_are_loaded_leave_arrive_and_are_unloaded_in_order() -> None:
    feed = simulator.documents(count=40)
    waybills = {
        r.waybill_number: r
        for data in feed["rail-waybill"]
        for r in adapter.documents["rail-waybill"].parse(parse(data).element)
        if isinstance(r, RailWaybill)
    }
    journeys: dict[tuple[str, str | None], list[ContainerEvent]] = defaultdict(list)
    for data in feed["container-event"]:
        for event in adapter.documents["container-event"].parse(parse(data).element):
            assert isinstance(event, ContainerEvent)
            journeys[event.container_number, event.waybill_number].append(event)

    order = list(ContainerEventKind)
    assert len(journeys) > 10
    for (container, waybill_number), events in journeys.items():
        kinds = [e.kind for e in events]
        assert kinds == order[: len(kinds)], f"{container}: {kinds}"
        times = [e.occurred_at for e in events]
        assert times == sorted(times), f"{container}: events out of time order"
        waybill = waybills[waybill_number or ""]
        assert container in waybill.containers
        stations = {waybill.origin_station} | {waybill.destination_station}
        assert {e.station for e in events} <= stations


# -- the feed -------------------------------------------------------------------------------


async def test_feed_is_pulled_page_by_page_despite_injected_failures() -> None:
    expected = simulator.documents(count=30)
    feed = client(
        base_url="http://sim",
        transport=httpx.ASGITransport(app=simulator.app(count=30, fail_every=3)),
    )
    for name in adapter.documents:
        pulled: list[bytes] = []
        cursor: str | None = None
        while True:
            page = await feed.pull(name, cursor, limit=7)
            assert len(page.documents) <= 7
            pulled.extend(page.documents)
            cursor = page.cursor
            if not page.more:
                break

        assert pulled == expected[name]
    assert feed.agency == "rail"
