"""The hub's CPU per recorded event and per delivered event, one worker, requests one at a time.

    python bench/record_event_cpu.py [--events 300] [--subscribers 0] [--consignments 100]
                                     [--py-spy PATH]

Books ``--consignments`` consignments in a fresh PostgreSQL database (HUB_BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/hub_bench_record_cpu) and starts ``hub serve
--workers 1`` on it with Redis (HUB_BENCH_REDIS_URL). Then:

1. records ``--events`` events over HTTP (``recordConsignmentEvent``), one request after
   the other, and prints the worker's CPU (user + system, from /proc) per event: what one
   event costs the hub, whatever else runs on the machine;
2. with ``--subscribers`` N: N websocket subscribers (``bench/subscriptions.py``'s, in one
   separate process) follow the consignments, N / ``--consignments`` each; the events are
   recorded again and, once every delivery has arrived, the worker's CPU per delivery is
   printed: (CPU of the phase − the events' CPU without subscribers) / deliveries. That is
   a difference of two figures the machine's load moves: with many subscribers per
   consignment (``--subscribers 3000 --consignments 30``) deliveries outweigh it.

``--py-spy`` samples the worker during each measured phase with py-spy at PATH (installed
outside the project) into ``bench/results/record_event_cpu.<phase>.txt``, as collapsed stacks. Its
samples count a process waiting in a system call as busy: weigh them against the CPU figures.

Sequential requests measure cost, not throughput: latency is printed only as a hint.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from subscriptions import (
    RECORD,
    _cpu,
    free_port,
    percentile,
    prepare,
    ready_token,
    reference,
    serve_hub,
    stop,
    subscriber_process,
    worker_pids,
)

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_bench_record_cpu"
WARM_UP = 30
RESULTS = Path(__file__).parent / "results"


def _system(pid: int) -> float:
    """CPU seconds a process has spent in the kernel so far (sockets, mostly)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[12]) / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def spying(py_spy: str | None, pid: int, phase: str) -> AsyncIterator[None]:
    """py-spy sampling ``pid`` meanwhile, if a py-spy is given."""
    if py_spy is None:
        yield
        return
    out = RESULTS / f"record_event_cpu.{phase}.txt"
    spy = await asyncio.create_subprocess_exec(
        py_spy, "record", "-p", str(pid), "-o", str(out), "-f", "raw", "-r", "200", "--native"
    )
    await asyncio.sleep(1)  # attached
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        await spy.wait()


def event(number: int, index: int) -> dict[str, Any]:
    return {
        "reference": reference(index), "kind": "LOAD", "location": "连云港东站",
        "occurredAt": "2026-11-20T20:00:00+08:00", "sourceEventId": f"c{number}",
        "mode": "RAIL", "leg": 1, "remarks": f"{number} {time.time():.6f}",
    }  # fmt: skip


async def record(
    http: httpx.AsyncClient, token: str, numbers: range, consignments: int, counts: Counter[int]
) -> list[float]:
    """Events one after the other; their request latencies."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies = []
    for number in numbers:
        index = random.randrange(consignments)
        started = time.perf_counter()
        answer = await http.post(
            "/graphql",
            json={"query": RECORD, "variables": {"e": event(number, index)}},
            headers=headers,
        )
        latencies.append(time.perf_counter() - started)
        if answer.status_code != 200 or "errors" in answer.json():
            raise SystemExit(f"event {number} failed: {answer.text[:300]}")
        counts[index] += 1
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--subscribers", type=int, default=0)
    parser.add_argument("--consignments", type=int, default=100)
    parser.add_argument("--py-spy", help="path of a py-spy executable, to profile the worker")
    args = parser.parse_args()
    if args.py_spy:
        RESULTS.mkdir(exist_ok=True)

    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("HUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    client_id, secret = asyncio.run(prepare(url, args.consignments))
    port = free_port()
    serve = serve_hub(url, redis_url, port, workers=1)
    try:
        asyncio.run(bench(args, port, client_id, secret, serve))
    finally:
        stop(serve)


async def bench(
    args: argparse.Namespace, port: int, client_id: str, secret: str,
    serve: subprocess.Popen[bytes],
) -> None:  # fmt: skip
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
        token = await ready_token(http, serve, client_id, secret, minutes=2)
        worker = (worker_pids(serve) or [serve.pid])[0]
        counts: Counter[int] = Counter()
        await record(http, token, range(WARM_UP), args.consignments, counts)

        first = WARM_UP
        async with spying(args.py_spy, worker, "record"):
            before, system_before = _cpu(worker), _system(worker)
            quiet = await record(
                http, token, range(first, first + args.events), args.consignments, counts
            )
        per_event = (_cpu(worker) - before) / args.events
        system = (_system(worker) - system_before) / args.events
        print(f"recorded {args.events} events one at a time, no subscribers")
        print(f"  worker CPU per event   {per_event * 1000:.2f} ms ({system * 1000:.2f} ms of it "
              "in the kernel)")  # fmt: skip
        print(f"  request latency        p50 {percentile(quiet, 0.5) * 1000:.1f} ms, "
              f"p99 {percentile(quiet, 0.99) * 1000:.1f} ms")  # fmt: skip
        if args.subscribers:
            await deliveries(args, port, token, http, worker, counts, per_event)


async def deliveries(
    args: argparse.Namespace, port: int, token: str, http: httpx.AsyncClient, worker: int,
    counts: Counter[int], per_event: float,
) -> None:  # fmt: skip
    context = multiprocessing.get_context("spawn")
    ready, stop, results = context.Queue(), context.Event(), context.Queue()
    assigned = [
        (i % args.consignments, str(counts[i % args.consignments])) for i in range(args.subscribers)
    ]
    process = context.Process(
        target=subscriber_process,
        args=(f"ws://127.0.0.1:{port}/graphql", token, assigned, ready, stop, results),
    )
    process.start()
    subscribed = 0
    while subscribed < len(assigned):
        subscribed += await asyncio.to_thread(ready.get, True, 300)
    while True:  # every subscription answered before the events
        idle = _cpu(worker)
        await asyncio.sleep(1)
        if _cpu(worker) - idle < 0.02:
            break
    first = WARM_UP + args.events
    sent: Counter[int] = Counter()
    async with spying(args.py_spy, worker, "deliver"):
        before = _cpu(worker)
        await record(http, token, range(first, first + args.events), args.consignments, sent)
        while True:  # until the worker has sent them all: idle again
            idle = _cpu(worker)
            await asyncio.sleep(1)
            if _cpu(worker) - idle < 0.02:
                break
        spent = _cpu(worker) - before
    followers = Counter(index for index, _after in assigned)
    expected = sum(followers[index] * times for index, times in sent.items())
    stop.set()
    received, closed = await asyncio.to_thread(results.get, True, 300)
    process.join(30)
    delivered = sum(len(received.get(n, ())) for n in range(first, first + args.events))
    latencies = [v for n in range(first, first + args.events) for v in received.get(n, ())]
    print(f"recorded {args.events} events one at a time, {subscribed} subscribers")
    print(f"  delivered / expected   {delivered} / {expected}")
    print(f"  worker CPU per event   {spent / args.events * 1000:.2f} ms, deliveries included")
    per_delivery = (spent - per_event * args.events) / max(1, delivered)
    print(f"  worker CPU per delivery {per_delivery * 1000:.3f} ms")
    print(f"  delivery latency       p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms")  # fmt: skip
    if closed:
        print(f"  ended early            {closed}")


if __name__ == "__main__":
    main()
