"""Versions of the published schema, and what changed between two of them.

Each release of the schema is kept as SDL in ``graphql/released/<version>.graphql`` and
recorded in ``CHANGELOG.md`` (Keep a Changelog). A breaking change to ``graphql/schema.graphql``
(graphql-core's ``find_breaking_changes``: a field removed, a type changed, an argument made
required, …) must be listed, in the words ``hub schema diff`` prints, under ``[Unreleased]``
until the next major version is released; the tests fail otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    GraphQLError,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
)

SCHEMA_VERSION = "1.0.0"
"""The version of the schema in this code (semantic versioning: major for breaking changes)."""

ROOT = Path(__file__).resolve().parents[2]
RELEASED_DIR = ROOT / "graphql" / "released"
CHANGELOG_PATH = ROOT / "CHANGELOG.md"

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_UNRELEASED = re.compile(r"^## \[Unreleased\][^\n]*\n(.*?)(?=^## \[|\Z)", re.MULTILINE | re.DOTALL)


class SchemaFileError(Exception):
    """A schema file that cannot be read, parsed or built; the message names the file."""


@dataclass(frozen=True, slots=True)
class Change:
    """One change between two schemas, as graphql-core finds it."""

    breaking: bool
    kind: str
    """graphql-core's change type, e.g. FIELD_REMOVED."""
    description: str
    """e.g. ``Vehicle.owner was removed.``"""

    def line(self) -> str:
        """How ``hub schema diff`` prints it (and the changelog records it)."""
        return f"{'breaking' if self.breaking else 'dangerous'}: {self.kind}: {self.description}"


def header(version: str = SCHEMA_VERSION) -> str:
    """The comment that opens the published SDL, naming its version."""
    return (
        f"# 江苏交通运输数据交换共享枢纽 GraphQL 接口标准 {version}\n"
        f"# Jiangsu transport interop hub GraphQL schema, version {version}\n\n"
    )


def load(path: Path) -> GraphQLSchema:
    """The schema in an SDL file; SchemaFileError names the file and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaFileError(f"{path}: cannot be read: {exc}") from None
    try:
        return build_schema(text)
    except GraphQLError as exc:
        reason = exc.message
        if exc.locations:
            reason += f" (line {exc.locations[0].line}, column {exc.locations[0].column})"
        raise SchemaFileError(f"{path}: not a GraphQL schema: {reason}") from None
    except TypeError as exc:  # graphql-core reports an SDL naming unknown types this way
        raise SchemaFileError(f"{path}: not a GraphQL schema: {exc}") from None


def changes(old: GraphQLSchema, new: GraphQLSchema) -> list[Change]:
    """Breaking changes from ``old`` to ``new``, then dangerous ones."""
    return [
        Change(True, change.type.name, change.description)
        for change in find_breaking_changes(old, new)
    ] + [
        Change(False, change.type.name, change.description)
        for change in find_dangerous_changes(old, new)
    ]


def released() -> list[tuple[tuple[int, int, int], Path]]:
    """The released schemas, oldest first, by version."""
    versions = []
    for path in RELEASED_DIR.glob("*.graphql"):
        match = _VERSION.match(path.stem)
        if match is None:
            raise SchemaFileError(f"{path}: a released schema is named <major>.<minor>.<patch>")
        versions.append(((int(match[1]), int(match[2]), int(match[3])), path))
    return sorted(versions)


def unreleased_notes(changelog: str) -> str:
    """The ``[Unreleased]`` section of a Keep a Changelog file (empty when there is none)."""
    match = _UNRELEASED.search(changelog)
    return match[1] if match else ""


def unrecorded(new: GraphQLSchema, changelog: str) -> list[Change]:
    """Breaking changes since the last release that the changelog does not record."""
    history = released()
    if not history:
        return []
    notes = unreleased_notes(changelog)
    return [
        change
        for change in changes(load(history[-1][1]), new)
        if change.breaking and change.description not in notes
    ]
