"""Consignments through the planner: for every kind of reader the consignment rule knows
(registry, enforcement, carriers concerned or not, anonymous), each consignment is answered
as the resolvers answer it — current leg, ETA, dangerous-goods details released or withheld."""

from __future__ import annotations

from typing import Any

from tests.api.plan.consignments import DANGEROUS, DELIVERED, TRAVELLING, book_journeys
from tests.api.plan.differential import assert_same, compare
from tests.conftest import GraphQLClient, fetch_token, register_client
from tests.multimodal.test_service import RAIL_CARRIER, ROAD_CARRIER

WHOLE = """query ($reference: String!) {
  consignment(reference: $reference) {
    __typename reference issuedAt status dangerousGoods bookedBy closedAt currentLeg eta
    parties { role name uscc }
    goods { description packages packaging grossWeightKg unNumber hazardClass }
    containers
    legs { sequence mode carrierName carrierUscc origin destination handoverPoint
           plannedDeparture plannedArrival vehiclePlate vehiclePlateColor vesselMmsi
           railWaybillNumber }
    timeline { kind occurredAt location source sourceEventId leg containerNumber vehiclePlate
               vehiclePlateColor vesselMmsi mode remarks receivedAt reportedBy cursor }
  }
}"""
SHAPED = """query ($reference: String!, $withLegs: Boolean!) {
  first: consignment(reference: $reference) { ...Where legs @include(if: $withLegs) { mode } }
  again: consignment(reference: $reference) {
    ... on Consignment { arrives: eta eta goods { un: unNumber } }
    timeline { kind } currentLeg
  }
}
fragment Where on Consignment { reference here: currentLeg currentLeg }"""
PLAIN = """query ($reference: String!) {
  consignment(reference: $reference) { reference status goods { description } legs { origin } }
}"""


async def readers(anonymous: GraphQLClient) -> dict[str, dict[str, str]]:
    """Every kind of client the consignment rule tells apart."""
    made = {
        "registry": await anonymous.as_client("registry:read"),
        "enforcement": await anonymous.as_client("registry:read enforcement:read"),
        "internal": await anonymous.as_client(),
    }
    headers = {"anonymous": {}} | {name: client.headers for name, client in made.items()}
    for name, uscc in (("road carrier", ROAD_CARRIER), ("rail carrier", RAIL_CARRIER),
                       ("stranger", "91320100MA1XXXXX0X")):  # fmt: skip
        client_id, secret = await register_client(
            anonymous.http, "consignment:write", uscc=uscc, tier="internal"
        )
        token = await fetch_token(anonymous.http, client_id, secret)
        headers[name] = {"Authorization": f"Bearer {token}"}
    return headers


async def test_consignments_answer_as_the_resolvers_do_for_every_reader(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    references = await book_journeys(sessions)
    answered: set[tuple[str, str]] = set()
    for name, headers in (await readers(anonymous)).items():
        # The anonymous caller is refused every consignment (and rate-limited): once will do.
        tried = references[:1] if name == "anonymous" else [*references, "JS-2026-999999", "?"]
        for reference in tried:
            for document, variables in (
                (WHOLE, {"reference": reference}),
                (SHAPED, {"reference": reference, "withLegs": reference != DELIVERED}),
                (PLAIN, {"reference": reference}),
            ):
                compared = await compare(anonymous.http, headers, document, variables)
                assert_same(compared, f"{reference} as {name}:\n{document}")
                oracle = compared.oracle.json()
                if "errors" not in oracle:
                    assert compared.answered_by_planner, f"{reference} as {name}"
                    answered.add((name, reference))
    # Not vacuous: the rule's every branch was answered by the planner.
    assert {
        ("registry", TRAVELLING),
        ("registry", DELIVERED),
        ("enforcement", DANGEROUS),
        ("road carrier", DANGEROUS),
        ("rail carrier", TRAVELLING),
        ("internal", DANGEROUS),
    } <= answered, answered
    assert not {name for name, _ in answered} & {"anonymous", "stranger"}


async def test_withheld_dangerous_goods_details_are_the_resolvers_to_refuse(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    await book_journeys(sessions)
    registry = (await readers(anonymous))["registry"]

    compared = await compare(anonymous.http, registry, WHOLE, {"reference": DANGEROUS})

    assert_same(compared, "dangerous goods as a registry reader")
    assert not compared.answered_by_planner
    errors = compared.planned.json()["errors"]
    assert {(e["extensions"]["code"], tuple(e["path"])) for e in errors} == {
        ("FORBIDDEN", ("consignment", "goods", 0, "unNumber")),
        ("FORBIDDEN", ("consignment", "goods", 0, "hazardClass")),
    }
    # The same consignment without the details is the planner's.
    plain = await compare(anonymous.http, registry, PLAIN, {"reference": DANGEROUS})
    assert_same(plain, "dangerous goods without the details")
    assert plain.answered_by_planner


async def test_a_carriers_cached_answer_is_not_served_to_another_carrier(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    # Carriers without registry:read are open-data clients of one policy class: the response
    # cache must still tell them apart, as the consignment rule does.
    await book_journeys(sessions)
    clients = await readers(anonymous)
    body = {"query": PLAIN, "variables": {"reference": TRAVELLING}}

    mine = await anonymous.http.post("/graphql", json=body, headers=clients["road carrier"])
    theirs = await anonymous.http.post("/graphql", json=body, headers=clients["stranger"])

    assert mine.json()["data"]["consignment"]["reference"] == TRAVELLING
    assert theirs.json()["data"] is None
    assert theirs.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
