"""一单到底 documents over HTTP: booked, reported on, exported and imported back the same."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from sqlalchemy import delete, select
from starlette.testclient import TestClient

from hub.app import create_app
from hub.config import Settings
from hub.db import session_factory
from hub.exchange.consignments import (
    STATUS_EVENT_NS,
    consignment_from_xml,
    events_from_xml,
    events_to_xml,
)
from hub.exchange.protocol import Header
from hub.exchange.validation import MAX_DOCUMENT_BYTES
from hub.multimodal.models import (
    ConsignmentContainerRow,
    ConsignmentEventRow,
    ConsignmentLegRow,
    ConsignmentRow,
)
from tests.conftest import bearer
from tests.multimodal.test_documents import SUZHOU, SUZHOU_EVENTS

REFERENCE = "JSMM-2026-1125-000108"
TIMELINE = """query ($r: String!) { consignment(reference: $r) {
  status currentLeg timeline { kind occurredAt source sourceEventId } } }"""


async def _forget(app: Any, reference: str) -> None:
    """Remove a consignment outright, as if it had never been booked here."""
    async with session_factory(app.state.engine)() as session, session.begin():
        found = await session.scalar(
            select(ConsignmentRow.id).where(ConsignmentRow.reference == reference)
        )
        assert found is not None
        for model in (ConsignmentEventRow, ConsignmentLegRow, ConsignmentContainerRow):
            await session.execute(delete(model).where(model.consignment_id == found))
        await session.execute(delete(ConsignmentRow).where(ConsignmentRow.id == found))


def _reported(reference: str = REFERENCE) -> bytes:
    """The example's events as a client reports them: every one names the consignment."""
    events = [
        dataclasses.replace(event, consignment_reference=reference)
        for event in events_from_xml(SUZHOU_EVENTS.read_bytes())
    ]
    return events_to_xml(events, Header("forwarder-1", "JSMM", "2026-11-27T12:00:00+08:00"))


def _without_header(document: bytes) -> bytes:
    return re.sub(rb"<h:Header>.*?</h:Header>", b"", document, flags=re.DOTALL)


def test_an_exported_consignment_validates_and_imports_back_to_the_same(
    settings: Settings,
) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        forwarder = bearer(client, "consignment:write")
        reader = bearer(client, "registry:read")
        trusted = bearer(client, "consignment:import consignment:write")

        def timeline() -> dict[str, Any]:
            answer = client.post(
                "/graphql",
                json={"query": TIMELINE, "variables": {"r": REFERENCE}},
                headers=reader,
            ).json()
            return dict(answer["data"]["consignment"])

        booked = client.post(
            "/exchange/multimodal/waybills", content=SUZHOU.read_bytes(), headers=forwarder
        )
        again = client.post(
            "/exchange/multimodal/waybills", content=SUZHOU.read_bytes(), headers=forwarder
        )
        reported = client.post(
            "/exchange/multimodal/status-events", content=_reported(), headers=forwarder
        )
        repeated = client.post(
            "/exchange/multimodal/status-events", content=_reported(), headers=forwarder
        )
        before = timeline()
        # It carries dangerous goods: a registry reader not concerned may not take them away.
        withheld = client.get(f"/exchange/multimodal/consignments/{REFERENCE}", headers=reader)
        exported = client.get(f"/exchange/multimodal/consignments/{REFERENCE}", headers=forwarder)
        client.portal.call(_forget, app, REFERENCE)  # type: ignore[union-attr]
        gone = client.get(f"/exchange/multimodal/consignments/{REFERENCE}", headers=forwarder)
        untrusted = client.post(
            "/exchange/multimodal/consignments", content=exported.content, headers=forwarder
        )
        imported = client.post(
            "/exchange/multimodal/consignments", content=exported.content, headers=trusted
        )
        after = timeline()
        exported_again = client.get(
            f"/exchange/multimodal/consignments/{REFERENCE}", headers=trusted
        )

    assert booked.status_code == 201, booked.text
    assert booked.json() == {"booked": [REFERENCE]}
    assert again.status_code == 400
    assert again.json()["message"] == f"reference: {REFERENCE} is booked already"
    assert reported.status_code == 200, reported.text
    assert reported.json()["recorded"] > 0
    assert repeated.json()["recorded"] == 0  # the same events again change nothing
    assert withheld.status_code == 403
    assert "carries dangerous goods" in withheld.json()["message"]
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"] == "application/xml"
    consignment, events = consignment_from_xml(exported.content)  # validates against the XSD
    assert consignment.reference == REFERENCE
    assert len(events) == len(before["timeline"])
    assert gone.status_code == 404
    # Imported events keep the sources they were recorded with: only trusted systems import.
    assert untrusted.status_code == 403
    assert untrusted.json()["error"] == "insufficient_scope"
    assert imported.status_code == 201, imported.text
    assert after == before
    assert consignment_from_xml(exported_again.content) == (consignment, events)
    assert _without_header(exported_again.content) == _without_header(exported.content)


def test_refused_documents_say_why_and_store_nothing(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        forwarder = bearer(client, "consignment:write")
        other = bearer(client, "consignment:write", "91320300MA1P00003D")
        reader = bearer(client, "registry:read")
        client.post("/exchange/multimodal/waybills", content=SUZHOU.read_bytes(), headers=forwarder)
        hostile = (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + f'<se:StatusEvents xmlns:se="{STATUS_EVENT_NS}">&e;</se:StatusEvents>'.encode()
        )
        answers = {
            "anonymous": client.post("/exchange/multimodal/status-events", content=_reported()),
            "no scope": client.post(
                "/exchange/multimodal/status-events", content=_reported(), headers=reader
            ),
            "not theirs": client.post(
                "/exchange/multimodal/status-events", content=_reported(), headers=other
            ),
            "no reference": client.post(
                "/exchange/multimodal/status-events",
                content=SUZHOU_EVENTS.read_bytes(),
                headers=forwarder,
            ),
            "hostile": client.post(
                "/exchange/multimodal/status-events", content=hostile, headers=forwarder
            ),
            "oversized": client.post(
                "/exchange/multimodal/waybills",
                content=b" " * (MAX_DOCUMENT_BYTES + 1),
                headers=forwarder,
            ),
            "not a waybill": client.post(
                "/exchange/multimodal/waybills",
                content=SUZHOU_EVENTS.read_bytes(),
                headers=forwarder,
            ),
            "unknown": client.get("/exchange/multimodal/consignments/NOPE-1", headers=reader),
            "not concerned": client.get(
                f"/exchange/multimodal/consignments/{REFERENCE}", headers=other
            ),
        }
        record = client.get(f"/exchange/multimodal/consignments/{REFERENCE}", headers=forwarder)

    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {
        "anonymous": 401, "no scope": 403, "not theirs": 404, "no reference": 400,
        "hostile": 400, "oversized": 413, "not a waybill": 400, "unknown": 404,
        "not concerned": 404,
    }  # fmt: skip
    # To a client it does not concern, a consignment is not there at all.
    assert answers["not theirs"].json()["message"] == f"Event[1]: consignment {REFERENCE} not found"
    assert "names the consignment" in answers["no reference"].json()["message"]
    assert "StatusEvents" in answers["not a waybill"].json()["message"]
    _, events = consignment_from_xml(record.content)
    assert events == []  # none of the refused documents left an event behind
