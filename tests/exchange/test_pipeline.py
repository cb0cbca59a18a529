"""The exchange pipeline: stored once, processed once, bad documents explained, nothing lost."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from hub.agency_records.inbox import FAILED, PROCESSED, RECEIVED, ExchangeMessage
from hub.agency_records.models import VehicleRegistrationRow
from hub.agency_records.store import store_many
from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.exchange.inbound import ingest, pull
from hub.exchange.pipeline import Exchange
from hub.exchange.protocol import feed_app
from hub.exchange.registry import AdapterRegistry
from hub.exchange.validation import InvalidDocument
from hub.exchange.worker import sweep, work
from hub.queue import create_queue
from tests.conftest import fetch_token, register_client, running
from tests.exchange.adapter import ADAPTER, NS, document, feed_documents

VIN = "LZYTA0012N0000001"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def exchange(settings: Settings) -> AsyncIterator[Exchange]:
    engine = create_engine(settings)
    try:
        yield Exchange(AdapterRegistry([ADAPTER]), session_factory(engine))
    finally:
        await engine.dispose()


async def count(exchange: Exchange, model: Any = ExchangeMessage) -> int:
    async with exchange.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def registrations(exchange: Exchange) -> list[tuple[str, str, str]]:
    async with exchange.sessions() as session:
        rows = await session.execute(
            select(VehicleRegistrationRow.source_record_id, VehicleRegistrationRow.plate,
                   VehicleRegistrationRow.status).order_by(VehicleRegistrationRow.source_record_id)
        )  # fmt: skip
        return [(record, plate, status.value) for record, plate, status in rows.all()]


async def test_a_document_is_stored_raw_then_processed(exchange: Exchange) -> None:
    data = document("m-1", [("R1", "苏A00001", "2", VIN, "A"), ("R2", "苏A00002", "2", VIN, "C")])

    receipt = await exchange.receive("test_police", data, "push")
    stored_before_processing = await count(exchange)
    status = await exchange.process(receipt.id)

    assert stored_before_processing == 1
    assert (receipt.duplicate, receipt.status, status) == (False, "received", PROCESSED)
    assert await registrations(exchange) == [("R1", "苏A00001", "A"), ("R2", "苏A00002", "C")]


async def test_redelivery_changes_nothing(exchange: Exchange) -> None:
    data = document("m-1", [("R1", "苏A00001", "2", VIN, "A")])
    first = await exchange.receive("test_police", data, "push")
    await exchange.process(first.id)

    again = await exchange.receive("test_police", data, "pull")
    reprocessed = await exchange.process(first.id)

    assert again.duplicate is True
    assert again.id == first.id
    assert reprocessed == PROCESSED
    assert await count(exchange) == 1
    assert await count(exchange, VehicleRegistrationRow) == 1


async def test_a_reused_message_id_with_other_content_is_refused(exchange: Exchange) -> None:
    await exchange.receive(
        "test_police", document("m-1", [("R1", "苏A00001", "2", VIN, "A")]), "push"
    )

    with pytest.raises(InvalidDocument, match="already received with different content"):
        await exchange.receive(
            "test_police", document("m-1", [("R1", "苏A00001", "2", VIN, "C")]), "push"
        )


HOSTILE = {
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
        "Entities are forbidden",
    ),
    "entity expansion": (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;">]><r>&c;</r>',
        "Entities are forbidden",
    ),
    "entity in a GB18030 document": (
        '<?xml version="1.0" encoding="GB18030"?><!DOCTYPE r [<!ENTITY x SYSTEM '
        '"file:///etc/passwd">]><r>苏&x;</r>'.encode("gb18030"),
        "Entities are forbidden",
    ),
    "external DTD": (
        b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r/>',
        "External references are forbidden",
    ),
    "truncated": (document("m-9", [("R1", "苏A00001", "2", VIN, "A")])[:-30], "invalid XML syntax"),
    "wrong namespace": (
        document("m-8", []).replace(NS.encode(), b"urn:js-transport-hub:test_police:other:1.0"),
        "test_police sends no document",
    ),
    "oversized": (b"<r>" + b"x" * 3_000_000 + b"</r>", "the limit is"),
    "empty": (b"   ", "the document is empty"),
    "no message id": (
        document("", [("R1", "苏A00001", "2", VIN, "A")]),
        "Header/MessageId '' (0 characters) does not match the exchange header standard's "
        r"pattern [A-Za-z0-9._:\-]{1,64} (header-1.0.xsd)",
    ),
    "message id over 64 characters": (
        document("m" * 65, [("R1", "苏A00001", "2", VIN, "A")]),
        f"Header/MessageId {'m' * 65!r} (65 characters) does not match the exchange header "
        r"standard's pattern [A-Za-z0-9._:\-]{1,64}",
    ),
    "message id with a tab": (
        document("m\t1", [("R1", "苏A00001", "2", VIN, "A")]),
        r"Header/MessageId 'm\t1' (3 characters) does not match",
    ),
    "message id with a line break": (
        document("m\n1", [("R1", "苏A00001", "2", VIN, "A")]),
        r"Header/MessageId 'm\n1' (3 characters) does not match",
    ),
    "message id with spaces around it": (
        document(" m-1 ", [("R1", "苏A00001", "2", VIN, "A")]),
        "Header/MessageId ' m-1 ' (5 characters) does not match",
    ),
    "no header": (
        re.sub(
            rb"<h:Header>.*</h:Header>", b"", document("m-1", [("R1", "苏A00001", "2", VIN, "A")])
        ),
        "Registrations has no Header (the exchange header standard)",
    ),
    "header sent at no time": (
        document("m-1", []).replace(b"2026-11-25T08:00:00+08:00", b"yesterday"),
        "Header/SentAt breaks the exchange header standard: Invalid datetime string 'yesterday'",
    ),
    "another agency as sender": (
        document("m-1", [("R1", "苏A00001", "2", VIN, "A")]).replace(
            b"<h:Sender>test_police</h:Sender>", b"<h:Sender>public_security</h:Sender>"
        ),
        "Header/Sender 'public_security' is not 'test_police', its agency: "
        "an agency sends only its own documents",
    ),
    "XInclude": (
        document("m-1", [("R1", "苏A00001", "2", VIN, "A")]).replace(
            b"<Registration>",
            b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" '
            b'parse="text"/><Registration>',
        ),
        "XInclude is refused: Registrations holds an {http://www.w3.org/2001/XInclude}include "
        "element; send the document whole",
    ),
    "XInclude deep inside": (
        document("m-1", [("R1", "苏A00001", "2", VIN, "A")]).replace(
            b"<Vin>", b'<Vin><include xmlns="http://www.w3.org/2001/XInclude" href="x.xml"/>'
        ),
        "XInclude is refused: Vin holds an {http://www.w3.org/2001/XInclude}include element",
    ),
    "not XML at all": (b"hello", "invalid XML syntax: syntax error: line 1, column 0"),
    "a path, not XML": (b"/etc/passwd", "invalid XML syntax: not well-formed"),
    "unknown encoding": (
        document("m-1", []).replace(b'encoding="UTF-8"', b'encoding="x-klingon"'),
        "the document declares encoding x-klingon, which the hub does not know",
    ),
    "bytes not in the declared encoding": (
        document("m-1", []).replace(b'encoding="UTF-8"', b'encoding="GB18030"') + b"\x80",
        "the document declares encoding GB18030, but line 1 holds bytes that are not GB18030 (80)",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
async def test_hostile_or_broken_xml_is_refused_and_nothing_stored(
    exchange: Exchange, case: str
) -> None:
    data, reason = HOSTILE[case]

    with pytest.raises(InvalidDocument) as refused:
        await exchange.receive("test_police", data, "push")

    assert reason in refused.value.reason
    assert await count(exchange) == 0
    for server_path in (str(ROOT), os.getcwd(), "file:"):
        assert server_path not in refused.value.reason, "a reason names no file of the server"


async def test_an_invalid_document_is_a_dead_letter_that_can_be_retried(exchange: Exchange) -> None:
    # Valid XML, but plate colour 9 is not in the XSD's enumeration.
    bad = document("m-2", [("R1", "苏A00001", "9", VIN, "A")])
    receipt = await exchange.receive("test_police", bad, "file")

    status = await exchange.process(receipt.id)

    async with exchange.sessions() as session:
        letter = await session.get(ExchangeMessage, receipt.id)
    assert status == FAILED
    assert letter is not None
    assert "PlateColor" in (letter.error or "")
    assert "line" in (letter.error or "")
    assert await count(exchange, VehicleRegistrationRow) == 0
    outcome = await exchange.retry([receipt.id])
    assert outcome == {FAILED: 1}, "still invalid: retried and failed again, with its reason"


async def test_a_mapping_failure_is_kept_and_processed_after_a_fix(exchange: Exchange) -> None:
    # Passes the XSD (status is a free string there) but is not a known status code.
    receipt = await exchange.receive(
        "test_police", document("m-3", [("R1", "苏A00001", "2", VIN, "Z")]), "file"
    )
    assert await exchange.process(receipt.id) == FAILED

    fixed_parse = ADAPTER.documents["registration"].parse
    fixed = replace(
        ADAPTER.documents["registration"],
        parse=lambda root: tuple(
            replace(r, status=type(r.status)("A"))
            for r in fixed_parse(_accept_z(root))  # type: ignore[attr-defined]
        ),
    )
    exchange.registry = AdapterRegistry([replace(ADAPTER, documents={"registration": fixed})])
    outcome = await exchange.retry()

    assert outcome == {PROCESSED: 1}
    assert await registrations(exchange) == [("R1", "苏A00001", "A")]


def _accept_z(root: Any) -> Any:
    for element in root.iter(f"{{{NS}}}Status"):
        if element.text == "Z":
            element.text = "A"
    return root


@pytest.mark.parametrize("via", ["push", "pull", "file"])
async def test_push_pull_and_files_land_the_same_records(
    settings: Settings, tmp_path: Path, via: str
) -> None:
    documents = feed_documents(12)["registration"]
    expected = [(f"R{n}", f"苏A{n:05d}", "A") for n in range(12)]
    async with running(settings, AdapterRegistry([ADAPTER])) as http:
        exchange: Exchange = http.app.state.exchange
        if via == "push":
            client_id, secret = await register_client(http, "exchange:public_security:write")
            token = await fetch_token(http, client_id, secret)
            refused = await http.post(
                "/exchange/test_police/registration",
                content=documents[0],
                headers={"Authorization": f"Bearer {token}"},
            )
            assert refused.status_code == 403, "a scope for another agency does not do"
            client_id, secret = await _push_client(http)
            token = await fetch_token(http, client_id, secret)
            for data in documents:
                answer = await http.post(
                    "/exchange/test_police/registration",
                    content=data,
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert answer.status_code == 202, answer.text
                assert answer.json()["receipt"] > 0
            await _drain(exchange)
        elif via == "pull":
            transport = httpx.ASGITransport(app=ADAPTER.simulator())
            client = ADAPTER.client("http://simulator", transport=transport)
            summary = await pull(exchange, "test_police", client, ["registration"], page_size=5)
            assert (summary.accepted, summary.processed) == (12, 12)
            again = await pull(exchange, "test_police", client, ["registration"], page_size=5)
            assert again.accepted == 0, "the cursor was kept: nothing is pulled twice"
        else:
            files = write_files(tmp_path, documents)
            summary = await ingest(exchange, "test_police", files)
            assert (summary.accepted, summary.processed, summary.failed) == (12, 12, [])
        assert await registrations(exchange) == sorted(expected)


def write_files(directory: Path, documents: list[bytes]) -> list[Path]:
    files = [directory / f"{n:02d}.xml" for n in range(len(documents))]
    for file, data in zip(files, documents, strict=True):
        file.write_bytes(data)
    return files


async def _push_client(http: Any, agency: str = "test_police") -> tuple[str, str | None]:
    """A client of ``agency`` that may push the test agency's documents."""
    from hub.auth.models import OAuthClient

    client_id, secret = await register_client(http, "exchange:public_security:write", agency=agency)
    sessions = session_factory(http.app.state.engine)
    async with sessions() as session, session.begin():
        row = await session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
        assert row is not None
        row.scopes = [*row.scopes, "exchange:test_police:write"]  # the test agency's scope
    return client_id, secret


async def _waiting(exchange: Exchange) -> int:
    async with exchange.sessions() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(ExchangeMessage)
                .where(ExchangeMessage.status == "received")
            )
            or 0
        )


async def _drain(
    exchange: Exchange, worker: asyncio.Task[Any] | None = None, stalled_after: float = 300.0
) -> None:
    """Waits until no message is left to process.

    How fast the queue drains is no part of what is tested, so there is no deadline for it: a
    busy machine may take as long as it takes. The wait fails when the worker ended (its error
    is raised) or when nothing at all moved for ``stalled_after`` seconds, which only a stuck
    worker does.
    """
    loop = asyncio.get_running_loop()
    last = await _waiting(exchange)
    moved_at = loop.time()
    while last:
        if worker is not None and worker.done():
            worker.result()  # its exception, if it failed
            raise AssertionError(f"the worker stopped with {last} messages still waiting")
        await asyncio.sleep(0.05)
        waiting = await _waiting(exchange)
        if waiting != last:
            last, moved_at = waiting, loop.time()
        elif loop.time() - moved_at > stalled_after:
            raise AssertionError(f"no message was processed for {stalled_after:.0f} s")


async def test_a_push_too_large_is_refused_before_it_is_read(settings: Settings) -> None:
    async with running(settings, AdapterRegistry([ADAPTER])) as http:
        client_id, secret = await _push_client(http)
        token = await fetch_token(http, client_id, secret)
        answer = await http.post(
            "/exchange/test_police/registration",
            content=b"<r>" + b"x" * 3_000_000 + b"</r>",
            headers={"Authorization": f"Bearer {token}"},
        )
        stored = await count(http.app.state.exchange)

    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"
    assert stored == 0


async def test_the_worker_processes_what_is_queued(
    settings: Settings, cache_settings: Settings
) -> None:
    shared = replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )
    engine = create_engine(shared)
    queue = create_queue(shared)
    exchange = Exchange(AdapterRegistry([ADAPTER]), session_factory(engine), queue)
    stop = asyncio.Event()
    try:
        for data in feed_documents(5)["registration"]:
            await exchange.receive("test_police", data, "push")
        # Nothing sits idle for a minute here, so nothing is reclaimed and processed again,
        # however slowly the machine runs.
        worker = asyncio.create_task(work(exchange, queue, stop, consumer="test", idle_ms=60_000))
        await _drain(exchange, worker)
        stop.set()
        done = await worker
        assert done == 5
        assert await count(exchange, VehicleRegistrationRow) == 5
    finally:
        stop.set()
        await queue.close()
        await engine.dispose()


def _spawn(mode: str, settings: Settings, *files: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.exchange.worker_process", mode, settings.database_url,
         settings.redis_url or "-", settings.cache_prefix, *files],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.parametrize("cache_settings", ["redis"], indirect=True)
async def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(
    settings: Settings, cache_settings: Settings
) -> None:
    shared = replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )
    engine = create_engine(shared)
    queue = create_queue(shared)
    exchange = Exchange(AdapterRegistry([ADAPTER]), session_factory(engine), queue)
    total = 400
    try:
        for n in range(total):
            await exchange.receive(
                "test_police", document(f"k-{n}", [(f"K{n}", f"苏B{n:05d}", "2", VIN, "A")]), "push"
            )
        doomed = _spawn("work", shared)
        assert doomed.stdout is not None
        assert doomed.stdout.readline().strip() == "started"
        # Let it get part of the way, then kill it without warning.
        while await count_processed(exchange) < 20:
            assert doomed.poll() is None, "the process to be killed ended on its own"
            await asyncio.sleep(0.02)
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait()
        doomed.stdout.close()
        killed_at = await count_processed(exchange)
        stop = asyncio.Event()
        survivor = asyncio.create_task(
            work(exchange, queue, stop, consumer="survivor", idle_ms=100)
        )
        await _drain(exchange, survivor)
        stop.set()
        await survivor
        assert 20 <= killed_at < total, "the kill must land mid-batch"
        assert await count_processed(exchange) == total
        assert await count(exchange, VehicleRegistrationRow) == total
    finally:
        await queue.close()
        await engine.dispose()


async def count_processed(exchange: Exchange) -> int:
    async with exchange.sessions() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(ExchangeMessage)
                .where(ExchangeMessage.status == PROCESSED)
            )
            or 0
        )


def write_documents(directory: Path, total: int) -> list[str]:
    files = []
    for n in range(total):
        path = directory / f"{n:04d}.xml"
        path.write_bytes(document(f"i-{n}", [(f"I{n}", f"苏C{n:05d}", "2", VIN, "A")]))
        files.append(str(path))
    return files


async def test_an_ingest_killed_mid_way_is_completed_by_running_it_again(
    settings: Settings, tmp_path: Path
) -> None:
    total = 1500  # enough that the kill lands mid-way on the fastest backend
    files = write_documents(tmp_path, total)
    engine = create_engine(settings)
    exchange = Exchange(AdapterRegistry([ADAPTER]), session_factory(engine))
    try:
        doomed = _spawn("ingest", settings, *files)
        assert doomed.stdout is not None
        assert doomed.stdout.readline().strip() == "started"
        while await count_processed(exchange) < 20:
            assert doomed.poll() is None, "the process to be killed ended on its own"
            await asyncio.sleep(0.02)
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait()
        doomed.stdout.close()
        killed_at = await count(exchange)
        summary = await ingest(exchange, "test_police", [Path(f) for f in files])
        assert 20 <= killed_at < total, "the kill must land mid-way"
        assert summary.accepted + summary.duplicates == total
        assert await count(exchange) == total
        assert await count_processed(exchange) == total
        assert await count(exchange, VehicleRegistrationRow) == total
    finally:
        await engine.dispose()


async def test_stored_records_are_shared_back_as_a_valid_document(settings: Settings) -> None:
    from hub.exchange.validation import parse, validate

    async with running(settings, AdapterRegistry([ADAPTER])) as http:
        exchange: Exchange = http.app.state.exchange
        for data in feed_documents(3)["registration"]:
            receipt = await exchange.receive("test_police", data, "file")
            await exchange.process(receipt.id)
        partner, secret = await register_client(http, "registry:read")
        token = await fetch_token(http, partner, secret)
        anonymous = await http.get("/exchange/test_police/registration")
        shared = await http.get(
            "/exchange/test_police/registration", headers={"Authorization": f"Bearer {token}"}
        )

    document_type = ADAPTER.documents["registration"]
    records = document_type.parse(validate(document_type, parse(shared.content)))
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="hub"'
    assert shared.status_code == 200
    assert shared.headers["content-type"].startswith("application/xml")
    assert [(r.source_record_id, r.plate) for r in records] == [  # type: ignore[union-attr]
        ("R0", "苏A00000"),
        ("R1", "苏A00001"),
        ("R2", "苏A00002"),
    ]


async def test_dead_letters_are_listed_in_graphql_with_their_reason(settings: Settings) -> None:
    from tests.conftest import GraphQLClient

    query = (
        "{ exchangeMessages(filter: { status: FAILED }) { totalCount "
        "edges { node { agency messageId error } } } }"
    )
    async with running(settings, AdapterRegistry([ADAPTER])) as http:
        exchange: Exchange = http.app.state.exchange
        receipt = await exchange.receive(
            "test_police", document("bad-1", [("R1", "苏A00001", "9", VIN, "A")]), "push"
        )
        await exchange.process(receipt.id)
        staff = await GraphQLClient(http).as_client("registry:read", tier="internal")
        partner = await GraphQLClient(http).as_client("registry:read", tier="partner")
        seen_by_staff = await staff(query)
        seen_by_partner = await partner(query)

    letters = seen_by_staff["data"]["exchangeMessages"]
    assert letters["totalCount"] == 1
    assert letters["edges"][0]["node"]["messageId"] == "bad-1"
    assert "PlateColor" in letters["edges"][0]["node"]["error"]
    assert seen_by_partner["data"]["exchangeMessages"]["totalCount"] == 0, "not its agency's"


# -- documents in GB18030 -------------------------------------------------------------------

SAMPLE = ROOT / "adapters/public_security/samples/valid/vehicle-registration-suzhou-nanjing.xml"


def in_gb18030(data: bytes) -> bytes:
    """A UTF-8 document as a Chinese agency sends it: declared and encoded in GB18030."""
    text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="GB18030"', 1)
    return text.encode("gb18030")


@pytest.mark.parametrize("via", ["push", "pull", "file"])
async def test_a_gb18030_document_lands_its_chinese_text_however_it_comes(
    settings: Settings, tmp_path: Path, via: str
) -> None:
    # Given a real public security document with Chinese text, declared and encoded in GB18030
    data = in_gb18030(SAMPLE.read_bytes())
    assert "昆山恒泰物流有限公司".encode("gb18030") in data
    async with running(settings) as http:
        exchange: Exchange = http.app.state.exchange
        # When it is pushed, pulled from a feed or taken in from a file
        if via == "push":
            client_id, secret = await register_client(
                http, "exchange:public_security:write", agency="public_security"
            )
            token = await fetch_token(http, client_id, secret)
            answer = await http.post(
                "/exchange/public_security/vehicle-registration",
                content=data,
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 202, answer.text
            await _drain(exchange)
        elif via == "pull":
            feed = feed_app({"vehicle-registration": [data]})
            client = exchange.registry["public_security"].client(
                "http://feed", transport=httpx.ASGITransport(app=feed)
            )
            summary = await pull(exchange, "public_security", client, ["vehicle-registration"])
            assert (summary.processed, summary.refused, summary.failed) == (1, [], [])
        else:
            (tmp_path / "gb18030.xml").write_bytes(data)
            summary = await ingest(exchange, "public_security", [tmp_path / "gb18030.xml"])
            assert (summary.processed, summary.refused, summary.failed) == (1, [], [])
        async with exchange.sessions() as session:
            stored = await session.scalar(select(ExchangeMessage))
            owners = (
                await session.scalars(
                    select(VehicleRegistrationRow.owner_name).order_by(
                        VehicleRegistrationRow.source_record_id
                    )
                )
            ).all()

    # Then the document is kept byte for byte as sent, and its Chinese text is read right
    assert stored is not None
    assert (stored.status, stored.body) == (PROCESSED, data)
    assert sorted(owners) == sorted(["昆山恒泰物流有限公司", "陆建国", "南京宏远客运有限公司"])


# -- a document that keeps failing ----------------------------------------------------------


ONE = document("m-1", [("R1", "苏A00001", "2", VIN, "A")])
LOST_DISK = "RuntimeError: the record writer lost its disk"


class FailingWriter:
    """The record writer, failing after it wrote, so the processing transaction rolls back:
    while ``failing``, on every document, or only on those carrying record ``only``."""

    def __init__(self) -> None:
        self.calls = 0
        self.failing = True
        self.only: str | None = None

    async def __call__(self, session: Any, documents: Any) -> list[int]:
        self.calls += 1
        written = await store_many(session, documents)
        ids = {record.source_record_id for _, records, _ in documents for record in records}
        if self.failing and (self.only is None or self.only in ids):
            raise RuntimeError("the record writer lost its disk")
        return written


@pytest.fixture
def writer(monkeypatch: pytest.MonkeyPatch) -> FailingWriter:
    failing = FailingWriter()
    monkeypatch.setattr("hub.exchange.batches.store_many", failing)
    return failing


async def letter(exchange: Exchange, message: int) -> ExchangeMessage:
    async with exchange.sessions() as session:
        row = await session.get(ExchangeMessage, message)
    assert row is not None
    return row


async def test_a_document_that_keeps_failing_is_a_dead_letter_after_max_attempts(
    exchange: Exchange, writer: FailingWriter
) -> None:
    # Given a document whose records the writer fails to store every time, three attempts
    exchange.max_attempts = 3
    receipt = await exchange.receive(
        "test_police", document("m-1", [("R1", "苏A00001", "2", VIN, "A")]), "push"
    )

    # When it is processed three times
    statuses = [await exchange.process(receipt.id) for _ in range(3)]
    between = await letter(exchange, receipt.id)

    # Then the first two failures are counted though rolled back, and the third makes it a
    # dead letter with the reason of the last failure
    assert statuses == [RECEIVED, RECEIVED, FAILED]
    dead = await letter(exchange, receipt.id)
    assert (dead.status, dead.attempts) == (FAILED, 3)
    assert dead.error == (f"dead letter after 3 failed attempts; the last: {LOST_DISK}")
    assert between.error == dead.error
    assert await count(exchange, VehicleRegistrationRow) == 0, "every attempt was rolled back"
    # And it is not processed again, nor swept up as unprocessed
    assert await exchange.process(receipt.id) == FAILED
    assert writer.calls == 3
    assert (await letter(exchange, receipt.id)).attempts == 3
    assert receipt.id not in await exchange.unprocessed(older_than=dt.timedelta(0))


async def test_each_failed_attempt_keeps_its_reason_until_one_succeeds(
    exchange: Exchange, writer: FailingWriter
) -> None:
    receipt = await exchange.receive(
        "test_police", document("m-1", [("R1", "苏A00001", "2", VIN, "A")]), "push"
    )

    failed = await exchange.process(receipt.id)
    after_one = await letter(exchange, receipt.id)
    writer.failing = False
    succeeded = await exchange.process(receipt.id)

    assert (failed, after_one.status, after_one.attempts) == (RECEIVED, RECEIVED, 1)
    assert after_one.error == f"attempt 1 of 5 failed: {LOST_DISK}"
    assert succeeded == PROCESSED
    done = await letter(exchange, receipt.id)
    assert (done.status, done.attempts, done.error) == (PROCESSED, 2, None)
    assert await registrations(exchange) == [("R1", "苏A00001", "A")]


async def test_a_dead_letter_is_processed_again_only_by_retry_with_new_attempts(
    exchange: Exchange, writer: FailingWriter
) -> None:
    exchange.max_attempts = 2
    receipt = await exchange.receive(
        "test_police", document("m-1", [("R1", "苏A00001", "2", VIN, "A")]), "push"
    )
    for _ in range(2):
        await exchange.process(receipt.id)

    writer.failing = False  # the fix
    outcome = await exchange.retry([receipt.id])

    assert outcome == {PROCESSED: 1}
    done = await letter(exchange, receipt.id)
    assert (done.status, done.attempts) == (PROCESSED, 1)


async def test_a_message_whose_attempts_all_died_with_their_process_is_a_dead_letter(
    exchange: Exchange,
) -> None:
    # Given a message whose every attempt so far was counted but ended with its process
    # (killed by the document: out of memory, say), the last leaving no reason
    receipt = await exchange.receive(
        "test_police", document("m-1", [("R1", "苏A00001", "2", VIN, "A")]), "push"
    )
    async with exchange.sessions() as session, session.begin():
        row = await session.get(ExchangeMessage, receipt.id)
        assert row is not None
        row.attempts = exchange.max_attempts

    # When it is delivered once more
    status = await exchange.process(receipt.id)

    # Then it is not tried again but dead-lettered, saying why
    dead = await letter(exchange, receipt.id)
    assert (status, dead.status, dead.attempts) == (FAILED, FAILED, 5)
    assert dead.error == (
        "dead letter after 5 attempts; the last ended without an outcome (its process stopped)"
    )
    assert await count(exchange, VehicleRegistrationRow) == 0


async def test_the_worker_gives_up_on_a_failing_document_and_never_queues_it_again(
    settings: Settings, cache_settings: Settings, writer: FailingWriter
) -> None:
    # Given a worker that sweeps at every turn, and a document the writer always fails on
    shared = replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )
    engine = create_engine(shared)
    queue = create_queue(shared)
    exchange = Exchange(AdapterRegistry([ADAPTER]), session_factory(engine), queue, max_attempts=3)
    stop = asyncio.Event()
    try:
        receipt = await exchange.receive(
            "test_police", document("m-1", [("R1", "苏A00001", "2", VIN, "A")]), "push"
        )
        worker = asyncio.create_task(
            work(exchange, queue, stop, consumer="test", idle_ms=0, sweep_seconds=0)
        )
        # When the worker has had it until it is no longer received
        await _drain(exchange, worker)
        dead = await letter(exchange, receipt.id)
        calls = writer.calls
        # ... and sweeps a few more times
        for _ in range(3):
            await sweep(exchange, queue, "test", idle_ms=0)
        stop.set()
        await worker
        queued = await queue.take("test", count=10, block_ms=50)
    finally:
        stop.set()
        await queue.close()
        await engine.dispose()

    # Then it is a dead letter after three attempts, with the last reason, and never queued again
    assert (dead.status, dead.attempts) == (FAILED, 3)
    assert dead.error == (f"dead letter after 3 failed attempts; the last: {LOST_DISK}")
    assert calls == 3
    assert writer.calls == 3
    assert queued == []


@pytest.mark.parametrize("max_attempts", [1, 5])
async def test_a_file_whose_processing_breaks_is_kept_and_the_ingest_goes_on(
    exchange: Exchange, writer: FailingWriter, tmp_path: Path, max_attempts: int
) -> None:
    # Given two files, and a writer failing on the first one's record only
    exchange.max_attempts = max_attempts
    writer.only = "R1"
    files = write_files(
        tmp_path,
        [
            document("m-1", [("R1", "苏A00001", "2", VIN, "A")]),
            document("m-2", [("R2", "苏A00002", "2", VIN, "A")]),
        ],
    )

    # When both are ingested
    summary = await ingest(exchange, "test_police", files)

    # Then the first is kept with its reason (a dead letter when one attempt is all it gets,
    # else waiting for the next), and the second is processed
    reason = LOST_DISK
    if max_attempts == 1:
        assert summary.failed == [
            (str(files[0]), f"dead letter after 1 failed attempt; the last: {reason}")
        ]
        assert summary.waiting == []
    else:
        assert summary.failed == []
        assert summary.waiting == [(str(files[0]), f"attempt 1 of 5 failed: {reason}")]
    assert (summary.accepted, summary.processed, summary.refused) == (2, 1, [])
    assert await count(exchange) == 2
    assert await registrations(exchange) == [("R2", "苏A00002", "A")]


async def test_a_database_failure_is_kept_without_the_statement_or_its_values(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a record writer whose statement fails in the database, carrying a personal name
    async def broken(session: Any, documents: Any) -> list[int]:
        await session.execute(text("SELECT * FROM no_such_table WHERE x = :v"), {"v": "陆建国"})
        return [0] * len(documents)

    monkeypatch.setattr("hub.exchange.batches.store_many", broken)
    receipt = await exchange.receive("test_police", ONE, "push")

    # When it is processed
    status = await exchange.process(receipt.id)

    # Then the reason is the database's own message: no statement, no parameters
    reason = (await letter(exchange, receipt.id)).error or ""
    assert status == RECEIVED
    assert reason.startswith("attempt 1 of 5 failed: ")
    assert "no_such_table" in reason
    assert "陆建国" not in reason
    assert "[SQL" not in reason


# -- messages in batches (the worker) ---------------------------------------------------------


async def test_a_batch_keeps_each_outcome_apart_and_only_the_breaking_message_fails(
    exchange: Exchange, writer: FailingWriter
) -> None:
    # Given three received messages: one good, one the writer breaks on, one the XSD refuses
    writer.only = "R2"
    receipts = [
        await exchange.receive("test_police", data, "push")
        for data in (
            document("b-1", [("R1", "苏A00001", "2", VIN, "A")]),
            document("b-2", [("R2", "苏A00002", "2", VIN, "A")]),
            document("b-3", [("R3", "苏A00003", "9", VIN, "A")]),
        )
    ]
    good, broken, invalid = (receipt.id for receipt in receipts)

    # When they are processed as one batch
    outcome = await exchange.process_many([good, broken, invalid])

    # Then the batch was written once, broke, and was taken apart: the good one is processed,
    # the invalid one a dead letter with its XSD reason, the breaking one waits for its next
    # attempt with the reason, each attempt counted once
    assert outcome == {good: PROCESSED, broken: RECEIVED, invalid: FAILED}
    assert writer.calls == 3, "the batch, then the good and the breaking message alone"
    assert await registrations(exchange) == [("R1", "苏A00001", "A")]
    waiting, dead = await letter(exchange, broken), await letter(exchange, invalid)
    assert (waiting.attempts, waiting.error) == (1, f"attempt 1 of 5 failed: {LOST_DISK}")
    assert (dead.attempts, dead.status) == (1, FAILED)
    assert "PlateColor" in (dead.error or "")
    assert (await letter(exchange, good)).attempts == 1


async def test_a_batch_delivered_again_applies_nothing_twice(exchange: Exchange) -> None:
    # Given a batch of messages processed once
    ids = []
    for n in range(30):
        data = document(f"d-{n}", [(f"D{n}", f"苏D{n:05d}", "2", VIN, "A")])
        ids.append((await exchange.receive("test_police", data, "push")).id)
    first = await exchange.process_many(ids)
    stored = await registrations(exchange)

    # When the same deliveries come again (a redelivered batch), some twice over
    again = await exchange.process_many(ids + ids[:5])

    # Then nothing changes: no new attempt, no record written again
    assert set(first.values()) == set(again.values()) == {PROCESSED}
    assert len(stored) == 30
    assert await registrations(exchange) == stored
    assert {(await letter(exchange, message)).attempts for message in ids} == {1}
    async with exchange.sessions() as session:
        records = await session.scalar(select(func.sum(ExchangeMessage.records)))
    assert records == 30


async def test_the_worker_writes_what_is_waiting_in_one_transaction(
    settings: Settings, cache_settings: Settings, writer: FailingWriter
) -> None:
    # Given 50 messages waiting in the queue, and a writer that counts its calls
    writer.failing = False
    shared = replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )
    engine = create_engine(shared)
    queue = create_queue(shared)
    exchange = Exchange(AdapterRegistry([ADAPTER]), session_factory(engine), queue)
    stop = asyncio.Event()
    try:
        for data in feed_documents(50)["registration"]:
            await exchange.receive("test_police", data, "push")

        # When a worker takes them
        worker = asyncio.create_task(work(exchange, queue, stop, consumer="test", idle_ms=60_000))
        await _drain(exchange, worker)
        stop.set()
        done = await worker
        backlog = await queue.backlog()
    finally:
        stop.set()
        await queue.close()
        await engine.dispose()

    # Then all 50 are stored by one call of the writer, and acknowledged
    assert done == 50
    assert writer.calls == 1
    assert backlog.length == 0


class Killed(BaseException):
    """The process dying (out of memory, SIGKILL) while it processes a document."""


async def test_a_document_that_kills_its_process_spends_no_attempt_of_its_batch(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a document whose processing kills the process, redelivered with two new ones
    async def dying(session: Any, documents: Any) -> list[int]:
        if any(r.source_record_id == "R3" for _, records, _ in documents for r in records):
            raise Killed
        return await store_many(session, documents)

    monkeypatch.setattr("hub.exchange.batches.store_many", dying)
    exchange.max_attempts = 3
    ids = []
    for n in (1, 2, 3):
        data = document(f"p-{n}", [(f"R{n}", f"苏A0000{n}", "2", VIN, "A")])
        ids.append((await exchange.receive("test_police", data, "push")).id)
    async with exchange.sessions() as session, session.begin():
        row = await session.get(ExchangeMessage, ids[2])
        assert row is not None
        row.attempts = 1  # it killed a process before

    # When the batch is delivered until nothing kills the process
    kills = 0
    while True:
        try:
            outcome = await exchange.process_many(ids)
        except Killed:
            kills += 1
            assert [(await letter(exchange, m)).attempts for m in ids[:2]] == [0, 0]
            continue
        break

    # Then the one tried before went alone, first, each time: it used up its own attempts
    # and is a dead letter; the two others lost none and are processed
    assert kills == 2
    assert outcome == {ids[0]: PROCESSED, ids[1]: PROCESSED, ids[2]: FAILED}
    assert [(await letter(exchange, m)).attempts for m in ids] == [1, 1, 3]
    assert await registrations(exchange) == [("R1", "苏A00001", "A"), ("R2", "苏A00002", "A")]
