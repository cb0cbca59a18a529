"""No N+1: the statements of a nested query do not grow with the page size."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from tests.support import operator, permit, vehicle

NESTED = """
query ($n: Int!) {
  vehicles(first: $n) {
    edges { node { plate
      operator { name
        permits(first: 5) { totalCount edges { node { number
          operator { uscc } } } } } } }
  }
}
"""


async def seed(sessions: Any, operators: int, vehicles_each: int) -> None:
    async with sessions() as session, session.begin():
        session.add_all([operator(n) for n in range(1, operators + 1)])
        await session.flush()
        session.add_all(
            [permit(p, n) for n in range(1, operators + 1) for p in (n * 10, n * 10 + 1)]
        )
        serial = 0
        for n in range(1, operators + 1):
            for _ in range(vehicles_each):
                serial += 1
                session.add(vehicle(serial, n))


async def count_statements(graphql: Any, page: int) -> tuple[int, dict[str, Any]]:
    statements: list[str] = []
    engine = graphql.http.app.state.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        answer = await graphql(NESTED, {"n": page})
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    return len(statements), answer


async def test_statements_stay_flat_as_the_page_grows(graphql: Any, sessions: Any) -> None:
    await seed(sessions, operators=30, vehicles_each=2)
    await graphql("{ vehicles(first: 1) { totalCount } }")  # the client is looked up once, first

    small, small_answer = await count_statements(graphql, 3)
    large, large_answer = await count_statements(graphql, 60)

    assert "errors" not in large_answer, large_answer
    assert len(small_answer["data"]["vehicles"]["edges"]) == 3
    assert len(large_answer["data"]["vehicles"]["edges"]) == 60
    assert small == large, f"{small} statements for 3 rows but {large} for 60: N+1"
    # vehicles page, operators by id, permits pages, permit counts, operators again (cached)
    assert large <= 5
