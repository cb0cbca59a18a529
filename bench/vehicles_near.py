"""vehiclesNear over 100,000 vehicles' latest positions, on PostgreSQL: p50 / p99 per query.

    python bench/vehicles_near.py [--vehicles 100000] [--queries 500] [--reuse]

Loads a demo data center of ``--vehicles`` vehicles into a fresh PostgreSQL database
(HUB_BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/hub_bench_near) and a
latest position for each, spread around Jiangsu's 13 city centres (most within 20 km of one),
then asks for the vehicles near random points of the fleet's area, nearest first, 50 at most:

1. the search itself (``hub.positions.search.near``: one statement through the
   (latitude, longitude) index, then haversine), for an unbound and a city-bound reader;
2. the GraphQL query ``NearbyVehicles`` (graphql/operations/enforcement) through the app
   in-process: token check, parse, validate, resolvers, JSON.

Per query: wall-clock p50 / p99, and CPU (this process plus the PostgreSQL backends).
Loading is not timed; ``--reuse`` skips it, asking the database loaded by an earlier run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
from exchange_throughput import database_cpu, fresh_database  # a sibling: bench/ is on sys.path
from graphql_load import BENCH_KEK
from sqlalchemy import select, text

from hub.access import rule_for
from hub.app import create_app
from hub.auth import clients
from hub.canonical.codes import PlateColor
from hub.config import Settings, decode_kek
from hub.db import create_engine, session_factory
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.migrate import upgrade
from hub.positions import repository, search
from hub.positions.lines import Fix
from hub.positions.models import LatestPosition
from hub.readers import Reader
from hub.vehicles.models import Vehicle

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_bench_near"
CITIES = [
    (32.06, 118.80), (31.57, 120.30), (34.26, 117.19), (31.81, 119.97), (31.30, 120.58),
    (32.01, 120.86), (34.60, 119.22), (33.61, 119.02), (33.35, 120.16), (32.39, 119.41),
    (32.19, 119.42), (32.46, 119.92), (33.96, 118.28),
]  # fmt: skip
"""Nanjing, Wuxi, Xuzhou, Changzhou, Suzhou, Nantong, Lianyungang, Huai'an, Yancheng,
Yangzhou, Zhenjiang, Taizhou, Suqian."""
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
DOCUMENT = (
    Path(__file__).resolve().parents[1] / "graphql/operations/enforcement/NearbyVehicles.graphql"
).read_text()


def _place(rng: random.Random) -> tuple[float, float]:
    lat, lon = rng.choice(CITIES)
    spread = 0.08 if rng.random() < 0.7 else 0.4  # city streets, then the roads between
    return lat + rng.gauss(0, spread), lon + rng.gauss(0, spread)


def _percentiles(ms: list[float]) -> str:
    ordered = sorted(ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
    return f"p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms"


async def _timed(meter: Any, label: str, queries: list[Any], ask: Any) -> None:
    """``meter``: an engine of its own, so the backend it reads CPU with is not the one that
    answers the queries (``database_cpu`` leaves its own backend out)."""
    db_before, cpu_before = await database_cpu(meter), time.process_time()
    walls, found = [], 0
    for query in queries:
        started = time.perf_counter()
        found += await ask(query)
        walls.append((time.perf_counter() - started) * 1000)
    cpu = time.process_time() - cpu_before
    db = await database_cpu(meter) - db_before
    print(
        f"{label}: {_percentiles(walls)}; CPU per query {cpu / len(queries) * 1000:.2f} ms hub "
        f"+ {db / len(queries) * 1000:.2f} ms PostgreSQL; {found / len(queries):.1f} vehicles "
        f"found on average"
    )


async def _load(engine: Any, url: str, count: int) -> None:
    """A fresh database with ``count`` vehicles, each with a latest position."""
    data = generate(
        DemoScale(operators=max(13, count // 10), vehicles=count, vessels=1, practitioners=13,
                  stations=13),
        today=NOW.date(),
    )  # fmt: skip
    rng = random.Random(809)
    await fresh_database(url)
    await upgrade(engine)
    sessions = session_factory(engine)
    await load(sessions, data)
    fixes = [
        Fix(v["plate"], PlateColor(v["plate_color"]), NOW, *_place(rng), 40.0, 0, 0, 0)
        for v in data.tables["vehicles"]
    ]
    async with sessions() as session, session.begin():
        await repository.ensure_partitions(session, {NOW.date()})
    for start in range(0, len(fixes), 10_000):
        async with sessions() as session, session.begin():
            await repository.store(session, fixes[start : start + 10_000], NOW)
    async with engine.begin() as connection:
        await connection.execute(text("ANALYZE"))


async def run(count: int, queries: int, reuse: bool) -> None:
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    settings = Settings(
        database_url=url,
        rate_limits=False,
        exchange_worker=False,
        key_encryption_key=decode_kek(BENCH_KEK, "BENCH_KEK"),
    )
    engine = create_engine(settings)
    sessions = session_factory(engine)
    if not reuse:
        await _load(engine, url, count)
    async with sessions() as session:
        stored = await session.scalar(select(text("count(*)")).select_from(LatestPosition))
    print(f"{stored:,} latest positions; load average {os.getloadavg()}")

    meter = create_engine(settings)
    rng = random.Random(15)
    points = [_place(rng) for _ in range(queries)]
    unbound = Reader(registry=True)
    nanjing = Reader(region="320100", registry=True)
    for radius in (2_000.0, 5_000.0):
        for name, reader in (("unbound", unbound), ("Nanjing-bound", nanjing)):
            rules = [rule_for(LatestPosition, reader), rule_for(Vehicle, reader)]

            async def near(point: Any, rules: Any = rules, radius: float = radius) -> int:
                async with sessions() as session:
                    return len(await search.near(session, point, radius, rules, 50))

            await _timed(meter, f"search.near {radius / 1000:g} km, {name}", points, near)
    await engine.dispose()

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with session_factory(app.state.engine)() as session, session.begin():
            made = await clients.add(session, name="执法终端", agency="enforcement",
                                     scopes="registry:read tracking:read", region=None,
                                     tier="internal", jwks=None, trusted_documents_only=False,
                                     uscc=None)  # fmt: skip
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.bench",
                                     timeout=None) as http:  # fmt: skip
            token = await http.post("/oauth/token", data={"grant_type": "client_credentials"},
                                    auth=(made.row.client_id, made.secret or ""))  # fmt: skip
            auth = {"Authorization": f"Bearer {token.json()['access_token']}"}

            async def graphql(point: Any) -> int:
                variables = {"latitude": point[0], "longitude": point[1], "radiusMeters": 2000}
                answer = await http.post(
                    "/graphql", json={"query": DOCUMENT, "variables": variables}, headers=auth
                )
                body = answer.json()
                if "errors" in body:
                    raise RuntimeError(body["errors"])
                return len(body["data"]["vehiclesNear"])

            await graphql(points[0])  # the document parsed and validated once
            await _timed(meter, "GraphQL NearbyVehicles 2 km", points, graphql)
    await meter.dispose()
    print(f"load average after: {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--reuse", action="store_true", help="the database of an earlier run")
    args = parser.parse_args()
    asyncio.run(run(args.vehicles, args.queries, args.reuse))


if __name__ == "__main__":
    main()
