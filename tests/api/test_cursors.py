"""Cursors: a genuine one pages, a forged one is bad input whatever its sort value's type.

A forged value of the wrong type must never reach the database: PostgreSQL refuses the
parameter and the client would see INTERNAL_SERVER_ERROR instead of its own mistake.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from hub.vessels.models import Vessel
from tests.multimodal.test_mutations import BOOK, WAYBILL
from tests.support import operator, provenance, vehicle

CONSIGNMENTS = """
query ($o: ConsignmentOrder, $first: Int, $after: String, $last: Int, $before: String) {
  consignments(orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    pageInfo { hasNextPage endCursor } edges { node { reference } } } }"""
VEHICLES = """
query ($o: VehicleOrder, $first: Int, $after: String, $last: Int, $before: String) {
  vehicles(orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    pageInfo { hasNextPage endCursor } edges { node { plate } } } }"""
VESSELS = """
query ($o: VesselOrder, $first: Int, $after: String, $last: Int, $before: String) {
  vessels(orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    pageInfo { hasNextPage endCursor } edges { node { name } } } }"""

AWARE = {"datetime": "2026-11-19T10:00:00+08:00"}
INT32_OVERFLOW = 2**31
ON_DATETIMES = [
    "x",
    5,
    1.5,
    True,
    None,
    [1],
    {"datetime": "2026-11-19T10:00:00"},  # naive: stored datetimes are all UTC
    {"datetime": "2026-11-19"},
    {"datetime": "0001-01-01T00:00:00+01:00"},  # before year 1 in UTC
    {"datetime": 5},
    {"date": "2026-11-19"},
    {**AWARE, "date": "2026-11-19"},
    "2026-11-19T10:00:00+08:00",
]
ON_STRINGS = [5, 1.5, True, None, ["JS"], {"datetime": AWARE["datetime"]}, "JS\x00", "\ud800"]
ON_DATES = [
    "2026-01-01",
    5,
    None,
    {"date": "x"},
    {"date": "2026-13-01"},
    {"datetime": "2026-01-01T00:00:00+00:00"},
    {"date": "2026-01-01", "x": 1},
]
ON_INTEGERS = ["x", "5", 1.5, True, None, INT32_OVERFLOW, {"date": "2026-01-01"}, [5]]


def forge(*parts: Any) -> str:
    """A cursor as the hub writes them, of whatever parts the caller likes."""
    payload = json.dumps(list(parts), separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


async def refusals(
    graphql: Any, query: str, order: dict[str, str], cursors: list[str]
) -> list[tuple[str, Any]]:
    """Each cursor given as ``after`` then as ``before``: what the hub says about it."""
    said = []
    for cursor in cursors:
        for argument, size in (("after", "first"), ("before", "last")):
            answer = await graphql(query, {"o": order, size: 2, argument: cursor})
            errors = answer.get("errors") or [{}]
            said.append((cursor, errors[0].get("extensions")))
    return said


def refused(cursors: list[str]) -> list[tuple[str, Any]]:
    return [
        (cursor, {"code": "BAD_USER_INPUT", "field": argument})
        for cursor in cursors
        for argument in ("after", "before")
    ]


async def test_forged_cursors_on_a_datetime_sort_are_bad_input(graphql: Any) -> None:
    writer = await graphql.as_client("consignment:write")
    for number in range(1, 4):
        waybill = {
            **WAYBILL,
            "reference": f"JS-2026-10000{number}",
            "issuedAt": f"2026-11-1{number}T10:00:00+08:00",
        }
        booked = await writer(BOOK, {"w": waybill})
        assert "errors" not in booked, booked
    order = {"field": "ISSUED_AT", "direction": "DESC"}
    forged = [forge("ISSUED_AT", value, 1) for value in ON_DATETIMES]
    forged += [forge("ISSUED_AT", AWARE, row_id) for row_id in ("1", 1.0, True, INT32_OVERFLOW)]
    forged.append(base64.urlsafe_b64encode(b"[" * 100_000).decode())  # too deep to parse

    said = await refusals(graphql, CONSIGNMENTS, order, forged)
    first = await graphql(CONSIGNMENTS, {"o": order, "first": 2})
    rest = await graphql(
        CONSIGNMENTS,
        {"o": order, "first": 2, "after": first["data"]["consignments"]["pageInfo"]["endCursor"]},
    )
    # Any offset names the same instant; the hub's own cursors give it in UTC.
    in_beijing = forge("ISSUED_AT", {"datetime": "2026-11-13T10:00:00+08:00"}, 3)
    after_beijing = await graphql(CONSIGNMENTS, {"o": order, "first": 5, "after": in_beijing})

    assert said == refused(forged)
    assert [e["node"]["reference"] for e in first["data"]["consignments"]["edges"]] == [
        "JS-2026-100003",
        "JS-2026-100002",
    ]
    assert [e["node"]["reference"] for e in rest["data"]["consignments"]["edges"]] == [
        "JS-2026-100001"
    ]
    assert [e["node"]["reference"] for e in after_beijing["data"]["consignments"]["edges"]] == [
        "JS-2026-100002",
        "JS-2026-100001",
    ]


async def test_forged_cursors_on_a_string_sort_are_bad_input(graphql: Any) -> None:
    writer = await graphql.as_client("consignment:write")
    for number in range(1, 4):
        await writer(BOOK, {"w": {**WAYBILL, "reference": f"JS-2026-10000{number}"}})
    order = {"field": "REFERENCE", "direction": "ASC"}
    forged = [forge("REFERENCE", value, 1) for value in ON_STRINGS]

    said = await refusals(graphql, CONSIGNMENTS, order, forged)
    first = await graphql(CONSIGNMENTS, {"o": order, "first": 1})
    cursor = first["data"]["consignments"]["pageInfo"]["endCursor"]
    rest = await graphql(CONSIGNMENTS, {"o": order, "first": 5, "after": cursor})

    assert said == refused(forged)
    assert [e["node"]["reference"] for e in rest["data"]["consignments"]["edges"]] == [
        "JS-2026-100002",
        "JS-2026-100003",
    ]


async def test_forged_cursors_on_a_date_sort_are_bad_input(graphql: Any, sessions: Any) -> None:
    async with sessions() as session, session.begin():
        session.add(operator(1))
        await session.flush()
        for n in range(1, 4):
            session.add(vehicle(n, 1, certificate_valid_to=dt.date(2027, 1, n)))
    order = {"field": "CERTIFICATE_VALID_TO", "direction": "ASC"}
    forged = [forge("CERTIFICATE_VALID_TO:asc", value, 1) for value in ON_DATES]

    said = await refusals(graphql, VEHICLES, order, forged)
    first = await graphql(VEHICLES, {"o": order, "first": 1})
    cursor = first["data"]["vehicles"]["pageInfo"]["endCursor"]
    rest = await graphql(VEHICLES, {"o": order, "first": 5, "after": cursor})

    assert said == refused(forged)
    assert [e["node"]["plate"] for e in rest["data"]["vehicles"]["edges"]] == [
        "苏A00002",
        "苏A00003",
    ]


async def test_forged_cursors_on_an_integer_sort_are_bad_input(graphql: Any, sessions: Any) -> None:
    async with sessions() as session, session.begin():
        session.add(operator(1))
        await session.flush()
        for n in range(1, 4):
            session.add(
                Vessel(
                    name=f"苏航{n}",
                    mmsi=f"41300000{n}",
                    port_of_registry="南京",
                    gross_tonnage=1000 * n,
                    region_code="320102",
                    operator_id=1,
                    **provenance("vessel"),
                )
            )
    order = {"field": "GROSS_TONNAGE", "direction": "ASC"}
    forged = [forge("GROSS_TONNAGE:asc", value, 1) for value in ON_INTEGERS]

    said = await refusals(graphql, VESSELS, order, forged)
    first = await graphql(VESSELS, {"o": order, "first": 1})
    cursor = first["data"]["vessels"]["pageInfo"]["endCursor"]
    rest = await graphql(VESSELS, {"o": order, "first": 5, "after": cursor})

    assert said == refused(forged)
    assert [e["node"]["name"] for e in rest["data"]["vessels"]["edges"]] == ["苏航2", "苏航3"]
