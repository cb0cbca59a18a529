"""Cached open-data answers: workload (a) of the read-path benchmark, sent anonymously.

    python bench/opendata_cache.py [--scale 1] [--duration 10] [--rounds 3] [--connections 32]

Loads ``hub demo`` into the PostgreSQL database named by HUB_BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/hub_opendata_bench, created if missing) and serves it with
``hub serve --workers 2`` on port 9371, rate limits off: the response cache in-process (each
worker its own entries, the data version in the data dir's file), or with ``--redis`` on
Redis (HUB_BENCH_REDIS_URL, default redis://127.0.0.1:6379/0, under a key prefix of its own,
removed after). It checks that the cached answers equal the first, read from the database,
then drives with wrk: (a) a page of 20 vehicles with operator name and credit code, POSTed
anonymously; the same as ``GET /graphql?documentId=…``; and the same POSTed by an
internal-tier client, which the cache does not serve, for comparison. Prints req/s, p50 and
p99 per run, the hub's CPU time per request, and the machine's load average before and
after (target: ≥ 5,000 req/s cached).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from graphql_load import ROOT, ensure_database, hub, register_client, with_key_encryption_key
from graphql_load import token as access_token
from read_path import HUB, cpu_seconds, descendants, post

from hub.api.documents import document_hash

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_opendata_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
PORT = 9371
PAGE = (ROOT / "graphql" / "operations" / "opendata" / "VehiclePage.graphql").read_text("utf-8")


def wrk(script: str, target: str, env: dict[str, str], seconds: int, connections: int) -> Any:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", str(ROOT / "bench" / script), target],
        env={**{k: v for k, v in os.environ.items() if k != "AUTHORIZATION"}, **env},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next((x for x in result.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    values = {k: float(v) for k, v in (pair.split("=") for pair in line[7:].split())}
    if values["non2xx"]:
        raise SystemExit(f"{int(values['non2xx'])} answers were not 2xx")
    return values


def wait_for(server: subprocess.Popen[bytes], seconds: int = 300) -> None:
    """Until the hub answers (two workers start slowly on a busy machine)."""
    for _ in range(seconds * 10):
        if server.poll() is not None:
            raise SystemExit("hub serve exited before it answered")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health/live", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"hub serve did not answer within {seconds} s")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--redis", action="store_true", help="the cache on Redis")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    prefix = f"hub-opendata-bench:{uuid.uuid4().hex[:8]}:"
    redis_url = os.environ.get("HUB_BENCH_REDIS_URL", DEFAULT_REDIS)
    data_dir = tempfile.mkdtemp(prefix="hub-opendata-bench-")
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_PORT": str(PORT), "HUB_DATA_DIR": data_dir,
           "HUB_RATE_LIMITS": "false", "HUB_LOG_LEVEL": "warning"}  # fmt: skip
    env.pop("HUB_REDIS_URL", None)
    if args.redis:
        env.update(HUB_REDIS_URL=redis_url, HUB_CACHE_PREFIX=prefix)
    env = with_key_encryption_key(env)
    asyncio.run(ensure_database(url))
    hub("migrate", env=env)
    hub("demo", "--scale", str(args.scale), "--if-empty", env=env)
    client_id, secret = register_client(env)

    server = subprocess.Popen([sys.executable, "-m", "hub", "serve", "--workers", "2"], env=env)
    bodies: list[str] = []
    try:
        wait_for(server)
        token = access_token(client_id, secret, PORT)
        fresh = post(PORT, HUB["a"], {}, None)  # the first: read from the database
        cached = [post(PORT, HUB["a"], {}, None) for _ in range(3)]
        assert all(answer == fresh for answer in cached), "the cached answer is the database's"
        query = urllib.parse.urlencode({"documentId": f"sha256:{document_hash(PAGE)}"})
        status, headers, _ = get(f"http://127.0.0.1:{PORT}/graphql?{query}")
        assert status == 200, status
        assert headers["cache-control"].startswith("public"), headers
        before = load_average()
        print(
            f"scale {args.scale}, PostgreSQL, hub serve --workers 2, response cache "
            f"{'on Redis' if args.redis else 'in-process'}, "
            f"rate limits off; wrk -t2 -c{args.connections}, {args.duration} s per run, "
            f"{args.rounds} rounds; load average before: {before}"
        )
        runs: dict[str, list[Any]] = {"POST anonymous (cached)": [], "GET documentId (cached)": [],
                                      "POST internal token (not cached)": []}  # fmt: skip
        for _ in range(args.rounds):
            for name, script, target, extra in (
                ("POST anonymous (cached)", "post.lua", "/graphql", {}),
                ("GET documentId (cached)", "get.lua", f"/graphql?{query}", {}),
                ("POST internal token (not cached)", "post.lua", "/graphql",
                 {"AUTHORIZATION": f"Bearer {token}"}),
            ):  # fmt: skip
                with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
                    json.dump({"query": HUB["a"], "variables": {}}, handle)
                bodies.append(handle.name)
                run_env = {"BODY": handle.name, **extra}
                pids = descendants(server.pid)
                spent = cpu_seconds(pids)
                result = wrk(script, f"http://127.0.0.1:{PORT}{target}", run_env, args.duration,
                             args.connections)  # fmt: skip
                result["cpu_us"] = (cpu_seconds(pids) - spent) / result["requests"] * 1e6
                runs[name].append(result)
        print(NAME)
        for name, results in runs.items():
            rps = ", ".join(f"{r['rps']:.0f}" for r in results)
            p50 = ", ".join(f"{r['p50_ms']:.1f}" for r in results)
            p99 = ", ".join(f"{r['p99_ms']:.1f}" for r in results)
            median = statistics.median(r["rps"] for r in results)
            cpu = statistics.median(r["cpu_us"] for r in results)
            print(f"  {name:<34} req/s {rps} (median {median:.0f}); p50 ms {p50}; p99 ms {p99}")
            print(
                f"  {'':<34} hub CPU per request {cpu:.0f} us (both workers): "
                f"{2e6 / cpu:,.0f} req/s if the hub had the 2 cores to itself"
            )
        print(f"load average after: {load_average()}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        for name in bodies:
            os.unlink(name)
        shutil.rmtree(data_dir, ignore_errors=True)
        if args.redis:
            asyncio.run(_forget(redis_url, prefix))


NAME = "(a) page of 20 vehicles with operator name and credit code"


async def _forget(url: str, prefix: str) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(url)
    try:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


if __name__ == "__main__":
    main()
