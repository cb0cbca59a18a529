"""What ``hub audit verify`` runs: the configured database's log, intact or tampered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hub.audit.log import AuditRecord, append
from hub.audit.verify import Problem, verify_database
from hub.config import Settings
from hub.errors import ServiceUnavailable

AT = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)


async def append_requests(sessions: Any, count: int) -> None:
    for n in range(1, count + 1):
        async with sessions() as session, session.begin():
            await append(
                session,
                AuditRecord(
                    client_id="portal",
                    agency="JSJT",
                    purpose="permit review",
                    operation_name="VehicleCheck",
                    document="query VehicleCheck { vehicle { plate } }",
                    variables={},
                    subjects=(f"practitioner/{n}",),
                    outcome="ok",
                    at=AT + dt.timedelta(seconds=n),
                ),
            )


async def test_an_intact_log_has_no_problems(settings: Settings, sessions: Any) -> None:
    assert await verify_database(settings) == []  # an empty log is intact too

    await append_requests(sessions, 3)

    assert await verify_database(settings) == []


async def test_a_tampered_log_names_the_entry(settings: Settings, sessions: Any) -> None:
    await append_requests(sessions, 3)
    # As a superuser would: on PostgreSQL the append-only trigger is off for this transaction.
    async with sessions() as session, session.begin():
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        await session.execute(text("UPDATE audit_log SET agency = 'JSJU' WHERE seq = 2"))
        if postgres:
            await session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))

    assert await verify_database(settings) == [
        Problem(2, "entry 2: contents changed (hash does not match)")
    ]


async def test_a_database_never_migrated_is_one_clear_error(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}", data_dir=tmp_path
    )

    with pytest.raises(ServiceUnavailable, match=r"not at the newest schema: run `hub migrate`"):
        await verify_database(settings)
