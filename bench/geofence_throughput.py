"""Geofence throughput: road positions per second through the pipeline, with and without legs.

    python bench/geofence_throughput.py [--legs 500] [--concurrency 4]

Loads the demo data center (its freight stations and port terminals are the fences) into a
fresh PostgreSQL database (HUB_BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/hub_bench_geofence), books ``--legs`` consignments with
one road leg each between two fenced stations, and has the positioning simulator drive every
leg. The same tracks are fed twice, under other plates first (no vehicle on a leg: the
geofences are never looked at), then under the legs' own plates (every fix checked against
the fences, gate-in and gate-out events recorded). Generation and loading are not timed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import time
from dataclasses import replace
from typing import Any, NamedTuple

from exchange_throughput import fresh_database  # a sibling script: bench/ is on sys.path
from sqlalchemy import select

from adapters.positioning.demo import leg_track
from adapters.positioning.mapping import export_vehicle_position
from adapters.positioning.simulator import Vehicle
from hub.canonical.codes import PlateColor, StationKind, TransportMode, VehicleType
from hub.canonical.multimodal import Consignment, Goods, Leg, Party
from hub.canonical.records import VehiclePosition
from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.demo.generator import DemoData, DemoScale, generate
from hub.demo.loader import load
from hub.exchange.pipeline import Exchange
from hub.exchange.protocol import Header
from hub.exchange.registry import AdapterRegistry
from hub.migrate import upgrade
from hub.multimodal import service
from hub.multimodal.models import ConsignmentEventRow, ConsignmentLegRow

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_bench_geofence"
CHINA = dt.timezone(dt.timedelta(hours=8))
PER_DOCUMENT = 500


def _documents(positions: list[VehiclePosition], prefix: str) -> list[bytes]:
    positions = sorted(positions, key=lambda p: p.observed_at)
    return [
        export_vehicle_position(
            positions[start : start + PER_DOCUMENT],
            Header(f"{prefix}-{start // PER_DOCUMENT:06d}", "positioning", "2026-11-25T00:00:00Z"),
        )
        for start in range(0, len(positions), PER_DOCUMENT)
    ]


async def _feed(exchange: Exchange, documents: list[bytes], concurrency: int) -> float:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for document in documents:
        queue.put_nowait(document)

    async def worker() -> None:
        while not queue.empty():
            receipt = await exchange.receive_and_process("positioning", queue.get_nowait(), "file")
            assert receipt.status == "processed", receipt

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


class BenchJourneys(NamedTuple):
    journeys: list[Consignment]
    tractors: list[dict[str, Any]]
    """The tractor of each journey, in order."""
    fenced: list[dict[str, Any]]
    """The stations with a geofence: freight stations and port terminals."""
    places: dict[str, tuple[float, float]]
    """(latitude, longitude) of each fenced station by name."""
    start: dt.datetime
    """08:00 of the day, China time."""


def bench_journeys(
    data: DemoData, today: dt.date, legs: int, *, within_hours: int, lasting_hours: int
) -> BenchJourneys:
    """``legs`` road consignments, one heavy tractor each, between two fenced stations, leaving
    in the ``within_hours`` after 08:00 of ``today`` and arriving ``lasting_hours`` later."""
    fenced = [
        row for row in data.tables["stations"]
        if row["kind"] in (StationKind.FREIGHT_STATION, StationKind.PORT_TERMINAL)
    ]  # fmt: skip
    tractors = [
        row for row in data.tables["vehicles"]
        if row["vehicle_type"] is VehicleType.HEAVY_SEMI_TRAILER_TRACTOR
    ][:legs]  # fmt: skip
    rng = random.Random(7)
    places = {row["name"]: (row["latitude"], row["longitude"]) for row in fenced}
    start = dt.datetime.combine(today, dt.time(8), tzinfo=CHINA)
    journeys = []
    for number, tractor in enumerate(tractors, 1):
        origin, destination = rng.sample(fenced, 2)
        leaves = start + dt.timedelta(minutes=rng.randrange(within_hours * 60))
        journeys.append(
            Consignment(
                reference=f"BENCH-{number:06d}", issued_at=leaves - dt.timedelta(days=1),
                parties=(Party("shipper", "发货人", None), Party("consignee", "收货人", None)),
                goods=(Goods("货物", 1, "箱", 1000.0, None, None),), containers=(),
                legs=(Leg(1, TransportMode.ROAD, None, "承运人", origin["name"],
                          destination["name"], None, leaves,
                          leaves + dt.timedelta(hours=lasting_hours),
                          vehicle_plate=tractor["plate"],
                          vehicle_plate_color=tractor["plate_color"]),),
            )
        )  # fmt: skip
    return BenchJourneys(journeys, tractors, fenced, places, start)


async def run(legs: int, concurrency: int) -> None:
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    today = dt.date(2026, 11, 25)
    data = generate(DemoScale.times(1), today=today)
    journeys, tractors, fenced, places, _ = bench_journeys(
        data, today, legs, within_hours=8, lasting_hours=5
    )
    tracks = [
        leg_track(journey, journey.legs[0], Vehicle(tractor["plate"], tractor["plate_color"]),
                  places, 7)
        for journey, tractor in zip(journeys, tractors, strict=True)
    ]  # fmt: skip
    watched = [p for track in tracks for p in track]
    # The same fixes under plates no leg names: what a feed of vehicles not on a journey costs.
    unwatched = [
        replace(p, plate=f"苏Z{n % 100_000:05d}", plate_color=PlateColor.YELLOW,
                source_record_id=f"U-{p.source_record_id}")
        for n, p in enumerate(watched)
    ]  # fmt: skip

    await fresh_database(url)
    engine = create_engine(Settings(database_url=url))
    await upgrade(engine)
    sessions = session_factory(engine)
    await load(sessions, data)
    async with sessions() as session, session.begin():
        for journey in journeys:
            await service.book(session, journey, "bench")
    exchange = Exchange(AdapterRegistry.discover(), sessions)
    print(f"{len(fenced)} fences, {len(journeys)} road legs, {len(watched):,} fixes per run")
    for name, positions in (("not on a leg", unwatched), ("on a leg", watched)):
        elapsed = await _feed(exchange, _documents(positions, name.replace(" ", "-")), concurrency)
        print(f"{name:>13}: {len(positions):,} fixes in {elapsed:.1f} s = "
              f"{len(positions) / elapsed:,.0f} fixes/s")  # fmt: skip
    async with sessions() as session:
        rows = (
            await session.execute(
                select(ConsignmentEventRow.location, ConsignmentLegRow.origin,
                       ConsignmentLegRow.destination)
                .join(ConsignmentLegRow,
                      ConsignmentLegRow.consignment_id == ConsignmentEventRow.consignment_id)
            )
        ).all()  # fmt: skip
    await engine.dispose()
    at_ends = sum(location in (origin, end) for location, origin, end in rows)
    print(f"gate events: {at_ends:,} at the legs' own ends (2 per leg: {2 * len(journeys):,}), "
          f"{len(rows) - at_ends:,} at stations passed or nearer than the leg's own")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legs", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(run(args.legs, args.concurrency))


if __name__ == "__main__":
    main()
