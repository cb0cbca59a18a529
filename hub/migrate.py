"""Running the Alembic migrations in ``migrations/``: the only way a database is built."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.cache import create_cache
from hub.config import Settings
from hub.db import check_connection, create_engine, sqlite_engine
from hub.errors import ServiceUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
# Made at run time, not by the models: the day partitions of position_fixes (hub.positions),
# the geofence index once PostGIS is there, and PostGIS's own table.
_MADE_AT_RUN_TIME = re.compile(r"position_fixes_p\d{8}|ix_stations_fence_geography|spatial_ref_sys")


def compared(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Whether autogenerate compares this database object with the models (``include_object``).

    Not the objects the running hub makes for itself, which no model declares.
    """
    made_at_run_time = name is not None and _MADE_AT_RUN_TIME.fullmatch(name) is not None
    return not (reflected and compare_to is None and made_at_run_time)


def alembic_config() -> Config:
    """An Alembic configuration pointing at the hub's migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision``, in one transaction."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    sqlite = engine.dialect.name == "sqlite"
    # Batch mode rebuilds an SQLite table by copy, drop and rename, which fails for any table
    # others refer to while foreign keys are enforced: migrate on a connection without them,
    # and check every key before the upgrade commits.
    runner = sqlite_engine(engine.url, foreign_keys=False) if sqlite else engine
    try:
        async with runner.begin() as connection:
            await connection.run_sync(run)
            if sqlite:
                broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"the upgrade would break foreign keys: {broken[:5]}")
    finally:
        if runner is not engine:
            await runner.dispose()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)


def head_revision() -> str | None:
    """The newest revision among the migration scripts."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def ensure_ready(settings: Settings) -> None:
    """Refuse to serve a database that is unreachable or not migrated, saying what to do."""
    engine = create_engine(settings)
    cache = create_cache(settings)
    try:
        await check_connection(engine)
        await cache.ping()
        if await current_revision(engine) != head_revision():
            raise ServiceUnavailable("the database is not at the newest schema: run `hub migrate`")
    finally:
        await cache.close()
        await engine.dispose()
