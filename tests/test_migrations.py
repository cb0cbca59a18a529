"""Migrations build every database, and they agree with the models on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from hub.config import Settings
from hub.db import create_engine
from hub.migrate import current_revision, head_revision, upgrade
from hub.tables import metadata


async def test_models_and_migrations_agree(settings: Settings) -> None:
    engine = create_engine(settings)

    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(differences)
    finally:
        await engine.dispose()

    assert diff == [], f"models and migrations differ; write a migration: {diff}"


async def test_the_test_database_is_at_head_and_upgrading_again_changes_nothing(
    settings: Settings,
) -> None:
    engine = create_engine(settings)
    try:
        before = await current_revision(engine)
        await upgrade(engine)
        after = await current_revision(engine)
    finally:
        await engine.dispose()

    assert before == after == head_revision()
