"""GraphiQL's page and files come from the hub alone, under a policy that forbids any other."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hub.api import console
from hub.api.console import CONTENT_SECURITY_POLICY, DEFAULT_QUERY, console_page

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.usefixtures("console_installed")
async def test_graphiql_is_the_hubs_own_page_under_its_policy(anonymous: Any) -> None:
    response = await anonymous.http.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert sources, response.text
    assert all(source.startswith("/console/") for source in sources), sources


@pytest.mark.usefixtures("console_installed")
async def test_the_console_files_are_served_with_the_policy(anonymous: Any) -> None:
    script = await anonymous.http.get("/console/graphiql.min.js")
    missing = await anonymous.http.get("/console/nothing.js")

    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert missing.status_code == 404


def test_the_policy_allows_no_other_origin() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))

    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert "http" not in CONTENT_SECURITY_POLICY


@pytest.mark.usefixtures("console_installed")
def test_the_page_carries_the_default_query_and_the_token_hint() -> None:
    page = console_page().body.decode()
    config = json.loads(re.search(r'id="hub-console-config">(.*?)</script>', page)[1])  # type: ignore[index]

    assert config["defaultQuery"] == DEFAULT_QUERY
    assert "vehicles(first: 3)" in DEFAULT_QUERY
    assert json.loads(config["defaultHeaders"])["Authorization"] == (
        f"Bearer {config['placeholder']}"
    )


def test_without_the_installed_files_the_page_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(console, "CONSOLE_DIR", tmp_path / "dist")

    response = console_page()

    assert response.status_code == 503
    assert "scripts/install" in response.body.decode()


def test_graphiql_comes_from_the_npm_lock() -> None:
    lock = json.loads((ROOT / "console" / "package-lock.json").read_text(encoding="utf-8"))
    packages = lock["packages"]

    graphiql = packages["node_modules/graphiql"]
    assert int(graphiql["version"].split(".")[0]) >= 3
    # Pinned by content: npm ci refuses a file from any registry whose hash differs.
    assert all(
        package["integrity"].startswith("sha512-")
        for name, package in packages.items()
        if name.startswith("node_modules/")
    )
    assert "node_modules/@graphiql/plugin-explorer" in packages
