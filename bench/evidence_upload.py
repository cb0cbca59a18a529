"""Evidence upload: megabytes per second into the evidence store, CPU per megabyte, and the
memory an upload holds (it is streamed to disk, so that stays flat whatever the file's size).

    python bench/evidence_upload.py [--files 8] [--megabytes 64]

Runs the hub in-process on a fresh SQLite database in a temporary directory (the upload path
does not touch the database until the file is stored: one INSERT per file), opens a case with
an on-site record, and uploads ``--files`` videos of ``--megabytes`` each over multipart, sent
chunked from a generator (the client holds 64 KiB at a time). Reported: wall time and
throughput, CPU seconds of this process per 100 MB (client and server together), and the peak
of Python allocations during the uploads (tracemalloc) — were a file buffered whole, it would
be at least its size.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from hub.app import create_app
from hub.auth import clients
from hub.canonical.codes import OperatorStatus
from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.enforcement.models import EnforcementOfficer
from hub.migrate import upgrade
from hub.operators.models import Operator

CHUNK = 64 * 1024
USCC = "91320302MA12345677"
BOUNDARY = "hub-bench-boundary"


async def body(megabytes: int, serial: int) -> AsyncIterator[bytes]:
    """A multipart body with one MP4 of ``megabytes`` MB (its bytes differ per ``serial``)."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="clip-{serial}.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()
    yield b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + serial.to_bytes(8, "big")
    block = os.urandom(CHUNK)
    for _ in range(megabytes * 1024 * 1024 // CHUNK):
        yield block
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


async def arrange(settings: Settings) -> None:
    engine = create_engine(settings)
    await upgrade(engine)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        session.add(Operator(
            uscc=USCC, name="基准运输有限公司", legal_representative="张三",
            region_code="320302", business_categories=["RF"], status=OperatorStatus.ACTIVE,
            source="bench", source_record_id="1", received_at=dt.datetime.now(dt.UTC),
        ))  # fmt: skip
        session.add_all(
            EnforcementOfficer(badge_number=b, name=b, region_code="320300", categories=["RF"])
            for b in ("B1", "B2")
        )
    await engine.dispose()


async def run(files: int, megabytes: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{data_dir / 'hub.sqlite3'}",
            data_dir=data_dir,
            key_encryption_key=os.urandom(32),
            rate_limits=False,
            evidence_max_bytes=(megabytes + 1) * 1024 * 1024,
        )
        await arrange(settings)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://hub.bench", timeout=600
            ) as http:
                sessions = session_factory(app.state.engine)
                async with sessions() as session, session.begin():
                    made = await clients.add(
                        session, name="bench", agency="bench", region="320300",
                        scopes="registry:read enforcement:read enforcement:write",
                    )  # fmt: skip
                token = (
                    await http.post(
                        "/oauth/token",
                        data={"grant_type": "client_credentials"},
                        auth=(made.row.client_id, made.secret or ""),
                    )
                ).json()["access_token"]
                auth = {"Authorization": f"Bearer {token}"}
                case = {"number": "BENCH-1", "title": "基准", "operatorUscc": USCC}
                opened = await http.post("/graphql", headers=auth, json={
                    "query": "mutation ($c: EnforcementCaseInput!) "
                             "{ openEnforcementCase(case: $c) { number } }",
                    "variables": {"c": case}})  # fmt: skip
                assert opened.json().get("data"), opened.text
                on_site = {
                    "caseNumber": "BENCH-1", "place": "基准", "officers": ["B1", "B2"],
                    "recordedAt": dt.datetime.now(dt.UTC).isoformat(), "findings": "基准",
                }  # fmt: skip
                recorded = await http.post("/graphql", headers=auth, json={
                    "query": "mutation ($r: OnSiteRecordInput!) "
                             "{ recordOnSite(record: $r) { recordId } }",
                    "variables": {"r": on_site}})  # fmt: skip
                assert recorded.json().get("data"), recorded.text
                record = recorded.json()["data"]["recordOnSite"]["recordId"]
                headers = auth | {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
                tracemalloc.start()
                cpu, wall = time.process_time(), time.perf_counter()
                for serial in range(files):
                    answer = await http.post(
                        f"/enforcement/records/{record}/evidence",
                        content=body(megabytes, serial),
                        headers=headers,
                    )
                    assert answer.status_code == 201, answer.text
                wall = time.perf_counter() - wall
                cpu = time.process_time() - cpu
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
    total = files * megabytes
    print(
        f"{files} uploads of {megabytes} MB: {total} MB in {wall:.2f} s = {total / wall:.0f} MB/s"
    )
    print(f"CPU (client + server, one process): {cpu:.2f} s = {cpu / total * 100:.2f} s per 100 MB")
    print(f"peak Python allocations during the uploads: {peak / 1024 / 1024:.1f} MB")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--megabytes", type=int, default=64)
    args = parser.parse_args()
    asyncio.run(run(args.files, args.megabytes))


if __name__ == "__main__":
    main()
