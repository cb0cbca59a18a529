"""The health checks on each database backend, and readiness of a database not migrated."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

from hub.config import Settings
from hub.health import readiness
from hub.migrate import head_revision
from tests.conftest import running


async def test_live_and_ready_answer_on_a_migrated_database(settings: Settings) -> None:
    async with running(settings) as http:
        live = await http.get("/health/live")
        ready = await http.get("/health/ready")
        alias = await http.get("/health")

    database = "sqlite" if settings.is_sqlite else "postgresql"
    assert live.status_code == 200
    assert live.json() == {"status": "live"}
    assert ready.status_code == 200, ready.text
    assert ready.json() == {
        "status": "ready",
        "dependencies": {
            database: {
                "status": "up",
                "schemaRevision": head_revision(),
                "expectedRevision": head_revision(),
            }
        },
        "down": [],
    }, "without HUB_REDIS_URL, Redis is not a dependency"
    assert alias.json() == ready.json()


async def test_a_database_not_migrated_is_not_ready(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        is_ready, body = await readiness(engine, None)
    finally:
        await engine.dispose()

    assert not is_ready
    assert body["down"] == ["sqlite"]
    assert body["dependencies"]["sqlite"] == {
        "status": "not migrated",
        "schemaRevision": None,
        "expectedRevision": head_revision(),
    }
