"""Checkpoints of the audit chain's head, outside the database, catch a cut tail; PostgreSQL
refuses TRUNCATE, and a hub running as a member of ``hub_runtime`` can only append."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from hub.audit.checkpoints import Checkpointer, Checkpoints
from hub.audit.log import GENESIS, AuditRecord, append
from hub.audit.verify import Problem, verify_database
from hub.config import KEK_VARIABLE, Settings, decode_kek
from hub.db import create_engine, session_factory
from hub.sealing import key_encryption_key, new_secret
from tests.audit.test_verify_cli import append_requests
from tests.auth.test_audit_trail import PERSON, entries, first_person
from tests.conftest import GraphQLClient, fetch_token, hub_command, register_client, running

FORGED = AuditRecord(
    client_id="someone-else",
    agency="JSJT",
    purpose=None,
    operation_name=None,
    document="{ vehicles { totalCount } }",
    variables={},
    subjects=(),
    outcome="ok",
    at=dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC),
)


def checkpointer(settings: Settings, sessions: Any) -> Checkpointer:
    return Checkpointer(
        sessions, Checkpoints(settings.audit_checkpoints, key_encryption_key(settings))
    )


async def cut_tail(sessions: Any, keep: int) -> None:
    """Delete the entries after ``keep`` and move the head back to entry ``keep``, as someone
    with the database (and, on PostgreSQL, a superuser's power over its triggers) could."""
    async with sessions() as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text("SET LOCAL session_replication_role = replica"))
        await session.execute(text("DELETE FROM audit_subjects WHERE seq > :n"), {"n": keep})
        await session.execute(text("DELETE FROM audit_log WHERE seq > :n"), {"n": keep})
        end = "coalesce((SELECT hash FROM audit_log WHERE seq = :n), :genesis)"
        await session.execute(
            text(f"UPDATE audit_head SET seq = :n, hash = {end}"), {"n": keep, "genesis": GENESIS}
        )


async def test_a_cut_tail_is_named_against_the_last_checkpoint(
    settings: Settings, sessions: Any
) -> None:
    await append_requests(sessions, 5)
    written = await checkpointer(settings, sessions).write_if_moved()
    assert await verify_database(settings) == []

    await cut_tail(sessions, keep=3)

    assert written is not None
    assert await verify_database(settings) == [
        Problem(
            4,
            f"entries 4–5 are cut from the end: the checkpoint of {written.at} names entry 5, "
            "the log ends at 3",
        )
    ]


async def test_hub_audit_verify_names_a_cut_tail(settings: Settings, sessions: Any) -> None:
    await append_requests(sessions, 4)
    checkpointed = hub_command(settings, "audit", "checkpoint")
    intact = hub_command(settings, "audit", "verify")
    await cut_tail(sessions, keep=3)

    cut = hub_command(settings, "audit", "verify")
    cut_in_chinese = hub_command(settings, "audit", "verify", LANG="zh_CN.UTF-8")

    assert checkpointed.stdout.startswith("hub: checkpoint of entry 4 written to "), checkpointed
    assert intact.returncode == 0, intact.stderr
    assert cut.returncode == 1
    assert "hub: audit log: entry 4 is cut from the end: the checkpoint of " in cut.stderr
    assert "hub: 审计日志：第 4 条从末尾被截去：" in cut_in_chinese.stderr
    assert "的检查点记到第 4 条，日志止于第 3 条" in cut_in_chinese.stderr


async def test_a_log_rewritten_below_the_checkpoint_is_named(
    settings: Settings, sessions: Any
) -> None:
    await append_requests(sessions, 3)
    await checkpointer(settings, sessions).write_if_moved()
    await cut_tail(sessions, keep=0)
    for n in range(3):  # a new chain, intact in itself, as long as the old one
        async with sessions() as session, session.begin():
            await append(session, replace(FORGED, subjects=(f"practitioner/{n}",)))

    problems = await verify_database(settings)

    assert [problem.seq for problem in problems] == [3]
    assert problems[0].message.startswith("entry 3 differs from the checkpoint of ")


async def test_an_edited_checkpoint_is_named_and_not_trusted(
    settings: Settings, sessions: Any
) -> None:
    await append_requests(sessions, 2)
    await checkpointer(settings, sessions).write_if_moved()
    path = settings.audit_checkpoints
    line = json.loads(path.read_text())
    path.write_text(json.dumps({**line, "seq": 1}) + "\n")  # hiding entry 2 from the check

    problems = await verify_database(settings)

    assert problems == [
        Problem(None, f"checkpoint {path}:1: signature does not match: the line was edited")
    ]


async def test_checkpoints_under_another_kek_are_named(settings: Settings, sessions: Any) -> None:
    await append_requests(sessions, 1)
    await checkpointer(settings, sessions).write_if_moved()
    other = replace(settings, key_encryption_key=decode_kek(new_secret(), KEK_VARIABLE))

    [problem] = await verify_database(other)

    assert problem.seq is None
    assert "signed under key-encryption key " in problem.message
    assert "(`hub keys rewrap` re-signs checkpoints)" in problem.message


async def test_the_running_hub_checkpoints_the_head_when_it_stops(
    settings: Settings, sessions: Any
) -> None:
    async with running(settings):
        await append_requests(sessions, 2)

    reading = Checkpoints(settings.audit_checkpoints, key_encryption_key(settings)).read()

    assert reading.problems == []
    assert reading.newest is not None
    assert reading.newest.seq == 2


async def test_each_audited_request_is_checkpointed_before_it_is_answered(
    settings: Settings, sessions: Any
) -> None:
    hourly = replace(settings, audit_checkpoint_seconds=3600)  # the periodic write stays away
    checkpoints = Checkpoints(settings.audit_checkpoints, key_encryption_key(settings))
    async with running(hourly) as http:
        portal = await GraphQLClient(http).as_client()
        person = await first_person(portal, sessions)
        await portal(PERSON, {"id": person["id"]})
        answered = len(await entries(sessions))
        newest = checkpoints.read().newest

        await cut_tail(sessions, keep=answered - 1)
        problems = await verify_database(settings)

    assert newest is not None
    assert newest.seq == answered  # written by the request, not at the hour or at the stop
    assert [problem.seq for problem in problems] == [answered]
    assert problems[0].message.startswith(f"entry {answered} is cut from the end: ")


async def test_postgresql_refuses_truncate_of_the_audit_tables(settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE; its file is the operator's to protect")
    engine = create_engine(settings)
    refused = []
    try:
        for table in ("audit_log", "audit_subjects", "audit_head"):
            with pytest.raises(DBAPIError) as caught:
                async with engine.begin() as connection:
                    await connection.execute(text(f"TRUNCATE {table} CASCADE"))
            refused.append(str(caught.value.orig))
    finally:
        await engine.dispose()

    assert all("audit log is append-only" in message for message in refused), refused


@pytest.fixture
async def runtime_role(settings: Settings) -> AsyncIterator[Settings]:
    """Settings that connect as a fresh login role, member of ``hub_runtime``, owning nothing."""
    if settings.is_sqlite:
        pytest.skip("SQLite has no roles: the database file's permissions are the control")
    role = f"hub_app_{uuid.uuid4().hex[:8]}"
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"CREATE ROLE {role} LOGIN IN ROLE hub_runtime"))
        url = make_url(settings.database_url).set(username=role, password=None)
        yield replace(settings, database_url=url.render_as_string(hide_password=False))
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
        await engine.dispose()


async def test_the_runtime_role_serves_and_appends_but_cannot_erase_the_audit_log(
    runtime_role: Settings,
) -> None:
    async with running(runtime_role) as http:  # makes its signing key, takes requests
        client_id, secret = await register_client(http, "registry:read")
        token = await fetch_token(http, client_id, secret)
        sessions = session_factory(http.app.state.engine)  # type: ignore[attr-defined]
        await append_requests(sessions, 2)
        refused = {}
        for name, statement in {
            "delete": "DELETE FROM audit_log",
            "update": "UPDATE audit_log SET agency = 'x'",
            "truncate": "TRUNCATE audit_log CASCADE",
            "disable": "ALTER TABLE audit_log DISABLE TRIGGER USER",
            "head": "DELETE FROM audit_head",
        }.items():
            with pytest.raises(DBAPIError) as caught:
                async with sessions() as session, session.begin():
                    await session.execute(text(statement))
            refused[name] = str(caught.value.orig)

    assert token
    assert await verify_database(runtime_role) == []
    assert "permission denied for table audit_log" in refused["delete"]
    assert "permission denied for table audit_log" in refused["update"]
    assert "permission denied for table audit_log" in refused["truncate"]
    assert "must be owner of table audit_log" in refused["disable"]
    assert "permission denied for table audit_head" in refused["head"]
