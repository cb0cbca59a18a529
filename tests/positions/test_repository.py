"""Pruning by day, and the latest positions of a region's vehicles."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select, text

from hub.config import Settings
from hub.positions import repository
from hub.positions.intake import Format, Intake
from hub.positions.models import LatestPosition, PositionFix
from tests.support import operator, vehicle


async def _once(body: bytes) -> AsyncIterator[bytes]:
    yield body


def _line(plate: str, at: dt.datetime, lat: float = 32.0) -> bytes:
    values = {"plate": plate, "color": "2", "time": at.isoformat(), "lon": 118.8, "lat": lat,
              "speed": 0, "direction": 0}  # fmt: skip
    return json.dumps(values, ensure_ascii=False).encode() + b"\n"


async def _take(sessions: Any, *lines: bytes) -> Any:
    return await Intake(sessions, "test", Format.NDJSON).take(_once(b"".join(lines)))


DAYS = [dt.datetime(2026, 11, day, 23, 30, tzinfo=dt.UTC) for day in (22, 23, 24, 25)]


async def _days(sessions: Any) -> list[dt.date]:
    async with sessions() as session:
        times = (await session.scalars(select(PositionFix.observed_at))).all()
    return sorted({at.date() for at in times})


async def test_prune_removes_the_days_before_the_cutoff_whole(
    sessions: Any, settings: Settings
) -> None:
    await _take(sessions, *(_line(f"苏A0000{n}", at) for at in DAYS for n in range(3)))

    async with sessions() as session, session.begin():
        removed = await repository.prune(session, dt.date(2026, 11, 24))
    async with sessions() as session:
        latest = (await session.scalars(select(LatestPosition.observed_at))).all()
        partitions = []
        if settings.database_url.startswith("postgresql"):
            partitions = (
                await session.scalars(
                    text(
                        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        "WHERE i.inhparent = 'position_fixes'::regclass ORDER BY 1"
                    )
                )
            ).all()

    assert removed == 2
    assert await _days(sessions) == [dt.date(2026, 11, 24), dt.date(2026, 11, 25)]
    assert set(latest) == {DAYS[-1]}  # a vehicle's latest position outlives its day
    if settings.database_url.startswith("postgresql"):
        # (Other tests' days may be there too: the test database is shared, days after.)
        assert min(partitions) == "position_fixes_p20261124"
        assert "position_fixes_p20261125" in partitions
    # A late fix of a pruned day is taken again (its partition made again).
    late = await _take(sessions, _line("苏A00001", DAYS[0]))
    assert late.accepted == 1
    assert await _days(sessions) == [dt.date(2026, 11, 22), dt.date(2026, 11, 24),
                                     dt.date(2026, 11, 25)]  # fmt: skip


async def test_the_latest_positions_of_a_region_are_its_vehicles_newest_fixes(
    sessions: Any,
) -> None:
    async with sessions() as session, session.begin():
        session.add_all([operator(1, "320102"), operator(2, "320506")])
        await session.flush()
        session.add_all(
            [vehicle(n, 1, region_code="320102") for n in (1, 2)]
            + [vehicle(n, 2, region_code="320506") for n in (3, 4)]
        )
    at = DAYS[-1]
    await _take(
        sessions,
        *(_line(f"苏A{n:05d}", at + dt.timedelta(minutes=m), 32 + m / 100)
          for n in (1, 2, 3, 4) for m in (0, 5, 2)),
        _line("苏B00009", at),  # not a registered vehicle: in no region
    )  # fmt: skip

    async with sessions() as session:
        nanjing = await repository.latest(session, "320100")
        province = await repository.latest(session, "320000")
        count = await session.scalar(select(func.count()).select_from(LatestPosition))

    assert sorted((r.plate, r.latitude) for r in nanjing) == [
        ("苏A00001", 32.05),
        ("苏A00002", 32.05),
    ]
    assert sorted(r.plate for r in province) == [f"苏A{n:05d}" for n in (1, 2, 3, 4)]
    assert count == 5


async def test_a_batch_out_makes_the_partitions_of_its_day_and_the_next_ahead(
    sessions: Any, settings: Settings
) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("SQLite keeps the fixes in one table: no day partitions to make")
    # Given a hub whose clock says 4 March 2031, and no partition of that day or the next
    received = dt.datetime(2031, 3, 4, 10, 0, tzinfo=dt.UTC)
    names = ["position_fixes_p20310304", "position_fixes_p20310305"]
    query = text("SELECT relname FROM pg_class WHERE relname = ANY(:names) ORDER BY 1")
    async with sessions() as session:
        assert (await session.scalars(query, {"names": names})).all() == []

    # When a batch of that day's fixes is taken
    intake = Intake(sessions, "test", Format.NDJSON, clock=lambda: received)
    summary = await intake.take(_once(_line("苏A00001", received - dt.timedelta(minutes=1))))

    # Then the day's partition is there, and the next day's is made ahead: the first fixes of
    # the 5th do not wait for CREATE TABLE in their own path
    assert summary.accepted == 1
    async with sessions() as session:
        assert (await session.scalars(query, {"names": names})).all() == names


async def test_a_list_of_plates_finds_their_rows_whichever_way_it_is_sent(sessions: Any) -> None:
    at = DAYS[0]
    await _take(sessions, _line("苏A10001", at), _line("苏A10002", at), _line("苏A10003", at))
    plain = ["苏A10001", "苏A10003", "苏A99999"]
    # A value holding the separator goes as an array on PostgreSQL, not split apart.
    odd = [*plain, "苏A10002" + repository.SEPARATOR + "x"]

    found = []
    async with sessions() as session:
        for values in (plain, odd, []):
            plates = []
            for condition in repository.among(session, LatestPosition.plate, values):
                plates += (
                    await session.scalars(select(LatestPosition.plate).where(condition))
                ).all()
            found.append(sorted(plates))
        previous = await repository.previous(session, plain)

    assert found == [["苏A10001", "苏A10003"], ["苏A10001", "苏A10003"], []]
    assert sorted(plate for plate, _ in previous) == ["苏A10001", "苏A10003"]
