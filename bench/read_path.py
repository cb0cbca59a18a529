"""The read path side by side: the hub and PostGraphile v4 over the same PostgreSQL data.

    python bench/read_path.py [--scale 5] [--duration 10] [--rounds 2] [--connections 16]
                              [--hub-port 9471] [--postgraphile-port 9472]

Loads ``hub demo --scale 5`` into the database named by HUB_BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/hub_readbench, created if missing), installs PostGraphile
v4 from npm into a scratch folder (``--scratch``, default /tmp/hub-readbench-postgraphile, never
committed), serves both on that database — the hub with ``--workers 2``, an internal-tier
token on every request, the policy on and rate limits off; PostGraphile with two cluster
workers, anonymous — checks that both answer the same records, then drives three workloads
with wrk (installed with apt-get if missing), alternating hub and PostGraphile, and prints
req/s, p50, p99 and the ratio. A last line gives the hub's CPU time per 10,000-node response
(100 operators × 100 vehicles), summed over its processes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from graphql_load import (
    ROOT,
    analyze,
    ensure_database,
    hub,
    register_client,
    with_key_encryption_key,
)
from graphql_load import token as access_token

from hub.canonical.codes import PlateColor

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hub_readbench"
HUB_PORT = 9471
POSTGRAPHILE_PORT = 9472
WARM_UP_SECONDS = 2

HUB = {
    "a": """query A { vehicles(first: 20) { edges { node {
        plate plateColor operator { name uscc } } } } }""",
    "b": """query B($plate: String!, $plateColor: PlateColor!) {
        vehicle(plate: $plate, plateColor: $plateColor) {
          plate plateColor certificate { number validTo } operator { name uscc }
          line { code name } } }""",
    "c": """query C { operators(first: 20) { edges { node { name uscc
        vehicles(first: 5) { edges { node { plate plateColor } } } } } } }""",
}
POSTGRAPHILE = {
    "a": """query A { allVehicles(first: 20, orderBy: [PLATE_ASC, ID_ASC]) { nodes {
        plate plateColor operatorByOperatorId { name uscc } } } }""",
    "b": """query B($plate: String!, $plateColor: String!) {
        allVehicles(first: 1, condition: {plate: $plate, plateColor: $plateColor}) { nodes {
          plate plateColor certificateNumber certificateValidTo
          operatorByOperatorId { name uscc } passengerLineByLineId { code name } } } }""",
    "c": """query C { allOperators(first: 20, orderBy: [NAME_ASC, ID_ASC]) { nodes { name uscc
        vehiclesByOperatorId(first: 5, orderBy: [PLATE_ASC, ID_ASC]) { nodes {
          plate plateColor } } } } }""",
}
NAMES = {
    "a": "(a) page of 20 vehicles with operator name and credit code",
    "b": "(b) a vehicle by plate and colour with operator, certificate, line",
    "c": "(c) page of 20 operators, each with its first 5 vehicles",
}
WIDE = """{ operators(first: 100) { edges { node { uscc
    vehicles(first: 100) { edges { node { plate plateColor } } } } } } }"""


def post(port: int, query: str, variables: dict[str, Any], token: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers=headers,
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    if answer.get("errors"):
        raise SystemExit(f"benchmark query failed on port {port}: {answer['errors']}")
    return answer["data"]


def wait_for(port: int, path: str, server: subprocess.Popen[bytes]) -> None:
    # Three minutes: on a machine loaded by other work, importing the hub takes its time.
    for _ in range(1800):
        if server.poll() is not None:
            raise SystemExit(f"the server on port {port} exited before it answered")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1)
            return
        except urllib.error.HTTPError:
            return  # answering, if only to refuse a GET
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answered on port {port} within three minutes")


def wrk(port: int, body: dict[str, Any], token: str | None, seconds: int, connections: int) -> Any:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(body, handle)
    env = {**os.environ, "BODY": handle.name}
    env.pop("AUTHORIZATION", None)
    if token:
        env["AUTHORIZATION"] = f"Bearer {token}"
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", str(ROOT / "bench" / "post.lua"), f"http://127.0.0.1:{port}/graphql"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    os.unlink(handle.name)
    line = next((x for x in result.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    values = {k: float(v) for k, v in (pair.split("=") for pair in line[7:].split())}
    if values["non2xx"]:
        raise SystemExit(f"{int(values['non2xx'])} answers were not 2xx on port {port}")
    return values


def line_vehicle(port: int, token: str) -> Any:
    """The plate and colour of a vehicle on a passenger line (workload (b) looks it up)."""
    return post(
        port,
        "{ passengerLines(first: 1) { edges { node { vehicles(first: 1) "
        "{ edges { node { plate plateColor } } } } } } }",
        {},
        token,
    )["passengerLines"]["edges"][0]["node"]["vehicles"]["edges"][0]["node"]


def costed(
    server: subprocess.Popen[bytes],
    port: int,
    body: dict[str, Any],
    token: str | None,
    seconds: int,
    connections: int,
) -> Any:
    """A wrk run, with the CPU the server's processes spent per request during it: on a
    shared machine throughput follows whatever else runs, CPU per request much less so."""
    pids = descendants(server.pid)
    before = cpu_seconds(pids)
    # Halfway through, how wrk's connections are spread over the server's processes: a
    # worker holding most of them answers most requests alone while the other idles.
    spread: list[list[int]] = []
    sample = threading.Timer(
        seconds / 2, lambda: spread.append(connections_per_process(pids, port))
    )
    sample.start()
    values = wrk(port, body, token, seconds, connections)
    sample.join()
    values["cpu_ms"] = (cpu_seconds(pids) - before) * 1000 / max(values["requests"], 1)
    values["spread"] = spread[0] if spread else []
    return values


def connections_per_process(pids: list[int], port: int) -> list[int]:
    """The established TCP connections to ``port`` each of ``pids`` holds (those holding
    any), fewest first, as ``ss`` reports them (empty without ``ss``)."""
    if shutil.which("ss") is None:
        return []
    listed = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    held = [int(pid) for pid in re.findall(r"pid=(\d+)", listed)]
    return sorted(n for n in (held.count(pid) for pid in pids) if n)


def same_records(token: str, plate: str, color: str) -> None:
    """Both servers answer the same records for each workload (plate colours as codes)."""

    def vehicles(nodes: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return [(n["plate"], n["plateColor"]) for n in nodes]

    hub_a = post(HUB_PORT, HUB["a"], {}, token)["vehicles"]["edges"]
    pg_a = post(POSTGRAPHILE_PORT, POSTGRAPHILE["a"], {}, None)["allVehicles"]["nodes"]
    assert [(e["node"]["plate"], PlateColor[e["node"]["plateColor"]].value,
             e["node"]["operator"]["uscc"]) for e in hub_a] == [
        (n["plate"], n["plateColor"], n["operatorByOperatorId"]["uscc"]) for n in pg_a
    ], "workload (a): different records"  # fmt: skip
    variables = {"plate": plate, "plateColor": color}
    hub_b = post(HUB_PORT, HUB["b"], variables, token)["vehicle"]
    pg_vars = {"plate": plate, "plateColor": PlateColor[color].value}
    pg_b = post(POSTGRAPHILE_PORT, POSTGRAPHILE["b"], pg_vars, None)["allVehicles"]["nodes"][0]
    assert (hub_b["certificate"]["number"], hub_b["operator"]["uscc"], hub_b["line"]["code"]) == (
        pg_b["certificateNumber"], pg_b["operatorByOperatorId"]["uscc"],
        pg_b["passengerLineByLineId"]["code"],
    ), "workload (b): different records"  # fmt: skip
    hub_c = post(HUB_PORT, HUB["c"], {}, token)["operators"]["edges"]
    pg_c = post(POSTGRAPHILE_PORT, POSTGRAPHILE["c"], {}, None)["allOperators"]["nodes"]
    assert [
        (e["node"]["uscc"], [v["node"]["plate"] for v in e["node"]["vehicles"]["edges"]])
        for e in hub_c
    ] == [(n["uscc"], [v["plate"] for v in n["vehiclesByOperatorId"]["nodes"]]) for n in pg_c], (
        "workload (c): different records"
    )
    del vehicles


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue += children.get(current, [])
    return found


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages: it is shared, so every figure says
    what else ran beside it."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def install_postgraphile(scratch: Path) -> Path:
    binary = scratch / "node_modules" / ".bin" / "postgraphile"
    if not binary.exists():
        scratch.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "init", "-y"], cwd=scratch, check=True, capture_output=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "postgraphile@4"],
            cwd=scratch, check=True,
        )  # fmt: skip
    return binary


def main() -> None:
    global HUB_PORT, POSTGRAPHILE_PORT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.0)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/hub-readbench-postgraphile"))
    parser.add_argument("--hub-port", type=int, default=9471)
    parser.add_argument("--postgraphile-port", type=int, default=9472)
    args = parser.parse_args()
    # The helpers below read the module's ports: a run beside another on the same machine
    # moves both.
    HUB_PORT, POSTGRAPHILE_PORT = args.hub_port, args.postgraphile_port

    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_PORT": str(HUB_PORT),
           "HUB_RATE_LIMITS": "false", "HUB_LOG_LEVEL": "warning"}  # fmt: skip
    env.pop("HUB_REDIS_URL", None)
    env = with_key_encryption_key(env)
    import asyncio

    asyncio.run(ensure_database(url))
    hub("migrate", env=env)
    hub("demo", "--scale", str(args.scale), "--if-empty", env=env)
    asyncio.run(analyze(url))
    client_id, secret = register_client(env)
    postgraphile = install_postgraphile(args.scratch)
    plain_url = url.replace("postgresql+asyncpg://", "postgres://")

    hub_server = subprocess.Popen([sys.executable, "-m", "hub", "serve", "--workers", "2"], env=env)
    pg_server = subprocess.Popen(
        [str(postgraphile), "-c", plain_url, "--host", "127.0.0.1",
         "--port", str(POSTGRAPHILE_PORT), "--schema", "public", "--disable-query-log",
         "--cluster-workers", "2"],
        cwd=args.scratch, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(HUB_PORT, "/health/live", hub_server)
        wait_for(POSTGRAPHILE_PORT, "/graphql", pg_server)
        token = access_token(client_id, secret, HUB_PORT)
        line = line_vehicle(HUB_PORT, token)
        same_records(token, line["plate"], line["plateColor"])
        print(
            f"scale {args.scale}, wrk -t2 -c{args.connections}, {args.duration} s per run, "
            f"{args.rounds} rounds alternating; hub --workers 2 (internal-tier token, policy on, "
            "rate limits off); PostGraphile v4 --cluster-workers 2 (anonymous); same answers "
            f"checked first; load average {load_average()}"
        )
        for key in ("a", "b", "c"):
            hub_body = {"query": HUB[key], "variables": {}}
            pg_body = {"query": POSTGRAPHILE[key], "variables": {}}
            if key == "b":
                hub_body["variables"] = {"plate": line["plate"], "plateColor": line["plateColor"]}
                pg_body["variables"] = {
                    "plate": line["plate"],
                    "plateColor": PlateColor[line["plateColor"]].value,
                }
            # A discarded warm-up of each server first: both start cold (the hub's workers
            # prepare their statements and open their connections on first use, PostGraphile
            # compiles its queries), and neither's first second should count against it.
            wrk(HUB_PORT, hub_body, token, WARM_UP_SECONDS, args.connections)
            wrk(POSTGRAPHILE_PORT, pg_body, None, WARM_UP_SECONDS, args.connections)
            print(f"{NAMES[key]} (load average {load_average()})", flush=True)
            runs: dict[str, list[Any]] = {"hub": [], "postgraphile": []}
            for _ in range(args.rounds):
                runs["hub"].append(
                    costed(hub_server, HUB_PORT, hub_body, token, args.duration, args.connections)
                )
                runs["postgraphile"].append(
                    costed(pg_server, POSTGRAPHILE_PORT, pg_body, None, args.duration,
                           args.connections)
                )  # fmt: skip
            hub_rps = statistics.median(r["rps"] for r in runs["hub"])
            pg_rps = statistics.median(r["rps"] for r in runs["postgraphile"])
            for name, results in runs.items():
                rps = ", ".join(f"{r['rps']:.0f}" for r in results)
                p50 = ", ".join(f"{r['p50_ms']:.1f}" for r in results)
                p99 = ", ".join(f"{r['p99_ms']:.1f}" for r in results)
                cpu = ", ".join(f"{r['cpu_ms']:.2f}" for r in results)
                spread = ", ".join("/".join(map(str, r["spread"])) or "?" for r in results)
                print(
                    f"  {name:<13} req/s {rps}; p50 ms {p50}; p99 ms {p99}; CPU ms/req {cpu}; "
                    f"connections per process {spread}"
                )
            print(f"  ratio hub / PostGraphile (medians): {hub_rps / pg_rps:.2f}")
            hub_cpu = statistics.median(r["cpu_ms"] for r in runs["hub"])
            pg_cpu = statistics.median(r["cpu_ms"] for r in runs["postgraphile"])
            print(
                "  server CPU per request, PostGraphile / hub (medians; database not counted): "
                f"{pg_cpu / hub_cpu:.2f}"
            )
        wide_body = post(HUB_PORT, WIDE, {}, token)
        nodes = sum(
            1 + len(e["node"]["vehicles"]["edges"]) for e in wide_body["operators"]["edges"]
        )
        pids = descendants(hub_server.pid)
        repeats = 200
        # One request after another on one kept-alive connection, as a client paging through
        # does: what is measured is answering, not opening a TCP connection per request.
        wide = json.dumps({"query": WIDE, "variables": {}}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        kept = http.client.HTTPConnection("127.0.0.1", HUB_PORT, timeout=60)
        before = cpu_seconds(pids)
        for _ in range(repeats):
            kept.request("POST", "/graphql", wide, headers)
            answer = kept.getresponse()
            if answer.status != 200 or b'"errors"' in answer.read():
                raise SystemExit(f"the wide page failed: {answer.status}")
        spent = (cpu_seconds(pids) - before) / repeats
        kept.close()
        print(
            f"CPU per response of {nodes} nodes (100 operators x up to 100 vehicles), hub "
            f"processes, {repeats} requests in turn on one connection: {spent * 1000:.1f} ms = "
            f"{spent * 1000 * 10_000 / nodes:.1f} ms per 10,000 nodes "
            f"(load average {load_average()})"
        )
    finally:
        for server in (hub_server, pg_server):
            server.terminate()
        for server in (hub_server, pg_server):
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
