"""Versions of the published standards: releases kept, breaking changes recorded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import GraphQLEnumType, GraphQLInterfaceType, GraphQLObjectType, build_schema
from lxml import etree

from hub.api.schema import SDL_PATH, sdl
from hub.api.versioning import (
    CHANGELOG_PATH,
    SCHEMA_VERSION,
    header,
    load,
    released,
    unrecorded,
    unreleased_notes,
)
from hub.canonical.codelists import STANDARDS_DIR
from hub.cli import main

REMOVAL = re.compile(r"\buse \w+.*\bremoved after \d{4}-\d{2}-\d{2}\b")


def test_breaking_changes_since_the_last_release_are_in_the_changelog() -> None:
    changelog = CHANGELOG_PATH.read_text(encoding="utf-8")

    missing = unrecorded(build_schema(sdl()), changelog)

    assert missing == [], (
        "breaking changes to graphql/schema.graphql since the last release are not recorded "
        "under [Unreleased] in CHANGELOG.md:\n" + "\n".join(change.line() for change in missing)
    )


def test_an_unrecorded_breaking_change_is_found_until_the_changelog_lists_it() -> None:
    changed = build_schema(sdl().replace("  plateColor: PlateColor!\n", "  colour: PlateColor!\n"))
    bare = "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-12-05\n"

    missing = unrecorded(changed, bare)
    recorded = bare.replace(
        "## [Unreleased]\n",
        "## [Unreleased]\n\n### Removed\n\n- Field Vehicle.plateColor was removed.\n",
    )

    assert "Field Vehicle.plateColor was removed." in [change.description for change in missing]
    assert "Field Vehicle.plateColor was removed." not in [
        change.description for change in unrecorded(changed, recorded)
    ]


def test_the_published_sdl_names_its_version_and_the_last_release_is_kept() -> None:
    versions = [version for version, _path in released()]

    assert SDL_PATH.read_text(encoding="utf-8").startswith(header(SCHEMA_VERSION))
    assert versions, "graphql/released/ holds no released schema"
    assert tuple(map(int, SCHEMA_VERSION.split("."))) >= versions[-1]
    assert f"## [{'.'.join(map(str, versions[-1]))}] - " in CHANGELOG_PATH.read_text("utf-8")
    assert load(released()[-1][1]).query_type is not None


def test_the_changelog_keeps_an_unreleased_section() -> None:
    changelog = CHANGELOG_PATH.read_text(encoding="utf-8")

    assert "## [Unreleased]" in changelog
    assert unreleased_notes("## [Unreleased]\n- a\n\n## [1.0.0] - 2026-12-05\n- b\n") == "- a\n\n"


def test_every_deprecation_names_its_replacement_and_removal_date() -> None:
    schema = build_schema(sdl())
    reasons: list[tuple[str, str | None]] = []
    for name, named in schema.type_map.items():
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            reasons += [
                (f"{name}.{field_name}", field.deprecation_reason)
                for field_name, field in named.fields.items()
            ]
        elif isinstance(named, GraphQLEnumType) and not name.startswith("__"):
            reasons += [
                (f"{name}.{value_name}", value.deprecation_reason)
                for value_name, value in named.values.items()
            ]

    badly_deprecated = [
        (thing, reason) for thing, reason in reasons if reason and not REMOVAL.search(reason)
    ]

    assert badly_deprecated == [], "say `use <replacement>; removed after YYYY-MM-DD`"


@pytest.mark.parametrize("xsd", sorted(STANDARDS_DIR.rglob("*.xsd")), ids=lambda path: path.stem)
def test_each_xsd_carries_its_version_in_name_attribute_and_namespace(xsd: Path) -> None:
    root = etree.parse(str(xsd)).getroot()
    version = re.fullmatch(r".+-(\d+\.\d+)", xsd.stem)

    assert version is not None, f"{xsd.name}: name it <topic>-<major>.<minor>.xsd"
    assert root.get("version") == version[1]
    assert root.get("targetNamespace", "").endswith(f":{version[1]}")


def test_schema_diff_lists_breaking_changes_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = tmp_path / "newer.graphql"
    renamed = sdl().replace("  plateColor: PlateColor!\n", "  colour: PlateColor!\n")
    newer.write_text(renamed, encoding="utf-8")

    status = main(["schema", "diff", str(released()[-1][1]), str(newer)])

    out, err = capsys.readouterr()
    assert status == 1
    assert "breaking: FIELD_REMOVED: Field Vehicle.plateColor was removed." in out.splitlines()
    assert re.fullmatch(r"hub: [1-9]\d* breaking, \d+ dangerous", err.splitlines()[-1])


def test_schema_diff_of_the_last_release_finds_nothing_breaking(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["schema", "diff", str(released()[-1][1])])

    # Dangerous changes (an enum value added) are allowed in a minor version, and listed.
    assert status == 0
    assert re.fullmatch(r"hub: 0 breaking, \d+ dangerous", capsys.readouterr().err.splitlines()[-1])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("type Query { a: String", "Syntax Error: Expected Name, found <EOF>. (line 1, column 23)"),
        ("type Query { a: Foo }", "Unknown type 'Foo'."),
    ],
)
def test_a_malformed_schema_file_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    old = tmp_path / "old.graphql"
    old.write_text(text, encoding="utf-8")

    status = main(["schema", "diff", str(old)])

    err = capsys.readouterr().err
    assert status == 2
    assert err == f"hub: error: {old}: not a GraphQL schema: {problem}\n"


def test_a_missing_schema_file_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["schema", "diff", str(tmp_path / "absent.graphql")])

    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(f"hub: error: {tmp_path / 'absent.graphql'}: cannot be read: ")
    assert len(err.splitlines()) == 1
