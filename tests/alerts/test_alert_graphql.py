"""Alerts in GraphQL on SQLite and PostgreSQL: the list and its filters, the node, acknowledging
and closing under scope enforcement:write and the region rule, bad input named."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.alerts.models import AlertRow
from hub.canonical.codes import AlertKind, AlertStatus, PlateColor
from tests.conftest import GraphQLClient

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
OFFICER = "registry:read enforcement:read enforcement:write"

LIST = """query ($filter: AlertFilter, $order: AlertOrder) {
  alerts(filter: $filter, orderBy: $order, first: 10) {
    totalCount edges { node { id kind status plate plateColor region { code } startedAt
      location { latitude longitude } evidence evidenceCount } } } }"""
ACK = "mutation ($id: ID!) { acknowledgeAlert(id: $id) { id status acknowledgedBy } }"
CLOSE = """mutation ($id: ID!, $d: String!) {
  closeAlert(id: $id, disposition: $d) { status closedBy disposition } }"""


def row(kind: AlertKind, plate: str, region: str, hours: int, at: tuple[float, float]) -> AlertRow:
    started = T0 + dt.timedelta(hours=hours)
    return AlertRow(
        kind=kind, status=AlertStatus.OPEN, plate=plate, plate_color=PlateColor.YELLOW,
        vehicle_id=None, operator_id=None, region_code=region, started_at=started,
        ended_at=started + dt.timedelta(minutes=5), latitude=at[0], longitude=at[1],
        evidence=[f"fix:{plate}:2:{started:%Y-%m-%dT%H:%M:%SZ}"], evidence_count=1,
        raised_at=started,
    )  # fmt: skip


async def seed(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        session.add_all(
            [
                row(AlertKind.OVER_SPEED, "苏A00001", "320102", 0, (32.04, 118.78)),
                row(AlertKind.BLACKLISTED, "苏A00002", "320102", 1, (32.05, 118.80)),
                row(AlertKind.NIGHT_BAN, "苏E00003", "320505", 2, (31.30, 120.58)),
            ]
        )


def nodes(answer: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in answer, answer
    return [edge["node"] for edge in answer["data"]["alerts"]["edges"]]


def error(answer: dict[str, Any]) -> tuple[str, str]:
    [first] = answer["errors"]
    return first["extensions"]["code"], first["message"]


async def test_alerts_are_listed_newest_first_and_filtered(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    await seed(sessions)
    officer = await anonymous.as_client(OFFICER)

    every = nodes(await officer(LIST))
    blacklisted_near = nodes(
        await officer(
            LIST,
            {
                "filter": {
                    "kinds": ["BLACKLISTED"],
                    "near": {"latitude": 32.06, "longitude": 118.79, "radiusKm": 5},
                }
            },
        )
    )
    far = {"latitude": 34.26, "longitude": 117.18, "radiusKm": 5}
    suzhou = nodes(await officer(LIST, {"filter": {"region": "320500"}}))
    oldest_first = nodes(
        await officer(LIST, {"order": {"field": "STARTED_AT", "direction": "ASC"}})
    )

    assert [n["plate"] for n in every] == ["苏E00003", "苏A00002", "苏A00001"]
    assert every[0]["region"] == {"code": "320505"}
    assert every[2]["evidence"] == ["fix:苏A00001:2:2026-11-02T01:00:00Z"]
    assert [n["plate"] for n in blacklisted_near] == ["苏A00002"]
    assert nodes(await officer(LIST, {"filter": {"near": far}})) == []
    assert [n["kind"] for n in suzhou] == ["NIGHT_BAN"]
    assert [n["plate"] for n in oldest_first] == ["苏A00001", "苏A00002", "苏E00003"]


async def test_an_alert_by_its_id_and_as_a_node(anonymous: GraphQLClient, sessions: Any) -> None:
    await seed(sessions)
    officer = await anonymous.as_client(OFFICER)
    [first, *_] = nodes(await officer(LIST))

    one = await officer("query ($id: ID!) { alert(id: $id) { plate kind } }", {"id": first["id"]})
    node = await officer(
        "query ($id: ID!) { node(id: $id) { ... on Alert { plate } } }", {"id": first["id"]}
    )

    assert one["data"]["alert"] == {"plate": first["plate"], "kind": first["kind"]}
    assert node["data"]["node"] == {"plate": first["plate"]}


async def test_an_alert_is_acknowledged_then_closed_and_closing_twice_is_refused(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    await seed(sessions)
    officer = await anonymous.as_client(OFFICER)
    alert_id = nodes(await officer(LIST, {"filter": {"kinds": ["OVER_SPEED"]}}))[0]["id"]

    acknowledged = await officer(ACK, {"id": alert_id})
    twice = await officer(ACK, {"id": alert_id})
    closed = await officer(CLOSE, {"id": alert_id, "d": "已约谈驾驶员，罚款 200 元"})
    again = await officer(CLOSE, {"id": alert_id, "d": "再次关闭"})

    assert acknowledged["data"]["acknowledgeAlert"]["status"] == "ACKNOWLEDGED"
    client_id = acknowledged["data"]["acknowledgeAlert"]["acknowledgedBy"]
    assert client_id
    assert error(twice)[0] == "BAD_USER_INPUT"
    assert "its status is ACKNOWLEDGED" in error(twice)[1]
    assert closed["data"]["closeAlert"] == {
        "status": "CLOSED", "closedBy": client_id, "disposition": "已约谈驾驶员，罚款 200 元",
    }  # fmt: skip
    code, message = error(again)
    assert code == "BAD_USER_INPUT"
    assert f"cannot be closed: its status is CLOSED (by {client_id} at " in message
    [kept] = nodes(await officer(LIST, {"filter": {"kinds": ["OVER_SPEED"]}}))
    assert kept["status"] == "CLOSED"


async def test_handling_needs_enforcement_write_and_the_alerts_region(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    await seed(sessions)
    reader = await anonymous.as_client("registry:read enforcement:read")
    suzhou = await anonymous.as_client(OFFICER, region="320500")
    registry = await anonymous.as_client("registry:read")
    nanjing_id = nodes(await reader(LIST, {"filter": {"kinds": ["OVER_SPEED"]}}))[0]["id"]

    assert error(await reader(ACK, {"id": nanjing_id})) == (
        "FORBIDDEN", "acknowledgeAlert: needs scope enforcement:write",
    )  # fmt: skip
    assert error(await suzhou(CLOSE, {"id": nanjing_id, "d": "越权"}))[0] == "NOT_FOUND"
    assert [n["plate"] for n in nodes(await suzhou(LIST))] == ["苏E00003"]
    assert error(await registry(LIST))[0] == "FORBIDDEN"
    [still] = nodes(await reader(LIST, {"filter": {"kinds": ["OVER_SPEED"]}}))
    assert still["status"] == "OPEN", "nothing changed"


async def test_bad_filters_and_arguments_are_named(anonymous: GraphQLClient, sessions: Any) -> None:
    await seed(sessions)
    officer = await anonymous.as_client(OFFICER)
    alert_id = nodes(await officer(LIST))[0]["id"]

    plate_alone = await officer(LIST, {"filter": {"plate": "苏A00001"}})
    no_radius = await officer(LIST, {"filter": {"near": {
        "latitude": 32.0, "longitude": 118.0, "radiusKm": 0}}})  # fmt: skip
    bad_region = await officer(LIST, {"filter": {"region": "999999"}})
    not_an_alert = await officer(ACK, {"id": "VmVoaWNsZTox"})  # Vehicle:1
    empty = await officer(CLOSE, {"id": alert_id, "d": "   "})

    assert error(plate_alone) == (
        "BAD_USER_INPUT",
        "filter.plate and filter.plateColor go together: a plate alone names no vehicle",
    )
    assert error(no_radius) == (
        "BAD_USER_INPUT", "filter.near.radiusKm: more than 0 and at most 500",
    )  # fmt: skip
    assert error(bad_region)[0] == "BAD_USER_INPUT"
    assert error(not_an_alert) == ("BAD_USER_INPUT", "id: not the ID of an alert")
    assert error(empty)[1].startswith("disposition: 1-500 characters")
