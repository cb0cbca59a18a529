"""Alerts: every rule on every fix through the intake, and alert-to-subscriber latency.

    python bench/alerts.py [--scale 0.5] [--rounds 10] [--probes 100]

Loads the demo data center (scale 0.5: 10,000 vehicles, their lines, charter areas) into a
fresh PostgreSQL database (HUB_BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/hub_bench_alerts). Then:

1. In-process, through ``hub.positions.intake.Intake`` (parsing, COPY, latest positions):
   the whole fleet reporting ``--rounds`` times, 30 s apart, once without the alert engine
   and once (another day) with every rule on every fix. A tenth of the fixes are at 95 km/h
   (over a tanker's and a truck's limit), the buses on lines are wherever the stream puts
   them (off their routes mostly), the charter buses are checked against their areas: the
   alerts are raised and then extended batch after batch. Reported: fixes per second, and
   the CPU of the process and of PostgreSQL per fix, so the engine's own cost shows.
2. ``hub serve --workers 2`` on Redis pub/sub (HUB_BENCH_REDIS_URL), the sweep off: one
   graphql-transport-ws client subscribes to ``alerts(kinds: [OVER_SPEED])``; while the
   fleet streams over ``POST /positions``, ``--probes`` times a tanker kept out of the fleet
   sends three fixes at 95 km/h, 20 s apart, in one request: its OVER_SPEED alert is raised
   by whichever worker takes the request. Latency: from the request sent to the alert
   received by the subscriber (an upper bound of "after its fix is accepted").

Generation and loading are not timed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import websockets
from exchange_throughput import database_cpu, fresh_database  # siblings: bench/ is on sys.path
from graphql_load import BENCH_KEK, with_key_encryption_key
from sqlalchemy import text
from subscriptions import cpu_of, free_port, percentile, worker_pids

from hub.alerts import hooks
from hub.auth import clients
from hub.config import Settings, decode_kek
from hub.db import create_engine, session_factory
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.migrate import upgrade
from hub.positions.intake import Format, Intake

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_bench_alerts"
EVERY = dt.timedelta(seconds=30)
CHUNK = 64 * 1024
SUBSCRIBE = """subscription { alerts(kinds: [OVER_SPEED]) { plate kind startedAt } }"""


def _record(plate: str, color: str, at: dt.datetime, lat: float, lon: float,
            speed: float) -> dict[str, object]:  # fmt: skip
    return {"plate": plate, "color": color, "time": at.isoformat(), "lon": round(lon, 6),
            "lat": round(lat, 6), "speed": speed, "direction": 0}  # fmt: skip


def _ndjson(records: list[dict[str, object]]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


def _fleet(vehicles: list[dict[str, Any]], rounds: int, start: dt.datetime) -> bytes:
    """Every vehicle ``rounds`` times, 30 s apart, 12 m further north each time; a tenth of
    the vehicles at 95 km/h."""
    rng = random.Random(3)
    places = {v["plate"]: (rng.uniform(31.0, 34.5), rng.uniform(117.5, 121.5)) for v in vehicles}
    fast = {v["plate"] for v in vehicles if rng.random() < 0.1}
    return _ndjson([
        _record(v["plate"], v["plate_color"].value, start + n * EVERY,
                places[v["plate"]][0] + n * 0.0001, places[v["plate"]][1],
                95.0 if v["plate"] in fast else 60.0)
        for n in range(rounds) for v in vehicles
    ])  # fmt: skip


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), CHUNK):
        yield body[start : start + CHUNK]


async def _in_process(settings: Settings, body: bytes, fixes: int, rules: bool) -> None:
    engine = create_engine(settings)
    sessions = session_factory(engine)
    probe = create_engine(settings)  # its own backend: the intake's is counted, not excluded
    try:
        async with sessions() as session:  # the intake's backend, there before it is measured
            await session.execute(text("SELECT 1"))
        # As `hub serve` does once started (hub.app): what start-up made is frozen, so the
        # collector's full passes do not walk it (about 9 us a fix when they do).
        gc.collect()
        gc.freeze()
        database = await database_cpu(probe)
        started, cpu = time.perf_counter(), time.process_time()
        intake = Intake(sessions, "bench", Format.NDJSON, observe=hooks.on_fixes if rules else None)
        summary = await intake.take(_chunks(body))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        database = await database_cpu(probe) - database
        async with sessions() as session:
            alerts = await session.scalar(text("SELECT count(*) FROM alerts"))
            extended = await session.scalar(text("SELECT sum(evidence_count) FROM alerts"))
    finally:
        gc.unfreeze()
        await engine.dispose()
        await probe.dispose()
    assert summary.accepted == fixes, summary.as_json()
    label = "every rule on every fix" if rules else "intake without the rules"
    print(f"{label:>26}: {fixes:,} fixes in {elapsed:.2f} s = {fixes / elapsed:,.0f} fixes/s; "
          f"the process's CPU {cpu / fixes * 1e6:.1f} us per fix, PostgreSQL's "
          f"{database / fixes * 1e6:.1f} us per fix; alerts {alerts:,} "
          f"(evidence {extended or 0:,}); load average {os.getloadavg()[0]:.1f}")  # fmt: skip


async def prepare(url: str, scale: float) -> tuple[Settings, list[dict[str, Any]], list[Any]]:
    """The loaded database; the fleet and the probe tankers (kept out of the fleet)."""
    data = generate(DemoScale.times(scale), today=dt.datetime.now(dt.UTC).date())
    vehicles = data.tables["vehicles"]
    tankers = [v for v in vehicles if v["dangerous_goods"]][:400]
    probes = {v["plate"] for v in tankers}
    await fresh_database(url)
    settings = Settings(database_url=url, rate_limits=False, exchange_worker=False,
                        key_encryption_key=decode_kek(BENCH_KEK, "BENCH_KEK"))  # fmt: skip
    engine = create_engine(settings)
    await upgrade(engine)
    await load(session_factory(engine), data)
    async with engine.begin() as connection:
        await connection.execute(text("ANALYZE"))
    await engine.dispose()
    return settings, [v for v in vehicles if v["plate"] not in probes], tankers


async def clients_of(settings: Settings) -> tuple[tuple[str, str], tuple[str, str]]:
    engine = create_engine(settings)
    sessions = session_factory(engine)
    made = []
    async with sessions() as session, session.begin():
        for name, agency, scopes in (("定位平台", "positioning", "exchange:positioning:write"),
                                     ("运政通", "enforcement", "enforcement:read")):  # fmt: skip
            added = await clients.add(session, name=name, agency=agency, scopes=scopes,
                                      region=None, tier="internal", jwks=None,
                                      trusted_documents_only=False, uscc=None)  # fmt: skip
            made.append((added.row.client_id, added.secret or ""))
    await engine.dispose()
    return made[0], made[1]


async def _token(http: httpx.AsyncClient, client: tuple[str, str]) -> str:
    answer = await http.post("/oauth/token", data={"grant_type": "client_credentials"},
                             auth=client)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


async def latency(port: int, positions: tuple[str, str], officer: tuple[str, str],
                  fleet: list[dict[str, Any]], tankers: list[Any], rounds: int,
                  probes: int, pids: list[int], engine: Any) -> None:  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=None) as http:
        post = {"Authorization": f"Bearer {await _token(http, positions)}",
                "Content-Type": "application/x-ndjson"}  # fmt: skip
        read = await _token(http, officer)
        sent: dict[str, float] = {}
        arrived: dict[str, float] = {}
        async with websockets.connect(f"ws://127.0.0.1:{port}/graphql",
                                      subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]  # fmt: skip
            await ws.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": f"Bearer {read}"}}))  # fmt: skip
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                      "payload": {"query": SUBSCRIBE}}))  # fmt: skip
            await asyncio.sleep(1)

            async def listen() -> None:
                async for raw in ws:
                    message = json.loads(raw)
                    if message["type"] == "next":
                        plate = message["payload"]["data"]["alerts"]["plate"]
                        arrived.setdefault(plate, time.time())

            async def load_stream(body: bytes) -> int:
                answer = await http.post("/positions", content=_chunks(body), headers=post)
                assert answer.status_code == 200, answer.text
                return int(answer.json()["accepted"])

            async def probe(tanker: dict[str, Any]) -> None:
                now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
                body = _ndjson([
                    _record(tanker["plate"], tanker["plate_color"].value,
                            now + dt.timedelta(seconds=20 * n), 32.05, 118.78, 95.0)
                    for n in range(3)
                ])  # fmt: skip
                sent[tanker["plate"]] = time.time()
                answer = await http.post("/positions", content=body, headers=post)
                assert answer.status_code == 200, answer.text

            # Made before the clock starts: a 96,000-line body takes this process a second of
            # CPU, which in the streams' tasks held up the first probe's request (the same loop).
            now = dt.datetime.now(dt.UTC)
            bodies = [_fleet(fleet, rounds, now - dt.timedelta(hours=3 + day)) for day in (0, 1)]
            listening = asyncio.create_task(listen())
            cpu, database = cpu_of(pids), await database_cpu(engine)
            started = time.perf_counter()
            streams = [asyncio.create_task(load_stream(body)) for body in bodies]
            for tanker in tankers[:probes]:
                await probe(tanker)
                await asyncio.sleep(0.1)
            streamed = sum(await asyncio.gather(*streams))
            elapsed = time.perf_counter() - started
            cpu, database = cpu_of(pids) - cpu, await database_cpu(engine) - database
            await asyncio.sleep(2)
            listening.cancel()
    waits = [arrived[plate] - at for plate, at in sent.items() if plate in arrived]
    # Which probes were slowest, by the order they were sent (the first went as the streams began).
    slowest = sorted(((arrived[plate] - at, n) for n, (plate, at) in enumerate(sent.items())
                      if plate in arrived), reverse=True)[:5]  # fmt: skip
    print(f"over HTTP, 2 workers: {streamed:,} fleet fixes in {elapsed:.2f} s "
          f"= {streamed / elapsed:,.0f} fixes/s beside the probes; workers' CPU "
          f"{cpu / streamed * 1e6:.1f} us per fix, PostgreSQL's {database / streamed * 1e6:.1f} us"
          f"; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"alert to subscriber: {len(waits)}/{len(sent)} delivered, p50 "
          f"{percentile(waits, 0.5) * 1000:.0f} ms, p99 {percentile(waits, 0.99) * 1000:.0f} ms, "
          f"max {max(waits, default=float('nan')) * 1000:.0f} ms; slowest (probe number: ms) "
          + ", ".join(f"{n}: {wait * 1000:.0f}" for wait, n in slowest))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--port", type=int, default=0, help="the hub's port (default: a free one)")
    args = parser.parse_args()
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("HUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")

    settings, fleet, tankers = asyncio.run(prepare(url, args.scale))
    fixes = len(fleet) * args.rounds
    print(f"{len(fleet):,} vehicles in the fleet, {len(tankers)} probe tankers kept out")
    today = dt.datetime.now(dt.UTC).replace(microsecond=0)
    asyncio.run(_in_process(settings, _fleet(fleet, args.rounds, today - dt.timedelta(days=2)),
                            fixes, rules=False))  # fmt: skip
    asyncio.run(_in_process(settings, _fleet(fleet, args.rounds, today - dt.timedelta(days=1)),
                            fixes, rules=True))  # fmt: skip

    positions, officer = asyncio.run(clients_of(settings))
    port = args.port or free_port()
    env = {
        **os.environ, "HUB_DATABASE_URL": url, "HUB_REDIS_URL": redis_url,
        "HUB_CACHE_PREFIX": f"hub-bench:{uuid.uuid4().hex[:8]}:", "HUB_RATE_LIMITS": "false",
        "HUB_LOG_LEVEL": "warning", "HUB_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "HUB_EXCHANGE_WORKER": "false",
    }  # fmt: skip
    serve = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--workers", "2", "--port", str(port)],
        env=with_key_encryption_key(env),
    )
    try:
        deadline = time.monotonic() + 300  # workers build the schema: slow on a loaded machine
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "hub serve did not start"
            time.sleep(0.3)
        pids = worker_pids(serve)

        async def run() -> None:
            engine = create_engine(settings)
            try:
                await latency(port, positions, officer, fleet, tankers, args.rounds,
                              args.probes, pids, engine)  # fmt: skip
            finally:
                await engine.dispose()

        asyncio.run(run())
    finally:
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            serve.kill()


if __name__ == "__main__":
    main()
