"""Introspection works for every client: measured with the schema's own sizes, answered once."""

from __future__ import annotations

from typing import Any

from graphql import build_client_schema, parse, print_schema

from hub.api.introspection import STANDARD_QUERY, Introspection
from hub.api.schema import SDL_PATH, build_schema
from hub.config import Settings


async def test_an_anonymous_client_reads_the_whole_schema_by_introspection(anonymous: Any) -> None:
    # Charged like a data query it cost 347,049 against the open tier's 2,000.
    answer = await anonymous(STANDARD_QUERY)

    assert "errors" not in answer, answer["errors"]
    schema = build_client_schema(answer["data"])
    assert schema.get_type("Consignment") is not None
    assert "车辆" in (schema.query_type.fields["vehicle"].description or "")  # type: ignore[union-attr]
    assert "vehicle" in print_schema(schema)


async def test_a_repeated_introspection_is_answered_without_executing() -> None:
    schema = build_schema(Settings(database_url="sqlite+aiosqlite://"))
    first = await schema.execute(STANDARD_QUERY)

    second = await schema.execute(STANDARD_QUERY)

    assert first.errors is None
    assert list(schema.introspection.answers) == [(STANDARD_QUERY, "IntrospectionQuery", "{}")]
    assert second.data is first.data


async def test_introspection_multiplying_the_standard_query_is_refused(anonymous: Any) -> None:
    fragments = STANDARD_QUERY[STANDARD_QUERY.index("fragment FullType") :]
    copies = " ".join(f"{alias}: __schema {{ types {{ ...FullType }} }}" for alias in "abc")
    answer = await anonymous(f"{{ {copies} }} {fragments}")

    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "of introspection exceeds" in answer["errors"][0]["message"]


async def test_introspection_nested_deep_is_refused_by_validation(anonymous: Any) -> None:
    nested = "fields { type { " * 4 + "name" + " } }" * 4
    answer = await anonymous(f"{{ __schema {{ types {{ {nested} }} }} }}")

    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert answer["errors"][0]["message"] == "Maximum introspection depth exceeded"


async def test_a_data_query_beside_introspection_is_charged_as_usual(anonymous: Any) -> None:
    answer = await anonymous(
        "{ __schema { queryType { name } } vehicles(first: 50) { edges { node { "
        "operator { vehicles(first: 50) { edges { node { plate } } } } } } } }"
    )

    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "the limit of tier open" in answer["errors"][0]["message"]


def test_the_budget_is_twice_the_standard_query_on_this_schema() -> None:
    schema = build_schema(Settings(database_url="sqlite+aiosqlite://"))
    introspection = Introspection.of(schema._schema)

    assert introspection.sizes["types"] == len(schema._schema.type_map)
    assert introspection.budget == 2 * introspection.cost(parse(STANDARD_QUERY), None, None)


async def test_the_schema_is_served_as_sdl_with_its_directives(anonymous: Any) -> None:
    response = await anonymous.http.get("/schema.graphql")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == SDL_PATH.read_text(encoding="utf-8")
    assert "directive @requiresScopes(anyOf: [String!]!)" in response.text
    assert "@personalData(kind: " in response.text
