"""The read path's tail latency, hub against hub: variants of ``hub serve`` run alternately.

    python bench/read_tail.py --variant pool10:HUB_PLANNER_CONNECTIONS=10 \\
        --variant pool2:HUB_PLANNER_CONNECTIONS=2 [--workloads abc] [--duration 10] \\
        [--rounds 3] [--connections 16] [--workers 2] [--port 9481]

On the data ``bench/read_path.py`` loads (``hub demo --scale 5`` in the database named by
HUB_BENCH_DATABASE_URL), each variant is a ``hub serve --workers 2`` with its own extra
environment (``NAME:VAR=VALUE,VAR=VALUE``), listening on its own port from ``--port`` on, all
started before the first run. The workloads of ``read_path.py`` are driven with wrk, each
variant in turn, round after round, so that what else runs on a shared machine falls on all
of them alike. Each run prints req/s, p50, p90, p99 and the slowest request, the CPU the
variant's processes spent per request, the CPU this database's PostgreSQL backends spent per
request, and the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from graphql_load import analyze, ensure_database, hub, register_client, with_key_encryption_key
from graphql_load import token as access_token
from read_path import (
    DEFAULT_URL,
    HUB,
    NAMES,
    WARM_UP_SECONDS,
    costed,
    cpu_seconds,
    line_vehicle,
    load_average,
    post,
    wait_for,
    wrk,
)


def variant(text: str) -> tuple[str, dict[str, str]]:
    """``NAME:VAR=VALUE,VAR=VALUE`` as (name, environment)."""
    name, _, settings = text.partition(":")
    env = dict(pair.split("=", 1) for pair in settings.split(",") if pair)
    return name, env


def backends(url: str) -> list[int]:
    """The process ids of the PostgreSQL backends connected to the benchmark's database."""

    async def listed() -> list[int]:
        plain = url.replace("postgresql+asyncpg://", "postgresql://")
        connection = await asyncpg.connect(plain)
        try:
            rows = await connection.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
        finally:
            await connection.close()
        return [row["pid"] for row in rows]

    return asyncio.run(listed())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", type=variant, required=True)
    parser.add_argument("--workloads", default="abc")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=9481)
    args = parser.parse_args()

    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    base = {**os.environ, "HUB_DATABASE_URL": url, "HUB_RATE_LIMITS": "false",
            "HUB_LOG_LEVEL": "warning"}  # fmt: skip
    base.pop("HUB_REDIS_URL", None)
    base = with_key_encryption_key(base)
    asyncio.run(ensure_database(url))
    hub("migrate", env=base)
    hub("demo", "--scale", "5", "--if-empty", env=base)
    asyncio.run(analyze(url))
    client_id, secret = register_client(base)

    servers: dict[str, tuple[int, subprocess.Popen[bytes]]] = {}
    try:
        for n, (name, extra) in enumerate(args.variant):
            port = args.port + n
            env = {**base, **extra, "HUB_PORT": str(port)}
            command = [sys.executable, "-m", "hub", "serve", "--workers", str(args.workers)]
            servers[name] = (port, subprocess.Popen(command, env=env))
        for port, server in servers.values():
            wait_for(port, "/health/live", server)
        first = next(iter(servers.values()))[0]
        token = access_token(client_id, secret, first)
        line = line_vehicle(first, token)
        print(
            f"wrk -t2 -c{args.connections}, {args.duration} s per run, {args.rounds} rounds, "
            f"variants in turn: {', '.join(f'{n} {e}' for n, e in args.variant)}; "
            f"hub serve --workers {args.workers}; load average {load_average()}",
            flush=True,
        )
        for key in args.workloads:
            body: dict[str, Any] = {"query": HUB[key], "variables": {}}
            if key == "b":
                body["variables"] = {"plate": line["plate"], "plateColor": line["plateColor"]}
            answers = [
                post(port, body["query"], body["variables"], token) for port, _ in servers.values()
            ]
            if any(answer != answers[0] for answer in answers):
                raise SystemExit(f"workload ({key}): the variants answer differently")
            for port, _ in servers.values():
                wrk(port, body, token, WARM_UP_SECONDS, args.connections)
            print(NAMES[key], flush=True)
            for round_number in range(args.rounds):
                for name, (port, server) in servers.items():
                    database = backends(url)
                    before = cpu_seconds(database)
                    run = costed(server, port, body, token, args.duration, args.connections)
                    pg_ms = (cpu_seconds(database) - before) * 1000 / max(run["requests"], 1)
                    print(
                        f"  {round_number + 1} {name:<10} req/s {run['rps']:6.0f}  p50 "
                        f"{run['p50_ms']:5.1f}  p90 {run['p90_ms']:5.1f}  p99 "
                        f"{run['p99_ms']:6.1f}  max {run['max_ms']:6.1f} ms; CPU ms/req hub "
                        f"{run['cpu_ms']:.2f}, PostgreSQL {pg_ms:.2f}; connections "
                        f"{'/'.join(map(str, run['spread'])) or '?'}; load {load_average()}",
                        flush=True,
                    )
    finally:
        for _, server in servers.values():
            server.terminate()
        for _, server in servers.values():
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
