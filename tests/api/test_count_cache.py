"""Totals are cached until the data changes: a write moves the data version and they recount."""

from __future__ import annotations

from typing import Any

from tests.support import operator, vehicle

TOTAL = "{ vehicles { totalCount } }"


async def test_a_total_is_recounted_after_the_data_version_moves(
    graphql: Any, sessions: Any
) -> None:
    # The resolvers' count cache; the read planner counts in the page's own statement.
    graphql.http.app.state.planner.enabled = False
    async with sessions() as session, session.begin():
        session.add(operator(1))
        await session.flush()
        session.add(vehicle(1, 1))
    first = await graphql(TOTAL)
    async with sessions() as session, session.begin():
        session.add(vehicle(2, 1))

    cached = await graphql(TOTAL)
    await graphql.http.app.state.versions.bump()  # what every write's commit does
    recounted = await graphql(TOTAL)

    assert first["data"]["vehicles"]["totalCount"] == 1
    assert cached["data"]["vehicles"]["totalCount"] == 1, "served from the cache"
    assert recounted["data"]["vehicles"]["totalCount"] == 2
