"""The audit log on each database: appended entries chain, and tampering is caught and named."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from typing import Any

import pytest
from sqlalchemy import Executable, delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from hub.audit.log import GENESIS, HASHED_FIELDS, AuditRecord, append, entry_hash, reads_of
from hub.audit.models import AuditEntry, AuditSubject
from hub.audit.verify import Problem, verify

BEIJING = dt.timezone(dt.timedelta(hours=8))
DOCUMENT = "query Check($id: String!) { practitioner(idNumber: $id) { name } }"


def record(n: int, *subjects: str, **overrides: Any) -> AuditRecord:
    """The record of the n-th request of an enforcement officer's app."""
    values: dict[str, Any] = {
        "client_id": "enforcement-app",
        "agency": "JSJT",
        "purpose": "roadside inspection",
        "operation_name": "Check",
        "document": DOCUMENT,
        "variables": {"id": f"32010219900101{n:04d}", "note": "苏A24913 路检"},
        "subjects": subjects or (f"practitioner/{n}",),
        "outcome": "ok",
        "at": dt.datetime(2026, 11, 25, 9, n, 0, 123456, tzinfo=BEIJING),
    }
    return AuditRecord(**(values | overrides))


async def append_each(sessions: Any, *records: AuditRecord) -> list[int]:
    """Append each record in a transaction of its own, as separate requests would."""
    seqs = []
    for one in records:
        async with sessions() as session, session.begin():
            seqs.append(await append(session, one))
    return seqs


async def check(sessions: Any, **options: Any) -> list[Problem]:
    async with sessions() as session:
        return await verify(session, **options)


async def tamper(sessions: Any, *statements: Executable, refused: bool = True) -> None:
    """Run ``statements`` as an intruder would.

    On PostgreSQL the triggers refuse each one first (when ``refused``); then, as only a
    superuser can, they are disabled for one transaction that runs them all and re-enables them.
    """
    async with sessions() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
    if postgres and refused:
        for statement in statements:
            with pytest.raises(DBAPIError, match="audit log is append-only"):
                async with sessions() as session, session.begin():
                    await session.execute(statement)
    async with sessions() as session, session.begin():
        if postgres:
            for table in ("audit_log", "audit_subjects"):
                await session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for statement in statements:
            await session.execute(statement)
        if postgres:
            for table in ("audit_log", "audit_subjects"):
                await session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


async def test_appended_entries_are_numbered_chained_and_verify(sessions: Any) -> None:
    seqs = await append_each(sessions, record(1), record(2), record(3))

    async with sessions() as session:
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    assert seqs == [entry.seq for entry in entries] == [1, 2, 3]
    assert [entry.prev_hash for entry in entries] == [GENESIS, entries[0].hash, entries[1].hash]
    for entry in entries:
        fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
        assert entry.hash == entry_hash(entry.prev_hash, fields)
    first = entries[0]
    assert first.at == dt.datetime(2026, 11, 25, 1, 1, 0, 123456, tzinfo=dt.UTC)
    assert first.document_hash == hashlib.sha256(DOCUMENT.encode()).hexdigest()
    assert first.variables == {"id": "320102199001010001", "note": "苏A24913 路检"}
    assert first.subjects == ["practitioner/1"]
    assert await check(sessions) == []


async def test_an_entry_leaves_with_the_unit_of_work_that_rolls_back(sessions: Any) -> None:
    async with sessions() as session:
        await append(session, record(1))
        await session.rollback()  # the request failed

    assert await append_each(sessions, record(2)) == [1]
    assert await check(sessions) == []


def test_a_record_that_a_backend_would_store_differently_is_refused() -> None:
    with pytest.raises(ValueError, match="outcome: 'fine' is not one of"):
        record(1, outcome="fine")
    with pytest.raises(ValueError, match="at: naive datetimes are ambiguous"):
        record(1, at=dt.datetime(2026, 11, 25, 9, 0))
    with pytest.raises(ValueError, match=r"purpose: 'xxxx.*is longer than 200 characters"):
        record(1, purpose="x" * 201)
    with pytest.raises(ValueError, match=r"subjects: .* is longer than 64 characters"):
        record(1, "practitioner/1", "y" * 65)


async def test_reads_of_a_subject_are_the_entries_naming_it_newest_first(sessions: Any) -> None:
    await append_each(
        sessions,
        record(1, "practitioner/1", "vehicle/7"),
        record(2, "practitioner/2"),
        record(3, "practitioner/1", "practitioner/1"),
    )

    async with sessions() as session:
        assert [entry.seq for entry in await reads_of(session, "practitioner/1")] == [3, 1]
        assert [entry.seq for entry in await reads_of(session, "practitioner/2")] == [2]
        assert [entry.seq for entry in await reads_of(session, "practitioner/1", limit=1)] == [3]
        assert await reads_of(session, "practitioner/9") == []
        newest = (await reads_of(session, "practitioner/1"))[0]
    assert (newest.client_id, newest.agency, newest.purpose) == (
        "enforcement-app",
        "JSJT",
        "roadside inspection",
    )
    assert newest.subjects == ["practitioner/1"]  # repeats carry no meaning


async def test_a_one_byte_edit_is_named(sessions: Any) -> None:
    await append_each(sessions, record(1), record(2), record(3))

    await tamper(
        sessions,
        text("UPDATE audit_log SET purpose = 'roadside inspectioN' WHERE seq = 2"),
    )

    assert await check(sessions) == [Problem(2, "entry 2: contents changed (hash does not match)")]


@pytest.mark.parametrize(
    ("removed", "problem"),
    [
        (3, Problem(3, "entry 3 is missing (2 is followed by 4)")),
        (1, Problem(1, "entry 1 is missing (log starts at 2)")),
        (5, Problem(None, "head says 5 entries, log ends at 4")),
    ],
)
async def test_a_removed_entry_is_named(sessions: Any, removed: int, problem: Problem) -> None:
    await append_each(sessions, *(record(n) for n in range(1, 6)))

    await tamper(
        sessions,
        delete(AuditSubject).where(AuditSubject.seq == removed),
        delete(AuditEntry).where(AuditEntry.seq == removed),
    )

    # Batches of two: entry 3 is the first of the second batch, so the walk crosses one.
    assert await check(sessions, batch_size=2) == [problem]


async def test_a_removed_head_is_named_and_stops_appending(sessions: Any) -> None:
    await append_each(sessions, record(1), record(2), record(3))

    await tamper(sessions, text("DELETE FROM audit_head"), refused=False)

    assert await check(sessions) == [Problem(None, "head is missing, log ends at 3")]
    with pytest.raises(RuntimeError, match="audit_head is missing but the log holds entries"):
        await append_each(sessions, record(4))


async def test_two_swapped_entries_are_named(sessions: Any) -> None:
    await append_each(sessions, record(1), record(2), record(3))
    async with sessions() as session:
        rows = {
            row.seq: {name: value for name, value in row._mapping.items() if name != "seq"}
            for row in await session.execute(select(AuditEntry.__table__))
        }

    await tamper(
        sessions,
        update(AuditEntry.__table__).where(AuditEntry.seq == 1).values(rows[2]),
        update(AuditEntry.__table__).where(AuditEntry.seq == 2).values(rows[1]),
    )

    assert await check(sessions) == [
        Problem(1, "entry 1: chain broken: prev_hash does not match the genesis hash"),
        Problem(1, "entry 1: contents changed (hash does not match)"),
        Problem(1, "entry 1: subjects differ from the entry's list"),
        Problem(2, "entry 2: chain broken: prev_hash does not match entry 1"),
        Problem(2, "entry 2: contents changed (hash does not match)"),
        Problem(2, "entry 2: subjects differ from the entry's list"),
        Problem(3, "entry 3: chain broken: prev_hash does not match entry 2"),
    ]


async def test_an_edited_subjects_row_is_named(sessions: Any) -> None:
    await append_each(sessions, record(1), record(2), record(3))

    await tamper(
        sessions,
        text("UPDATE audit_subjects SET subject = 'practitioner/9' WHERE seq = 2"),
    )

    assert await check(sessions) == [Problem(2, "entry 2: subjects differ from the entry's list")]


async def test_an_entry_added_behind_the_appenders_back_is_named(sessions: Any) -> None:
    await append_each(sessions, record(1), record(2), record(3))
    async with sessions() as session:
        last = await session.get_one(AuditEntry, 3)
    # A well-forged entry: correctly chained and hashed, only the head was not moved.
    fields = {name: getattr(last, name) for name in HASHED_FIELDS} | {"seq": 4, "purpose": "none"}

    await tamper(
        sessions,
        insert(AuditEntry.__table__).values(
            **fields, prev_hash=last.hash, hash=entry_hash(last.hash, fields)
        ),
        refused=False,  # the triggers guard what is there, not what is added
    )

    assert await check(sessions) == [Problem(4, "entry 4 is past the head")]


async def test_concurrent_appends_form_one_chain(sessions: Any) -> None:
    async def one_request(n: int) -> int:
        async with sessions() as session, session.begin():
            return await append(session, record(n))

    seqs = await asyncio.gather(*(one_request(n) for n in range(1, 11)))

    assert sorted(seqs) == list(range(1, 11))
    assert await check(sessions) == []
