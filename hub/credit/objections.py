"""Objections (异议) and credit repair (信用修复).

The subject (a client acting for the operator's credit code) objects to an event or a list
entry about it; a reviewer decides. Upheld, an event is retracted by a new event and an entry
ends early; the objection, the decision and what they changed all stay on record. An objection
to something that is not the client's own is not found, as if it did not exist.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import CreditSubjectKind, ObjectionStatus
from hub.credit.complaints import MAX_CONTENT, checked_text
from hub.credit.models import CreditEventRow, ListEntryRow, ObjectionRow
from hub.credit.service import remove_from_list
from hub.errors import BadUserInput, NotFound


async def file(
    session: AsyncSession,
    uscc: str | None,
    client_id: str,
    event_id: int | None,
    entry_id: int | None,
    reason: str,
    at: dt.datetime,
) -> ObjectionRow:
    """File the objection of the operator ``uscc`` against its own event or entry."""
    if (event_id is None) == (entry_id is None):
        raise BadUserInput("name exactly one of eventId and listEntryId", field="eventId")
    text = checked_text(reason, "reason", MAX_CONTENT)
    target: CreditEventRow | ListEntryRow | None
    if event_id is not None:
        target = await session.get(CreditEventRow, event_id)
        what = f"eventId: no credit event {event_id} of yours"
    else:
        target = await session.get(ListEntryRow, entry_id)
        what = f"listEntryId: no list entry {entry_id} of yours"
    if (
        target is None
        or uscc is None
        or target.subject_kind is not CreditSubjectKind.OPERATOR
        or target.subject_key != uscc
    ):
        raise NotFound(what, field="eventId" if event_id is not None else "listEntryId")
    row = ObjectionRow(
        subject_kind=target.subject_kind,
        subject_key=target.subject_key,
        event_id=event_id,
        entry_id=entry_id,
        filed_by=client_id,
        reason=text,
        filed_at=at,
        status=ObjectionStatus.PENDING,
    )
    session.add(row)
    await session.flush()
    return row


async def decide(
    session: AsyncSession,
    objection_id: int,
    upheld: bool,
    note: str,
    reviewer: str,
    at: dt.datetime,
) -> tuple[ObjectionRow, list[int]]:
    """A reviewer's decision; upheld, the event is retracted or the entry removed. Returns the
    objection and the ids of list changes made (to publish once committed)."""
    row = await session.get(ObjectionRow, objection_id)
    if row is None:
        raise NotFound(f"id: no objection {objection_id}", field="id")
    if row.status is not ObjectionStatus.PENDING:
        raise BadUserInput(f"objection {objection_id} is decided already", field="id")
    row.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
    row.decision_note = checked_text(note, "note", MAX_CONTENT)
    row.reviewer, row.decided_at = reviewer, at
    changes: list[int] = []
    if upheld and row.event_id is not None:
        event = await session.get(CreditEventRow, row.event_id)
        assert event is not None  # a foreign key
        session.add(
            CreditEventRow(
                subject_kind=event.subject_kind,
                subject_key=event.subject_key,
                kind=event.kind,
                source_kind="objections",
                source_record_id=str(row.id),
                agency=reviewer,
                summary=f"异议成立，撤销事件 {event.id} / objection upheld, retracts {event.id}",
                occurred_on=at.date(),
                valid_from=event.valid_from,
                valid_until=event.valid_until,
                recorded_at=at,
                retracts_id=event.id,
            )
        )
    elif upheld and row.entry_id is not None:
        entry = await session.get(ListEntryRow, row.entry_id)
        assert entry is not None
        if entry.removed_on is None:
            changes.append(await remove_from_list(session, entry, f"信用修复 / repair: {note}", at))
    await session.flush()
    return row, changes


async def of_subject(
    session: AsyncSession, kind: CreditSubjectKind, key: str
) -> list[ObjectionRow]:
    """A subject's objections, oldest first."""
    rows = await session.scalars(
        select(ObjectionRow)
        .where(ObjectionRow.subject_kind == kind, ObjectionRow.subject_key == key)
        .order_by(ObjectionRow.id)
    )
    return list(rows)
