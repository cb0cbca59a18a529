"""Checking the audit log's hash chain, naming every entry that is not as it was appended.

The walk covers the entries up to the head as it was when the walk began: those were committed
with that head and never change, while later ones may be being appended right now. So verifying
needs no snapshot and can run beside a serving hub.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.checkpoints import Checkpoint, Checkpoints, Reading
from hub.audit.log import GENESIS, HASHED_FIELDS, HEAD_ID, entry_hash
from hub.audit.models import AuditEntry, AuditHead, AuditSubject
from hub.config import Settings
from hub.db import check_connection, create_engine, session_factory
from hub.errors import ServiceUnavailable
from hub.migrate import current_revision, head_revision
from hub.sealing import key_encryption_key


@dataclass(frozen=True, slots=True)
class Problem:
    """One way the log differs from what was appended; ``seq`` is the entry, if one is to blame."""

    seq: int | None
    message: str


async def verify(
    session: AsyncSession, *, batch_size: int = 500, checkpoint: Checkpoint | None = None
) -> list[Problem]:
    """Every problem of the audit log, in seq order; an empty list means it is intact.

    Reads ``batch_size`` entries at a time (never the whole table), recomputes each hash, and
    checks that seqs are consecutive, each entry chains to the one before, the head names the
    last entry, and the ``audit_subjects`` rows of each entry are the entry's list of subjects.
    Given the newest ``checkpoint``, the log must reach it and agree with it there.
    """
    head = await _head(session)
    problems: list[Problem] = []
    last_seq, last_hash = 0, GENESIS
    at_checkpoint: str | None = None
    while True:
        query = select(AuditEntry.__table__).where(AuditEntry.seq > last_seq)
        if head is not None:
            query = query.where(AuditEntry.seq <= head.seq)
        rows = (await session.execute(query.order_by(AuditEntry.seq).limit(batch_size))).all()
        if not rows:
            break
        subjects = await _subjects(session, after=last_seq, upto=rows[-1].seq)
        for row in rows:
            problems += _check_entry(row, last_seq, last_hash, subjects.pop(row.seq, []))
            last_seq, last_hash = row.seq, row.hash
            if checkpoint is not None and row.seq == checkpoint.seq:
                at_checkpoint = row.hash
        problems += [
            Problem(seq, f"audit_subjects rows name entry {seq}, which is not in the log")
            for seq in sorted(subjects)
        ]
    if checkpoint is not None:
        problems += _against_checkpoint(checkpoint, last_seq, at_checkpoint)
    if head is None:
        if last_seq:
            problems.append(Problem(None, f"head is missing, log ends at {last_seq}"))
        return problems
    if last_seq != head.seq:
        problems.append(Problem(None, f"head says {head.seq} entries, log ends at {last_seq}"))
    elif last_hash != head.hash:
        problems.append(Problem(None, f"head hash does not match entry {last_seq}"))
    return problems + await _past_the_head(session)


def _check_entry(
    row: Row[Any], prev_seq: int, prev_hash: str, subject_rows: list[str]
) -> list[Problem]:
    seq: int = row.seq
    problems = []
    if seq != prev_seq + 1:
        where = f"{prev_seq} is followed by {seq}" if prev_seq else f"log starts at {seq}"
        problems.append(Problem(prev_seq + 1, f"{_span(prev_seq + 1, seq - 1)} missing ({where})"))
    elif row.prev_hash != prev_hash:
        # After a gap the chain is broken by definition; said once, above, not twice.
        before = f"entry {prev_seq}" if prev_seq else "the genesis hash"
        message = f"entry {seq}: chain broken: prev_hash does not match {before}"
        problems.append(Problem(seq, message))
    fields = {name: row._mapping[name] for name in HASHED_FIELDS}
    if entry_hash(row.prev_hash, fields) != row.hash:
        problems.append(Problem(seq, f"entry {seq}: contents changed (hash does not match)"))
    # append() stores the list sorted; comparing lists never raises on a tampered JSON value.
    if sorted(subject_rows) != row.subjects:
        problems.append(Problem(seq, f"entry {seq}: subjects differ from the entry's list"))
    return problems


def _against_checkpoint(
    checkpoint: Checkpoint, last_seq: int, hash_there: str | None
) -> list[Problem]:
    """A log that ends before the newest checkpoint lost its tail; one that differs at it was
    rewritten (each entry's hash covers every entry before it)."""
    if last_seq < checkpoint.seq:
        cut = _span(last_seq + 1, checkpoint.seq)
        return [
            Problem(
                last_seq + 1,
                f"{cut} cut from the end: the checkpoint of {checkpoint.at} names entry "
                f"{checkpoint.seq}, the log ends at {last_seq}",
            )
        ]
    if hash_there != checkpoint.hash:
        return [
            Problem(
                checkpoint.seq,
                f"entry {checkpoint.seq} differs from the checkpoint of {checkpoint.at}: "
                "the log was rewritten up to there",
            )
        ]
    return []


async def _head(session: AsyncSession) -> Row[int, str] | None:
    query = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)
    return (await session.execute(query)).one_or_none()


async def _subjects(session: AsyncSession, *, after: int, upto: int) -> dict[int, list[str]]:
    """The audit_subjects rows of seqs in (after, upto], by seq."""
    query = select(AuditSubject.seq, AuditSubject.subject).where(
        AuditSubject.seq > after, AuditSubject.seq <= upto
    )
    by_seq: dict[int, list[str]] = defaultdict(list)
    for seq, subject in await session.execute(query):
        by_seq[seq].append(subject)
    return by_seq


async def _past_the_head(session: AsyncSession) -> list[Problem]:
    """Entries the head has never covered: added behind the appender's back.

    The log's end is read before the head; an appender moves both in one transaction, so a
    head read later is at least as far, unless an entry was added without moving it.
    """
    end = await session.scalar(select(func.max(AuditEntry.seq)))
    head = await _head(session)
    if end is None or head is None or end <= head.seq:
        return []
    return [Problem(head.seq + 1, f"{_span(head.seq + 1, end)} past the head")]


def _span(first: int, last: int) -> str:
    return f"entry {first} is" if first == last else f"entries {first}–{last} are"


async def verify_database(settings: Settings) -> list[Problem]:
    """Verify the audit log of the configured database against the newest checkpoint (what
    ``hub audit verify`` runs); a checkpoint line that does not verify is a problem too."""
    reading = Reading(None, [])
    if settings.audit_checkpoints.exists():
        reading = Checkpoints(settings.audit_checkpoints, key_encryption_key(settings)).read()
    engine = create_engine(settings)
    try:
        await check_connection(engine)
        if await current_revision(engine) != head_revision():
            raise ServiceUnavailable("the database is not at the newest schema: run `hub migrate`")
        async with session_factory(engine)() as session:
            found = await verify(session, checkpoint=reading.newest)
    finally:
        await engine.dispose()
    return [Problem(None, problem) for problem in reading.problems] + found
