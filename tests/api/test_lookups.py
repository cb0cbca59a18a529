"""Lookups by natural key and by global ID: found, not found, and forged keys refused."""

from __future__ import annotations

import base64
from typing import Any

from hub.canonical.codes import PlateColor
from tests.api.plan.differential import assert_same, compare
from tests.conftest import GraphQLClient
from tests.support import operator, uscc_for, vehicle, vin_for

PLATE_QUERY = """
query ($plate: String!, $color: PlateColor!) {
  vehicle(plate: $plate, plateColor: $color) { id plate plateColor vin operator { name } }
}
"""


async def seed(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        session.add(operator(1))
        await session.flush()
        session.add(vehicle(1, 1, plate="苏A12345", plate_color=PlateColor.YELLOW))
        # The same plate number in another colour is another vehicle.
        session.add(vehicle(2, 1, plate="苏A12345", plate_color=PlateColor.BLUE))


async def test_a_vehicle_is_found_by_plate_and_colour(graphql: Any, sessions: Any) -> None:
    await seed(sessions)

    yellow = await graphql(PLATE_QUERY, {"plate": "苏A12345", "color": "YELLOW"})
    blue = await graphql(PLATE_QUERY, {"plate": "苏A12345", "color": "BLUE"})

    assert yellow["data"]["vehicle"]["vin"] == vin_for(1)
    assert blue["data"]["vehicle"]["vin"] == vin_for(2)
    assert yellow["data"]["vehicle"]["operator"]["name"] == "测试运输有限公司1"


async def test_plates_are_normalised_before_lookup(graphql: Any, sessions: Any) -> None:
    await seed(sessions)

    answer = await graphql(PLATE_QUERY, {"plate": " 苏ａ１２３４５ ", "color": "YELLOW"})

    assert answer["data"]["vehicle"]["plate"] == "苏A12345"


async def test_an_unknown_vehicle_is_null_with_not_found(graphql: Any, sessions: Any) -> None:
    await seed(sessions)

    answer = await graphql(PLATE_QUERY, {"plate": "苏A12345", "color": "GREEN"})

    assert answer["data"]["vehicle"] is None
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert answer["errors"][0]["message"] == "vehicle 苏A12345 (green) not found"


async def test_a_forged_plate_is_refused_naming_the_rule(graphql: Any) -> None:
    answer = await graphql(PLATE_QUERY, {"plate": "苏I12345", "color": "YELLOW"})

    error = answer["errors"][0]
    assert answer["data"]["vehicle"] is None
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "plate"}
    assert error["message"].startswith("plate: '苏I12345'")
    assert "GA 36" in error["message"]


async def test_an_operator_is_found_by_credit_code(graphql: Any, sessions: Any) -> None:
    await seed(sessions)
    code = uscc_for("320102", 1)

    answer = await graphql("query ($c: String!) { operator(uscc: $c) { uscc name } }", {"c": code})

    assert answer["data"]["operator"] == {"uscc": code, "name": "测试运输有限公司1"}


async def test_a_credit_code_with_one_changed_character_is_refused(graphql: Any) -> None:
    code = uscc_for("320102", 1)
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")

    answer = await graphql("query ($c: String!) { operator(uscc: $c) { name } }", {"c": forged})

    error = answer["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(f"uscc: '{forged}' check character is wrong")


async def test_a_forged_resident_id_is_refused(graphql: Any) -> None:
    answer = await graphql('{ practitioner(idNumber: "110105194912310021") { name } }')

    assert answer["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "idNumber"}
    assert "GB 11643" in answer["errors"][0]["message"]


async def test_vessel_lookup_needs_exactly_one_key(graphql: Any) -> None:
    neither = await graphql("{ vessel { name } }")
    both = await graphql('{ vessel(mmsi: "412345678", imo: "9074729") { name } }')

    for answer in (neither, both):
        assert answer["errors"][0]["message"] == "mmsi or imo: give exactly one of them"


async def test_a_forged_mmsi_and_imo_are_refused(graphql: Any) -> None:
    mmsi = await graphql('{ vessel(mmsi: "12345678") { name } }')
    imo = await graphql('{ vessel(imo: "9074728") { name } }')

    assert mmsi["errors"][0]["extensions"]["field"] == "mmsi"
    assert imo["errors"][0]["extensions"]["field"] == "imo"


async def test_node_returns_the_object_of_its_global_id(graphql: Any, sessions: Any) -> None:
    await seed(sessions)
    found = await graphql(PLATE_QUERY, {"plate": "苏A12345", "color": "YELLOW"})
    global_id = found["data"]["vehicle"]["id"]

    answer = await graphql(
        "query ($id: ID!) { node(id: $id) { id ... on Vehicle { plate plateColor } } }",
        {"id": global_id},
    )

    assert answer["data"]["node"] == {"id": global_id, "plate": "苏A12345", "plateColor": "YELLOW"}


async def test_global_ids_are_opaque_and_forgeries_are_refused(graphql: Any, sessions: Any) -> None:
    await seed(sessions)
    unknown_type = base64.b64encode(b"Account:1").decode()
    missing_row = base64.b64encode(b"Vehicle:999").decode()

    garbage = await graphql('{ node(id: "not-an-id") { id } }')
    other = await graphql("query ($id: ID!) { node(id: $id) { id } }", {"id": unknown_type})
    missing = await graphql("query ($id: ID!) { node(id: $id) { id } }", {"id": missing_row})

    assert garbage["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert other["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert missing["data"]["node"] is None
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_nodes_answers_in_order_with_null_for_missing(graphql: Any, sessions: Any) -> None:
    await seed(sessions)
    ids = [base64.b64encode(f"Vehicle:{pk}".encode()).decode() for pk in (2, 999, 1)]

    answer = await graphql(
        "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Vehicle { plateColor } } }", {"ids": ids}
    )

    assert answer["data"]["nodes"] == [{"plateColor": "BLUE"}, None, {"plateColor": "YELLOW"}]


async def test_nodes_answers_null_and_forbidden_for_a_refused_type_only(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    # Given a client that reads the registry but not enforcement records,
    await seed(sessions)
    client = await anonymous.as_client("registry:read")
    keys = ("Vehicle:2", "Inspection:1", "Vehicle:1")
    ids = [base64.b64encode(key.encode()).decode() for key in keys]
    query = "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Vehicle { plateColor } } }"

    # when it asks for two vehicles and an inspection by global ID,
    answer = await client(query, {"ids": ids})
    compared = await compare(anonymous.http, client.headers, query, {"ids": ids})

    # then the vehicles are answered, the inspection is null with FORBIDDEN at its own place,
    assert answer["data"]["nodes"] == [{"plateColor": "BLUE"}, None, {"plateColor": "YELLOW"}]
    [error] = answer["errors"]
    assert error["path"] == ["nodes", 1]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == "Inspection: needs scope enforcement:read"
    # and the planner's path answers exactly as the resolvers do.
    assert_same(compared, "nodes with a refused type")
