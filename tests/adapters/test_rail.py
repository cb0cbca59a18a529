"""The rail adapter's own rules: its samples' records, its refusals and the waybills and container
journeys it simulates (what every adapter does: test_every_adapter.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from adapters.rail import adapter, simulator
from hub.canonical import identifiers
from hub.canonical.codes import ContainerEventKind
from hub.canonical.records import ContainerEvent, RailWaybill
from hub.exchange.protocol import Header
from hub.exchange.validation import parse
from tests.adapters.cases import valid_sample

CHINA = dt.timezone(dt.timedelta(hours=8))


# -- the registry entry ---------------------------------------------------------------------


def test_the_adapter_is_titled_rail_freight_exchange() -> None:
    assert adapter.title == ("铁路货运交易平台", "Rail freight exchange")


# -- samples ----------------------------------------------------------------------------------


def test_waybill_sample_maps_to_records() -> None:
    intermodal, coal = valid_sample(adapter, "rail-waybill-intermodal.xml")

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
    (waybill,) = valid_sample(adapter, "rail-waybill-bad-check-digit.xml")

    assert isinstance(waybill, RailWaybill)
    assert waybill.containers == ("TBJU8872161",)
    with pytest.raises(identifiers.InvalidIdentifier, match="expected '0'"):
        identifiers.container_number(waybill.containers[0])


def test_container_event_sample_maps_to_records() -> None:
    events = valid_sample(adapter, "container-event-journey.xml")

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


def test_export_refuses_records_of_another_document_type() -> None:
    waybills = valid_sample(adapter, "rail-waybill-intermodal.xml")
    header = Header(message_id="rail-test-1", sender="rail", sent_at="2026-11-25T09:05:00+08:00")

    with pytest.raises(TypeError, match="cannot carry RailWaybill"):
        adapter.documents["container-event"].export(waybills, header)


# -- the simulator --------------------------------------------------------------------------


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
