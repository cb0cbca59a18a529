"""Positions answered by the planner: ``online`` as of when each request runs, though the
request's statement is built once and run again for every repeat of it."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

from sqlalchemy import update

from hub.api.positions.types import ONLINE_WITHIN
from hub.canonical.codes import PlateColor
from hub.positions.models import LatestPosition
from tests.api.plan.differential import assert_same, compare
from tests.api.plan.test_operations import OPERATIONS, seed
from tests.conftest import FULL_ACCESS, GraphQLClient

MARGIN = 3.0
"""Seconds a fix stays online after it is placed: time for the first request to be answered."""


async def test_online_is_worked_out_when_the_request_runs_not_when_it_was_planned(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    keys = (await seed(sessions))["VehicleCheckWithPosition"]
    client = await anonymous.as_client(f"{FULL_ACCESS} tracking:read")
    document = (OPERATIONS / "enforcement" / "VehicleCheckWithPosition.graphql").read_text()
    planner = anonymous.http.app.state.planner  # type: ignore[attr-defined]
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

    assert planner.answered == answered + 2, "both answered by the planner"
    assert before["data"]["vehicle"]["position"]["online"] is True
    assert_same(after, "VehicleCheckWithPosition once the fix is old")
    assert after.planned.json()["data"]["vehicle"]["position"]["online"] is False
