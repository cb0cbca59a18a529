"""The alerts subscription on each database with each pub/sub backend: an alert raised from
the fixes one worker takes reaches the websocket subscribers of another, by region and kind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from functools import partial
from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.alerts.engine import CHANNEL
from hub.app import create_app
from hub.canonical.codes import PlateColor, VehicleType
from hub.canonical.records import BlacklistEntry
from hub.config import Settings
from hub.db import session_factory
from hub.exchange.batches import apply_records
from tests.conftest import bearer, register_client
from tests.multimodal.test_workers import _listening
from tests.support import operator, vehicle

SUBSCRIBE = """subscription ($region: String, $kinds: [AlertKind!]) {
  alerts(region: $region, kinds: $kinds) { kind status plate region { code } evidenceCount } }"""
T0 = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=10)


@pytest.fixture
def both(settings: Settings, cache_settings: Settings) -> Settings:
    """Each database with each pub/sub backend."""
    return dataclasses.replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )


async def _seed(app: Any) -> None:
    async with session_factory(app.state.engine)() as session, session.begin():
        session.add_all([operator(1), operator(2, region="320505")])
        await session.flush()
        for serial, plate, region in ((1, "苏A00001", "320102"), (2, "苏E00002", "320505")):
            session.add(
                vehicle(
                    serial, serial, plate=plate, region_code=region, dangerous_goods=True,
                    vehicle_type=VehicleType.HEAVY_TANK_TRUCK,
                )
            )  # fmt: skip


def _positions(client: TestClient) -> dict[str, str]:
    client_id, secret = client.portal.call(  # type: ignore[union-attr]
        partial(register_client, agency="positioning"), client, "exchange:positioning:write"
    )
    answer = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _speeding() -> bytes:
    lines = []
    for plate in ("苏A00001", "苏E00002"):
        for seconds in (0, 20, 40):
            at = (T0 - dt.timedelta(hours=2, seconds=-seconds)).isoformat()  # all of it in the past
            record = {"plate": plate, "color": "2", "time": at, "lon": 118.78, "lat": 32.04,
                      "speed": 95, "direction": 90}  # fmt: skip
            lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def test_an_alert_raised_by_one_worker_reaches_the_subscribers_of_another(both: Settings) -> None:
    with TestClient(create_app(both)) as one, TestClient(create_app(both)) as other:
        one.portal.call(_seed, one.app)  # type: ignore[union-attr]
        officer = bearer(other, "enforcement:read", None)
        sender = _positions(one)
        with other.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": officer})
            assert ws.receive_json()["type"] == "connection_ack"
            variables = {"region": "320500", "kinds": ["OVER_SPEED"]}
            payload = {"query": SUBSCRIBE, "variables": variables}
            ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
            deadline = time.monotonic() + 60
            while not _listening(both, CHANNEL):
                assert time.monotonic() < deadline, "the subscription never started"
                time.sleep(0.02)
            answer = one.post(
                "/positions", content=_speeding(),
                headers={**sender, "Content-Type": "application/x-ndjson"},
            )  # fmt: skip
            assert answer.status_code == 200, answer.text
            assert answer.json()["accepted"] == 6
            message = ws.receive_json()

    assert message["type"] == "next", message
    assert message["payload"]["data"]["alerts"] == {
        "kind": "OVER_SPEED", "status": "OPEN", "plate": "苏E00002",
        "region": {"code": "320505"}, "evidenceCount": 1,
    }, "Nanjing's alert, published first, is not of the region asked for"  # fmt: skip


def test_subscribing_needs_an_enforcement_scope(both: Settings) -> None:
    with TestClient(create_app(both)) as client:
        reader = bearer(client, "registry:read")
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": reader})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
            message = ws.receive_json()

    assert message["type"] in {"error", "next"}, message
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["message"] == "alerts: needs scope enforcement:read or enforcement:write"


NEAR = """subscription ($near: NearInput!) {
  alerts(kinds: [BLACKLISTED], near: $near) { id status plate location { longitude } } }"""


async def _blacklist(app: Any, plate: str) -> None:
    entry = BlacklistEntry(
        source_record_id="B1", plate=plate, plate_color=PlateColor.YELLOW, reason="非法营运",
        listed_on=T0.date(), lifted_on=None,
    )  # fmt: skip
    async with session_factory(app.state.engine)() as session, session.begin():
        await apply_records(session, [("public_security", [entry], T0)])


def _at(plate: str, seconds: int, lat: float, lon: float) -> bytes:
    at = (T0 - dt.timedelta(hours=2, seconds=-seconds)).isoformat()  # all of it in the past
    record = {"plate": plate, "color": "2", "time": at, "lon": lon, "lat": lat, "speed": 40,
              "direction": 0}  # fmt: skip
    return json.dumps(record, ensure_ascii=False).encode() + b"\n"


def test_an_officer_is_alerted_when_a_blacklisted_vehicle_comes_near(both: Settings) -> None:
    """Raised 50 km away: not sent. Driven into the radius: sent once, however many fixes
    follow there. Acknowledged: sent, as it is near."""
    with TestClient(create_app(both)) as client:
        client.portal.call(_seed, client.app)  # type: ignore[union-attr]
        client.portal.call(_blacklist, client.app, "苏A00001")  # type: ignore[union-attr]
        officer = bearer(client, "enforcement:read enforcement:write", None)
        sender = {**_positions(client), "Content-Type": "application/x-ndjson"}
        here = {"latitude": 32.04, "longitude": 118.78, "radiusKm": 5}
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": officer})
            assert ws.receive_json()["type"] == "connection_ack"
            payload = {"query": NEAR, "variables": {"near": here}}
            ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
            deadline = time.monotonic() + 60
            while not _listening(both, CHANNEL):
                assert time.monotonic() < deadline, "the subscription never started"
                time.sleep(0.02)
            for body in (
                _at("苏A00001", 0, 32.50, 118.78),  # 51 km north: raised, not near
                _at("苏A00001", 3600, 32.05, 118.78),  # an hour later, 1 km away: near
                _at("苏A00001", 3630, 32.051, 118.781),  # still near: nothing new
            ):
                answer = client.post("/positions", content=body, headers=sender)
                assert answer.status_code == 200, answer.text
            came = ws.receive_json()
            ack = "mutation ($id: ID!) { acknowledgeAlert(id: $id) { status } }"
            alert_id = came["payload"]["data"]["alerts"]["id"]
            acknowledged = client.post(
                "/graphql", json={"query": ack, "variables": {"id": alert_id}}, headers=officer
            )
            assert acknowledged.json()["data"]["acknowledgeAlert"]["status"] == "ACKNOWLEDGED"
            then = ws.receive_json()

    assert came["payload"]["data"]["alerts"] == {
        "id": alert_id,
        "status": "OPEN",
        "plate": "苏A00001",
        "location": {"longitude": 118.78},
    }, "the first it hears of is the vehicle coming near, not its alert 50 km away"
    assert then["payload"]["data"]["alerts"]["status"] == "ACKNOWLEDGED", (
        "the next is the acknowledgement: the fix after the one that came near sent nothing"
    )


def test_a_point_out_of_range_is_refused_naming_the_argument(both: Settings) -> None:
    with TestClient(create_app(both)) as client:
        officer = bearer(client, "enforcement:read", None)
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": officer})
            assert ws.receive_json()["type"] == "connection_ack"
            far = {"latitude": 32.04, "longitude": 118.78, "radiusKm": 900}
            payload = {"query": NEAR, "variables": {"near": far}}
            ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
            message = ws.receive_json()

    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["message"] == "near.radiusKm: more than 0 and at most 500"
