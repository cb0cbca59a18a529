"""Position intake throughput: fixes per second through ``POST /positions``, and latest positions.

    python bench/positions_throughput.py [--scale 0.5] [--rounds 30] [--legs 300]

Loads the demo data center (scale 0.5: 10,000 vehicles, its freight stations and port
terminals the fences) into a fresh PostgreSQL database (HUB_BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/hub_bench_positions), then streams, chunked, through the
app in-process (HTTP routing, OAuth token check, parsing, COPY, latest-position upsert):

1. every vehicle of the fleet reporting ``--rounds`` times, 30 s apart, as NDJSON and then as
   CSV (no vehicle on a leg: the geofences are never looked at);
2. the tracks of ``--legs`` consignment road legs between two fenced stations, one fix every
   30 s (the demo's leg tracks, filled in), in time order: every fix checked against the
   fences, gate-in and gate-out events derived and attached;
3. the latest positions of the region's vehicles (every vehicle of the demo province),
   queried 20 times.

Building the bodies and loading the data are not timed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import time
from collections.abc import AsyncIterator
from itertools import pairwise
from typing import Any

import httpx
from exchange_throughput import database_cpu, fresh_database  # a sibling: bench/ is on sys.path
from geofence_throughput import bench_journeys
from graphql_load import BENCH_KEK
from sqlalchemy import func, select, text

from adapters.positioning.demo import leg_track
from adapters.positioning.simulator import Vehicle
from hub.app import create_app
from hub.auth import clients
from hub.canonical.records import VehiclePosition
from hub.config import Settings, decode_kek
from hub.db import create_engine, session_factory
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.migrate import upgrade
from hub.multimodal import service
from hub.multimodal.models import ConsignmentEventRow
from hub.positions import repository
from hub.positions.fences import has_postgis

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_bench_positions"
EVERY = dt.timedelta(seconds=30)
CHUNK = 64 * 1024
REGION = "320000"


def _record(plate: str, color: str, at: dt.datetime, lat: float, lon: float, speed: float,
            direction: int) -> dict[str, object]:  # fmt: skip
    return {"plate": plate, "color": color, "time": at.isoformat(), "lon": round(lon, 6),
            "lat": round(lat, 6), "speed": speed, "direction": direction}  # fmt: skip


def _ndjson(records: list[dict[str, object]]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


def _csv(records: list[dict[str, object]]) -> bytes:
    header = "plate,color,time,lon,lat,speed,direction\n"
    return (header + "".join(",".join(str(v) for v in r.values()) + "\n" for r in records)).encode()


def _fleet(
    vehicles: list[dict[str, object]], rounds: int, start: dt.datetime
) -> list[dict[str, object]]:
    rng = random.Random(3)
    places = {v["plate"]: (rng.uniform(31.0, 34.5), rng.uniform(117.5, 121.5)) for v in vehicles}
    return [
        _record(str(v["plate"]), v["plate_color"].value, start + n * EVERY,  # type: ignore[attr-defined]
                places[v["plate"]][0] + n * 0.0004, places[v["plate"]][1], 60.0, 0)
        for n in range(rounds) for v in vehicles
    ]  # fmt: skip


def _densified(track: list[VehiclePosition]) -> list[dict[str, object]]:
    """A leg's track with a fix every 30 s between the demo's (5 to 10 minutes apart)."""
    out = []
    for a, b in pairwise(track):
        steps = max(1, int((b.observed_at - a.observed_at) / EVERY))
        for k in range(steps):
            f = k / steps
            out.append(
                _record(a.plate, a.plate_color.value, a.observed_at + k * EVERY,
                        a.latitude + (b.latitude - a.latitude) * f,
                        a.longitude + (b.longitude - a.longitude) * f,
                        a.speed_kmh, int(a.heading_degrees) % 360)
            )  # fmt: skip
    last = track[-1]
    out.append(
        _record(last.plate, last.plate_color.value, last.observed_at, last.latitude,
                last.longitude, last.speed_kmh, int(last.heading_degrees) % 360)
    )  # fmt: skip
    return out


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), CHUNK):
        yield body[start : start + CHUNK]


async def _stream(http: httpx.AsyncClient, auth: dict[str, str], media: str, body: bytes,
                  fixes: int, label: str, engine: Any) -> None:  # fmt: skip
    database = await database_cpu(engine)
    started, cpu = time.perf_counter(), time.process_time()
    answer = await http.post("/positions", content=_chunks(body),
                             headers=auth | {"Content-Type": media})  # fmt: skip
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    database = await database_cpu(engine) - database
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    assert summary["rejected"] == 0, summary["rejections"][:3]
    print(f"{label:>24}: {fixes:,} fixes in {elapsed:.2f} s = {fixes / elapsed:,.0f} fixes/s "
          f"(accepted {summary['accepted']:,}, duplicates {summary['duplicates']:,}, "
          f"gate events {summary['events']:,}); the hub's own CPU {cpu:.2f} s = "
          f"{cpu / fixes * 1e6:.1f} us per fix, PostgreSQL's {database:.2f} s = "
          f"{database / fixes * 1e6:.1f} us per fix; load average "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip


async def run(scale: float, rounds: int, legs: int) -> None:
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    today = dt.date(2026, 11, 25)
    data = generate(DemoScale.times(scale), today=today)
    vehicles = data.tables["vehicles"]
    journeys, tractors, fenced, places, start = bench_journeys(
        data, today, legs, within_hours=4, lasting_hours=3
    )
    on_legs = sorted(
        (fix for journey, tractor in zip(journeys, tractors, strict=True)
         for fix in _densified(leg_track(journey, journey.legs[0],
                                         Vehicle(tractor["plate"], tractor["plate_color"]),
                                         places, 7))),
        key=lambda r: str(r["time"]),
    )  # fmt: skip
    fleet = _fleet(vehicles, rounds, start - dt.timedelta(days=1))
    fleet_csv = _fleet(vehicles, rounds, start - dt.timedelta(days=2))

    await fresh_database(url)
    settings = Settings(
        database_url=url,
        rate_limits=False,
        exchange_worker=False,
        # PostgreSQL needs a key-encryption key for the signing keys: the benchmarks' own.
        key_encryption_key=decode_kek(BENCH_KEK, "BENCH_KEK"),
    )
    engine = create_engine(settings)
    await upgrade(engine)
    sessions = session_factory(engine)
    await load(sessions, data)
    async with sessions() as session, session.begin():
        for journey in journeys:
            await service.book(session, journey, "bench")
        postgis = await has_postgis(session)
    async with engine.begin() as connection:
        # What autovacuum does after a load: the planner's statistics of the demo data.
        await connection.execute(text("ANALYZE"))
    await engine.dispose()

    app = create_app(settings)
    # PostgreSQL's CPU is read through a connection of its own: one of the app's pool would
    # leave out the backend it excludes, which may be the one the intake used.
    probe = create_engine(settings)
    async with app.router.lifespan_context(app):
        async with session_factory(app.state.engine)() as session, session.begin():
            made = await clients.add(session, name="定位平台", agency="positioning",
                                     scopes="exchange:positioning:write", region=None,
                                     tier="partner", jwks=None, trusted_documents_only=False,
                                     uscc=None)  # fmt: skip
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.bench",
                                     timeout=None) as http:  # fmt: skip
            token = await http.post("/oauth/token", data={"grant_type": "client_credentials"},
                                    auth=(made.row.client_id, made.secret or ""))  # fmt: skip
            auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
            print(f"{len(vehicles):,} vehicles, {len(fenced)} fences "
                  f"({'PostGIS' if postgis else 'grid'}), {len(journeys)} road legs")  # fmt: skip
            await _stream(http, auth, "application/x-ndjson", _ndjson(fleet), len(fleet),
                          "not on a leg, NDJSON", probe)  # fmt: skip
            await _stream(http, auth, "text/csv", _csv(fleet_csv), len(fleet_csv),
                          "not on a leg, CSV", probe)  # fmt: skip
            await _stream(http, auth, "application/x-ndjson", _ndjson(on_legs), len(on_legs),
                          "on a leg, NDJSON", probe)  # fmt: skip
            await probe.dispose()

    engine = create_engine(settings)
    async with engine.begin() as connection:
        await connection.execute(text("ANALYZE position_latest"))
    sessions = session_factory(engine)
    timings = []
    async with sessions() as session:
        for _ in range(20):
            started = time.perf_counter()
            rows = await repository.latest(session, REGION)
            timings.append((time.perf_counter() - started) * 1000)
        events = await session.scalar(select(func.count()).select_from(ConsignmentEventRow))
    await engine.dispose()
    print(
        f"latest positions of region {REGION}: {len(rows):,} vehicles in "
        f"{statistics.median(timings):.1f} ms (median of 20; best {min(timings):.1f} ms; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    print(f"gate events stored: {events:,} (2 per leg: {2 * len(journeys):,})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--legs", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(run(args.scale, args.rounds, args.legs))


if __name__ == "__main__":
    main()
