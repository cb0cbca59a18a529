"""Alembic environment: async engines, batch mode on SQLite, the hub's full metadata.

Called two ways: by ``hub migrate`` (hub/migrate.py), which hands over an open connection in
``config.attributes["connection"]``, and by the ``alembic`` command line, which connects to
the database that ``HUB_DATABASE_URL`` names.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from hub.config import Settings
from hub.db import create_engine
from hub.migrate import compared
from hub.tables import metadata

config = context.config


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    # Migrations are frozen history: write the plain storage type, not the hub's Python type.
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_object=compared,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_settings() -> None:
    engine = create_engine(Settings.from_env())
    async with engine.connect() as connection:
        await connection.run_sync(run_with)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run them against a database")

given = config.attributes.get("connection")
if given is not None:
    run_with(given)
else:
    asyncio.run(run_from_settings())
