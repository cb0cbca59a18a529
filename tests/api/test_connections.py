"""Relay connections: paging both ways, ordering, filters, totals, and their bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.canonical.codes import PlateColor
from hub.filters import today
from tests.support import operator, permit, vehicle

LIST = """
query ($first: Int, $after: String, $last: Int, $before: String,
       $filter: VehicleFilterInput, $orderBy: VehicleOrder) {
  vehicles(first: $first, after: $after, last: $last, before: $before,
           filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { plate } }
  }
}
"""


async def seed(sessions: Any) -> None:
    """Two operators: Nanjing with 7 vehicles, Suzhou with 3; some certificates expired."""
    day = today()
    async with sessions() as session, session.begin():
        session.add_all([operator(1, "320102"), operator(2, "320505")])
        await session.flush()
        session.add_all([permit(1, 1), permit(2, 1, valid_to=day - dt.timedelta(days=1))])
        for n in range(1, 8):
            expired = n in (2, 5)
            valid_to = day - dt.timedelta(days=3) if expired else day + dt.timedelta(days=400)
            session.add(vehicle(n, 1, certificate_valid_to=valid_to))
        for n in range(8, 11):
            session.add(vehicle(n, 2, plate=f"苏E{n:05d}", region_code="320505"))


def plates(answer: dict[str, Any]) -> list[str]:
    return [edge["node"]["plate"] for edge in answer["data"]["vehicles"]["edges"]]


async def test_paging_forward_visits_every_vehicle_once_in_order(
    graphql: Any, sessions: Any
) -> None:
    await seed(sessions)
    seen: list[str] = []
    after = None
    while True:
        answer = await graphql(LIST, {"first": 3, "after": after})
        seen += plates(answer)
        info = answer["data"]["vehicles"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]

    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 10
    assert answer["data"]["vehicles"]["totalCount"] == 10


async def test_paging_backward_mirrors_paging_forward(graphql: Any, sessions: Any) -> None:
    await seed(sessions)
    last_page = await graphql(LIST, {"last": 4})
    before = last_page["data"]["vehicles"]["pageInfo"]["startCursor"]

    previous = await graphql(LIST, {"last": 3, "before": before})

    everything = plates(await graphql(LIST, {"first": 10}))
    assert plates(last_page) == everything[-4:]
    assert plates(previous) == everything[-7:-4]
    assert previous["data"]["vehicles"]["pageInfo"]["hasPreviousPage"] is True
    assert previous["data"]["vehicles"]["pageInfo"]["hasNextPage"] is True


async def test_order_by_descending_reverses_the_list(graphql: Any, sessions: Any) -> None:
    await seed(sessions)

    ascending = plates(await graphql(LIST, {"first": 10}))
    descending = plates(
        await graphql(LIST, {"first": 10, "orderBy": {"field": "PLATE", "direction": "DESC"}})
    )

    assert descending == ascending[::-1]


async def test_ordering_by_date_pages_consistently(graphql: Any, sessions: Any) -> None:
    await seed(sessions)
    order = {"field": "CERTIFICATE_VALID_TO", "direction": "ASC"}

    first = await graphql(LIST, {"first": 2, "orderBy": order})
    rest = await graphql(
        LIST,
        {
            "first": 10,
            "orderBy": order,
            "after": first["data"]["vehicles"]["pageInfo"]["endCursor"],
        },
    )

    assert sorted(plates(first)) == ["苏A00002", "苏A00005"], "expired certificates sort first"
    assert len(plates(rest)) == 8
    assert set(plates(first)).isdisjoint(plates(rest))


async def test_a_cursor_of_another_ordering_is_refused(graphql: Any, sessions: Any) -> None:
    await seed(sessions)
    page = await graphql(LIST, {"first": 2})
    cursor = page["data"]["vehicles"]["pageInfo"]["endCursor"]

    answer = await graphql(
        LIST, {"first": 2, "after": cursor, "orderBy": {"field": "NEXT_ANNUAL_REVIEW"}}
    )

    assert answer["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    assert "belongs to ordering 'PLATE:asc'" in answer["errors"][0]["message"]


async def test_first_and_last_together_are_refused(graphql: Any) -> None:
    answer = await graphql(LIST, {"first": 2, "last": 2})

    assert answer["errors"][0]["message"] == "first and last: give one of them, not both"


async def test_filters_by_city_and_validity(graphql: Any, sessions: Any) -> None:
    await seed(sessions)

    suzhou = await graphql(LIST, {"filter": {"region": "320500"}})
    expired = await graphql(LIST, {"filter": {"certificateValidity": "EXPIRED"}})
    searched = await graphql(LIST, {"filter": {"search": "e0001"}})

    assert plates(suzhou) == ["苏E00008", "苏E00009", "苏E00010"]
    assert suzhou["data"]["vehicles"]["totalCount"] == 3
    assert plates(expired) == ["苏A00002", "苏A00005"]
    assert plates(searched) == ["苏E00010"]


async def test_a_region_outside_jiangsu_is_bad_input(graphql: Any) -> None:
    answer = await graphql(LIST, {"filter": {"region": "110105"}})

    assert answer["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "filter.region"}
    assert "not a Jiangsu division code" in answer["errors"][0]["message"]


async def test_relations_are_navigable_both_ways(graphql: Any, sessions: Any) -> None:
    await seed(sessions)

    answer = await graphql(
        """{ vehicles(first: 1) { edges { node { plate operator {
              uscc vehicles(first: 2, filter: { certificateValidity: EXPIRED }) {
                totalCount edges { node { plate } } }
              permits(first: 5) { totalCount edges { node { number validity operator { name } } } }
        } } } } }"""
    )

    owner = answer["data"]["vehicles"]["edges"][0]["node"]["operator"]
    assert owner["vehicles"]["totalCount"] == 2
    assert [edge["node"]["plate"] for edge in owner["vehicles"]["edges"]] == [
        "苏A00002",
        "苏A00005",
    ]
    assert owner["permits"]["totalCount"] == 2
    validities = sorted(edge["node"]["validity"] for edge in owner["permits"]["edges"])
    assert validities == ["EXPIRED", "VALID"]
    assert {edge["node"]["operator"]["name"] for edge in owner["permits"]["edges"]} == {
        "测试运输有限公司1"
    }


async def test_nested_pages_are_per_parent(graphql: Any, sessions: Any) -> None:
    await seed(sessions)

    answer = await graphql(
        "{ operators(first: 5) { edges { node { vehicles(first: 2) { totalCount "
        "pageInfo { hasNextPage } edges { node { plate plateColor } } } } } } }"
    )

    lists = [edge["node"]["vehicles"] for edge in answer["data"]["operators"]["edges"]]
    assert [v["totalCount"] for v in lists] == [7, 3]
    assert [[e["node"]["plate"] for e in v["edges"]] for v in lists] == [
        ["苏A00001", "苏A00002"],
        ["苏E00008", "苏E00009"],
    ]
    assert all(v["pageInfo"]["hasNextPage"] for v in lists)
    assert lists[0]["edges"][0]["node"]["plateColor"] == PlateColor.YELLOW.name
