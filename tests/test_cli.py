"""The hub command: clear errors for bad configuration, migrations, SDL export."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hub.cli import main


def run_hub(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub", *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_bad_database_url_is_one_clear_line(tmp_path: Path) -> None:
    result = run_hub("migrate", env={"HUB_DATABASE_URL": "mysql://root@localhost/hub"})

    assert result.returncode == 2
    assert result.stderr.startswith("hub: error: HUB_DATABASE_URL: unsupported database 'mysql'")
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_server_is_named(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:1/hub"
    result = run_hub("migrate", env={"HUB_DATABASE_URL": url})

    assert result.returncode == 2
    assert (
        "hub: error: cannot reach the database at postgresql+asyncpg://postgres@127.0.0.1:1/hub"
        in result.stderr
    )


def test_migrate_builds_an_embedded_database_and_serve_checks_it(tmp_path: Path) -> None:
    env = {"HUB_DATA_DIR": str(tmp_path)}

    migrated = run_hub("migrate", env=env)

    assert migrated.returncode == 0, migrated.stderr
    assert "hub: database at revision" in migrated.stdout
    assert (tmp_path / "hub.sqlite3").is_file()


def test_serve_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    result = run_hub("serve", "--port", "1", env={"HUB_DATA_DIR": str(tmp_path)})

    assert result.returncode == 2
    assert "not at the newest schema: run `hub migrate`" in result.stderr


def test_schema_export_check_passes_on_the_committed_sdl(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["schema", "export", "--check"]) == 0


def test_schema_export_check_fails_on_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "schema.graphql"
    stale.write_text("type Query { old: String }\n", encoding="utf-8")

    assert main(["schema", "export", "--check", "--output", str(stale)]) == 1
