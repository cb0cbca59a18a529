"""A simulator of the rail freight exchange's feed: waybills and the container events they cause.

Everything here is a pure function of its arguments (a count and a seed): the same call gives
the same documents, byte for byte. Shipments follow real Jiangsu freight lines — sea-rail
intermodal through 连云港 and 太仓港, the China-Europe trains from 连云港东站, coal out of
徐州 — and each container is loaded, leaves, arrives and is unloaded in that order in time.
Documents are built with the adapter's own export functions, so they are valid by construction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from stdnum import iso6346

from adapters.rail.mapping import export_container_event, export_rail_waybill
from hub.canonical.codes import ContainerEventKind
from hub.canonical.records import ContainerEvent, RailWaybill, Record
from hub.exchange.protocol import Header, feed_app

AGENCY = "rail"
CHINA = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 1, 6, 0, tzinfo=CHINA)


@dataclass(frozen=True, slots=True)
class Route:
    """A freight line: its stations, running time, and who ships what to whom on it."""

    origin: str
    destination: str
    hours: float
    cargo: tuple[tuple[str, str], ...]
    """(shipper, goods) pairs."""
    consignees: tuple[str, ...]
    containerised: bool = True


ROUTES: tuple[Route, ...] = (
    Route("连云港东站", "霍尔果斯站", 150,
          (("连云港陆桥国际货运代理有限公司", "机电产品"),
           ("连云港陆桥国际货运代理有限公司", "日用百货"),
           ("江苏海通供应链管理有限公司", "光伏组件"),
           ("江苏海通供应链管理有限公司", "汽车配件")),
          ("霍尔果斯丝路通国际物流有限公司",)),
    Route("苏州西站", "连云港东站", 16,
          (("苏州工业园区华晟电子有限公司", "笔记本电脑"),
           ("苏州工业园区华晟电子有限公司", "电子元器件"),
           ("吴江盛泽锦纶纺织有限公司", "纺织服装")),
          ("连云港港口国际集装箱代理有限公司",)),
    Route("徐州北站", "太仓港站", 14,
          (("徐州恒通工程机械有限公司", "装载机"),
           ("徐州恒通工程机械有限公司", "工程机械配件"),
           ("徐州润达液压科技有限公司", "液压件")),
          ("太仓港集装箱海铁联运有限公司",)),
    Route("太仓港站", "徐州北站", 14,
          (("太仓港集装箱海铁联运有限公司", "进口大豆"),
           ("太仓港集装箱海铁联运有限公司", "进口木材")),
          ("徐州丰禾粮油贸易有限公司", "徐州森联木业有限公司")),
    Route("南京北站", "连云港东站", 10,
          (("南京长江供应链管理有限公司", "钢材"),
           ("南京长江供应链管理有限公司", "机床"),
           ("南京金陵化纤有限公司", "化纤原料")),
          ("连云港港口国际集装箱代理有限公司",)),
    Route("无锡西站", "太仓港站", 5,
          (("无锡锡通纺织品进出口有限公司", "纺织品"),
           ("无锡华庄家用电器有限公司", "家用电器")),
          ("太仓港集装箱海铁联运有限公司",)),
    Route("尧化门站", "苏州西站", 7,
          (("南京栖霞恒信物流有限公司", "家用电器"),
           ("南京栖霞恒信物流有限公司", "建筑五金")),
          ("苏州吴中商贸物流有限公司",)),
    Route("徐州北站", "南京北站", 8,
          (("徐州矿务集团物资供应有限公司", "煤炭"),),
          ("南京华润热电有限公司", "南京钢铁物资有限公司"),
          containerised=False),
    Route("连云港东站", "新沂站", 4,
          (("连云港港口散货储运有限公司", "铁矿石"),
           ("连云港港口散货储运有限公司", "铜精矿")),
          ("新沂华瑞冶金材料有限公司",),
          containerised=False),
)  # fmt: skip
"""Lines the simulator ships on; the last two carry bulk in open wagons, without containers."""

# Owner codes of container fleets common on Chinese rail: 中铁集装箱 (TBJU), COSCO (CBHU,
# CSNU), leasing companies (TGHU, FCIU) and Maersk (MSKU).
OWNER_CODES = ("TBJU", "TBJU", "TBJU", "CBHU", "CSNU", "TGHU", "FCIU", "MSKU")


@dataclass(frozen=True, slots=True)
class Shipment:
    """A waybill and when its first container was loaded (a waybill itself carries no time)."""

    waybill: RailWaybill
    route: Route
    loaded_at: dt.datetime


def container_number(owner: str, serial: int) -> str:
    """An ISO 6346 container number with its check digit, e.g. ``TBJU1234565``."""
    body = f"{owner}{serial:06d}"
    return body + str(iso6346.calc_check_digit(body))


def shipments(seed: int = 7, start: dt.datetime = START) -> Iterator[Shipment]:
    """Waybills without end, in the order they were issued (one every 20 minutes to 3 hours)."""
    rng = random.Random(f"{seed}:rail-waybill")
    loaded_at = start
    serial = 0
    while True:
        serial += 1
        loaded_at += dt.timedelta(minutes=rng.randint(20, 180))
        route = rng.choice(ROUTES)
        if route.containerised:
            containers = tuple(
                container_number(rng.choice(OWNER_CODES), rng.randrange(1_000_000))
                for _ in range(rng.randint(1, 4))
            )
            weight = sum(rng.randint(6_000, 24_000) for _ in containers)
        else:
            containers = ()
            weight = rng.randint(20, 60) * rng.randint(58_000, 62_000)  # wagons × ~60 t
        shipper, goods = rng.choice(route.cargo)
        waybill = RailWaybill(
            source_record_id=f"WB{serial:010d}",
            waybill_number=f"{loaded_at:%Y%m%d}{serial:06d}",
            shipper=shipper,
            consignee=rng.choice(route.consignees),
            origin_station=route.origin,
            destination_station=route.destination,
            goods=goods,
            weight_kg=weight,
            containers=containers,
        )
        yield Shipment(waybill=waybill, route=route, loaded_at=loaded_at)


def events_of(shipment: Shipment, seed: int = 7) -> list[ContainerEvent]:
    """Every container of a shipment: loaded one by one, off on one train, unloaded one by one.

    Record ids are left blank: they are given in feed order by ``container_events``.
    """
    waybill, route = shipment.waybill, shipment.route
    if not waybill.containers:
        return []  # bulk in open wagons: nothing for a container yard to report
    rng = random.Random(f"{seed}:{waybill.waybill_number}")
    minutes = dt.timedelta(minutes=1)
    loaded = [shipment.loaded_at]
    for _ in waybill.containers[1:]:
        loaded.append(loaded[-1] + rng.randint(8, 25) * minutes)
    departed = loaded[-1] + rng.randint(60, 360) * minutes
    arrived = departed + round(route.hours * 60 * rng.uniform(0.9, 1.3)) * minutes
    unloaded = [arrived + rng.randint(40, 180) * minutes]
    for _ in waybill.containers[1:]:
        unloaded.append(unloaded[-1] + rng.randint(8, 25) * minutes)

    def event(
        number: str, kind: ContainerEventKind, station: str, at: dt.datetime
    ) -> ContainerEvent:
        return ContainerEvent(
            source_record_id="",
            container_number=number,
            waybill_number=waybill.waybill_number,
            kind=kind,
            station=station,
            occurred_at=at,
        )

    return [
        *(event(n, ContainerEventKind.LOADED, route.origin, t)
          for n, t in zip(waybill.containers, loaded, strict=True)),
        *(event(n, ContainerEventKind.DEPARTED, route.origin, departed)
          for n in waybill.containers),
        *(event(n, ContainerEventKind.ARRIVED, route.destination, arrived)
          for n in waybill.containers),
        *(event(n, ContainerEventKind.UNLOADED, route.destination, t)
          for n, t in zip(waybill.containers, unloaded, strict=True)),
    ]  # fmt: skip


_KIND_ORDER = {kind: i for i, kind in enumerate(ContainerEventKind)}


def container_events(count: int, seed: int = 7) -> list[ContainerEvent]:
    """The first ``count`` container events in time of the waybills of ``shipments(seed)``."""
    if count <= 0:
        return []
    events: list[ContainerEvent] = []

    def in_time(event: ContainerEvent) -> tuple[dt.datetime, int, str]:
        return event.occurred_at, _KIND_ORDER[event.kind], event.container_number

    for shipment in shipments(seed):
        if len(events) >= count:
            events.sort(key=in_time)
            # A later waybill's first event is its loading: once that comes after the
            # count-th event so far, no later waybill can change the first ``count``.
            if shipment.loaded_at > events[count - 1].occurred_at:
                break
        events.extend(events_of(shipment, seed))
    events.sort(key=in_time)
    return [replace(e, source_record_id=f"CE{i:010d}") for i, e in enumerate(events[:count], 1)]


def _documents(
    document: str,
    records: Sequence[tuple[Record, dt.datetime]],
    sizes: Sequence[int],
    export: Callable[[Sequence[Record], Header], bytes],
) -> list[bytes]:
    """Records, each with when it was known, cut into documents of ``sizes`` records."""
    result, start = [], 0
    for number, size in enumerate(sizes, 1):
        batch = records[start : start + size]
        start += size
        header = Header(
            message_id=f"{AGENCY}-{document}-{number:06d}",
            sender=AGENCY,
            sent_at=(max(at for _, at in batch) + dt.timedelta(minutes=5)).isoformat(),
        )
        result.append(export([record for record, _ in batch], header))
    return result


def documents(count: int = 20, seed: int = 7) -> dict[str, list[bytes]]:
    """``count`` documents of each rail document type, 1-5 records each, in feed order."""
    rng = random.Random(f"{seed}:rail-batches")
    waybill_sizes = [rng.randint(1, 5) for _ in range(count)]
    event_sizes = [rng.randint(1, 5) for _ in range(count)]
    feed = shipments(seed)
    # A waybill is sent to the hub when its goods are accepted for loading.
    waybills = [(s.waybill, s.loaded_at) for s in islice(feed, sum(waybill_sizes))]
    events = [(e, e.occurred_at) for e in container_events(sum(event_sizes), seed)]
    return {
        "rail-waybill": _documents("rail-waybill", waybills, waybill_sizes, export_rail_waybill),
        "container-event": _documents(
            "container-event", events, event_sizes, export_container_event
        ),
    }


def app(count: int = 20, fail_every: int = 0) -> Any:
    """The rail exchange's feed as an ASGI app, serving ``documents(count)``."""
    return feed_app(documents(count), fail_every=fail_every)
