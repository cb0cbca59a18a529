"""Booking and managing consignments in GraphQL: who may write which leg, who reads what."""

from __future__ import annotations

import copy
import datetime as dt
from functools import partial
from typing import Any

from starlette.testclient import TestClient

from hub.app import create_app
from hub.config import Settings
from tests.conftest import bearer
from tests.multimodal.test_service import RAIL_CARRIER, ROAD_CARRIER

OTHER_CARRIER = "91320300MA1P00003D"
CONSIGNEE = "91320000MA1Q00004K"

CONSIGNMENT = """reference status dangerousGoods bookedBy currentLeg
  goods { description unNumber hazardClass }
  legs { sequence mode carrierUscc vehiclePlate plannedArrival }
  timeline { kind source }"""
BOOK = f"mutation ($w: ConsignmentInput!) {{ bookConsignment(waybill: $w) {{ {CONSIGNMENT} }} }}"
ADD = f"""mutation ($r: String!, $l: LegInput!) {{
  addConsignmentLeg(reference: $r, leg: $l) {{ {CONSIGNMENT} }} }}"""
CHANGE = f"""mutation ($r: String!, $l: LegInput!) {{
  changeConsignmentLeg(reference: $r, leg: $l) {{ {CONSIGNMENT} }} }}"""
RECORD = f"""mutation ($e: ConsignmentEventInput!) {{
  recordConsignmentEvent(event: $e) {{ {CONSIGNMENT} }} }}"""
CLOSE = f"mutation ($r: String!) {{ closeConsignment(reference: $r) {{ {CONSIGNMENT} }} }}"
READ = f"query ($r: String!) {{ consignment(reference: $r) {{ {CONSIGNMENT} }} }}"
PAGE = """query ($f: ConsignmentFilter, $o: ConsignmentOrder, $first: Int, $after: String) {
  consignments(filter: $f, orderBy: $o, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { reference } } } }"""

ROAD_LEG = {
    "sequence": 1, "mode": "ROAD", "carrierName": "苏州顺达物流", "carrierUscc": ROAD_CARRIER,
    "origin": "苏州工业园区", "destination": "连云港东站",
    "plannedDeparture": "2026-11-20T08:00:00+08:00", "plannedArrival": "2026-11-20T16:00:00+08:00",
    "vehiclePlate": "苏E12345", "vehiclePlateColor": "YELLOW",
}  # fmt: skip
RAIL_LEG = {
    "sequence": 2, "mode": "RAIL", "carrierName": "中铁集装箱", "carrierUscc": RAIL_CARRIER,
    "origin": "连云港东站", "destination": "徐州北站",
    "plannedDeparture": "2026-11-20T20:00:00+08:00", "plannedArrival": "2026-11-21T14:00:00+08:00",
}  # fmt: skip
WAYBILL = {
    "reference": "js-2026-100001", "issuedAt": "2026-11-19T10:00:00+08:00",
    "parties": [{"role": "shipper", "name": "苏州精细化工有限公司"},
                {"role": "consignee", "name": "徐州化工物资有限公司", "uscc": CONSIGNEE}],
    "goods": [{"description": "乙醇", "packages": 20, "packaging": "罐式集装箱",
               "grossWeightKg": 21000, "unNumber": "UN1170", "hazardClass": "3"}],
    "containers": ["CSQU3054383"],
    "legs": [ROAD_LEG],
}  # fmt: skip


def _event(kind: str, event_id: str, leg: int | None, hour: int = 9) -> dict[str, Any]:
    event = {
        "reference": "JS-2026-100001", "kind": kind, "location": "苏州工业园区",
        "occurredAt": f"2026-11-20T{hour:02d}:00:00+08:00", "sourceEventId": event_id,
    }  # fmt: skip
    return event if leg is None else {**event, "leg": leg}


def _from_tomorrow(leg: dict[str, Any]) -> dict[str, Any]:
    """The leg moved on by as many days as it takes to start tomorrow or later."""
    days = (dt.date.today() - dt.date(2026, 11, 20)).days + 1
    return {
        **leg,
        **{
            key: (dt.datetime.fromisoformat(leg[key]) + dt.timedelta(days=days)).isoformat()
            for key in ("plannedDeparture", "plannedArrival")
        },
    }


def _call(
    client: TestClient, query: str, headers: dict[str, str], **variables: Any
) -> dict[str, Any]:
    answer: dict[str, Any] = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    ).json()
    return answer


def _errors(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["extensions"]["code"], e["message"]) for e in answer.get("errors", [])]


def test_a_booker_manages_its_consignment_and_carriers_write_only_their_legs(
    settings: Settings,
) -> None:
    with TestClient(create_app(settings)) as client:
        call = partial(_call, client)

        forwarder = bearer(client, "consignment:write")
        road = bearer(client, "consignment:write", ROAD_CARRIER)
        rail = bearer(client, "consignment:write", RAIL_CARRIER)
        stranger = bearer(client, "consignment:write", OTHER_CARRIER)
        consignee = bearer(client, "consignment:write", CONSIGNEE)
        reader = bearer(client, "registry:read")

        booked = call(BOOK, forwarder, w=WAYBILL)
        again = call(BOOK, forwarder, w=WAYBILL)
        by_reader = call(BOOK, reader, w={**WAYBILL, "reference": "JS-2026-100002"})
        added_by_carrier = call(ADD, road, r="JS-2026-100001", l=RAIL_LEG)
        gap = call(ADD, forwarder, r="JS-2026-100001", l={**RAIL_LEG, "sequence": 3})
        added = call(ADD, forwarder, r="JS-2026-100001", l=RAIL_LEG)
        later = {**RAIL_LEG, "plannedArrival": "2026-11-21T18:00:00+08:00"}
        not_own = call(CHANGE, road, r="JS-2026-100001", l=later)
        handed_over = call(
            CHANGE, rail, r="JS-2026-100001", l={**later, "carrierUscc": OTHER_CARRIER}
        )
        changed = call(CHANGE, rail, r="JS-2026-100001", l=later)
        unnamed = call(RECORD, road, e=_event("GATE_OUT", "r1", None))
        foreign = call(RECORD, stranger, e=_event("GATE_OUT", "s1", 1))
        wrong_leg = call(RECORD, road, e=_event("LOAD", "r2", 2))
        early_delivery = call(RECORD, road, e=_event("DELIVERED", "r3", 1))
        wrong_mode = call(RECORD, rail, e={**_event("LOAD", "t1", 2), "mode": "ROAD"})
        by_consignee = call(RECORD, consignee, e=_event("DELIVERED", "c1", None))
        read_by_consignee = call(READ, consignee, r="JS-2026-100001")
        reported = call(RECORD, road, e=_event("GATE_OUT", "r1", 1))
        read_by_stranger = call(READ, stranger, r="JS-2026-100001")
        read_by_reader = call(READ, reader, r="JS-2026-100001")
        closed_by_carrier = call(CLOSE, road, r="JS-2026-100001")
        closed = call(CLOSE, forwarder, r="JS-2026-100001")
        after_close = call(RECORD, forwarder, e=_event("ARRIVE", "f1", None, 15))

    consignment = booked["data"]["bookConsignment"]
    assert consignment["reference"] == "JS-2026-100001"
    assert consignment["status"] == "BOOKED"
    assert consignment["dangerousGoods"] is True
    assert consignment["goods"][0]["unNumber"] == "1170"  # the booker is concerned: it reads them
    assert _errors(again) == [("BAD_USER_INPUT", "reference: JS-2026-100001 is booked already")]
    assert _errors(by_reader)[0][0] == "FORBIDDEN"
    assert _errors(added_by_carrier)[0][0] == "FORBIDDEN"
    assert _errors(gap)[0] == (
        "BAD_USER_INPUT",
        "leg.sequence: the next leg of JS-2026-100001 is 2",
    )
    assert [leg["mode"] for leg in added["data"]["addConsignmentLeg"]["legs"]] == ["ROAD", "RAIL"]
    assert _errors(not_own)[0] == (
        "FORBIDDEN",
        "consignment JS-2026-100001: leg 2 is not yours to change",
    )
    assert "another carrier" in _errors(handed_over)[0][1]
    legs = changed["data"]["changeConsignmentLeg"]["legs"]
    assert legs[1]["plannedArrival"] == "2026-11-21T10:00:00+00:00"
    assert legs[1]["carrierUscc"] == RAIL_CARRIER
    # The one leg the road carrier carries is the one it reports on: its truck, by road.
    unnamed_event = unnamed["data"]["recordConsignmentEvent"]["timeline"][0]
    assert unnamed_event["kind"] == "GATE_OUT"
    assert "delivery is reported by the last leg's carrier" in _errors(early_delivery)[0][1]
    assert _errors(wrong_mode)[0] == (
        "BAD_USER_INPUT",
        "mode: leg 2 of JS-2026-100001 goes by RAIL, not ROAD",
    )
    # A party named by its credit code follows the consignment, but reports nothing on it.
    assert read_by_consignee["data"]["consignment"]["reference"] == "JS-2026-100001"
    assert _errors(by_consignee)[0] == (
        "FORBIDDEN",
        "consignment JS-2026-100001: you carry none of its legs",
    )
    # To a client it does not concern, a consignment is not there at all.
    assert _errors(foreign)[0] == ("NOT_FOUND", "consignment JS-2026-100001 not found")
    assert _errors(wrong_leg)[0] == (
        "FORBIDDEN",
        "consignment JS-2026-100001: leg 2 is not yours to report on",
    )
    timeline = reported["data"]["recordConsignmentEvent"]["timeline"]
    assert [e["kind"] for e in timeline] == ["GATE_OUT"]
    assert _errors(read_by_stranger)[0] == ("NOT_FOUND", "consignment JS-2026-100001 not found")
    assert read_by_reader["data"]["consignment"]["status"] == "IN_TRANSIT"
    assert _errors(closed_by_carrier)[0][0] == "FORBIDDEN"
    assert closed["data"]["closeConsignment"]["status"] == "CLOSED"
    assert _errors(after_close) == [
        ("BAD_USER_INPUT", "consignment JS-2026-100001 is closed: it takes no events")
    ]


def test_a_refused_waybill_says_why_and_stores_nothing(settings: Settings) -> None:
    broken: list[tuple[dict[str, Any], str]] = []
    for path, value, reason in (
        (("containers", 0), "CSQU3054384", "check digit"),
        (("goods", 0, "unNumber"), "UN9999", "0004-3599"),
        (("goods", 0, "hazardClass"), None, "together"),
        (("legs", 0, "vehiclePlate"), "沪", "vehiclePlate"),
        (("legs", 0, "carrierUscc"), "91320594MA1M00001X", "carrierUscc"),
        (("legs", 0, "plannedArrival"), "2026-11-20T07:00:00+08:00", "arrival must follow"),
        (("legs", 0, "plannedArrival"), "2026-11-20T17:00:00", "time zone"),
        (("parties", 1, "role"), "receiver", "parties[1].role"),
        (("legs", 0, "sequence"), 2, "without gaps"),
    ):
        waybill = copy.deepcopy(WAYBILL)
        place: Any = waybill
        for step in path[:-1]:
            place = place[step]
        place[path[-1]] = value
        broken.append((waybill, reason))
    with TestClient(create_app(settings)) as client:
        forwarder = bearer(client, "consignment:write")
        reader = bearer(client, "registry:read")
        answers = [
            client.post(
                "/graphql", json={"query": BOOK, "variables": {"w": waybill}}, headers=forwarder
            ).json()
            for waybill, _ in broken
        ]
        listed = client.post("/graphql", json={"query": PAGE}, headers=reader).json()

    for answer, (_, reason) in zip(answers, broken, strict=True):
        assert answer["data"] is None, answer
        code, message = _errors(answer)[0]
        assert code == "BAD_USER_INPUT", (reason, message)
        assert reason in message, (reason, message)
    assert listed["data"]["consignments"]["totalCount"] == 0


def test_dangerous_goods_details_go_to_those_concerned_and_to_enforcement_on_the_road(
    settings: Settings,
) -> None:
    with TestClient(create_app(settings)) as client:

        def read(headers: dict[str, str]) -> dict[str, Any]:
            answer: dict[str, Any] = client.post(
                "/graphql",
                json={"query": READ, "variables": {"r": "JS-2026-100001"}},
                headers=headers,
            ).json()
            return answer

        forwarder = bearer(client, "consignment:write")
        rail = bearer(client, "consignment:write", RAIL_CARRIER)
        reader = bearer(client, "registry:read")
        enforcement = bearer(client, "registry:read enforcement:read")
        # Planned from tomorrow: booked, the goods are not on the road yet.
        two_legs = {**WAYBILL, "legs": [_from_tomorrow(ROAD_LEG), _from_tomorrow(RAIL_LEG)]}
        client.post("/graphql", json={"query": BOOK, "variables": {"w": two_legs}},
                    headers=forwarder)  # fmt: skip
        booked = read(enforcement)
        client.post(
            "/graphql",
            json={"query": RECORD, "variables": {"e": {**_event("GATE_OUT", "f1", None),
                                                       "mode": "ROAD"}}},
            headers=forwarder,
        )  # fmt: skip
        on_the_road = [read(enforcement), read(reader), read(rail)]
        client.post(
            "/graphql",
            json={"query": RECORD, "variables": {"e": {**_event("DEPART", "f2", None, 21),
                                                       "mode": "RAIL"}}},
            headers=forwarder,
        )  # fmt: skip
        on_the_rails = read(enforcement)

    def goods(answer: dict[str, Any]) -> dict[str, Any]:
        return dict(answer["data"]["consignment"]["goods"][0])

    assert goods(booked)["unNumber"] is None
    assert "only while the goods are on the road" in _errors(booked)[0][1]
    by_enforcement, by_reader, by_carrier = on_the_road
    assert goods(by_enforcement) == {"description": "乙醇", "unNumber": "1170", "hazardClass": "3"}
    assert "errors" not in by_enforcement
    assert goods(by_reader)["unNumber"] is None
    assert goods(by_reader)["description"] == "乙醇"
    assert by_reader["data"]["consignment"]["dangerousGoods"] is True
    assert {code for code, _ in _errors(by_reader)} == {"FORBIDDEN"}
    assert goods(by_carrier)["hazardClass"] == "3"  # the rail carrier is concerned
    assert on_the_rails["data"]["consignment"]["currentLeg"] == 2
    assert goods(on_the_rails)["unNumber"] is None


def test_consignments_page_by_filter_newest_first(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        forwarder = bearer(client, "consignment:write")
        other = bearer(client, "consignment:write")
        reader = bearer(client, "registry:read")
        for number in range(1, 6):
            waybill = {
                **WAYBILL,
                "reference": f"JS-2026-10000{number}",
                "issuedAt": f"2026-11-1{number}T10:00:00+08:00",
            }
            client.post("/graphql", json={"query": BOOK, "variables": {"w": waybill}},
                        headers=forwarder)  # fmt: skip

        def page(headers: dict[str, str], **variables: Any) -> dict[str, Any]:
            answer = client.post(
                "/graphql", json={"query": PAGE, "variables": variables}, headers=headers
            ).json()
            return dict((answer.get("data") and answer["data"]["consignments"]) or answer)

        in_range = {
            "shipperName": "苏州精细化工有限公司",
            "issuedFrom": "2026-11-12T00:00:00+08:00",
            "issuedTo": "2026-11-15T10:00:00+08:00",
        }
        first = page(reader, f=in_range, first=2)
        second = page(reader, f=in_range, first=2, after=first["pageInfo"]["endCursor"])
        by_box = page(reader, f={"containerNumber": "csqu3054383"}, first=10)
        others = page(other, first=10)
        own = page(forwarder, first=1)
        by_reference = page(reader, o={"field": "REFERENCE"}, first=2)
        forged = page(reader, first=1, after="bm90IGEgY3Vyc29y")

    def references(found: dict[str, Any]) -> list[str]:
        return [edge["node"]["reference"] for edge in found["edges"]]

    assert references(first) == ["JS-2026-100004", "JS-2026-100003"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["totalCount"] == 3
    assert references(second) == ["JS-2026-100002"]
    assert second["pageInfo"]["hasNextPage"] is False
    assert by_box["totalCount"] == 5
    assert others["totalCount"] == 0  # a client sees only what concerns it
    assert own["totalCount"] == 5
    assert references(own) == ["JS-2026-100005"]
    assert references(by_reference) == ["JS-2026-100001", "JS-2026-100002"]
    assert forged["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


BY_CONTAINER = "query ($c: String!) { consignmentsByContainer(containerNumber: $c) { reference } }"


def test_identifiers_are_stored_as_their_rules_give_them_so_events_find_them(
    settings: Settings,
) -> None:
    spelled = {
        **WAYBILL,
        "reference": " js-2026-100009 ",
        "containers": ["csqu 305438 3"],
        "parties": [{**WAYBILL["parties"][0], "uscc": ROAD_CARRIER.lower()},
                    WAYBILL["parties"][1]],
        "legs": [{**ROAD_LEG, "vehiclePlate": "苏Ｅ１２３４５",
                  "carrierUscc": f" {ROAD_CARRIER} "}],
    }  # fmt: skip
    with TestClient(create_app(settings)) as client:
        call = partial(_call, client)

        forwarder = bearer(client, "consignment:write")
        reader = bearer(client, "registry:read")
        booked = call(BOOK, forwarder, w=spelled)
        event = {**_event("GATE_OUT", "f1", None), "containerNumber": "CSQU3054383"}
        recorded = call(RECORD, forwarder, e={**event, "reference": "js-2026-100009"})
        by_box = call(BY_CONTAINER, reader, c="CSQU3054383")
        by_spaced_box = call(BY_CONTAINER, reader, c="csqu 3054383")
        by_wrong_box = call(BY_CONTAINER, reader, c="CSQU3054384")
        by_bad_reference = call(READ, reader, r="JS 2026/1")

    consignment = booked["data"]["bookConsignment"]
    assert consignment["reference"] == "JS-2026-100009"
    assert consignment["legs"][0]["vehiclePlate"] == "苏E12345"
    assert consignment["legs"][0]["carrierUscc"] == ROAD_CARRIER
    assert recorded["data"]["recordConsignmentEvent"]["timeline"][0]["kind"] == "GATE_OUT"
    assert by_box["data"]["consignmentsByContainer"] == [{"reference": "JS-2026-100009"}]
    assert by_spaced_box["data"]["consignmentsByContainer"] == [{"reference": "JS-2026-100009"}]
    assert _errors(by_wrong_box) == [
        (
            "BAD_USER_INPUT",
            "containerNumber: 'CSQU3054384' check digit is wrong, expected '3' (ISO 6346)",
        )
    ]
    assert _errors(by_bad_reference)[0][0] == "BAD_USER_INPUT"
    assert "multimodal waybill standard" in _errors(by_bad_reference)[0][1]


def test_a_mutation_answers_what_it_selects_through_fragments_as_in_full(
    settings: Settings,
) -> None:
    # Given a consignment with an event, answered with only its status, then the timeline,
    # the current leg and the goods through a named and an inline fragment
    slim = """mutation ($e: ConsignmentEventInput!) {
      recordConsignmentEvent(event: $e) { status } }"""
    through_fragments = """mutation ($e: ConsignmentEventInput!) {
      recordConsignmentEvent(event: $e) { ...Journey ... on Consignment { containers } } }
    fragment Journey on Consignment {
      currentLeg timeline { kind cursor } goods { unNumber } legs { sequence } }"""
    with TestClient(create_app(settings)) as client:
        call = partial(_call, client)
        forwarder = bearer(client, "consignment:write")
        call(BOOK, forwarder, w=WAYBILL)

        # When events are recorded with each selection
        first = call(slim, forwarder, e=_event("GATE_OUT", "f1", 1))
        second = call(through_fragments, forwarder, e=_event("LOAD", "f2", 1, hour=10))
        read = call(READ, forwarder, r="JS-2026-100001")

    # Then each answers what it selected, the fragments as a read of the whole consignment does
    assert first == {"data": {"recordConsignmentEvent": {"status": "IN_TRANSIT"}}}
    answer = second["data"]["recordConsignmentEvent"]
    assert answer["timeline"] == [
        {"kind": "GATE_OUT", "cursor": "1"},
        {"kind": "LOAD", "cursor": "2"},
    ]
    assert answer["currentLeg"] == read["data"]["consignment"]["currentLeg"] == 1
    assert answer["goods"] == [{"unNumber": "1170"}]
    assert answer["legs"] == [{"sequence": 1}]
    assert answer["containers"] == ["CSQU3054383"]
