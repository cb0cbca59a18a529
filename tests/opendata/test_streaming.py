"""Publishing streams: the memory a snapshot takes does not grow with the rows it writes."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from typing import Any

from hub.api.schema import build_schema
from hub.canonical import identifiers
from hub.config import Settings
from hub.opendata.datasets import load as load_datasets
from hub.opendata.snapshots import publish
from tests import support

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def _vin(serial: int) -> str:
    raw = f"LZYTA000XN{serial:07d}"
    return raw[:8] + identifiers.vin_check_digit(raw) + raw[9:]


async def _add_vehicles(sessions: Any, first: int, count: int) -> None:
    async with sessions() as session, session.begin():
        session.add_all(
            support.vehicle(serial, 1, vin=_vin(serial)) for serial in range(first, first + count)
        )


async def _peak_of_publishing(settings: Settings, sessions: Any) -> tuple[int, int]:
    datasets = {"vehicles": load_datasets()["vehicles"]}
    schema = build_schema(settings)
    tracemalloc.start()
    try:
        done = await publish(
            sessions, schema, datasets, settings.data_dir, today=NOW.date(), now=NOW, force=True
        )
        return done[0].rows, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def test_twice_the_rows_take_no_more_memory_to_publish(
    settings: Settings, sessions: Any
) -> None:
    async with sessions() as session, session.begin():
        session.add(support.operator(1))
    await _add_vehicles(sessions, 1, 3000)
    rows, peak = await _peak_of_publishing(settings, sessions)
    await _add_vehicles(sessions, 3001, 3000)

    more_rows, more_peak = await _peak_of_publishing(settings, sessions)

    assert (rows, more_rows) == (3000, 6000)
    # Batches of 1,000 rows: the peak is a batch's, whatever the table's size.
    assert more_peak < peak * 1.25, (peak, more_peak)
    assert more_peak < 40 * 2**20
