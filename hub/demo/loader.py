"""Writing generated demo data into the database, all of it in one transaction."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tqdm import tqdm

from hub.cargo.models import DangerousGoods
from hub.db import Base
from hub.demo.generator import DemoData
from hub.enforcement import models as enforcement
from hub.lines.models import LineStop, PassengerLine
from hub.operators.models import Operator, Permit
from hub.practitioners.models import Practitioner, QualificationCertificate
from hub.stations.models import Station
from hub.vehicles.models import Vehicle
from hub.vessels.models import Vessel, VesselCertificate

MODELS: dict[str, type[Base]] = {
    model.__tablename__: model
    for model in (
        Operator,
        Permit,
        Station,
        PassengerLine,
        LineStop,
        Vehicle,
        Vessel,
        VesselCertificate,
        Practitioner,
        QualificationCertificate,
        DangerousGoods,
        enforcement.EnforcementOfficer,
        enforcement.InspectionDrawRow,
        enforcement.CaseRow,
        enforcement.InspectionRow,
        enforcement.InspectionItemRow,
        enforcement.OnSiteRecordRow,
        enforcement.EvidenceFileRow,
    )
}
"""The model of every table the demo fills, by table name."""

# PostgreSQL takes at most 32767 bind parameters in one statement; a multi-row INSERT binds
# one per column and row, so wide tables get smaller chunks.
MAX_PARAMETERS = 32767
MAX_CHUNK = 2000
# The ORM batches rows by their set of non-NULL columns unless told to render the NULLs; rows
# with a NULL here and there (seats, line_id) would otherwise go in many tiny batches, 7x slower.
_NULLS = {"render_nulls": True}


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What was loaded."""

    counts: dict[str, int]
    """Table name → rows inserted."""


async def load(
    sessions: async_sessionmaker[AsyncSession], data: DemoData, *, progress: bool = False
) -> DemoSummary:
    """Insert ``data`` table by table in foreign-key order, in one transaction: a failure
    leaves nothing half-written. On PostgreSQL the id sequences are moved past the rows."""
    total = sum(len(rows) for rows in data.tables.values())
    counts: dict[str, int] = {}
    with tqdm(total=total, unit="row", file=sys.stderr, disable=not progress) as bar:
        async with sessions() as session, session.begin():
            for table, rows in data.tables.items():
                model = MODELS[table]
                size = chunk_size(len(model.__table__.columns))
                for start in range(0, len(rows), size):
                    chunk = rows[start : start + size]
                    await session.execute(insert(model), chunk, execution_options=_NULLS)
                    bar.update(len(chunk))
                counts[table] = len(rows)
            if (await session.connection()).dialect.name == "postgresql":
                await _advance_sequences(session, [t for t, n in counts.items() if n])
    return DemoSummary(counts)


def chunk_size(columns: int) -> int:
    """Rows per INSERT for a table of ``columns`` columns: 2000, fewer for wide tables."""
    return max(1, min(MAX_CHUNK, MAX_PARAMETERS // columns))


async def _advance_sequences(session: AsyncSession, tables: list[str]) -> None:
    # Rows were inserted with explicit ids, which leaves the serial sequences at 1: the next
    # row created through the API would collide with demo row 1.
    for table in tables:
        if "id" not in MODELS[table].__table__.columns:
            continue  # line_stops is keyed by (line, sequence)
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        )


async def is_empty(sessions: async_sessionmaker[AsyncSession]) -> bool:
    """True when the operators table has no row, i.e. the demo (or real data) is not loaded."""
    async with sessions() as session:
        return await session.scalar(select(Operator.id).limit(1)) is None


async def analyze(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Give PostgreSQL's planner statistics of what was just loaded.

    Without them it estimates every table from its size alone, and picks plans for a few
    rows: the alert sweep's search for overdue vehicles without an open alert became a
    nested loop over 6,600 vehicles × 7,000 alerts, 2.3 s of a core per kind on each worker
    every minute at demo scale 5 (19 ms once analyzed). Autovacuum would analyze the tables in
    time, but it may be off or behind, and the hub is used right after ``hub demo``.
    """
    async with sessions() as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text("ANALYZE"))
