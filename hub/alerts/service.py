"""Handling alerts: acknowledge, close. Takes the session, never commits.

OPEN → ACKNOWLEDGED → CLOSED (an open alert may be closed at once). A step that does not
follow from the alert's current status is refused naming that status; nothing is changed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alerts.access import alert_rule
from hub.alerts.engine import CHANNEL, columns_of, message
from hub.alerts.models import AlertRow
from hub.canonical.codes import AlertStatus
from hub.errors import BadUserInput, NotFound
from hub.readers import Reader

DISPOSITION_MAX = 500


async def find(
    session: AsyncSession, alert_id: int, reader: Reader, *, lock: bool = False
) -> AlertRow:
    """An alert the reader may see (one of another region is not found, not forbidden)."""
    query = select(AlertRow).where(AlertRow.id == alert_id, alert_rule(reader))
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = await session.scalar(query)
    if row is None:
        raise NotFound(f"alert {alert_id} not found", field="id")
    return row


def _refuse(row: AlertRow, action: str) -> BadUserInput:
    by = row.closed_by if row.status is AlertStatus.CLOSED else row.acknowledged_by
    at = row.closed_at if row.status is AlertStatus.CLOSED else row.acknowledged_at
    return BadUserInput(
        f"id: alert {row.id} cannot be {action}: its status is {row.status.value} "
        f"(by {by} at {at:%Y-%m-%dT%H:%M:%SZ})" if at is not None else
        f"id: alert {row.id} cannot be {action}: its status is {row.status.value}",
        field="id",
    )  # fmt: skip


async def acknowledge(
    session: AsyncSession, alert_id: int, reader: Reader, actor: str, now: dt.datetime
) -> tuple[AlertRow, tuple[str, bytes]]:
    """Acknowledge an OPEN alert; the row and its message to publish once committed."""
    row = await find(session, alert_id, reader, lock=True)
    if row.status is not AlertStatus.OPEN:
        raise _refuse(row, "acknowledged")
    row.status, row.acknowledged_at, row.acknowledged_by = AlertStatus.ACKNOWLEDGED, now, actor
    await session.flush()
    return row, (CHANNEL, message(columns_of(row)))


async def close(
    session: AsyncSession,
    alert_id: int,
    reader: Reader,
    actor: str,
    disposition: str,
    now: dt.datetime,
) -> tuple[AlertRow, tuple[str, bytes]]:
    """Close an OPEN or ACKNOWLEDGED alert with its disposition; refused once CLOSED."""
    text = disposition.strip()
    if not 1 <= len(text) <= DISPOSITION_MAX:
        raise BadUserInput(
            f"disposition: 1-{DISPOSITION_MAX} characters saying how the alert was handled",
            field="disposition",
        )
    row = await find(session, alert_id, reader, lock=True)
    if row.status is AlertStatus.CLOSED:
        raise _refuse(row, "closed")
    row.status, row.closed_at, row.closed_by, row.disposition = AlertStatus.CLOSED, now, actor, text
    await session.flush()
    return row, (CHANNEL, message(columns_of(row)))
