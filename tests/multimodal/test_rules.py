"""The edges of the consignment rules: hostile input, unseen consignments, late and stray news."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from starlette.testclient import TestClient

from hub.app import create_app
from hub.canonical.codes import ConsignmentEventKind, PlateColor, TransportMode
from hub.canonical.multimodal import Leg
from hub.config import Settings
from hub.multimodal import service
from tests.conftest import bearer
from tests.multimodal.test_mutations import (
    ADD,
    BOOK,
    CHANGE,
    CLOSE,
    RAIL_LEG,
    READ,
    RECORD,
    WAYBILL,
    _errors,
    _event,
)
from tests.multimodal.test_service import T0, container, event, journey


def test_what_the_standard_could_not_carry_is_refused_at_the_door(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        forwarder = bearer(client, "consignment:write")
        reader = bearer(client, "registry:read")
        stranger = bearer(client, "consignment:write", "91320300MA1P00003D")

        def call(query: str, headers: dict[str, str], **variables: Any) -> dict[str, Any]:
            answer: dict[str, Any] = client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            ).json()
            return answer

        call(BOOK, forwarder, w=WAYBILL)
        answers = {
            "far future": call(RECORD, forwarder, e={**_event("LOAD", "f1", None),
                                                     "occurredAt": "9999-12-31T00:00:00Z"}),
            "line break": call(RECORD, forwarder,
                               e={**_event("LOAD", "f2", None), "location": "苏州\n工业园区"}),
            "control": call(RECORD, forwarder,
                            e={**_event("LOAD", "f3", None), "remarks": "ok\x01"}),
            "bad id": call(RECORD, forwarder, e={**_event("LOAD", "事件 1", None)}),
            "long place": call(RECORD, forwarder,
                               e={**_event("LOAD", "f4", None), "location": "港" * 201}),
            "nul lookup": call(READ, reader, r="JS-2026-1\x0000"),
            "nul shipper": call(
                "query($n: String!) { consignments(filter: {shipperName: $n}) { totalCount } }",
                reader, n="苏州\x00",
            ),
            "unseen close": call(CLOSE, stranger, r="JS-2026-100001"),
            "unseen leg": call(ADD, stranger, r="JS-2026-100001", l=RAIL_LEG),
            "unseen change": call(CHANGE, stranger, r="JS-2026-100001",
                                  l={**RAIL_LEG, "sequence": 9}),
            "unseen event": call(RECORD, stranger, e=_event("LOAD", "s1", 1)),
        }  # fmt: skip
        timeline = call(READ, forwarder, r="JS-2026-100001")["data"]["consignment"]["timeline"]

    codes = {name: _errors(answer)[0][0] for name, answer in answers.items()}
    assert codes == {
        "far future": "BAD_USER_INPUT", "line break": "BAD_USER_INPUT",
        "control": "BAD_USER_INPUT", "bad id": "BAD_USER_INPUT", "long place": "BAD_USER_INPUT",
        "nul lookup": "BAD_USER_INPUT", "nul shipper": "BAD_USER_INPUT",
        "unseen close": "NOT_FOUND", "unseen leg": "NOT_FOUND", "unseen change": "NOT_FOUND",
        "unseen event": "NOT_FOUND",
    }  # fmt: skip
    assert "between 2000 and 2100" in _errors(answers["far future"])[0][1]
    assert timeline == []  # nothing of the refused reports was stored


def test_an_export_needs_a_consignment_scope_as_graphql_does(settings: Settings) -> None:
    consignee = "91320000MA1Q00004K"
    with TestClient(create_app(settings)) as client:
        forwarder = bearer(client, "consignment:write")
        open_data_party = bearer(client, "opendata", consignee)
        client.post("/graphql", json={"query": BOOK, "variables": {"w": WAYBILL}},
                    headers=forwarder)  # fmt: skip
        exported = client.get(
            "/exchange/multimodal/consignments/JS-2026-100001", headers=open_data_party
        )

    assert exported.status_code == 403
    assert exported.json()["error"] == "insufficient_scope"


def _road_rail_road() -> Any:
    base = journey()
    return dataclasses.replace(
        base,
        legs=(
            *base.legs,
            Leg(3, TransportMode.ROAD, None, "徐州配送", "徐州北站", "徐州重工物资有限公司", None,
                T0 + dt.timedelta(hours=32), T0 + dt.timedelta(hours=34),
                vehicle_plate="苏C54321", vehicle_plate_color=PlateColor.YELLOW),
        ),
    )  # fmt: skip


async def _progress(sessions: Any, events: list[Any]) -> service.Progress:
    async with sessions() as session, session.begin():
        row = await service.book(session, _road_rail_road(), "test")
        for item in events:
            await service.record(session, item, T0, "test")
        return service.progress(
            await service.legs_of(session, row.id), await service.timeline(session, row.id)
        )


async def test_news_of_a_leg_behind_moves_nothing_back_or_forward(sessions: Any) -> None:
    box = container(305438)
    state = await _progress(
        sessions,
        [
            event(1, ConsignmentEventKind.LOAD, 14, container_number=box, mode=TransportMode.RAIL),
            # The first leg's truck leaves the rail yard after the box is on the train.
            event(2, ConsignmentEventKind.GATE_OUT, 15, vehicle_plate="苏E12345",
                  vehicle_plate_color=PlateColor.YELLOW, mode=TransportMode.ROAD),
        ],
    )  # fmt: skip

    assert state.current_leg == 2
    # Loaded at T0+14h against a plan of T0+12h: two hours late, whatever the truck does.
    assert state.eta == T0 + dt.timedelta(hours=36)


async def test_a_handover_ends_the_current_leg_only(sessions: Any) -> None:
    state = await _progress(
        sessions,
        [
            # A place that is the second leg's destination, reported while on the first.
            event(1, ConsignmentEventKind.HANDOVER, 9, consignment_reference="JS-2026-000001",
                  location="徐州北站"),
            # One handover at a place no leg names, told by both sides.
            event(2, ConsignmentEventKind.HANDOVER, 31, consignment_reference="JS-2026-000001",
                  location="徐州北站货场"),
            event(3, ConsignmentEventKind.HANDOVER, 31.5, consignment_reference="JS-2026-000001",
                  location="徐州北站货场", source="rail"),
        ],
    )  # fmt: skip

    assert state.current_leg == 3


async def test_late_and_far_news_is_placed_or_kept_out(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        await service.book(session, journey(), "test")
        # Thirteen hours behind the plan of the first leg: delayed, still its truck's job.
        delayed = await service.record(
            session,
            event(1, ConsignmentEventKind.GATE_IN, 21, vehicle_plate="苏E12345",
                  vehicle_plate_color=PlateColor.YELLOW),
            T0, "rail",
        )  # fmt: skip
        typo = dataclasses.replace(
            event(2, ConsignmentEventKind.ARRIVE, 0, container_number=container(305438)),
            occurred_at=dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
        )
        absurd = await service.record(session, typo, T0, "rail")

    assert len(delayed) == 1
    assert absurd == []
