"""Totals are cached until the data changes: a write bumps the generation and they recount."""

from __future__ import annotations

from typing import Any

from hub.cache import GENERATION_KEY
from tests.support import operator, vehicle

TOTAL = "{ vehicles { totalCount } }"


async def test_a_total_is_recounted_after_the_generation_moves(graphql: Any, sessions: Any) -> None:
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
    await graphql.http.app.state.cache.incr(GENERATION_KEY)
    recounted = await graphql(TOTAL)

    assert first["data"]["vehicles"]["totalCount"] == 1
    assert cached["data"]["vehicles"]["totalCount"] == 1, "served from the cache"
    assert recounted["data"]["vehicles"]["totalCount"] == 2
