"""Files and pulls in batches: one transaction per batch, one bad document dead-lettered alone."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from adapters.positioning.mapping import export_vehicle_position
from hub.agency_records.inbox import FAILED, PROCESSED, RECEIVED, ExchangeMessage
from hub.agency_records.store import store_many
from hub.canonical.codes import PlateColor
from hub.canonical.records import VehiclePosition
from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.exchange import batches
from hub.exchange.pipeline import Exchange, Receipt
from hub.exchange.protocol import Header
from hub.exchange.registry import AdapterRegistry
from hub.exchange.validation import InvalidDocument
from hub.positions import live
from hub.pubsub.memory import MemoryPubSub
from tests.exchange.adapter import ADAPTER, document
from tests.exchange.test_pipeline import VIN, count, registrations


@pytest.fixture
async def exchange(settings: Settings) -> AsyncIterator[Exchange]:
    engine = create_engine(settings)
    try:
        yield Exchange(AdapterRegistry([ADAPTER]), session_factory(engine))
    finally:
        await engine.dispose()


def statuses(outcomes: list[Receipt | InvalidDocument]) -> list[str]:
    return [o.status if isinstance(o, Receipt) else "refused" for o in outcomes]


async def messages(exchange: Exchange) -> list[tuple[str, str, int, int, str | None]]:
    async with exchange.sessions() as session:
        rows = await session.execute(
            select(
                ExchangeMessage.message_id,
                ExchangeMessage.status,
                ExchangeMessage.attempts,
                ExchangeMessage.records,
                ExchangeMessage.error,
            ).order_by(ExchangeMessage.message_id)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def test_a_batch_commits_its_good_documents_and_dead_letters_the_bad_one_alone(
    exchange: Exchange,
) -> None:
    # Given a batch: two good documents, one failing its XSD (plate colour 9), one not XML
    batch = [
        document("m-1", [("R1", "苏A00001", "2", VIN, "A")]),
        document("m-2", [("R2", "苏A00002", "9", VIN, "A")]),
        b"hello",
        document("m-3", [("R3", "苏A00003", "1", VIN, "A"), ("R4", "苏A00004", "1", VIN, "A")]),
    ]

    # When it is taken in
    outcomes = await exchange.receive_and_process_many(
        [("test_police", data, "file") for data in batch]
    )

    # Then the good ones are processed, the bad one is a dead letter with its reason, the one
    # that is not XML is refused and not stored
    assert statuses(outcomes) == [PROCESSED, FAILED, "refused", PROCESSED]
    assert "invalid XML syntax" in getattr(outcomes[2], "reason", "")
    stored = await messages(exchange)
    assert [(m, s, a, r) for m, s, a, r, _ in stored] == [
        ("m-1", PROCESSED, 1, 1),
        ("m-2", FAILED, 1, 0),
        ("m-3", PROCESSED, 1, 2),
    ]
    assert "PlateColor" in (stored[1][4] or "")
    assert [record for record, _, _ in await registrations(exchange)] == ["R1", "R3", "R4"]


async def test_a_message_again_in_or_after_a_batch_is_stored_once_and_applied_once(
    exchange: Exchange,
) -> None:
    # Given a batch holding one message twice, and the same id with other content
    one = document("m-1", [("R1", "苏A00001", "2", VIN, "A")])
    other = document("m-1", [("R1", "苏A00001", "2", VIN, "C")])

    # When it is taken in, and then the same message comes again in another batch
    first = await exchange.receive_and_process_many(
        [("test_police", data, "file") for data in (one, one, other)]
    )
    second = await exchange.receive_and_process_many([("test_police", one, "pull")])

    # Then it was stored and applied once; the rest are duplicates, the other content refused
    assert statuses(first) == [PROCESSED, PROCESSED, "refused"]
    assert [getattr(o, "duplicate", None) for o in first] == [False, True, None]
    assert "already received with different content" in getattr(first[2], "reason", "")
    assert [(o.status, o.duplicate, o.id) for o in second if isinstance(o, Receipt)] == [
        (PROCESSED, True, getattr(first[0], "id", None))
    ]
    assert await count(exchange) == 1
    assert await registrations(exchange) == [("R1", "苏A00001", "A")]


async def test_a_record_sent_twice_in_a_batch_ends_as_its_last_copy_says(
    exchange: Exchange,
) -> None:
    # Given two documents of one batch carrying the same registration, the later one revoked
    batch = [
        document("m-1", [("R1", "苏A00001", "2", VIN, "A")]),
        document("m-2", [("R1", "苏A00001", "2", VIN, "C")]),
    ]

    # When the batch is taken in
    await exchange.receive_and_process_many([("test_police", data, "file") for data in batch])

    # Then the newest copy is kept, as it would be had they come one after the other
    assert await registrations(exchange) == [("R1", "苏A00001", "C")]
    assert [(m, r) for m, _s, _a, r, _e in await messages(exchange)] == [("m-1", 1), ("m-2", 1)]


async def test_a_batch_whose_writing_breaks_is_taken_in_one_by_one_and_only_the_breaker_waits(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a record writer that breaks on any write holding record R2 (a database failure,
    # not the document's XSD or mapping)
    async def breaking(session: Any, documents: Any) -> list[int]:
        written = await store_many(session, documents)
        if any(r.source_record_id == "R2" for _, records, _ in documents for r in records):
            raise RuntimeError("the record writer lost its disk")
        return written

    monkeypatch.setattr("hub.exchange.batches.store_many", breaking)
    batch = [document(f"m-{n}", [(f"R{n}", f"苏A0000{n}", "2", VIN, "A")]) for n in (1, 2, 3)]

    # When the batch is taken in
    outcomes = await exchange.receive_and_process_many(
        [("test_police", data, "file") for data in batch]
    )

    # Then the others commit; the one that broke the writer is kept raw, its attempt counted,
    # to be tried again — nothing lost, nothing applied twice
    assert statuses(outcomes) == [PROCESSED, RECEIVED, PROCESSED]
    stored = await messages(exchange)
    assert [(m, s, a) for m, s, a, _r, _e in stored] == [
        ("m-1", PROCESSED, 1),
        ("m-2", RECEIVED, 1),
        ("m-3", PROCESSED, 1),
    ]
    assert stored[1][4] == "attempt 1 of 5 failed: RuntimeError: the record writer lost its disk"
    assert [record for record, _, _ in await registrations(exchange)] == ["R1", "R3"]


async def test_a_message_stored_by_another_writer_after_the_batch_looked_is_not_applied_again(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given m-1 (R1 active), then m-2 revoking R1, both processed
    first = document("m-1", [("R1", "苏A00001", "2", VIN, "A")])
    await exchange.receive_and_process_many([("test_police", first, "file")])
    revoking = document("m-2", [("R1", "苏A00001", "2", VIN, "C")])
    await exchange.receive_and_process_many([("test_police", revoking, "file")])

    # ... and a batch whose lookup misses m-1, as when another writer stores it in between
    async def looked_too_early(session: Any, table: Any, keys: Any) -> set[tuple[str, str]]:
        return set()

    monkeypatch.setattr(batches, "_stored_already", looked_too_early)

    # When m-1 comes again in that batch, with a new message
    again = document("m-3", [("R3", "苏A00003", "2", VIN, "A")])
    outcomes = await exchange.receive_and_process_many(
        [("test_police", data, "file") for data in (first, again)]
    )

    # Then the batch is taken one by one: m-1 is a duplicate and its records are not applied
    # again (R1 stays revoked), m-3 is processed; each message stored once
    assert statuses(outcomes) == [PROCESSED, PROCESSED]
    assert [getattr(o, "duplicate", None) for o in outcomes] == [True, False]
    assert await registrations(exchange) == [("R1", "苏A00001", "C"), ("R3", "苏A00003", "A")]
    assert [(m, s, r) for m, s, _a, r, _e in await messages(exchange)] == [
        ("m-1", PROCESSED, 1),
        ("m-2", PROCESSED, 1),
        ("m-3", PROCESSED, 1),
    ]


@pytest.mark.parametrize("way", ["one by one", "in a batch"])
async def test_road_positions_in_documents_reach_the_followers_of_their_vehicles(
    sessions: Any, way: str
) -> None:
    # Given a follower of a vehicle (vehicleTrack's channel) and a positioning document
    pubsub = MemoryPubSub()
    exchange = Exchange(AdapterRegistry.discover(), sessions, pubsub=pubsub)
    at = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
    fixes = [
        VehiclePosition(
            source_record_id=f"P{n}", plate="苏A12345", plate_color=PlateColor.YELLOW,
            observed_at=at + dt.timedelta(seconds=30 * n), latitude=32.04 + n / 1000,
            longitude=118.78, speed_kmh=40.0, heading_degrees=90.0,
        )
        for n in range(2)
    ]  # fmt: skip
    header = Header("vp-1", "positioning", at.isoformat())
    document = export_vehicle_position(fixes, header)
    follower = await pubsub.subscribe(live.channel("苏A12345", PlateColor.YELLOW))

    # When the exchange takes it
    if way == "one by one":
        receipt = await exchange.receive_and_process("positioning", document, "push")
    else:
        [receipt] = await exchange.receive_and_process_many([("positioning", document, "push")])
    assert isinstance(receipt, Receipt), receipt
    assert receipt.status == PROCESSED

    # Then its fixes were published as the stream intake's are
    message = await asyncio.wait_for(anext(follower), 10)
    assert live.fixes_in(message)[("苏A12345", PlateColor.YELLOW)] == [
        live.LiveFix(f.observed_at, f.latitude, f.longitude, f.speed_kmh, 90) for f in fixes
    ]
    await follower.aclose()
    await pubsub.close()
