"""Every read of personal data leaves an audit entry; oversight can ask who read whom."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

from sqlalchemy import select, text

from hub.audit.models import AuditEntry
from hub.config import Settings
from hub.db import create_engine
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load

TODAY = dt.date(2026, 11, 25)
PERSON = "query Person($id: ID!) { node(id: $id) { ... on Practitioner { idNumber name } } }"


async def first_person(graphql: Any, sessions: Any) -> dict[str, str]:
    await load(sessions, generate(DemoScale.times(0.02), today=TODAY))
    answer = await graphql("{ practitioners(first: 1) { edges { node { id idNumber } } } }")
    node: dict[str, str] = answer["data"]["practitioners"]["edges"][0]["node"]
    return node


async def entries(sessions: Any) -> list[AuditEntry]:
    async with sessions() as session:
        return list((await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))).all())


async def test_a_personal_data_read_is_recorded_with_purpose_and_subject(
    graphql: Any, anonymous: Any, sessions: Any
) -> None:
    person = await first_person(graphql, sessions)
    before = len(await entries(sessions))

    await graphql(PERSON, {"id": person["id"]})

    log = await entries(sessions)
    assert len(log) == before + 1
    entry = log[-1]
    assert entry.purpose == "SYSTEM_TESTING"
    assert entry.operation_name == "Person"
    assert entry.variables == {"id": person["id"]}
    assert entry.subjects == [person["id"]]
    assert entry.outcome == "ok"
    assert entry.client_id.startswith("test_agency-")


async def test_a_refused_read_is_recorded_as_denied(
    anonymous: Any, graphql: Any, sessions: Any
) -> None:
    person = await first_person(graphql, sessions)
    no_pii = await anonymous.as_client("registry:read", purpose=None)

    answer = await no_pii(PERSON, {"id": person["id"]})

    assert answer["data"]["node"] == {"idNumber": None, "name": None}
    entry = (await entries(sessions))[-1]
    assert entry.outcome == "denied"
    assert entry.subjects == [person["id"]]
    assert entry.purpose is None


async def test_requests_without_personal_data_leave_no_entry(graphql: Any, sessions: Any) -> None:
    await first_person(graphql, sessions)
    before = len(await entries(sessions))

    await graphql("{ vehicles(first: 5) { edges { node { plate } } } }")

    assert len(await entries(sessions)) == before


async def test_oversight_sees_who_read_a_person(
    anonymous: Any, graphql: Any, sessions: Any
) -> None:
    person = await first_person(graphql, sessions)
    await graphql(PERSON, {"id": person["id"]})
    oversight = await anonymous.as_client("audit:read pii:read")
    partner = await anonymous.as_client("registry:read pii:read")
    query = "query ($n: String!) { accessLog(subjectIdNumber: $n) { clientId purpose outcome } }"

    log = await oversight(query, {"n": person["idNumber"]})
    refused = await partner(query, {"n": person["idNumber"]})

    reads = log["data"]["accessLog"]
    assert reads, log
    assert reads[0]["purpose"] == "SYSTEM_TESTING"
    assert {read["outcome"] for read in reads} == {"ok"}
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert refused["errors"][0]["message"] == "accessLog: needs scope audit:read"


async def tamper(settings: Settings) -> None:
    """Change one byte of one entry, as someone with direct database access could."""
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                # The append-only trigger must be switched off first: that takes a superuser.
                await connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
            await connection.execute(
                text("UPDATE audit_log SET purpose = 'x' || substr(purpose, 2) WHERE seq = 1")
            )
            if engine.dialect.name == "postgresql":
                # Back on, or every later test on this database would find the log unguarded.
                await connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    finally:
        await engine.dispose()


def verify_command(settings: Settings) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub", "audit", "verify"],
        env={"PATH": "/usr/bin:/bin", "HUB_DATABASE_URL": settings.database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_hub_audit_verify_catches_a_one_byte_edit(
    graphql: Any, sessions: Any, settings: Settings
) -> None:
    person = await first_person(graphql, sessions)
    await graphql(PERSON, {"id": person["id"]})
    await graphql(PERSON, {"id": person["id"]})

    intact = verify_command(settings)
    await tamper(settings)
    broken = verify_command(settings)

    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.strip() == "hub: audit log intact"
    assert broken.returncode == 1
    assert "hub: audit log: entry 1: contents changed (hash does not match)" in broken.stderr
