"""The data version: which commits move it, and how processes without Redis share it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text, update

from hub.cache.memory import MemoryCache
from hub.config import Settings
from hub.dataversion import LocalVersion, data_version, versioned_sessions
from hub.db import create_engine
from hub.operators.models import Operator
from tests.support import operator


async def test_a_commit_that_wrote_moves_the_version_and_a_rollback_does_not(
    settings: Settings,
) -> None:
    engine = create_engine(settings)
    versions = data_version(settings, MemoryCache())
    sessions = versioned_sessions(engine, versions)
    try:
        start = await versions.current()
        async with sessions() as session, session.begin():
            session.add(operator(1))
        added = await versions.current()
        async with sessions() as session:
            await session.execute(update(Operator).values(name="改名运输公司"))
            await session.rollback()
        rolled_back = await versions.current()
        async with sessions() as session, session.begin():
            await session.execute(text("SELECT count(*) FROM operators"))
        read_only = await versions.current()
        async with sessions() as session, session.begin():
            await session.execute(text("UPDATE operators SET name = 'x' WHERE id = 1"))
        raw_sql = await versions.current()
    finally:
        versions.close()
        await engine.dispose()

    assert int(added) == int(start) + 1
    assert rolled_back == added
    assert read_only == added
    assert int(raw_sql) == int(added) + 1


async def test_processes_sharing_a_data_dir_see_each_others_moves(tmp_path: Path) -> None:
    # Two mappings of one file, as two workers (or a worker and a command) hold it.
    first = LocalVersion(tmp_path / "data-version", MemoryCache())
    second = LocalVersion(tmp_path / "data-version", MemoryCache())
    try:
        before = await second.current()
        await first.bump()
        await first.bump()
        after = await second.current()
    finally:
        first.close()
        second.close()

    assert int(after) == int(before) + 2
    assert int(before) != 0, "a new version starts at a random number"
