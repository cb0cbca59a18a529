"""Appending to the audit log, and asking it who read a person's data.

Each entry's hash covers its stored fields and the previous entry's hash, so editing, removing,
inserting or reordering an entry breaks the chain where it happened (see :mod:`hub.audit.verify`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.models import ID_LENGTH, TEXT_LENGTH, AuditEntry, AuditHead, AuditSubject

GENESIS = "0" * 64
"""The ``prev_hash`` of entry 1."""

OUTCOMES = frozenset({"ok", "denied", "error"})

HASHED_FIELDS = (
    "seq",
    "at",
    "client_id",
    "agency",
    "purpose",
    "purpose_reference",
    "operation_name",
    "document_hash",
    "variables",
    "outcome",
    "subjects",
)
"""The stored fields an entry's hash covers besides ``prev_hash``: every column but ``hash``."""
ADDED_FIELDS = frozenset({"purpose_reference"})
"""Fields added after entries were written: left out of the hash when empty, so an entry
without one hashes as it did before the field existed."""

HEAD_ID = 1


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """What the GraphQL layer hands over about one request.

    ``document`` is the GraphQL document text (only its SHA-256 is stored); ``subjects`` are the
    ids of the personal records the request returned; ``outcome`` is "ok", "denied" or "error".
    """

    client_id: str
    agency: str
    purpose: str | None
    """The code of the stated purpose of use (standards/codes/purpose_of_use.csv)."""
    operation_name: str | None
    document: str
    variables: dict[str, Any]
    subjects: tuple[str, ...]
    outcome: str
    at: dt.datetime
    purpose_reference: str | None = None
    """The reference stated with the purpose (a case or file number), if any."""

    def __post_init__(self) -> None:
        # Checked here so both backends refuse the same records: SQLite ignores column lengths.
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome: {self.outcome!r} is not one of {sorted(OUTCOMES)}")
        if self.at.tzinfo is None:
            raise ValueError("at: naive datetimes are ambiguous: give a timezone")
        limited = [
            ("client_id", self.client_id, ID_LENGTH),
            ("agency", self.agency, ID_LENGTH),
            ("purpose", self.purpose, TEXT_LENGTH),
            ("purpose_reference", self.purpose_reference, TEXT_LENGTH),
            ("operation_name", self.operation_name, TEXT_LENGTH),
            *(("subjects", subject, ID_LENGTH) for subject in self.subjects),
        ]
        for name, value, limit in limited:
            if value is not None and len(value) > limit:
                raise ValueError(f"{name}: {value[:20]!r}… is longer than {limit} characters")


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of an entry: its ``fields`` (see :data:`HASHED_FIELDS`) and ``prev_hash``.

    The fields are written as canonical JSON (sorted keys, no spaces, UTF-8, datetimes as ISO 8601
    UTC with microseconds), so the hash of a row read back equals the hash it was written with.
    """
    if "hash" in fields or "prev_hash" in fields:
        raise ValueError("fields must hold neither hash nor prev_hash")
    hashed = {k: v for k, v in fields.items() if not (k in ADDED_FIELDS and v is None)}
    canonical = json.dumps(
        {**hashed, "prev_hash": prev_hash},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=_json_value,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _json_value(value: object) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: give a timezone")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    raise TypeError(f"{type(value).__name__} cannot be written to the audit log")


async def append(session: AsyncSession, record: AuditRecord) -> int:
    """Add ``record`` as the next entry of the chain and return its seq.

    The entry, its subject rows and the moved head are flushed, not committed: they belong to
    the caller's unit of work, so a request that rolls back leaves no entry (a request denied or
    failed after a rollback appends in a transaction of its own). The head stays locked until
    that unit of work ends, so appenders queue behind each other: append last, then commit.
    """
    prev_seq, prev_hash = await _lock_head(session)
    seq = prev_seq + 1
    subjects = sorted(set(record.subjects))  # order and repeats carry no meaning
    fields: dict[str, Any] = {
        "seq": seq,
        "at": record.at.astimezone(dt.UTC),
        "client_id": record.client_id,
        "agency": record.agency,
        "purpose": record.purpose,
        "purpose_reference": record.purpose_reference,
        "operation_name": record.operation_name,
        "document_hash": hashlib.sha256(record.document.encode("utf-8")).hexdigest(),
        "variables": record.variables,
        "outcome": record.outcome,
        "subjects": subjects,
    }
    digest = entry_hash(prev_hash, fields)
    session.add(AuditEntry(**fields, prev_hash=prev_hash, hash=digest))
    session.add_all(AuditSubject(seq=seq, subject=subject) for subject in subjects)
    await session.execute(
        update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=seq, hash=digest)
    )
    await session.flush()
    return seq


async def _lock_head(session: AsyncSession) -> tuple[int, str]:
    """Lock the head row for this transaction and return the newest entry's seq and hash."""
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite opens its transaction only at the first write, so a head read before one
        # could be moved by another appender before we write: take the write lock first.
        await session.execute(
            update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=AuditHead.seq)
        )
    locked = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID).with_for_update()
    head = (await session.execute(locked)).one_or_none()
    if head is None:
        try:
            # Two first appenders on PostgreSQL both find no head; the second one's insert waits
            # for the first to commit, fails, and then locks the head the first one created.
            async with session.begin_nested():
                await session.execute(insert(AuditHead).values(id=HEAD_ID, seq=0, hash=GENESIS))
        except IntegrityError:
            head = (await session.execute(locked)).one()
            return head.seq, head.hash
        # We created the head, so none was committed: entries now mean the head was removed.
        # (Checked after the insert: before it, another first appender may commit meanwhile.)
        if await session.scalar(select(func.max(AuditEntry.seq))) is not None:
            raise RuntimeError("audit_head is missing but the log holds entries")
        return 0, GENESIS
    return head.seq, head.hash


async def reads_of(session: AsyncSession, subject: str, *, limit: int = 100) -> list[AuditEntry]:
    """The newest ``limit`` entries whose request returned ``subject``, newest first."""
    query = (
        select(AuditEntry)
        .join(AuditSubject, AuditSubject.seq == AuditEntry.seq)
        .where(AuditSubject.subject == subject)
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())
