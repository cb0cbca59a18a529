"""Subscriptions at scale: N graphql-transport-ws subscribers on ``hub serve --workers 2``.

    python bench/subscriptions.py [--subscribers 10000] [--rate 100] [--seconds 20]
                                  [--consignments 1000] [--processes 4]

Creates a fresh PostgreSQL database (HUB_BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/hub_bench_subscriptions), books the consignments, and
starts ``hub serve --workers 2`` on it with Redis (HUB_BENCH_REDIS_URL, default
redis://127.0.0.1:6379/0, under a key prefix of its own) and rate limits off. Then:

1. records events over HTTP (``recordConsignmentEvent``) at a steady rate with no
   subscribers, timing each request;
2. starts the subscribers — websocket clients (the ``websockets`` library) in separate
   processes, up to 50 subscriptions per connection, subscriber i following consignment
   i mod ``--consignments`` from the cursor the first phase left it at, and waits until
   the workers are idle again (every subscription answered: all of them live);
3. records events at the same rate again, each stamped (in ``remarks``) with its number and
   the time its request was sent, and prints what the subscribers received: delivered /
   expected, duplicates, latency from the request (p50, p99), the workers' peak memory, the
   mutation p99 with 0 and with N subscribers, and the CPU each delivery cost the workers
   and the subscriber processes (which share the machine's cores with the hub).

The subscriber processes freeze their connections out of the garbage collector once they
have subscribed (as the hub does, ``hub.collector``): their own full passes would otherwise
hold up reading the deliveries and count as latency the hub did not cause.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import websockets
from exchange_throughput import fresh_database
from graphql_load import with_key_encryption_key

from hub.auth import clients
from hub.canonical.codes import TransportMode
from hub.canonical.multimodal import Consignment, Goods, Leg, Party
from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.migrate import upgrade
from hub.multimodal import service

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_bench_subscriptions"
PER_CONNECTION = 50
RECORD = (
    """mutation ($e: ConsignmentEventInput!) { recordConsignmentEvent(event: $e) { status } }"""
)
FOLLOW = """subscription ($r: String!, $a: String) {
  consignmentEvents(reference: $r, after: $a) { cursor remarks } }"""


def reference(index: int) -> str:
    return f"JS-2026-{index + 1:06d}"


def journey(reference: str) -> Consignment:
    """One rail leg, Lianyungang to Xuzhou, that a booker reports events on."""
    issued = dt.datetime(2026, 11, 20, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return Consignment(
        reference=reference, issued_at=issued,
        parties=(Party("shipper", "苏州精工机械有限公司", None),
                 Party("consignee", "徐州重工物资有限公司", None)),
        goods=(Goods("机床配件", 40, "木箱", 18_000.0, None, None),),
        containers=(),
        legs=(Leg(1, TransportMode.RAIL, None, "中铁集装箱", "连云港东站", "徐州北站", None,
                  issued, issued + dt.timedelta(hours=30)),),
    )  # fmt: skip


async def prepare(url: str, consignments: int) -> tuple[str, str]:
    """A fresh database with the consignments booked by one client; its id and secret."""
    await fresh_database(url)
    engine = create_engine(Settings(database_url=url))
    await upgrade(engine)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        made = await clients.add(
            session, name="压测客户端", agency="bench", scopes="consignment:write registry:read",
            region=None, tier="internal", jwks=None, trusted_documents_only=False, uscc=None,
        )  # fmt: skip
    for start in range(0, consignments, 200):
        async with sessions() as session, session.begin():
            for index in range(start, min(consignments, start + 200)):
                await service.book(session, journey(reference(index)), made.row.client_id)
    await engine.dispose()
    assert made.secret is not None
    return made.row.client_id, made.secret


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_pids(serve: subprocess.Popen[bytes]) -> list[int]:
    """uvicorn's worker processes: the children of the serve process."""
    found: list[int] = []
    pending = [serve.pid]
    while pending:
        pid = pending.pop()
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            children = [int(child) for child in task.read_text().split()]
            found += children
            pending += children
    return [pid for pid in found if _rss(pid) > 50 * 2**20]  # not the multiprocessing helpers


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except FileNotFoundError:
        return 0
    return 0


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of(pids: list[int]) -> float:
    """CPU seconds the workers have used so far: on a shared machine, what a phase cost them
    whatever else ran beside it."""
    return sum(_cpu(pid) for pid in pids)


async def settled(workers: list[int], idle: float = 0.05, most: float = 600) -> None:
    """Wait until the workers are idle (under ``idle`` of a core each over a second): the
    subscriptions sent have been answered (each reads the database once) and are all live,
    as the target means, before the events start. At most ``most`` seconds."""
    deadline = time.monotonic() + most
    while time.monotonic() < deadline:
        before = cpu_of(workers)
        await asyncio.sleep(1)
        if cpu_of(workers) - before < idle * len(workers):
            return
    print(f"  the workers were still busy {most:.0f} s after the subscriptions were sent")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def record_events(
    http: httpx.AsyncClient, token: str, rate: int, seconds: float, consignments: int,
    first_number: int, counts: Counter[int],
) -> tuple[list[float], list[tuple[int, int]]]:  # fmt: skip
    """Events at a steady rate; (request latencies, (event number, consignment index))."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    sent: list[tuple[int, int]] = []
    failures = 0
    tasks = []

    async def one(number: int, index: int) -> None:
        nonlocal failures
        stamp = time.time()
        event = {
            "reference": reference(index), "kind": "LOAD", "location": "连云港东站",
            "occurredAt": "2026-11-20T20:00:00+08:00", "sourceEventId": f"b{number}",
            "mode": "RAIL", "leg": 1, "remarks": f"{number} {stamp:.6f}",
        }  # fmt: skip
        started = time.perf_counter()
        try:
            answer = await http.post(
                "/graphql", json={"query": RECORD, "variables": {"e": event}}, headers=headers
            )
        except httpx.TransportError as exc:
            failures += 1
            print(f"  event {number} failed: {exc!r}", file=sys.stderr)
            return
        latencies.append(time.perf_counter() - started)
        if answer.status_code != 200 or "errors" in answer.json():
            failures += 1
            print(f"  event {number} failed: {answer.text[:200]}", file=sys.stderr)
            return
        counts[index] += 1  # recorded: the consignment's cursor moved on
        sent.append((number, index))

    total = int(rate * seconds)
    begin = time.perf_counter()
    for offset in range(total):
        await asyncio.sleep(max(0.0, begin + offset / rate - time.perf_counter()))
        index = random.randrange(consignments)
        number = first_number + offset
        tasks.append(asyncio.create_task(one(number, index)))
    await asyncio.gather(*tasks)
    if failures:
        print(f"  {failures} of {total} events failed")
    return latencies, sent


def subscriber_process(
    url: str, token: str, assigned: list[tuple[int, str]], ready: Any, stop: Any, results: Any
) -> None:
    """Follow the assigned (consignment index, after) pairs; report what arrived."""
    received: dict[int, list[float]] = {}
    closed: Counter[str] = Counter()

    subscribed = asyncio.Semaphore(0)  # released once per connection, when it has subscribed

    async def connection(batch: list[tuple[int, str]]) -> None:
        announced: list[bool] = []
        try:
            await follow(batch, announced)
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            closed[f"connection failed: {type(exc).__name__}"] += 1
            if not announced:  # counted as ready all the same: the run goes on, reports it
                ready.put(len(batch))
                subscribed.release()

    async def follow(batch: list[tuple[int, str]], announced: list[bool]) -> None:
        async with websockets.connect(
            url, subprotocols=["graphql-transport-ws"], max_queue=None, open_timeout=120
        ) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": {
                "Authorization": f"Bearer {token}"}}))  # fmt: skip
            await ws.recv()
            for number, (index, after) in enumerate(batch):
                variables = {"r": reference(index), "a": after}
                await ws.send(json.dumps({"id": str(number), "type": "subscribe",
                    "payload": {"query": FOLLOW, "variables": variables}}))  # fmt: skip
            ready.put(len(batch))
            announced.append(True)
            subscribed.release()
            try:
                async for raw in ws:
                    arrived = time.time()
                    message = json.loads(raw)
                    if message["type"] != "next":
                        codes = {(error.get("extensions") or {}).get("code")
                                 for error in message.get("payload") or ()}  # fmt: skip
                        closed[f"{message['type']} {'/'.join(sorted(map(str, codes)))}"] += 1
                        continue
                    remarks = message["payload"]["data"]["consignmentEvents"]["remarks"]
                    number, stamp = remarks.split()
                    received.setdefault(int(number), []).append(arrived - float(stamp))
            except websockets.ConnectionClosed as exc:
                closed[f"closed {exc.rcvd.code if exc.rcvd else 'none'}"] += 1

    async def main() -> None:
        batches = [
            assigned[i : i + PER_CONNECTION] for i in range(0, len(assigned), PER_CONNECTION)
        ]
        tasks = []
        for batch in batches:
            tasks.append(asyncio.create_task(connection(batch)))
            await asyncio.sleep(0.005)
        for _ in batches:
            await subscribed.acquire()
        # The connections live to the end: frozen, the collector's full passes leave them
        # alone. Unfrozen, each pass walked every connection's objects (0.1-0.7 s with 5,000
        # subscriptions) while deliveries waited in the socket: time the hub did not spend.
        gc.collect()
        gc.freeze()
        await asyncio.to_thread(stop.wait)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())
    results.put((received, dict(closed)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=100, help="events per second")
    parser.add_argument("--seconds", type=float, default=20, help="of events, per phase")
    parser.add_argument("--consignments", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=4, help="subscriber processes")
    parser.add_argument("--drain", type=float, default=10, help="seconds to wait after")
    args = parser.parse_args()

    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("HUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    client_id, secret = asyncio.run(prepare(url, args.consignments))
    port = free_port()
    serve = serve_hub(url, redis_url, port, workers=2)
    try:
        asyncio.run(bench(args, port, client_id, secret, serve))
    finally:
        stop(serve)


def serve_hub(url: str, redis_url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """``hub serve`` on the bench's database and Redis (under a key prefix of its own),
    rate limits off."""
    env = {
        **os.environ, "HUB_DATABASE_URL": url, "HUB_REDIS_URL": redis_url,
        "HUB_CACHE_PREFIX": f"hub-bench:{uuid.uuid4().hex[:8]}:", "HUB_RATE_LIMITS": "false",
        "HUB_LOG_LEVEL": "warning", "HUB_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--workers", str(workers), "--port", str(port)],
        env=with_key_encryption_key(env),
    )


def stop(serve: subprocess.Popen[bytes]) -> None:
    serve.send_signal(signal.SIGINT)
    try:
        serve.wait(30)
    except subprocess.TimeoutExpired:
        serve.kill()


async def ready_token(
    http: httpx.AsyncClient, serve: subprocess.Popen[bytes], client_id: str, secret: str,
    minutes: int,
) -> str:  # fmt: skip
    """An access token once the hub answers ready (within ``minutes``)."""
    ready_by = time.monotonic() + 60 * minutes
    while True:
        try:
            if (await http.get("/health/ready")).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > ready_by or serve.poll() is not None:
            raise SystemExit(f"the hub did not become ready within {minutes} minutes")
        await asyncio.sleep(0.1)
    answer = await http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    token: str = answer.json()["access_token"]
    return token


async def bench(
    args: argparse.Namespace, port: int, client_id: str, secret: str,
    serve: subprocess.Popen[bytes],
) -> None:  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    # Idle connections are let go before uvicorn closes them (5 s): one reused as the server
    # closes it fails the request with a ReadError that says nothing about the hub.
    limits = httpx.Limits(max_connections=200, keepalive_expiry=2)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        # Five minutes: workers start slowly on a busy machine.
        token = await ready_token(http, serve, client_id, secret, minutes=5)
        counts: Counter[int] = Counter()
        workers = worker_pids(serve)
        print(f"phase 1: {args.rate} events/s for {args.seconds:.0f} s, no subscribers")
        cpu_before = cpu_of(workers)
        quiet, quiet_sent = await record_events(
            http, token, args.rate, args.seconds, args.consignments, 0, counts
        )
        quiet_cpu = cpu_of(workers) - cpu_before
        base_rss = {pid: _rss(pid) for pid in workers}

        context = multiprocessing.get_context("spawn")
        ready, stop, results = context.Queue(), context.Event(), context.Queue()
        assigned = [(i % args.consignments, str(counts[i % args.consignments]))
                    for i in range(args.subscribers)]  # fmt: skip
        share = -(-len(assigned) // args.processes)
        processes = [
            context.Process(
                target=subscriber_process,
                args=(
                    f"ws://127.0.0.1:{port}/graphql",
                    token,
                    assigned[i : i + share],
                    ready,
                    stop,
                    results,
                ),
            )
            for i in range(0, len(assigned), share)
        ]
        started = time.perf_counter()
        cpu_before = cpu_of(workers)
        for process in processes:
            process.start()
        subscribed = 0
        while subscribed < len(assigned):
            subscribed += await asyncio.to_thread(ready.get, True, 300)
        sent_in = time.perf_counter() - started
        await settled(workers)  # every subscription answered: all of them live
        subscribe_cpu = cpu_of(workers) - cpu_before
        print(f"{subscribed:,} subscriptions sent in {sent_in:.1f} s, live after "
              f"{time.perf_counter() - started:.1f} s, "
              f"{subscribe_cpu / max(1, subscribed) * 1000:.2f} ms of worker CPU each")  # fmt: skip

        print(f"phase 2: {args.rate} events/s for {args.seconds:.0f} s, {subscribed:,} subscribers")
        peak: dict[int, int] = dict(base_rss)
        sampling = True

        async def sample() -> None:
            while sampling:
                for pid in peak:
                    peak[pid] = max(peak[pid], _rss(pid))
                await asyncio.sleep(0.5)

        sampler = asyncio.create_task(sample())
        first = int(args.rate * args.seconds)
        clients = [process.pid for process in processes if process.pid is not None]
        cpu_before, clients_before = cpu_of(workers), cpu_of(clients)
        load_before = os.getloadavg()[0]
        busy, sent = await record_events(
            http, token, args.rate, args.seconds, args.consignments, first, Counter()
        )
        await asyncio.sleep(args.drain)  # for the last deliveries
        busy_cpu = cpu_of(workers) - cpu_before
        clients_cpu = cpu_of(clients) - clients_before
        sampling = False
        await sampler
        stop.set()
        received: dict[int, list[float]] = {}
        closed: Counter[str] = Counter()
        for _ in processes:
            part, ends = await asyncio.to_thread(results.get, True, 300)
            for number, latencies in part.items():
                received.setdefault(number, []).extend(latencies)
            closed.update(ends)
        for process in processes:
            process.join(30)

    followers = Counter(index for index, _after in assigned)
    expected = sum(followers[index] for _number, index in sent)
    live = {number for number, _index in sent}
    delivered = sum(min(len(received.get(n, [])), followers[i]) for n, i in sent)
    duplicates = sum(max(0, len(received.get(n, [])) - followers[i]) for n, i in sent)
    latencies = [value for number in live for value in received.get(number, [])]
    print(f"delivered/expected   {delivered:,} / {expected:,}")
    print(f"duplicates           {duplicates:,}")
    print(f"latency from request p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms")  # fmt: skip
    for pid, rss in peak.items():
        print(f"worker {pid}           {base_rss.get(pid, 0) / 2**20:.0f} MB before, "
              f"{rss / 2**20:.0f} MB peak")  # fmt: skip
    print(f"mutation p99         {percentile(quiet, 0.99) * 1000:.0f} ms with 0 subscribers, "
          f"{percentile(busy, 0.99) * 1000:.0f} ms with {subscribed:,}")  # fmt: skip
    print(f"worker CPU per event {quiet_cpu / max(1, len(quiet_sent)) * 1000:.1f} ms with 0 "
          f"subscribers, {busy_cpu / max(1, len(sent)) * 1000:.1f} ms with {subscribed:,} "
          f"(delivery included)")  # fmt: skip
    # The workers' share: what phase 2 cost beyond recording its events at phase 1's cost.
    delivering = busy_cpu - quiet_cpu / max(1, len(quiet_sent)) * len(sent)
    print(f"CPU per delivery     {delivering / max(1, delivered) * 1000:.3f} ms the workers', "
          f"{clients_cpu / max(1, delivered) * 1000:.3f} ms the subscriber processes' "
          f"({clients_cpu / (args.seconds + args.drain):.2f} of a core)")  # fmt: skip
    print(f"load average         {load_before:.1f} as phase 2 began, "
          f"{os.getloadavg()[0]:.1f} at the end")  # fmt: skip
    if closed:
        print(f"ended early          {dict(closed)}")


if __name__ == "__main__":
    main()
