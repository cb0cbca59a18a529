"""Loading the demo data into each database: all of it, once, browsable through GraphQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from hub.demo.generator import DemoScale, generate
from hub.demo.loader import MODELS, analyze, is_empty, load
from hub.vehicles.models import Vehicle

TODAY = dt.date(2026, 11, 25)


async def test_demo_data_loads_whole_and_is_browsable(sessions: Any, graphql: Any) -> None:
    data = generate(DemoScale.times(0.02), today=TODAY)
    assert await is_empty(sessions)

    summary = await load(sessions, data)

    assert summary.counts == {table: len(rows) for table, rows in data.tables.items()}
    assert not await is_empty(sessions)
    answer = await graphql(
        "{ operators(first: 3) { totalCount edges { node { name region { city { name } } "
        "vehicles(first: 2) { totalCount } permits(first: 2) { totalCount } } } } "
        "stations(first: 100) { edges { node { code passengerLines(first: 5) { totalCount "
        "edges { node { stations { code } } } } } } } }"
    )
    assert "errors" not in answer, answer["errors"]
    assert answer["data"]["operators"]["totalCount"] == len(data.tables["operators"])
    calls = {
        edge["node"]["code"]: [
            [stop["code"] for stop in line["node"]["stations"]]
            for line in edge["node"]["passengerLines"]["edges"]
        ]
        for edge in answer["data"]["stations"]["edges"]
    }
    # Every line listed under a station really stops there.
    assert all(code in stops for code, lines in calls.items() for stops in lines)
    assert any(calls.values()), "some station must have lines calling"


async def test_a_failed_load_leaves_nothing_behind(sessions: Any) -> None:
    data = generate(DemoScale.times(0.02), today=TODAY)
    await load(sessions, data)
    async with sessions() as session:
        before = {
            table: await session.scalar(select(func.count()).select_from(model))
            for table, model in MODELS.items()
        }

    with pytest.raises(IntegrityError):
        await load(sessions, data)  # every key is taken now: the first insert fails

    async with sessions() as session:
        after = {
            table: await session.scalar(select(func.count()).select_from(model))
            for table, model in MODELS.items()
        }
    assert after == before


async def test_new_rows_get_ids_after_the_demo_ones(sessions: Any) -> None:
    data = generate(DemoScale.times(0.02), today=TODAY)
    await load(sessions, data)
    template = data.tables["vehicles"][0]

    async with sessions() as session, session.begin():
        row = Vehicle(
            **(
                template
                | {
                    "id": None,
                    "plate": "苏A0000D",
                    "vin": "LZYTA0000N0000000",
                    "certificate_number": "320102999999",
                    "source_record_id": "new",
                }
            )
        )
        session.add(row)
        await session.flush()
        new_id = row.id

    assert new_id > max(vehicle["id"] for vehicle in data.tables["vehicles"])


async def test_the_loaded_tables_have_planner_statistics_on_postgresql(
    sessions: Any, settings: Any
) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("SQLite keeps no statistics unless asked, and plans without them alike")
    # Given demo data just loaded, never analyzed (the test server's autovacuum aside),
    await load(sessions, generate(DemoScale.times(0.02), today=TODAY))
    statistics = text(
        "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema()"
        " AND tablename = 'vehicles' AND attname = 'operator_id'"
    )

    # when it is analyzed,
    await analyze(sessions)

    # then the planner knows the vehicles' operators (from pg_stats, which ANALYZE fills).
    async with sessions() as session:
        assert await session.scalar(statistics) == 1, "vehicles were not analyzed"
