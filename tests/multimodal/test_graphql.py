"""Consignments in GraphQL: read whole, written by carriers once per event, followed live."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any

from starlette.testclient import TestClient

from hub.app import create_app
from hub.config import Settings
from hub.db import session_factory
from hub.multimodal import service
from hub.pubsub.memory import _CHANNELS
from tests.conftest import bearer
from tests.multimodal.test_service import RAIL_CARRIER, journey

QUERY = """query ($r: String!) { consignment(reference: $r) {
  reference status containers currentLeg eta
  legs { sequence mode origin destination }
  timeline { kind location source } } }"""
RECORD = """mutation ($e: ConsignmentEventInput!) { recordConsignmentEvent(event: $e) {
  status currentLeg timeline { kind } } }"""
SUBSCRIBE = 'subscription { consignmentEvents(reference: "JS-2026-000001") { kind location } }'


def event(kind: str, hours: int, source_event_id: str) -> dict[str, Any]:
    return {
        "reference": "JS-2026-000001", "kind": kind, "location": "连云港东站",
        "occurredAt": f"2026-11-20T{8 + hours:02d}:00:00+08:00", "sourceEventId": source_event_id,
        "mode": "RAIL", "leg": 2,
    }  # fmt: skip


def wait_for_subscriber(channel: str) -> None:
    """The subscription starts asynchronously: wait until it listens (in-process pub/sub)."""
    deadline = time.monotonic() + 60
    while not _CHANNELS.get(channel):
        assert time.monotonic() < deadline, "the subscription never started"
        time.sleep(0.01)


async def _book(app: Any) -> None:
    async with session_factory(app.state.engine)() as session, session.begin():
        await service.book(session, journey(), "test")


def test_a_consignment_is_read_written_and_followed(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        client.portal.call(_book, app)  # type: ignore[union-attr]
        reader = bearer(client, "registry:read")
        carrier = bearer(client, "consignment:write", RAIL_CARRIER)
        refused = client.post(
            "/graphql",
            json={"query": RECORD, "variables": {"e": event("LOAD", 3, "x")}},
            headers=reader,
        ).json()
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": reader})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
            wait_for_subscriber("consignment:JS-2026-000001")
            answers = [
                client.post(
                    "/graphql", json={"query": RECORD, "variables": {"e": item}}, headers=carrier
                ).json()
                for item in (
                    event("LOAD", 3, "e1"),
                    event("LOAD", 3, "e1"),
                    event("DEPART", 4, "e2"),
                )
            ]
            assert all("errors" not in answer for answer in answers), answers
            seen = [ws.receive_json(), ws.receive_json()]
        whole = client.post(
            "/graphql", json={"query": QUERY, "variables": {"r": "JS-2026-000001"}}, headers=reader
        ).json()

    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [a["data"]["recordConsignmentEvent"]["status"] for a in answers] == ["IN_TRANSIT"] * 3
    # The repeated event reached the subscriber once: the next message is already the second.
    assert [(m["type"], m["payload"]["data"]["consignmentEvents"]["kind"]) for m in seen] == [
        ("next", "LOAD"),
        ("next", "DEPART"),
    ]
    consignment = whole["data"]["consignment"]
    assert [e["kind"] for e in consignment["timeline"]] == ["LOAD", "DEPART"]
    assert consignment["currentLeg"] == 2
    assert [leg["mode"] for leg in consignment["legs"]] == ["ROAD", "RAIL"]
    assert len(consignment["containers"]) == 2


BY_SHIPPER = """
query($name: String!, $from: DateTime!, $to: DateTime!) {
  consignmentsByShipper(shipperName: $name, issuedFrom: $from, issuedTo: $to) { reference }
}
"""


async def _book_three(app: Any) -> None:
    async with session_factory(app.state.engine)() as session, session.begin():
        for day, reference in ((0, "JS-2026-000001"), (2, "JS-2026-000002"), (5, "JS-2026-000003")):
            booked = journey(reference)
            moved = booked.issued_at + dt.timedelta(days=day)
            await service.book(session, dataclasses.replace(booked, issued_at=moved), "test")


def test_consignments_are_found_by_shipper_and_half_open_date_range(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        client.portal.call(_book_three, app)  # type: ignore[union-attr]
        reader = bearer(client, "registry:read")

        def search(name: str, start: str, end: str) -> dict[str, Any]:
            variables = {"name": name, "from": start, "to": end}
            return client.post(
                "/graphql", json={"query": BY_SHIPPER, "variables": variables}, headers=reader
            ).json()

        # T0 is 2026-11-20 08:00 +08:00; the third is issued on the 25th, the end of the range.
        shipper = "苏州精工机械有限公司"
        found = search(shipper, "2026-11-20T08:00:00+08:00", "2026-11-25T08:00:00+08:00")
        other = search("无锡某公司", "2026-11-01T00:00:00+08:00", "2026-12-01T00:00:00+08:00")
        backwards = search(shipper, "2026-11-25T00:00:00Z", "2026-11-20T00:00:00Z")
        naive = search(shipper, "2026-11-20T00:00:00", "2026-11-25T00:00:00")

    assert [c["reference"] for c in found["data"]["consignmentsByShipper"]] == [
        "JS-2026-000002",
        "JS-2026-000001",
    ]
    assert other["data"]["consignmentsByShipper"] == []
    assert backwards["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "issuedTo must be after issuedFrom" in backwards["errors"][0]["message"]
    assert naive["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_subscription_reference_is_normalised_or_refused_by_the_waybill_rule(
    settings: Settings,
) -> None:
    app = create_app(settings)
    subscribe = "subscription ($r: String!) { consignmentEvents(reference: $r) { kind } }"
    with TestClient(app) as client:
        client.portal.call(_book, app)  # type: ignore[union-attr]
        reader = bearer(client, "registry:read")
        carrier = bearer(client, "consignment:write", RAIL_CARRIER)
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": reader})
            assert ws.receive_json()["type"] == "connection_ack"
            # Given a reference with a bad character, then one in lower case with spaces
            bad = {"query": subscribe, "variables": {"r": "JS-2026/000001"}}
            ws.send_json({"id": "1", "type": "subscribe", "payload": bad})
            refused = ws.receive_json()
            spaced = {"query": subscribe, "variables": {"r": " js-2026-000001 "}}
            ws.send_json({"id": "2", "type": "subscribe", "payload": spaced})
            wait_for_subscriber("consignment:JS-2026-000001")
            answer = client.post(
                "/graphql",
                json={"query": RECORD, "variables": {"e": event("LOAD", 3, "e1")}},
                headers=carrier,
            ).json()
            heard = ws.receive_json()

    # Then the first is refused at once naming the rule (an `error` message, which ends the
    # operation in graphql-transport-ws), the second follows JS-2026-000001
    assert (refused["id"], refused["type"]) == ("1", "error")
    assert refused["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert refused["payload"][0]["message"] == (
        "reference: 'JS-2026/000001' must be 6-40 letters, digits or '-' "
        "(multimodal waybill standard)"
    )
    assert "errors" not in answer, answer
    assert (heard["id"], heard["payload"]["data"]["consignmentEvents"]["kind"]) == ("2", "LOAD")
