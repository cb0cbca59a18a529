"""A road → rail → water journey fed as real documents through three adapters: one timeline.

The positioning platform's fixes put the truck out of the Suzhou logistics park and into the
Suzhou West rail yard (geofence events), the rail exchange reports the container on the train,
the maritime exchange the vessel's port calls. However the documents arrive — in order, or
shuffled with repeats — the consignment shows the same timeline, leg and status.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from adapters.maritime.mapping import export_port_call
from adapters.positioning.mapping import export_vehicle_position
from adapters.rail.mapping import export_container_event
from hub.canonical.codes import (
    ConsignmentEventKind,
    ContainerEventKind,
    PlateColor,
    PortCallKind,
    StationKind,
    TransportMode,
)
from hub.canonical.geo import distance_m
from hub.canonical.multimodal import Consignment, ConsignmentEvent, Goods, Leg, Party
from hub.canonical.records import ContainerEvent, PortCall, VehiclePosition
from hub.exchange.consignments import consignment_from_xml, consignment_to_xml
from hub.exchange.geofence import RADIUS_M
from hub.exchange.pipeline import Exchange
from hub.exchange.protocol import Header
from hub.exchange.registry import AdapterRegistry
from hub.multimodal import service
from hub.multimodal.access import Writer
from hub.stations.models import Station
from tests.multimodal.test_service import CST, ROAD_CARRIER, container

T0 = dt.datetime(2026, 11, 20, 8, 0, tzinfo=CST)
PLATE = "苏E12345"
MMSI = "413812345"
BOX = container(305438)
PARK = ("SZ-F-001", "苏州工业园区综合物流园", 31.3200, 120.7200, StationKind.FREIGHT_STATION)
YARD = ("SZ-F-002", "苏州西站集装箱货场", 31.3000, 120.5000, StationKind.FREIGHT_STATION)
PORT = ("LYG-T-001", "连云港港连云港区1号码头", 34.7400, 119.4400, StationKind.PORT_TERMINAL)


def _journey() -> Consignment:
    hours = dt.timedelta(hours=1)
    return Consignment(
        reference="JSMM-2026-0001", issued_at=T0 - 24 * hours,
        parties=(Party("shipper", "苏州工业园区华晟电子有限公司", None),
                 Party("consignee", "青岛港湾国际贸易有限公司", None)),
        goods=(Goods("笔记本电脑", 800, "纸箱", 9_600.0, None, None),),
        containers=(BOX,),
        legs=(
            Leg(1, TransportMode.ROAD, ROAD_CARRIER, "苏州顺达物流", PARK[1], YARD[1], YARD[1],
                T0, T0 + 3 * hours, vehicle_plate=PLATE, vehicle_plate_color=PlateColor.YELLOW),
            Leg(2, TransportMode.RAIL, None, "中铁集装箱", "苏州西站", "连云港东站", PORT[1],
                T0 + 5 * hours, T0 + 21 * hours),
            Leg(3, TransportMode.SEA, None, "中远海运", PORT[1], "青岛港", None,
                T0 + 30 * hours, T0 + 48 * hours, vessel_mmsi=MMSI),
        ),
    )  # fmt: skip


def _track() -> list[VehiclePosition]:
    """Three fixes in the park, the drive west every 10 minutes, three fixes in the rail yard."""
    (_, _, lat1, lon1, _), (_, _, lat2, lon2, _) = PARK, YARD
    points = [(lat1, lon1)] * 3 + [
        (lat1 + (lat2 - lat1) * k / 16, lon1 + (lon2 - lon1) * k / 16) for k in range(2, 15)
    ] + [(lat2, lon2)] * 3  # fmt: skip
    return [
        VehiclePosition(
            source_record_id=f"P{n:03d}",
            plate=PLATE,
            plate_color=PlateColor.YELLOW,
            observed_at=T0 + dt.timedelta(minutes=10 * (n - 2)),
            latitude=lat,
            longitude=lon,
            speed_kmh=0.0 if n < 3 else 60.0,
            heading_degrees=270.0,
        )
        for n, (lat, lon) in enumerate(points)
    ]


POS = "positioning"


def _documents() -> list[tuple[str, str, bytes]]:
    track = _track()
    steps = [
        (ContainerEventKind.LOADED, "苏州西站", 4.5),
        (ContainerEventKind.DEPARTED, "苏州西站", 5),
        (ContainerEventKind.ARRIVED, "连云港东站", 21),
        (ContainerEventKind.UNLOADED, "连云港东站", 22),
    ]
    rail = [
        ContainerEvent(f"CE-{n}", BOX, None, kind, station, T0 + dt.timedelta(hours=hours))
        for n, (kind, station, hours) in enumerate(steps)
    ]
    calls = [
        PortCall("PC-1", MMSI, PORT[1], PortCallKind.DEPARTURE, T0 + dt.timedelta(hours=31)),
        PortCall("PC-2", MMSI, "青岛港", PortCallKind.ARRIVAL, T0 + dt.timedelta(hours=47)),
    ]

    def named(message_id: str, sender: str) -> Header:
        # Each agency's documents name it as their sender, as the exchange requires.
        return Header(message_id, sender, T0.isoformat())

    return [
        (POS, "vehicle-position", export_vehicle_position(track[:10], named("vp-1", POS))),
        (POS, "vehicle-position", export_vehicle_position(track[10:], named("vp-2", POS))),
        ("rail", "container-event", export_container_event(rail[:2], named("ce-1", "rail"))),
        ("rail", "container-event", export_container_event(rail[2:], named("ce-2", "rail"))),
        ("maritime", "port-call", export_port_call(calls, named("pc-1", "maritime"))),
    ]


EXPECTED = [
    ("positioning", "GATE_OUT", PARK[1], "ROAD"),
    ("positioning", "GATE_IN", YARD[1], "ROAD"),
    ("rail", "LOAD", "苏州西站", "RAIL"),
    ("rail", "DEPART", "苏州西站", "RAIL"),
    ("rail", "ARRIVE", "连云港东站", "RAIL"),
    ("rail", "DISCHARGE", "连云港东站", "RAIL"),
    ("maritime", "DEPART", PORT[1], None),
    ("maritime", "ARRIVE", "青岛港", None),
]


async def _arrange(sessions: Any) -> None:
    now = dt.datetime.now(dt.UTC)
    async with sessions() as session, session.begin():
        for code, name, lat, lon, kind in (PARK, YARD, PORT):
            session.add(
                Station(code=code, name=name, kind=kind, latitude=lat, longitude=lon,
                        address=name, region_code="320500", source="test",
                        source_record_id=code, received_at=now)
            )  # fmt: skip
        await service.book(session, _journey(), "test")


@pytest.mark.parametrize("arrival", ["in order", "shuffled and repeated"])
async def test_a_journey_through_three_adapters_has_one_timeline(
    sessions: Any, arrival: str
) -> None:
    await _arrange(sessions)
    exchange = Exchange(AdapterRegistry.discover(), sessions)
    documents = _documents()
    if arrival != "in order":
        # Sent again under new message ids: the pipeline takes them, the events are the same.
        again = [
            (agency, kind, body.replace(b">vp-", b">again-vp-").replace(b">ce-", b">again-ce-"))
            for agency, kind, body in documents[:3]
        ]
        documents = documents + again
        random.Random(7).shuffle(documents)
    receipts = [
        await exchange.receive_and_process(agency, body, "push") for agency, _, body in documents
    ]

    async with sessions() as session:
        row = await service.find(session, "JSMM-2026-0001")
        events = await service.timeline(session, row.id)
        state = service.progress(await service.legs_of(session, row.id), events)

    assert {r.status for r in receipts} == {"processed"}
    assert not any(r.duplicate for r in receipts)
    assert [(e.source, e.kind.name, e.location, e.mode and e.mode.name) for e in events] == EXPECTED
    assert row.status.name == "IN_TRANSIT"
    assert state.current_leg == 3
    # The last event (arrival at Qingdao) is an hour early: the ETA stays on the plan.
    assert state.eta == T0 + dt.timedelta(hours=48)
    gate_out, gate_in = events[0], events[1]
    assert gate_out.occurred_at == T0 + dt.timedelta(minutes=10)  # the first fix outside
    assert gate_in.vehicle_plate == PLATE


def test_the_track_crosses_the_fences_where_the_test_says() -> None:
    track = _track()
    inside = [
        distance_m((p.latitude, p.longitude), (PARK[2], PARK[3])) <= RADIUS_M
        or distance_m((p.latitude, p.longitude), (YARD[2], YARD[3])) <= RADIUS_M
        for p in track
    ]
    assert inside == [True] * 3 + [False] * 13 + [True] * 3


async def _fed(sessions: Any, documents: list[bytes]) -> list[tuple[str, str]]:
    exchange = Exchange(AdapterRegistry.discover(), sessions)
    for document in documents:
        receipt = await exchange.receive_and_process("positioning", document, "push")
        assert receipt.status == "processed"
    async with sessions() as session:
        row = await service.find(session, "JSMM-2026-0001")
        return [(e.kind.name, e.location) for e in await service.timeline(session, row.id)]


async def test_a_late_document_that_completes_a_crossing_adds_it(sessions: Any) -> None:
    await _arrange(sessions)
    track = _track()
    # The first fixes out of the park and in the yard come last, each in a document of its own:
    # before them the crossings are found from the fixes either side, and found once.
    parts = [track[:3], track[4:16], track[17:], track[3:4], track[16:17]]
    documents = [
        export_vehicle_position(part, Header(f"vp-{n}", "positioning", T0.isoformat()))
        for n, part in enumerate(parts)
    ]

    assert await _fed(sessions, documents) == [("GATE_OUT", PARK[1]), ("GATE_IN", YARD[1])]


async def test_fixes_too_far_apart_say_nothing_of_a_crossing(sessions: Any) -> None:
    await _arrange(sessions)
    track = _track()
    # Parked in the park, then nothing for two hours, then parked in the yard.
    gap = track[:3] + track[-3:]
    document = export_vehicle_position(gap, Header("vp-gap", "positioning", T0.isoformat()))

    assert await _fed(sessions, [document]) == []


async def test_the_whole_journey_goes_out_as_one_valid_document_and_back(sessions: Any) -> None:
    await _arrange(sessions)
    exchange = Exchange(AdapterRegistry.discover(), sessions)
    for agency, _, body in _documents():
        await exchange.receive_and_process(agency, body, "push")
    delivered = ConsignmentEvent(
        source="test", source_event_id="DLVD-1", kind=ConsignmentEventKind.DELIVERED,
        occurred_at=T0 + dt.timedelta(hours=50), location="青岛港湾国际贸易有限公司仓库",
        consignment_reference="JSMM-2026-0001",
    )  # fmt: skip
    async with sessions() as session, session.begin():
        await service.report(session, delivered, Writer("test"), None, T0)
        row = await service.find(session, "JSMM-2026-0001")
        consignment, events = await service.as_record(session, row)

    document = consignment_to_xml(consignment, events, Header("x", "hub", T0.isoformat()))

    # Geofence events (ids of ASCII only), agency events and a client's report, all valid.
    assert consignment_from_xml(document) == (consignment, events)
    assert {event.source for event in events} == {"positioning", "rail", "maritime", "test"}
