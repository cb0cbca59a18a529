"""SECURITY.md names a test for every threat: each named test must exist, so the register
cannot point at a test that was renamed or removed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# `file.py::test_name` names a test; a following `::test_name` in the same cell is in that file.
CELL_TESTS = re.compile(r"`([\w/]+\.py)?::(\w+)`")


def named_tests(register: str) -> list[tuple[str, str]]:
    """(file under tests/, function) for every test the register's table rows name."""
    named = []
    for line in register.splitlines():
        if not line.startswith("|"):
            continue
        current = None
        for path, function in CELL_TESTS.findall(line):
            current = path or current
            if current is None:
                raise ValueError(f"{function!r} is named without its file: {line}")
            named.append((current, function))
    return named


def test_every_test_the_register_names_exists() -> None:
    named = named_tests((ROOT / "SECURITY.md").read_text(encoding="utf-8"))
    functions: dict[str, set[str]] = {}
    missing = []
    for path, function in named:
        if path not in functions:
            source = ROOT / "tests" / path
            tree = ast.parse(source.read_text(encoding="utf-8")) if source.exists() else None
            functions[path] = {
                node.name
                for node in (ast.walk(tree) if tree else ())
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            }
        if function not in functions[path]:
            missing.append(f"{path}::{function}")

    assert len(named) > 40
    assert not missing, f"SECURITY.md names tests that do not exist: {missing}"


def test_a_test_named_without_its_file_is_reported() -> None:
    with pytest.raises(ValueError, match="'test_orphan' is named without its file"):
        named_tests("| S | a threat | a control | `::test_orphan` |")
