"""Consignments: booked once, events attached by any reference, in time order, never twice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

import pytest
from stdnum import iso6346

from hub.canonical.codes import ConsignmentEventKind, ConsignmentStatus, PlateColor, TransportMode
from hub.canonical.multimodal import Consignment, ConsignmentEvent, Goods, Leg, Party
from hub.errors import BadUserInput
from hub.multimodal import service

CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 11, 20, 8, 0, tzinfo=CST)


def container(serial: int) -> str:
    body = f"CSQU{serial:06d}"
    return body + iso6346.calc_check_digit(body)


ROAD_CARRIER = "91320594MA1M00001H"
RAIL_CARRIER = "91320700MA1N00002C"


def journey(reference: str = "JS-2026-000001") -> Consignment:
    """Suzhou factory → road → Lianyungang rail terminal → rail → Xuzhou."""
    return Consignment(
        reference=reference,
        issued_at=T0,
        parties=(
            Party("shipper", "苏州精工机械有限公司", None),
            Party("consignee", "徐州重工物资有限公司", None),
        ),
        goods=(Goods("机床配件", 40, "木箱", 18_000.0, None, None),),
        containers=(container(305438), container(305439)),
        legs=(
            Leg(1, TransportMode.ROAD, ROAD_CARRIER, "苏州顺达物流", "苏州工业园区", "连云港东站",
                "连云港东站", T0, T0 + dt.timedelta(hours=8), vehicle_plate="苏E12345",
                vehicle_plate_color=PlateColor.YELLOW),
            Leg(2, TransportMode.RAIL, RAIL_CARRIER, "中铁集装箱", "连云港东站", "徐州北站", None,
                T0 + dt.timedelta(hours=12), T0 + dt.timedelta(hours=30)),
        ),
    )  # fmt: skip


def event(n: int, kind: ConsignmentEventKind, hours: float, **refs: Any) -> ConsignmentEvent:
    return ConsignmentEvent(
        source=refs.pop("source", "rail"),
        source_event_id=f"E{n}",
        kind=kind,
        occurred_at=T0 + dt.timedelta(hours=hours),
        location=refs.pop("location", "连云港东站"),
        **refs,
    )


def road_and_rail_events() -> list[ConsignmentEvent]:
    box = container(305438)
    return [
        event(1, ConsignmentEventKind.GATE_OUT, 0.5, source="carrier", vehicle_plate="苏E12345",
              mode=TransportMode.ROAD, location="苏州工业园区"),
        event(2, ConsignmentEventKind.ARRIVE, 8.5, source="carrier", vehicle_plate="苏E12345",
              mode=TransportMode.ROAD),
        event(3, ConsignmentEventKind.HANDOVER, 9, consignment_reference="JS-2026-000001",
              source="carrier"),
        event(4, ConsignmentEventKind.LOAD, 11, container_number=box, mode=TransportMode.RAIL),
        event(5, ConsignmentEventKind.DEPART, 13, container_number=box, mode=TransportMode.RAIL),
    ]  # fmt: skip


async def timeline_of(sessions: Any, reference: str) -> list[tuple[str, str]]:
    async with sessions() as session:
        row = await service.find(session, reference)
        return [(e.source_event_id, e.kind.name) for e in await service.timeline(session, row.id)]


async def test_shuffled_and_repeated_events_give_one_timeline(sessions: Any) -> None:
    events = road_and_rail_events()
    shuffled = events * 2
    random.Random(5).shuffle(shuffled)
    async with sessions() as session, session.begin():
        await service.book(session, journey(), "test")
    async with sessions() as session, session.begin():
        for item in shuffled:
            await service.record(session, item, T0, "test")

    assert await timeline_of(sessions, "JS-2026-000001") == [
        ("E1", "GATE_OUT"), ("E2", "ARRIVE"), ("E3", "HANDOVER"), ("E4", "LOAD"), ("E5", "DEPART"),
    ]  # fmt: skip


async def test_progress_follows_the_legs_and_the_delay(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        row = await service.book(session, journey(), "test")
        for item in road_and_rail_events():
            await service.record(session, item, T0, "test")
        legs = await service.legs_of(session, row.id)
        state = service.progress(legs, await service.timeline(session, row.id))
        status = row.status

    # Departed by rail at T0+13h against a plan of T0+12h: an hour late.
    assert state.current_leg == 2
    assert state.eta == T0 + dt.timedelta(hours=31)
    assert status is ConsignmentStatus.IN_TRANSIT


async def test_delivery_ends_the_journey(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        row = await service.book(session, journey(), "test")
        await service.record(
            session,
            event(9, ConsignmentEventKind.DELIVERED, 32, consignment_reference="JS-2026-000001"),
            T0,
            "test",
        )
        legs = await service.legs_of(session, row.id)
        state = service.progress(legs, await service.timeline(session, row.id))

    assert row.status is ConsignmentStatus.DELIVERED
    assert state == service.Progress(None, T0 + dt.timedelta(hours=32))


async def test_events_about_nothing_booked_attach_nowhere(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        await service.book(session, journey(), "test")
        elsewhere = await service.record(
            session,
            event(1, ConsignmentEventKind.LOAD, 1, container_number=container(1)),
            T0,
            "test",
        )
        too_late = await service.record(
            session,
            event(2, ConsignmentEventKind.ARRIVE, 24 * 9, vehicle_plate="苏E12345"),
            T0,
            "test",
        )

    assert elsewhere == []
    assert too_late == [], "outside the leg's planned window by more than the slack"


def _later(days: int, reference: str) -> Consignment:
    """The same journey ``days`` later under another reference: the truck's and box's next job."""
    shift = dt.timedelta(days=days)
    base = journey(reference)
    return dataclasses.replace(
        base,
        issued_at=base.issued_at + shift,
        legs=tuple(
            dataclasses.replace(
                leg,
                planned_departure=leg.planned_departure + shift,
                planned_arrival=leg.planned_arrival + shift,
            )
            for leg in base.legs
        ),
    )


async def test_a_truck_or_box_on_two_jobs_reports_to_the_one_it_is_on(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        await service.book(session, journey(), "test")
        await service.book(session, _later(1, "JS-2026-000002"), "test")
        await service.book(session, _later(30, "JS-2026-000003"), "test")
        # The next day's gate-out is nearer the second job's plan than the first's.
        next_day = await service.record(
            session,
            event(1, ConsignmentEventKind.GATE_OUT, 24.5, vehicle_plate="苏E12345",
                  vehicle_plate_color=PlateColor.YELLOW),
            T0, "test",
        )  # fmt: skip
        other_colour = await service.record(
            session,
            event(2, ConsignmentEventKind.GATE_OUT, 0.5, vehicle_plate="苏E12345",
                  vehicle_plate_color=PlateColor.BLUE),
            T0, "test",
        )  # fmt: skip
        month_later = await service.record(
            session,
            event(3, ConsignmentEventKind.LOAD, 24 * 30 + 11, container_number=container(305438)),
            T0, "test",
        )  # fmt: skip
        ids = {
            reference: (await service.find(session, reference)).id
            for reference in ("JS-2026-000002", "JS-2026-000003")
        }

    assert next_day == [ids["JS-2026-000002"]]
    assert other_colour == [], "a plate of another colour is another vehicle"
    assert month_later == [ids["JS-2026-000003"]]


async def test_a_late_event_still_reaches_a_delivered_consignment(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        await service.book(session, journey(), "test")
        await service.record(
            session,
            event(9, ConsignmentEventKind.DELIVERED, 32, consignment_reference="JS-2026-000001"),
            T0, "test",
        )  # fmt: skip
    async with sessions() as session, session.begin():
        late = await service.record(
            session,
            event(5, ConsignmentEventKind.ARRIVE, 29, container_number=container(305438),
                  mode=TransportMode.RAIL),
            T0, "test",
        )  # fmt: skip

    assert len(late) == 1
    assert await timeline_of(sessions, "JS-2026-000001") == [("E5", "ARRIVE"), ("E9", "DELIVERED")]


async def test_one_handover_reported_by_both_sides_moves_the_goods_once(sessions: Any) -> None:
    three = dataclasses.replace(
        journey(),
        legs=(
            *journey().legs,
            Leg(3, TransportMode.ROAD, None, "徐州配送", "徐州北站", "徐州重工物资有限公司", None,
                T0 + dt.timedelta(hours=32), T0 + dt.timedelta(hours=34)),
        ),
    )  # fmt: skip
    handovers = [
        event(3, ConsignmentEventKind.ARRIVE, 10, consignment_reference="JS-2026-000001",
              vehicle_plate="苏E12345", location="连云港东站"),
        event(4, ConsignmentEventKind.HANDOVER, 11, consignment_reference="JS-2026-000001",
              source="road", location="连云港东站"),
        event(5, ConsignmentEventKind.HANDOVER, 11.5, consignment_reference="JS-2026-000001",
              source="rail", location="连云港东站"),
    ]  # fmt: skip
    async with sessions() as session, session.begin():
        row = await service.book(session, three, "test")
        for item in handovers:
            await service.record(session, item, T0, "test")
        state = service.progress(
            await service.legs_of(session, row.id), await service.timeline(session, row.id)
        )

    assert state.current_leg == 2
    # Arrived at T0+10h against a plan of T0+8h: two hours late, handovers or not.
    assert state.eta == T0 + dt.timedelta(hours=36)


async def test_booking_refuses_broken_rules(sessions: Any) -> None:
    good = journey()
    bad_container = dataclasses.replace(good, reference="JS-000001", containers=("CSQU3054384",))
    no_consignee = dataclasses.replace(good, reference="JS-000002", parties=good.parties[:1])
    async with sessions() as session, session.begin():
        await service.book(session, good, "test")
        with pytest.raises(BadUserInput, match="booked already"):
            await service.book(session, good, "test")
        with pytest.raises(BadUserInput, match="containers: 'CSQU3054384'"):
            await service.book(session, bad_container, "test")
        with pytest.raises(BadUserInput, match="needs a shipper and a consignee"):
            await service.book(session, no_consignee, "test")


async def test_a_rail_event_through_the_exchange_moves_the_consignment(sessions: Any) -> None:
    import asyncio

    from adapters.rail import mapping as rail
    from hub.canonical.codes import ContainerEventKind
    from hub.canonical.records import ContainerEvent
    from hub.exchange.pipeline import Exchange
    from hub.exchange.protocol import Header
    from hub.exchange.registry import AdapterRegistry
    from hub.pubsub.memory import MemoryPubSub

    async with sessions() as session, session.begin():
        await service.book(session, journey(), "test")
    pubsub = MemoryPubSub()
    exchange = Exchange(AdapterRegistry.discover(), sessions, pubsub=pubsub)
    heard = await pubsub.subscribe(service.channel("JS-2026-000001"))
    waiting = asyncio.ensure_future(anext(heard))
    loaded = ContainerEvent(
        source_record_id="CE-1", container_number=container(305438), waybill_number=None,
        kind=ContainerEventKind("LOAD"), station="连云港东站",
        occurred_at=T0 + dt.timedelta(hours=11),
    )  # fmt: skip
    document = rail.export_container_event([loaded], Header("rail-ce-1", "rail", T0.isoformat()))

    receipt = await exchange.receive_and_process("rail", document, "pull")
    message = await asyncio.wait_for(waiting, 60)
    await heard.aclose()

    assert receipt.status == "processed"
    assert b'"kind": "LOAD"' in message
    assert await timeline_of(sessions, "JS-2026-000001") == [("CE-1", "LOAD")]


async def test_a_box_and_truck_booked_as_typed_find_their_events(sessions: Any) -> None:
    typed = journey()
    typed = dataclasses.replace(
        typed,
        containers=("csqu 305438 3",),
        legs=(dataclasses.replace(typed.legs[0], vehicle_plate="苏Ｅ１２３４５"), typed.legs[1]),
    )
    async with sessions() as session, session.begin():
        await service.book(session, typed, "test")
    async with sessions() as session, session.begin():
        for item in road_and_rail_events()[:2] + road_and_rail_events()[3:]:
            await service.record(session, item, T0, "test")

    assert await timeline_of(sessions, "JS-2026-000001") == [
        ("E1", "GATE_OUT"), ("E2", "ARRIVE"), ("E4", "LOAD"), ("E5", "DEPART"),
    ]  # fmt: skip
