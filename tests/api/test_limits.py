"""Malformed, deep, wide and oversized documents are refused with a code before execution."""

from __future__ import annotations

from typing import Any


def error_codes(answer: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in answer.get("errors", [])]


async def test_a_syntax_error_is_a_parse_failure(graphql: Any) -> None:
    answer = await graphql("{ vehicles(first: 1) { edges { node { plate } }")

    assert answer["data"] is None
    assert error_codes(answer) == ["GRAPHQL_PARSE_FAILED"]
    assert "Syntax Error" in answer["errors"][0]["message"]


async def test_an_unknown_field_is_a_validation_failure(graphql: Any) -> None:
    answer = await graphql("{ vehicles { edges { node { owner } } } }")

    assert error_codes(answer) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Cannot query field 'owner'" in answer["errors"][0]["message"]


async def test_a_query_deeper_than_the_limit_is_refused(graphql: Any) -> None:
    nested = "operator { vehicles { edges { node { " * 4
    closing = "} } } }" * 4
    answer = await graphql(f"{{ vehicles {{ edges {{ node {{ {nested} plate {closing} }} }} }} }}")

    assert answer["data"] is None
    assert error_codes(answer) == ["QUERY_TOO_COMPLEX"]
    assert "exceeds maximum operation depth" in answer["errors"][0]["message"]


async def test_too_many_aliases_are_refused(graphql: Any) -> None:
    aliases = " ".join(f"a{n}: vehicles(first: 1) {{ totalCount }}" for n in range(40))
    answer = await graphql(f"{{ {aliases} }}")

    assert error_codes(answer) == ["QUERY_TOO_COMPLEX"]
    assert "aliases" in answer["errors"][0]["message"]


async def test_an_oversized_document_is_refused_before_parsing_completes(graphql: Any) -> None:
    fields = " ".join(["plate"] * 5000)
    answer = await graphql(f"{{ vehicles {{ edges {{ node {{ {fields} }} }} }} }}")

    assert answer["data"] is None
    assert error_codes(answer) == ["QUERY_TOO_COMPLEX"]
    assert "more than 4000 tokens" in answer["errors"][0]["message"]


async def test_a_page_larger_than_the_cap_is_bad_input(graphql: Any) -> None:
    answer = await graphql("{ vehicles(first: 101) { totalCount } }")

    assert error_codes(answer) == ["BAD_USER_INPUT"]
    assert answer["errors"][0]["message"] == "first: must be between 0 and 100, got 101"
    assert answer["errors"][0]["extensions"]["field"] == "first"
