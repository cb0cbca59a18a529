"""GraphQL load benchmark: the benchmark scale on PostgreSQL, ``hub serve``, driven by wrk.

    python bench/graphql_load.py [--scale 10] [--workers 2] [--duration 20] [--connections 16]

Loads the demo data at benchmark scale (200,000 vehicles at --scale 10) into the PostgreSQL
database named by HUB_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/hub_bench,
created if missing), starts ``hub serve`` on loopback, and for each query of a fixed set
prints requests/s and p50/p99 latency measured by wrk (installed with apt-get if missing).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = ROOT / "graphql" / "operations"
DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_bench"
BENCH_KEK = "YmVuY2htYXJrIGtleS1lbmNyeXB0aW9uIGtleSAzMmI="
"""The key-encryption key of the benchmark database (which holds demo data only)."""
PORT = 8765


async def ensure_database(url: str) -> None:
    target = make_url(url)
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        await admin.dispose()


async def analyze(url: str) -> None:
    """ANALYZE the benchmark's database: one loaded by an older ``hub demo`` (which did not
    analyze) on a server with autovacuum off has no statistics, and PostgreSQL's plans
    without them (the alert sweep's took seconds of a core every minute) skew every figure."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE"))
    finally:
        await engine.dispose()


def with_key_encryption_key(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the benchmarks' own key-encryption key unless it names one: a hub on
    PostgreSQL does not start without one. The same every run, so a kept database still opens."""
    if "HUB_KEY_ENCRYPTION_KEY" in env or "HUB_KEY_ENCRYPTION_KEY_FILE" in env:
        return env
    return {**env, "HUB_KEY_ENCRYPTION_KEY": BENCH_KEK}


def hub(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "hub", *args], env=env, check=True)


def register_client(env: dict[str, str]) -> tuple[str, str]:
    """An internal-tier client for the benchmark: (client_id, secret)."""
    result = subprocess.run(
        [sys.executable, "-m", "hub", "clients", "add", "--name", "benchmark",
         "--agency", "bench", "--scopes", "registry:read", "--tier", "internal"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    values = dict(
        line.split(":", 1) for line in result.stdout.splitlines() if line.startswith("client_")
    )
    return values["client_id"].strip(), values["client_secret"].strip()


def token(client_id: str, secret: str, port: int = PORT) -> str:
    """An access token of a client, by client credentials, from the hub on ``port``."""
    credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/oauth/token",
        data=b"grant_type=client_credentials",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": f"Basic {credentials}",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())["access_token"])


AUTHORIZATION: dict[str, str] = {}


def post(query: str, variables: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json", **AUTHORIZATION},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, object] = json.loads(response.read())
    if "errors" in answer:
        raise SystemExit(f"benchmark query failed: {answer['errors']}")
    return answer


def wait_until_serving(server: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit("hub serve exited before it answered")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("hub serve did not answer within 20 s")


def wrk(body: dict[str, object], duration: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(body, handle)
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "post.lua"),
            f"http://127.0.0.1:{PORT}/graphql",
        ],
        env={**os.environ, "BODY": handle.name, "AUTHORIZATION": AUTHORIZATION["Authorization"]},
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(handle.name)
    match = re.search(r"RESULT (.*)", result.stdout)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    return {key: float(value) for key, value in (pair.split("=") for pair in match[1].split())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    # Capacity is measured, not the per-client rate limit (which would answer 429 first);
    # the token is real, so verifying it is part of every request's cost.
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_PORT": str(PORT), "HUB_RATE_LIMITS": "false"}
    env.pop("HUB_REDIS_URL", None)
    env = with_key_encryption_key(env)
    asyncio.run(ensure_database(url))
    hub("migrate", env=env)
    hub("demo", "--scale", str(args.scale), "--if-empty", env=env)
    client_id, secret = register_client(env)

    server = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--workers", str(args.workers)], env=env
    )
    try:
        wait_until_serving(server)
        AUTHORIZATION["Authorization"] = f"Bearer {token(client_id, secret)}"
        list_query = (OPERATIONS / "portal" / "VehicleList.graphql").read_text(encoding="utf-8")
        check_query = (OPERATIONS / "enforcement" / "VehicleCheck.graphql").read_text(
            encoding="utf-8"
        )
        first = post(
            "{ passengerLines(first: 1) { edges { node { vehicles(first: 1) "
            "{ edges { node { plate plateColor } } } } } } }",
            {},
        )
        line = first["data"]["passengerLines"]["edges"][0]["node"]  # type: ignore[index]
        vehicle = line["vehicles"]["edges"][0]["node"]
        cases = {
            "vehicle list page (20 vehicles + operator + permits)": {
                "query": list_query,
                "variables": {"first": 20},
            },
            "vehicle by plate (operator, certificates, line)": {
                "query": check_query,
                "variables": {"plate": vehicle["plate"], "plateColor": vehicle["plateColor"]},
            },
        }
        print(
            f"scale {args.scale}, {args.workers} workers, {args.connections} connections, "
            f"{args.duration} s each, PostgreSQL, in-process cache, "
            "an internal-tier token on every request, rate limits off"
        )
        for name, body in cases.items():
            post(str(body["query"]), body["variables"])  # type: ignore[arg-type]
            result = wrk(body, args.duration, args.connections)
            print(
                f"{name}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
                f"p99 {result['p99_ms']:.1f} ms ({int(result['requests'])} requests, "
                f"{int(result['non2xx'])} non-2xx)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
