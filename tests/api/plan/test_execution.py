"""Planned statements on PostgreSQL run on connections the planner holds: a bounded number,
shared by concurrent requests, closed with the app."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from hub.api.plan.execution import APPLICATION_NAME
from hub.config import Settings
from hub.vehicles.models import Vehicle
from tests.api.plan.test_operations import seed
from tests.conftest import GraphQLClient, running

PAGE = "{ vehicles(first: 3) { totalCount edges { node { plate operator { name } } } } }"


async def planner_connections(settings: Settings) -> int:
    url = make_url(settings.database_url).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE application_name = $1 AND datname = current_database()",
            APPLICATION_NAME,
        )
    finally:
        await connection.close()
    return count


async def test_concurrent_requests_share_a_bounded_set_of_connections_closed_with_the_app(
    settings: Settings, sessions: Any
) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("SQLite runs planned statements through SQLAlchemy, in process")
    await seed(sessions)
    bounded = dataclasses.replace(settings, planner_connections=2)
    async with running(bounded) as http:
        client = await GraphQLClient(http).as_client()
        planner = http.app.state.planner  # type: ignore[attr-defined]
        answered = planner.answered

        answers = await asyncio.gather(*(client.post(PAGE) for _ in range(12)))

        assert all(a.status_code == 200 and "errors" not in a.json() for a in answers)
        assert len({a.text for a in answers}) == 1, "every request the same answer"
        assert planner.answered == answered + 12, "all answered by the planner"
        assert 1 <= await planner_connections(settings) <= 2, "HUB_PLANNER_CONNECTIONS holds"
    # A backend leaves pg_stat_activity a moment after its client said goodbye.
    for _ in range(600):
        if await planner_connections(settings) == 0:
            break
        await asyncio.sleep(0.1)
    assert await planner_connections(settings) == 0, "closed when the app stopped"


LOOKUP = """query ($plate: String!, $plateColor: PlateColor!) {
  vehicle(plate: $plate, plateColor: $plateColor) { plate plateColor operator { name } } }"""


async def test_a_request_with_new_variables_runs_its_shapes_statement_with_its_own_values(
    settings: Settings, sessions: Any
) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("SQLite runs planned statements through SQLAlchemy, in process")
    await seed(sessions)
    async with sessions() as session:
        found = (await session.execute(select(Vehicle.plate, Vehicle.plate_color).limit(6))).all()
    async with running(settings) as http:
        client = await GraphQLClient(http).as_client()
        planner = http.app.state.planner  # type: ignore[attr-defined]
        answered = planner.answered

        answers = [
            await client.post(LOOKUP, {"plate": plate, "plateColor": color.name})
            for plate, color in found
        ]

        shapes = len(planner.runner._shapes)
    assert len(found) == 6
    assert [a.json()["data"]["vehicle"]["plate"] for a in answers] == [p for p, _ in found]
    assert planner.answered == answered + len(found), "all answered by the planner"
    assert shapes == 1, "one compiled statement for the six lookups"
