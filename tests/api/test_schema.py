"""The published schema: committed SDL, bilingual documentation, operations, limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    parse,
    validate,
)

from hub.api.schema import SDL_PATH, build_schema, sdl
from hub.config import Settings

CJK = re.compile(r"[\u4e00-\u9fff]")
BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}
OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"


def described_things() -> list[tuple[str, str | None]]:
    """Every type, field, argument, input field and enum value with its description."""
    schema = build_schema(Settings(database_url="sqlite+aiosqlite://"))._schema
    things: list[tuple[str, str | None]] = []
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN_SCALARS:
            continue
        things.append((name, named.description))
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                things.append((f"{name}.{field_name}", field.description))
                for arg_name, arg in field.args.items():
                    things.append((f"{name}.{field_name}({arg_name})", arg.description))
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                things.append((f"{name}.{field_name}", input_field.description))
        elif isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                things.append((f"{name}.{value_name}", value.description))
        else:
            assert isinstance(named, GraphQLScalarType), name
    return things


def test_committed_sdl_matches_the_code() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), (
        "graphql/schema.graphql is stale: run `hub schema export` and commit it"
    )


def test_every_part_of_the_schema_is_described_in_chinese_then_english() -> None:
    things = described_things()
    missing = [name for name, text in things if not text]
    not_bilingual = [
        name
        for name, text in things
        if text
        and not (
            CJK.match(text)
            and "\n\n" in text
            and re.search(r"[A-Za-z]", text.split("\n\n", 1)[1])
            and not CJK.search(text.split("\n\n", 1)[1].split("(")[0][:1])
        )
    ]

    assert len(things) > 300, "the walk must reach the whole schema"
    assert missing == [], f"undocumented: {missing}"
    assert not_bilingual == [], f"not Chinese first then English: {not_bilingual}"


@pytest.mark.parametrize("document", sorted(OPERATIONS.rglob("*.graphql")), ids=lambda p: p.name)
def test_every_committed_operation_is_valid_against_the_schema(document: Path) -> None:
    schema = build_schema(Settings(database_url="sqlite+aiosqlite://"))._schema

    errors = validate(schema, parse(document.read_text(encoding="utf-8")))

    assert errors == [], f"{document.name}: {[error.message for error in errors]}"


def test_there_are_committed_operations() -> None:
    assert len(list(OPERATIONS.rglob("*.graphql"))) >= 3


def test_every_list_is_a_connection_with_paging_filter_and_order() -> None:
    schema = build_schema(Settings(database_url="sqlite+aiosqlite://"))._schema
    lists = [
        (f"{name}.{field_name}", set(field.args))
        for name, named in schema.type_map.items()
        if isinstance(named, GraphQLObjectType) and not name.startswith("__")
        for field_name, field in named.fields.items()
        if str(field.type).rstrip("!").endswith("Connection")
    ]
    expected = {"first", "after", "last", "before", "filter", "orderBy"}

    assert len(lists) >= 19  # 8 root lists and 11 relations
    assert [name for name, args in lists if args != expected] == []
