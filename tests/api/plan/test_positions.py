"""Positions answered by the planner: ``online`` as of when each request runs, though the
request's statement is built once and run again for every repeat of it."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

from sqlalchemy import select, update

from hub.api.positions.types import ONLINE_WITHIN
from hub.canonical.codes import PlateColor
from hub.positions.models import LatestPosition
from tests.api.plan.differential import assert_same, compare
from tests.api.plan.test_operations import OPERATIONS, seed
from tests.conftest import FULL_ACCESS, GraphQLClient

MARGIN = 2.0
"""Seconds a fix stays online after it is placed: time for the first request to be answered."""


async def test_online_is_worked_out_when_the_request_runs_not_when_it_was_planned(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    keys = (await seed(sessions))["VehicleCheckWithPosition"]
    client = await anonymous.as_client(f"{FULL_ACCESS} tracking:read")
    document = (OPERATIONS / "enforcement" / "VehicleCheckWithPosition.graphql").read_text()
    planner = anonymous.http.app.state.planner  # type: ignore[attr-defined]
    await client(document, keys)  # planned, built and kept ready to run again
    # A fix that goes offline MARGIN seconds from now.
    placed = time.monotonic()
    observed = dt.datetime.now(dt.UTC) - ONLINE_WITHIN + dt.timedelta(seconds=MARGIN)
    async with sessions() as session:
        await session.execute(
            update(LatestPosition)
            .where(
                LatestPosition.plate == keys["plate"],
                LatestPosition.plate_color == PlateColor[keys["plateColor"]],
            )
            .values(observed_at=observed)
        )
        await session.commit()

    answered = planner.answered
    before = await client(document, keys)
    assert time.monotonic() - placed < MARGIN, "the first answer came too late to compare"
    await asyncio.sleep(MARGIN + 0.5 - (time.monotonic() - placed))
    after = await compare(anonymous.http, client.headers, document, keys)

    assert planner.answered == answered + 2, "both answered by the planner, from one plan"
    assert before["data"]["vehicle"]["position"]["online"] is True
    assert_same(after, "VehicleCheckWithPosition once the fix is old")
    assert after.planned.json()["data"]["vehicle"]["position"]["online"] is False


NEAR = """query ($point: PointInput!, $radius: Float!, $first: Int!, $filter: VehicleFilterInput) {
  vehiclesNear(point: $point, radiusMeters: $radius, first: $first, filter: $filter) {
    __typename distanceMeters vehicle { plate plateColor position { latitude } }
    position { longitude online }
  }
}"""


async def test_vehicles_at_one_spot_come_by_plate_and_bad_input_is_the_resolvers(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    await seed(sessions)
    spot = (32.1, 118.9)
    async with sessions() as session:
        # Five vehicles at one spot, three more 55 to 80 m north of it.
        plates = (await session.scalars(select(LatestPosition.plate).limit(8))).all()
        for n, plate in enumerate(plates):
            where = spot if n < 5 else (spot[0] + n * 1e-4, spot[1])
            await session.execute(
                update(LatestPosition)
                .where(LatestPosition.plate == plate)
                .values(latitude=where[0], longitude=where[1])
            )
        await session.commit()
    client = await anonymous.as_client("registry:read tracking:read")
    point = {"latitude": spot[0], "longitude": spot[1]}
    asked = [
        {"point": point, "radius": 100.0, "first": 7},
        {"point": point, "radius": 20.0, "first": 1000},
        {"point": point, "radius": 50_000.0, "first": 20, "filter": {"dangerousGoods": True}},
        {"point": {"latitude": 95.0, "longitude": 0.0}, "radius": 100.0, "first": 7},
        {"point": point, "radius": 0.0, "first": 7},
        {"point": point, "radius": 100.0, "first": 0},
    ]

    answers = [await compare(anonymous.http, client.headers, NEAR, v) for v in asked]

    for variables, compared in zip(asked, answers, strict=True):
        assert_same(compared, str(variables))
    near, nearest, dangerous, *refused = answers
    assert all(a.answered_by_planner for a in (near, nearest, dangerous))
    found = near.planned.json()["data"]["vehiclesNear"]
    at_spot = [v["vehicle"]["plate"] for v in found if v["distanceMeters"] == 0.0]
    assert len(found) == 7, found
    assert len(at_spot) == 5, found
    assert at_spot == sorted(at_spot), "ties by plate"
    assert len(nearest.planned.json()["data"]["vehiclesNear"]) == 5
    assert dangerous.planned.json()["data"]["vehiclesNear"], "some dangerous-goods vehicle"
    for compared in refused:
        assert not compared.answered_by_planner
        assert compared.planned.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
