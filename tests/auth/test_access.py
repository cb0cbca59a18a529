"""Who sees what: the authorization matrix, personal data, regions, and the bearer gate."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType
from joserfc import jwt
from sqlalchemy import select

from hub.api.schema import build_schema
from hub.config import Settings
from hub.demo.generator import DemoScale, generate, subjects
from hub.demo.loader import load
from hub.exchange.inbound import feed_demo
from hub.exchange.pipeline import Exchange
from hub.exchange.protocol import DemoSubjects
from hub.exchange.registry import AdapterRegistry
from hub.exchange.validation import parse, validate
from hub.vehicles.models import Vehicle
from tests.conftest import fetch_token, register_client

TODAY = dt.date(2026, 11, 25)

# Written out here, not derived from the code: the policy as the authority states it.
OPEN_TYPES = {
    "Operator", "Permit", "Vehicle", "Vessel", "VesselCertificate", "Station",
    "PassengerLine", "DangerousGoods",
}  # fmt: skip
AGENCY_TYPES = {
    "VehicleRegistration", "TrafficViolation", "InsurancePolicy", "Accident",
    "BusinessRegistration", "VesselRegistration", "PortCall", "QualityFinding", "ExchangeMessage",
    "Consignment",
}  # fmt: skip
ALL_TYPES = OPEN_TYPES | {"Practitioner", "QualificationCertificate"} | AGENCY_TYPES
ENFORCEMENT_TYPES = {"Inspection", "EnforcementCase", "InspectionDraw"}
"""Enforcement records: scope enforcement:read, not registry:read."""
RECORD_TYPES = ALL_TYPES | ENFORCEMENT_TYPES
PERSONAL = {
    ("Practitioner", "idNumber"),
    ("Practitioner", "name"),
    ("Practitioner", "phone"),
    ("Practitioner", "address"),
    ("Operator", "legalRepresentative"),
    ("VehicleRegistration", "ownerName"),
    ("VehicleRegistration", "ownerId"),
    ("BusinessRegistration", "legalRepresentative"),
}
PERSONAL_RECORDS = {("Practitioner", "credit")}
"""A person's whole record: released with pii:read and a purpose, refused (never masked) else."""
TRACKING = {("Vehicle", "position"), ("Vehicle", "track")}
"""Fields that need tracking:read, which none of these roles holds
(``tests/api/positions`` tests the clients that hold it)."""
ARGUMENTS = {
    ("Vehicle", "track"): '(from: "2026-11-24T00:00:00Z", to: "2026-11-25T00:00:00Z")',
    ("Operator", "credit"): '(period: "2026")',
    ("Practitioner", "credit"): '(period: "2026")',
}
"""The arguments of fields that need some."""
ROLES: dict[str, dict[str, Any] | None] = {
    "anonymous": None,
    "open_data": {"scopes": "opendata", "tier": "open"},
    "registry": {"scopes": "registry:read", "purpose": None},
    "pii_without_purpose": {"scopes": "registry:read pii:read", "purpose": None},
    "pii": {"scopes": "registry:read pii:read"},
    "oversight": {"scopes": "audit:read"},
    "enforcement": {"scopes": "enforcement:read", "purpose": None},
}
READS = {
    "anonymous": OPEN_TYPES,
    "open_data": OPEN_TYPES,
    "registry": ALL_TYPES,
    "pii_without_purpose": ALL_TYPES,
    "pii": ALL_TYPES,
    "oversight": set(),
    "enforcement": ENFORCEMENT_TYPES | {"Alert"},  # alerts: tests/alerts walks their fields
}
ID_QUERY = """{
  operators(first: 1) { edges { node { id } } }
  permits(first: 1) { edges { node { id } } }
  vehicles(first: 1) { edges { node { id } } }
  stations(first: 1) { edges { node { id } } }
  passengerLines(first: 1) { edges { node { id } } }
  dangerousGoodsList(first: 1) { edges { node { id } } }
  vessels(first: 1) { edges { node { id certificates(first: 1) { edges { node { id } } } } } }
  practitioners(first: 1) { edges { node { id qualifications(first: 1) {
    edges { node { id } } } } } }
}"""


def _named(graphql_type: Any) -> Any:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


def record_type_of(graphql_type: Any) -> str | None:
    named = _named(graphql_type)
    if isinstance(named, GraphQLObjectType) and named.name.endswith("Connection"):
        return str(_named(named.fields["edges"].type).fields["node"].type.of_type.name)
    return str(named.name) if named.name in RECORD_TYPES else None


def selection(type_name: str) -> tuple[str, list[tuple[str, str | None]]]:
    """A fragment selecting every field of a record type, and each field's record type."""
    schema = build_schema(Settings(database_url="sqlite+aiosqlite://"))._schema
    graphql_type = schema.type_map[type_name]
    parts, fields = [], []
    for name, field in graphql_type.fields.items():
        named = _named(field.type)
        if isinstance(named, GraphQLObjectType):
            inner = "totalCount" if named.name.endswith("Connection") else "__typename"
            parts.append(f"{name}{ARGUMENTS.get((type_name, name), '')} {{ {inner} }}")
        else:
            parts.append(name)
        fields.append((name, record_type_of(field.type)))
    return f"... on {type_name} {{ {' '.join(parts)} }}", fields


def expected(role: str, type_name: str, field: str, target: str | None) -> str:
    if type_name not in READS[role]:
        return "forbidden record"
    if (type_name, field) in TRACKING:
        return "denied"
    if (type_name, field) in PERSONAL_RECORDS:
        return "value" if role == "pii" else "denied"
    if (type_name, field) in PERSONAL:
        return {"pii": "value", "anonymous": "masked", "open_data": "masked"}.get(role, "denied")
    if target is not None and target not in READS[role]:
        return "denied"
    return "value"


AGENCY_ID_QUERY = """{
  vehicles(first: 100) { edges { node {
    registration { id } violations(limit: 1) { id } insurancePolicies { id } } } }
  operators(first: 100) { edges { node { businessRegistration { id } accidents { id } } } }
  vessels(first: 50) { edges { node { registration { id } portCalls(limit: 1) { id } } } }
}"""


ENFORCEMENT_ID_QUERY = """{
  inspections(first: 1) { edges { node { id } } }
  enforcementCases(first: 1) { edges { node { id } } }
  inspectionDraws(first: 1) { edges { node { id } } }
}"""


def first_id(nodes: list[Any], field: str) -> str:
    for node in nodes:
        value = node[field]
        if isinstance(value, list) and value:
            return str(value[0]["id"])
        if isinstance(value, dict):
            return str(value["id"])
    raise AssertionError(f"no {field} in the demo data")


@pytest.fixture
async def ids(graphql: Any, sessions: Any) -> dict[str, str]:
    data_center = generate(DemoScale.times(0.02), today=TODAY)
    await load(sessions, data_center)
    await feed_demo(
        Exchange(AdapterRegistry.discover(), sessions),
        DemoSubjects(**subjects(data_center), today=TODAY.isoformat()),
    )
    data = (await graphql(ID_QUERY))["data"]
    found = {
        "Operator": data["operators"], "Permit": data["permits"], "Vehicle": data["vehicles"],
        "Station": data["stations"], "PassengerLine": data["passengerLines"],
        "DangerousGoods": data["dangerousGoodsList"], "Vessel": data["vessels"],
        "Practitioner": data["practitioners"],
    }  # fmt: skip
    result = {name: edges["edges"][0]["node"]["id"] for name, edges in found.items()}
    vessel = data["vessels"]["edges"][0]["node"]
    result["VesselCertificate"] = vessel["certificates"]["edges"][0]["node"]["id"]
    person = data["practitioners"]["edges"][0]["node"]
    result["QualificationCertificate"] = person["qualifications"]["edges"][0]["node"]["id"]
    agencies = (await graphql(AGENCY_ID_QUERY))["data"]
    vehicles = [edge["node"] for edge in agencies["vehicles"]["edges"]]
    operators = [edge["node"] for edge in agencies["operators"]["edges"]]
    vessels = [edge["node"] for edge in agencies["vessels"]["edges"]]
    result["VehicleRegistration"] = first_id(vehicles, "registration")
    result["TrafficViolation"] = first_id(vehicles, "violations")
    result["InsurancePolicy"] = first_id(vehicles, "insurancePolicies")
    result["BusinessRegistration"] = first_id(operators, "businessRegistration")
    result["Accident"] = first_id(operators, "accidents")
    result["VesselRegistration"] = first_id(vessels, "registration")
    result["PortCall"] = first_id(vessels, "portCalls")
    enforcement = (await graphql(ENFORCEMENT_ID_QUERY))["data"]
    for type_name, listed in zip(
        ("Inspection", "EnforcementCase", "InspectionDraw"), enforcement.values(), strict=True
    ):
        result[type_name] = listed["edges"][0]["node"]["id"]
    return result


async def test_authorization_matrix(anonymous: Any, ids: dict[str, str]) -> None:
    """Every field of every record type, for every role: allowed, masked or denied."""
    clients = {
        role: anonymous if spec is None else await anonymous.as_client(**spec)
        for role, spec in ROLES.items()
    }
    checked = 0
    for type_name in sorted(ids):
        fragment, fields = selection(type_name)
        query = f"query ($id: ID!) {{ node(id: $id) {{ {fragment} }} }}"
        answers = {
            role: await client(query, {"id": ids[type_name]}) for role, client in clients.items()
        }
        raw = answers["pii"]["data"]["node"]
        for role, answer in answers.items():
            errors = {tuple(e["path"]): e for e in answer.get("errors", [])}
            node = answer["data"]["node"]
            for field, target in fields:
                outcome = expected(role, type_name, field, target)
                where = f"{role} reading {type_name}.{field}"
                if outcome == "forbidden record":
                    assert node is None, where
                    assert errors[("node",)]["extensions"]["code"] == "FORBIDDEN", where
                elif outcome == "denied":
                    assert node[field] is None, where
                    assert errors[("node", field)]["extensions"]["code"] == "FORBIDDEN", where
                elif outcome == "masked":
                    assert ("node", field) not in errors, where
                    assert "*" in node[field], where
                    assert node[field] != raw[field], where
                else:
                    assert ("node", field) not in errors, f"{where}: {errors.get(('node', field))}"
                checked += 1
    not_nodes = {"QualityFinding", "ExchangeMessage", "Consignment"}  # keyed by their own ids
    assert set(ids) == RECORD_TYPES - not_nodes, "every record type"
    assert checked > 700


async def test_personal_data_errors_say_what_is_missing(
    anonymous: Any, ids: dict[str, str]
) -> None:
    query = "query ($id: ID!) { node(id: $id) { ... on Practitioner { idNumber } } }"
    without_scope = await anonymous.as_client("registry:read")
    without_purpose = await anonymous.as_client("registry:read pii:read", purpose=None)

    scope_answer = await without_scope(query, {"id": ids["Practitioner"]})
    purpose_answer = await without_purpose(query, {"id": ids["Practitioner"]})

    assert scope_answer["errors"][0]["message"] == "idNumber: personal data needs scope pii:read"
    assert purpose_answer["errors"][0]["message"] == (
        "idNumber: personal data needs a stated purpose of use (the X-Purpose-Of-Use header)"
    )


LISTS = {
    name: f"{{ {name}(first: 100) {{ totalCount edges {{ node {{ id {inner} }} }} }} }}"
    for name, inner in {
        "vehicles": "region { code }",
        "practitioners": "region { code }",
        "permits": "operator { region { code } }",
    }.items()
}


async def test_a_region_bound_client_sees_its_region_by_every_path(
    graphql: Any, anonymous: Any, ids: dict[str, str]
) -> None:
    suzhou = await anonymous.as_client("registry:read pii:read", region="320500")
    everything = {name: (await graphql(query))["data"][name] for name, query in LISTS.items()}
    mine = {name: (await suzhou(query))["data"][name] for name, query in LISTS.items()}
    vehicles = everything["vehicles"]["edges"]
    outside = next(
        e["node"] for e in vehicles if not e["node"]["region"]["code"].startswith("3205")
    )
    in_suzhou = await graphql(
        '{ vehicles(first: 1, filter: { region: "320500" }) { edges { node { id } } } }'
    )
    inside = in_suzhou["data"]["vehicles"]["edges"][0]["node"]

    # connections and their totals
    for name in ("vehicles", "practitioners"):
        codes = [edge["node"]["region"]["code"] for edge in mine[name]["edges"]]
        assert codes, name
        assert all(code.startswith("3205") for code in codes), name
        assert mine[name]["totalCount"] < everything[name]["totalCount"], name
    assert all(
        edge["node"]["operator"] is None
        or edge["node"]["operator"]["region"]["code"].startswith("3205")
        for edge in mine["permits"]["edges"]
    )
    # node id
    node = await suzhou("query ($id: ID!) { node(id: $id) { id } }", {"id": outside["id"]})
    assert node["data"]["node"] is None
    assert node["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await suzhou("query ($id: ID!) { node(id: $id) { id } }", {"id": inside["id"]}))[
        "data"
    ]["node"] == {"id": inside["id"]}
    # natural-key lookup
    found = await graphql(
        "query ($id: ID!) { node(id: $id) { ... on Vehicle { plate plateColor } } }",
        {"id": outside["id"]},
    )
    key = found["data"]["node"]
    lookup = await suzhou(
        "query ($p: String!, $c: PlateColor!) { vehicle(plate: $p, plateColor: $c) { id } }",
        {"p": key["plate"], "c": key["plateColor"]},
    )
    assert lookup["data"]["vehicle"] is None
    assert lookup["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # nested relation: an operator elsewhere is not reached through anything of Suzhou's
    nested = await suzhou(
        "{ operators(first: 30) { edges { node { region { code } vehicles(first: 30) "
        "{ edges { node { region { code } operator { region { code } } } } } } } } }"
    )
    for edge in nested["data"]["operators"]["edges"]:
        assert edge["node"]["region"]["code"].startswith("3205")
        for vehicle in edge["node"]["vehicles"]["edges"]:
            assert vehicle["node"]["region"]["code"].startswith("3205")


async def test_open_data_callers_see_every_region_de_identified(
    anonymous: Any, ids: dict[str, str]
) -> None:
    answer = await anonymous("{ operators(first: 5) { edges { node { legalRepresentative } } } }")

    names = [edge["node"]["legalRepresentative"] for edge in answer["data"]["operators"]["edges"]]
    assert names
    assert all("*" in name for name in names)
    assert "errors" not in answer


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_gate_refuses_bad_tokens_with_401(anonymous: Any) -> None:
    http = anonymous.http
    query = {"query": "{ vehicles { totalCount } }"}
    keys = http.app.state.keys.signing_keys()
    now = int(time.time())
    claims = {
        "iss": "http://127.0.0.1:8000", "aud": "http://127.0.0.1:8000/graphql", "sub": "x",
        "client_id": "x", "jti": "j", "iat": now - 7200, "exp": now - 3600,
        "scope": "registry:read",
    }  # fmt: skip
    expired = jwt.encode({"alg": "RS256", "typ": "at+jwt"}, claims, keys)
    other_audience = jwt.encode(
        {"alg": "RS256", "typ": "at+jwt"}, claims | {"exp": now + 60, "aud": "elsewhere"}, keys
    )
    cases = {
        "malformed": ({"Authorization": "Bearer not.a.jwt"}, "not a signed JWT"),
        "wrong scheme": ({"Authorization": "Basic abc"}, "must be 'Bearer"),
        "expired": (bearer(expired), "expired"),
        "wrong audience": (bearer(other_audience), "claims are not accepted"),
    }

    for name, (headers, reason) in cases.items():
        response = await http.post("/graphql", json=query, headers=headers)
        assert response.status_code == 401, name
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="hub", error="invalid_token"'), name
        assert reason in challenge, (name, challenge)
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_no_token_is_the_anonymous_open_data_caller(anonymous: Any) -> None:
    vehicles = await anonymous("{ vehicles { totalCount } }")
    people = await anonymous("{ practitioners { totalCount } }")
    challenged = await anonymous.post("{ practitioners { totalCount } }")

    assert challenged.status_code == 401
    assert challenged.headers["WWW-Authenticate"] == 'Bearer realm="hub"'

    assert vehicles["data"]["vehicles"]["totalCount"] == 0
    assert people["data"] == {"practitioners": None}
    assert people["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert people["errors"][0]["message"] == "practitioners: needs scope registry:read"


def root_lists() -> list[tuple[str, str]]:
    """Every root list of the schema with the record type it lists."""
    schema = build_schema(Settings(database_url="sqlite+aiosqlite://"))._schema
    found = []
    for name, field in schema.query_type.fields.items():
        target = record_type_of(field.type)
        if target is not None and str(_named(field.type).name).endswith("Connection"):
            found.append((name, target))
    return found


async def test_authorization_matrix_of_root_lists(anonymous: Any) -> None:
    lists = root_lists()
    assert len(lists) == 15
    for role, spec in ROLES.items():
        client = anonymous if spec is None else await anonymous.as_client(**spec)
        for name, target in lists:
            answer = await client(f"{{ {name}(first: 1) {{ totalCount }} }}")
            where = f"{role} listing {name}"
            if target in READS[role]:
                assert "errors" not in answer, where
            else:
                assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN", where


OUTSIDE_QUERY = """{
  vehicles(first: 100) { edges { node { region { code }
    registration { id } violations(limit: 1) { id } insurancePolicies { id } } } }
  operators(first: 100) { edges { node { region { code } businessRegistration { id } } } }
}"""


async def test_a_region_bound_client_cannot_read_other_regions_agency_records_by_id(
    graphql: Any, anonymous: Any, ids: dict[str, str]
) -> None:
    """The audit's finding: node(id) gave a Suzhou client Nanjing's police registrations,
    business registrations, policies and violations, owner names and ID numbers included."""
    suzhou = await anonymous.as_client("registry:read pii:read", region="320500")
    data = (await graphql(OUTSIDE_QUERY))["data"]
    vehicles = [
        e["node"] for e in data["vehicles"]["edges"] if e["node"]["region"]["code"][:4] == "3201"
    ]
    operators = [
        e["node"] for e in data["operators"]["edges"] if e["node"]["region"]["code"][:4] == "3201"
    ]
    nanjing = {
        "VehicleRegistration": first_id(vehicles, "registration"),
        "TrafficViolation": first_id(vehicles, "violations"),
        "InsurancePolicy": first_id(vehicles, "insurancePolicies"),
        "BusinessRegistration": first_id(operators, "businessRegistration"),
    }
    query = (
        "query ($id: ID!) { node(id: $id) { id ... on VehicleRegistration { ownerName ownerId }"
        " ... on BusinessRegistration { legalRepresentative } } }"
    )

    for type_name, global_id in nanjing.items():
        answer = await suzhou(query, {"id": global_id})
        assert answer["data"]["node"] is None, type_name
        assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND", type_name
        many = await suzhou("query ($i: [ID!]!) { nodes(ids: $i) { id } }", {"i": [global_id]})
        assert many["data"]["nodes"] == [None], type_name


async def test_exchange_messages_are_their_agencys_own_for_a_region_bound_client(
    graphql: Any, anonymous: Any, ids: dict[str, str]
) -> None:
    """The audit's finding: a region-bound client listed every agency's documents."""
    query = "{ exchangeMessages(first: 100) { totalCount edges { node { id agency } } } }"
    suzhou = await anonymous.as_client("registry:read", region="320500")
    everything = (await graphql(query))["data"]["exchangeMessages"]
    own = (await suzhou(query))["data"]["exchangeMessages"]
    first = everything["edges"][0]["node"]
    by_id = await suzhou("query ($id: ID!) { node(id: $id) { id } }", {"id": first["id"]})

    assert everything["totalCount"] > 0
    assert own == {"totalCount": 0, "edges": []}  # its agency (test_agency) sent nothing
    assert by_id["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_region_bound_client_exports_only_its_regions_agency_records(
    anonymous: Any, sessions: Any, ids: dict[str, str]
) -> None:
    """``GET /exchange/{agency}/{document}`` applies the record type's rule, as GraphQL does."""
    http = anonymous.http
    document_type = http.app.state.exchange.registry["public_security"].documents[
        "vehicle-registration"
    ]

    async def exported(region: str | None) -> list[Any]:
        client_id, secret = await register_client(http, "registry:read", region=region)
        token = await fetch_token(http, client_id, secret)
        response = await http.get(
            "/exchange/public_security/vehicle-registration",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        return list(document_type.parse(validate(document_type, parse(response.content))))

    everything = await exported(None)
    suzhou = await exported("320500")
    async with sessions() as session:
        columns = select(Vehicle.plate, Vehicle.plate_color, Vehicle.region_code)
        rows = (await session.execute(columns)).all()
    region_of = {(plate, color): code for plate, color, code in rows}

    assert 0 < len(suzhou) < len(everything)
    assert all(region_of[(r.plate, r.plate_color)].startswith("3205") for r in suzhou)
