"""The demo's multimodal journeys (一单到底): consignments over the demo's own stations and fleet.

At small scales, where the named port areas have no terminal yet, other terminals stand in.

Two journeys, placed before the demo's ``today`` so that their events have happened:

- JSMM-<date>-0001: a Suzhou factory's laptops from a Suzhou logistics park by road to the
  Lianyungang port terminal (its on-dock rail yard), by rail to Xuzhou, delivered — sea-rail
  intermodal as Jiangsu runs it;
- JSMM-<date>-0002: machinery by river from Nanjing Longtan to Taicang, then by road to a Suzhou
  logistics park — arrived there, and waiting for the consignee to sign for it.

Only the bookings are made here. Their events come the way real ones do: the rail exchange,
the maritime exchange and the positioning platform report them through the adapters' demo
documents (see ``DemoSubjects.journeys``), and the forwarder reports the delivery.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from stdnum import iso6346

from hub.canonical.codes import (
    ConsignmentEventKind,
    StationKind,
    TransportMode,
    VehicleType,
)
from hub.canonical.multimodal import Consignment, ConsignmentEvent, Goods, Leg, Party
from hub.demo.generator import DemoData
from hub.multimodal import service

CHINA = dt.timezone(dt.timedelta(hours=8))
FORWARDER = "demo-forwarder"
"""The client id the demo books as: a multimodal operator (多式联运经营人)."""
FORWARDER_NAME = "江苏省多式联运示范有限公司"


@dataclass(frozen=True, slots=True)
class Journeys:
    """What the demo books, where its places are, and what the forwarder itself reports."""

    consignments: tuple[Consignment, ...]
    places: Mapping[str, tuple[float, float]]
    reports: tuple[ConsignmentEvent, ...]


def _box(owner: str, serial: int) -> str:
    body = f"{owner}U{serial:06d}"
    return body + iso6346.calc_check_digit(body)


def _station(
    stations: Sequence[dict[str, Any]], kind: StationKind, *, name: str = "", not_: Any = None
) -> Any:
    """The first station of ``kind`` whose name starts so; at small scales, any other one."""
    rows = [row for row in stations if row["kind"] is kind and row is not not_]
    named = [row for row in rows if str(row["name"]).startswith(name)]
    return (named or rows)[0] if rows else None


def _freight(stations: Sequence[dict[str, Any]], region: str, not_: Any = None) -> Any:
    return next(
        (
            row
            for row in stations
            if row["kind"] is StationKind.FREIGHT_STATION
            and str(row["region_code"]).startswith(region)
            and row is not not_
        ),
        None,
    )


def _tractor(data: DemoData, region: str, skip: int) -> tuple[dict[str, Any], str, str] | None:
    operators = {row["id"]: row for row in data.tables["operators"]}
    found = [
        row
        for row in data.tables["vehicles"]
        if row["vehicle_type"] is VehicleType.HEAVY_SEMI_TRAILER_TRACTOR
        and not row["dangerous_goods"]
        and str(row["region_code"]).startswith(region)
    ]
    if len(found) <= skip:
        return None
    row = found[skip]
    operator = operators[row["operator_id"]]
    return row, operator["uscc"], operator["name"]


def journeys(data: DemoData, today: dt.date) -> Journeys:
    """The demo's journeys over its stations, vehicles and vessels; fewer where some are missing."""
    stations = data.tables["stations"]
    day = dt.datetime.combine(today, dt.time(8, 0), tzinfo=CHINA)
    hour = dt.timedelta(hours=1)
    stamp = today.strftime("%Y%m%d")
    consignments: list[Consignment] = []
    places: dict[str, tuple[float, float]] = {}
    reports: list[ConsignmentEvent] = []

    def place(row: dict[str, Any]) -> str:
        places[row["name"]] = (row["latitude"], row["longitude"])
        return str(row["name"])

    factory = _freight(stations, "3205")
    lianyungang = _station(stations, StationKind.PORT_TERMINAL, name="连云港港连云港区")
    truck = _tractor(data, "3205", 0)
    if factory is not None and lianyungang is not None and truck is not None:
        vehicle, uscc, carrier = truck
        start = day - 3 * 24 * hour
        reference = f"JSMM-{stamp}-0001"
        consignments.append(
            Consignment(
                reference=reference,
                issued_at=start - 20 * hour,
                parties=(
                    Party("shipper", "苏州工业园区华晟电子有限公司", None),
                    Party("consignee", "徐州恒通工程机械有限公司", None),
                    Party("carrier", FORWARDER_NAME, None),
                ),
                goods=(Goods("笔记本电脑", 1200, "纸箱", 14_400.0, None, None),),
                containers=(_box("CSN", 305_438), _box("CSN", 305_439)),
                legs=(
                    Leg(
                        1,
                        TransportMode.ROAD,
                        uscc,
                        carrier,
                        place(factory),
                        place(lianyungang),
                        "连云港港铁路集装箱中心站",
                        start,
                        start + 8 * hour,
                        vehicle_plate=vehicle["plate"],
                        vehicle_plate_color=vehicle["plate_color"],
                    ),
                    Leg(
                        2,
                        TransportMode.RAIL,
                        None,
                        "中铁集装箱运输有限责任公司连云港分公司",
                        "连云港东站",
                        "徐州北站",
                        None,
                        start + 12 * hour,
                        start + 22 * hour,
                        rail_waybill_number=f"TY{stamp}0001",
                    ),
                ),
            )
        )
        reports.append(
            ConsignmentEvent(
                source=FORWARDER,
                source_event_id=f"{reference}-DLVD",
                kind=ConsignmentEventKind.DELIVERED,
                occurred_at=start + 26 * hour,
                location="徐州恒通工程机械有限公司厂区",
                consignment_reference=reference,
                mode=TransportMode.ROAD,
                remarks="收货人签收 / signed for by the consignee",
            )
        )

    nanjing = _station(stations, StationKind.PORT_TERMINAL, name="南京港龙潭港区")
    taicang = _station(stations, StationKind.PORT_TERMINAL, name="太仓港", not_=nanjing)
    park = _freight(stations, "3205", not_=factory)
    truck = _tractor(data, "3205", 1)
    vessel = next(iter(data.tables["vessels"]), None)
    if nanjing and taicang and park and truck and vessel:
        vehicle, uscc, carrier = truck
        shipping = {row["id"]: row for row in data.tables["operators"]}[vessel["operator_id"]]
        start = day - 2 * 24 * hour
        consignments.append(
            Consignment(
                reference=f"JSMM-{stamp}-0002",
                issued_at=start - 30 * hour,
                parties=(
                    Party("shipper", "南京江宁重型机械制造有限公司", None),
                    Party("consignee", "苏州工业园区精工装备有限公司", None),
                ),
                goods=(Goods("数控机床", 12, "木箱", 36_000.0, None, None),),
                containers=(_box("COS", 118_220),),
                legs=(
                    Leg(
                        1,
                        TransportMode.INLAND_WATER,
                        shipping["uscc"],
                        shipping["name"],
                        place(nanjing),
                        place(taicang),
                        place(taicang),
                        start,
                        start + 24 * hour,
                        vessel_mmsi=vessel["mmsi"],
                    ),
                    Leg(
                        2,
                        TransportMode.ROAD,
                        uscc,
                        carrier,
                        place(taicang),
                        place(park),
                        None,
                        start + 28 * hour,
                        start + 31 * hour,
                        vehicle_plate=vehicle["plate"],
                        vehicle_plate_color=vehicle["plate_color"],
                    ),
                ),
            )
        )
    return Journeys(tuple(consignments), places, tuple(reports))


async def book(sessions: async_sessionmaker[AsyncSession], planned: Journeys) -> None:
    """Book the journeys, as the demo's forwarder, before the agencies report on them."""
    async with sessions() as session, session.begin():
        for consignment in planned.consignments:
            await service.book(session, consignment, FORWARDER)


async def report(sessions: async_sessionmaker[AsyncSession], planned: Journeys) -> int:
    """The forwarder's own reports (deliveries), once the agencies' events are in."""
    received = dt.datetime.now(dt.UTC)
    attached = 0
    async with sessions() as session, session.begin():
        for event in planned.reports:
            attached += len(await service.record(session, event, received, FORWARDER))
    return attached
