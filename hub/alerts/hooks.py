"""The engine as the position intake and the exchange call it: the standard thresholds, now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from hub.alerts import engine, sweep
from hub.alerts.thresholds import standard
from hub.positions.lines import Fix


async def on_fixes(
    session: AsyncSession,
    fixes: Sequence[Fix],
    received_at: dt.datetime,
    drifted: Sequence[Fix] = (),
) -> list[tuple[str, bytes]]:
    """Every rule on a batch of fixes just stored, and POSITION_DRIFT on those refused as jumps
    (``hub.positions.intake.Observer``)."""
    return await engine.on_fixes(session, fixes, standard(), received_at, drifted)


async def on_records(
    session: AsyncSession, records: Sequence[object], received_at: dt.datetime
) -> list[tuple[str, bytes]]:
    """The record-based rules on records just applied by the exchange."""
    return await sweep.on_records(session, records, standard(), received_at)
