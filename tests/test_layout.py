"""The repository's shape: graphql/ holds documents, never Python; adapters stay outside hub."""

from __future__ import annotations

import tomllib
from pathlib import Path

import graphql

import adapters

ROOT = Path(__file__).resolve().parents[1]


def test_import_graphql_is_graphql_core() -> None:
    assert hasattr(graphql, "graphql_sync"), graphql.__file__
    assert "site-packages" in graphql.__file__, f"graphql resolves to {graphql.__file__}"


def test_graphql_folder_holds_no_python() -> None:
    python_files = sorted(str(path) for path in (ROOT / "graphql").rglob("*.py"))
    assert python_files == [], f"graphql/ must hold only SDL and documents: {python_files}"
    assert (ROOT / "graphql" / "schema.graphql").is_file()


def test_adapters_package_documents_the_registry_contract() -> None:
    assert adapters.__doc__ is not None
    assert "hub.adapters" in adapters.__doc__, "the entry-point group must be documented"


def test_hub_never_imports_adapters() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "hub").rglob("*.py")
        if any(
            line.startswith(("import adapters", "from adapters"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == [], f"hub imports adapters in {offenders}"


def test_the_code_and_the_standards_state_their_licences() -> None:
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    standards = (ROOT / "standards" / "LICENSE.md").read_text(encoding="utf-8")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    assert "Apache License" in code
    assert "Version 2.0, January 2004" in code
    assert project["license"] == "Apache-2.0"
    assert "CC BY 4.0" in standards
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in standards
    assert "知识共享 署名 4.0 国际许可协议" in standards
