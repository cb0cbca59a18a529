"""Vehicles on consignment legs: the intake derives the gate events the documents would."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from adapters.positioning.mapping import export_vehicle_position
from hub.canonical.codes import PlateColor
from hub.canonical.records import VehiclePosition
from hub.exchange.pipeline import Exchange
from hub.exchange.protocol import Header
from hub.exchange.registry import AdapterRegistry
from hub.multimodal import service
from hub.positions import repository
from hub.positions.crossings import GAP
from hub.positions.intake import Format, Intake
from hub.positions.models import LatestPosition
from tests.multimodal.test_journey import PARK, PLATE, T0, YARD, _arrange, _documents, _track


def _lines(track: list[VehiclePosition]) -> bytes:
    return b"".join(
        json.dumps(
            {
                "plate": p.plate, "color": p.plate_color.value, "time": p.observed_at.isoformat(),
                "lon": p.longitude, "lat": p.latitude, "speed": p.speed_kmh,
                "direction": int(p.heading_degrees),
            },
            ensure_ascii=False,
        ).encode() + b"\n"
        for p in track
    )  # fmt: skip


async def _once(body: bytes) -> AsyncIterator[bytes]:
    yield body


async def _timeline(sessions: Any) -> list[tuple[str, str, dt.datetime, str]]:
    async with sessions() as session:
        row = await service.find(session, "JSMM-2026-0001")
        events = await service.timeline(session, row.id)
    return [(e.kind.name, e.location, e.occurred_at, e.source_event_id) for e in events]


@pytest.mark.parametrize("order", ["in order", "shuffled, in batches of 4, twice"])
async def test_a_leg_streamed_gives_the_gate_events_of_its_stations(
    sessions: Any, order: str
) -> None:
    await _arrange(sessions)
    track = _track()
    batch_size = 10_000
    if order != "in order":
        track = track + track
        random.Random(3).shuffle(track)
        batch_size = 4

    intake = Intake(sessions, "test", Format.NDJSON, batch_size=batch_size)
    summary = await intake.take(_once(_lines(track)))

    events = await _timeline(sessions)
    assert [(kind, location, at) for kind, location, at, _ in events] == [
        ("GATE_OUT", PARK[1], T0 + dt.timedelta(minutes=10)),  # the first fix outside
        ("GATE_IN", YARD[1], T0 + dt.timedelta(minutes=140)),  # the first fix inside
    ]
    assert summary.events == 2
    assert summary.accepted == len(_track())


async def test_the_stream_and_the_documents_find_the_same_crossings_once(sessions: Any) -> None:
    await _arrange(sessions)
    exchange = Exchange(AdapterRegistry.discover(), sessions)
    for agency, _, body in _documents()[:2]:  # the positioning platform's two documents
        await exchange.receive_and_process(agency, body, "push")
    from_documents = await _timeline(sessions)

    summary = await Intake(sessions, "test", Format.NDJSON).take(_once(_lines(_track())))

    # Same rule, same ids: the stream finds the crossings known already and adds none.
    assert summary.events == 0
    assert await _timeline(sessions) == from_documents
    assert [kind for kind, *_ in from_documents] == ["GATE_OUT", "GATE_IN"]


async def test_vehicles_on_no_leg_are_stored_without_events(sessions: Any) -> None:
    await _arrange(sessions)
    # The leg's track under another plate, and under the leg's plate with another colour.
    track = [replace(p, plate="苏E54321") for p in _track()]
    track += [replace(p, plate_color=PlateColor.BLUE) for p in _track()]

    summary = await Intake(sessions, "test", Format.NDJSON).take(_once(_lines(track)))

    assert (summary.accepted, summary.events) == (len(track), 0)
    assert await _timeline(sessions) == []


async def test_fixes_from_documents_and_the_stream_are_one_store(sessions: Any) -> None:
    # Given a leg's track in three parts: the fixes in the park streamed, the drive sent in a
    # positioning document, the fixes in the rail yard streamed
    await _arrange(sessions)
    track = _track()
    park, drive, yard = track[:3], track[3:16], track[16:]
    exchange = Exchange(AdapterRegistry.discover(), sessions)
    header = Header("vp-drive", "positioning", T0.isoformat())

    # When they come in that order
    await Intake(sessions, "test", Format.NDJSON).take(_once(_lines(park)))
    receipt = await exchange.receive_and_process(
        "positioning", export_vehicle_position(drive, header), "push"
    )
    async with sessions() as session:
        latest_after_document = await session.get(LatestPosition, (PLATE, PlateColor.YELLOW))
    await Intake(sessions, "test", Format.NDJSON).take(_once(_lines(yard)))

    # Then every fix is in the one store, in time order, whichever way it came; the latest
    # position follows both; and each crossing is found from a pair of fixes that came two
    # ways: leaving the park (streamed, then documented), entering the yard (the reverse)
    vehicle = (PLATE, PlateColor.YELLOW)
    async with sessions() as session:
        stored = await repository.tracks(session, [vehicle], T0 - GAP, T0 + 100 * GAP)
        latest = await session.get(LatestPosition, vehicle)
    assert receipt.status == "processed"
    assert [at for at, _, _ in stored[vehicle]] == [p.observed_at for p in track]
    assert latest_after_document is not None
    assert latest_after_document.observed_at == drive[-1].observed_at
    assert latest is not None
    assert latest.observed_at == yard[-1].observed_at
    assert [(kind, location, at) for kind, location, at, _ in await _timeline(sessions)] == [
        ("GATE_OUT", PARK[1], T0 + dt.timedelta(minutes=10)),
        ("GATE_IN", YARD[1], T0 + dt.timedelta(minutes=140)),
    ]
