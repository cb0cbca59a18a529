"""Credit events derived from what the hub receives: a registry of sources.

Each source is a function that reads one kind of record and returns the credit events it
implies, each pointing at its record (``source_kind`` + the record's id at its agency) and the
agency behind it. :func:`collect` runs every registered source and stores what is new: events
are immutable and unique by (source, record, subject, kind), so collecting again adds only what
arrived since. A new source (inspection results, say) is one more function in ``SOURCES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agency_records.models import (
    AccidentRow,
    AccidentVehicleRow,
    HotlineComplaintRow,
    TrafficViolationRow,
)
from hub.canonical.codes import (
    AccidentResponsibility,
    ComplaintStatus,
    CreditEventKind,
    CreditSubjectKind,
    InspectionResult,
)
from hub.credit.models import CommendationRow, ComplaintRow, CreditEventRow, PenaltyRow
from hub.enforcement.models import InspectionRow
from hub.operators.models import Operator
from hub.vehicles.models import Vehicle

VALIDITY_DAYS: dict[CreditEventKind, int] = {
    CreditEventKind.TRAFFIC_VIOLATION: 365,
    CreditEventKind.ACCIDENT_FULL: 3 * 365,
    CreditEventKind.ACCIDENT_MAIN: 3 * 365,
    CreditEventKind.ACCIDENT_EQUAL: 2 * 365,
    CreditEventKind.ACCIDENT_SECONDARY: 365,
    CreditEventKind.PENALTY: 3 * 365,
    CreditEventKind.COMPLAINT_SUBSTANTIATED: 365,
    CreditEventKind.COMMENDATION: 365,
    CreditEventKind.INSPECTION_FAILED: 365,
}
"""How long an event of each kind counts, from the day it happened (publicity periods)."""

ACCIDENT_KINDS = {
    AccidentResponsibility.FULL: CreditEventKind.ACCIDENT_FULL,
    AccidentResponsibility.MAIN: CreditEventKind.ACCIDENT_MAIN,
    AccidentResponsibility.EQUAL: CreditEventKind.ACCIDENT_EQUAL,
    AccidentResponsibility.SECONDARY: CreditEventKind.ACCIDENT_SECONDARY,
}


@dataclass(frozen=True, slots=True)
class Derived:
    """A credit event a source implies, before it is stored."""

    subject_kind: CreditSubjectKind
    subject_key: str
    kind: CreditEventKind
    source_record_id: str
    agency: str
    summary: str
    occurred_on: dt.date

    def row(self, source_kind: str, at: dt.datetime) -> dict[str, object]:
        """The values of its row: valid from the day it happened, for its kind's period."""
        until = self.occurred_on + dt.timedelta(days=VALIDITY_DAYS[self.kind])
        return {
            **asdict(self),
            "summary": self.summary[:400],
            "source_kind": source_kind,
            "valid_from": self.occurred_on,
            "valid_until": until,
            "recorded_at": at,
        }


Source = Callable[[AsyncSession], Awaitable[list[Derived]]]
SOURCES: dict[str, Source] = {}
"""Every source of credit events by name (the ``source_kind`` its events carry)."""


def source(name: str) -> Callable[[Source], Source]:
    """Register a source under ``name``; a name twice is a mistake."""

    def register(function: Source) -> Source:
        if name in SOURCES:
            raise ValueError(f"credit event source {name!r} is registered twice")
        SOURCES[name] = function
        return function

    return register


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).date()


@source("traffic_violations")
async def traffic_violations(session: AsyncSession) -> list[Derived]:
    """A violation by an operating vehicle counts against the vehicle's operator."""
    rows = await session.execute(
        select(TrafficViolationRow, Operator.uscc)
        .join(
            Vehicle,
            (Vehicle.plate == TrafficViolationRow.plate)
            & (Vehicle.plate_color == TrafficViolationRow.plate_color),
        )
        .join(Operator, Operator.id == Vehicle.operator_id)
    )
    return [
        Derived(
            CreditSubjectKind.OPERATOR,
            uscc,
            CreditEventKind.TRAFFIC_VIOLATION,
            v.source_record_id,
            v.source,
            f"{v.plate} {v.description}（{v.place}）",
            _local_day(v.occurred_at),
        )
        for v, uscc in rows
    ]


@source("accidents")
async def accidents(session: AsyncSession) -> list[Derived]:
    """An accident counts against the operator of each vehicle held responsible, by degree."""
    rows = await session.execute(
        select(AccidentRow, AccidentVehicleRow, Operator.uscc)
        .join(AccidentVehicleRow, AccidentVehicleRow.accident_id == AccidentRow.id)
        .join(
            Vehicle,
            (Vehicle.plate == AccidentVehicleRow.plate)
            & (Vehicle.plate_color == AccidentVehicleRow.plate_color),
        )
        .join(Operator, Operator.id == Vehicle.operator_id)
        .where(AccidentVehicleRow.responsibility.in_(list(ACCIDENT_KINDS)))
    )
    return [
        Derived(
            CreditSubjectKind.OPERATOR,
            uscc,
            ACCIDENT_KINDS[vehicle.responsibility],
            accident.source_record_id,
            accident.source,
            f"{accident.place}：死亡 {accident.deaths} 人，受伤 {accident.injuries} 人",
            _local_day(accident.occurred_at),
        )
        for accident, vehicle, uscc in rows
    ]


@source("penalties")
async def penalties(session: AsyncSession) -> list[Derived]:
    """Every administrative penalty decision counts against its subject."""
    rows = await session.scalars(select(PenaltyRow))
    return [
        Derived(
            p.subject_kind,
            p.subject_key,
            CreditEventKind.PENALTY,
            p.decision_number,
            p.authority,
            f"{p.decision_number} {p.provision}",
            p.decided_on,
        )
        for p in rows
    ]


@source("inspections")
async def inspections(session: AsyncSession) -> list[Derived]:
    """An enterprise safety inspection (入户检查) that found hazards counts against the operator
    inspected; so does a follow-up that found them still not rectified."""
    rows = await session.execute(
        select(InspectionRow, Operator.uscc)
        .join(Operator, Operator.id == InspectionRow.operator_id)
        .where(InspectionRow.result == InspectionResult.HAZARDS_FOUND)
    )
    derived = []
    for inspection, uscc in rows:
        found = "复查仍存在隐患" if inspection.follow_up_of_id else "入户检查发现隐患"
        deadline = inspection.rectification_deadline
        summary = f"{found}，整改期限 {deadline.isoformat()}" if deadline else found
        derived.append(
            Derived(
                CreditSubjectKind.OPERATOR,
                uscc,
                CreditEventKind.INSPECTION_FAILED,
                f"Inspection:{inspection.id}",
                inspection.recorded_by,
                summary,
                _local_day(inspection.inspected_at),
            )
        )
    return derived


@source("complaints")
async def complaints(session: AsyncSession) -> list[Derived]:
    """A complaint counts only once it is closed as substantiated."""
    rows = await session.scalars(
        select(ComplaintRow).where(
            ComplaintRow.status == ComplaintStatus.CLOSED, ComplaintRow.substantiated.is_(True)
        )
    )
    return [
        Derived(
            c.subject_kind,
            c.subject_key,
            CreditEventKind.COMPLAINT_SUBSTANTIATED,
            c.reference,
            c.handler or "12328",
            f"{c.reference} 投诉属实",
            c.closed_on or c.occurred_on,
        )
        for c in rows
    ]


@source("hotline_complaints")
async def hotline_complaints(session: AsyncSession) -> list[Derived]:
    """A 12328 ticket closed as substantiated counts against the operator it names, else the
    operator of the vehicle it names."""
    tickets = HotlineComplaintRow
    rows = await session.execute(
        select(tickets, Operator.uscc)
        .outerjoin(
            Vehicle,
            (Vehicle.plate == tickets.plate) & (Vehicle.plate_color == tickets.plate_color),
        )
        .outerjoin(Operator, Operator.id == Vehicle.operator_id)
        .where(tickets.substantiated.is_(True), tickets.closed_on.is_not(None))
    )
    derived = []
    for ticket, owner in rows:
        subject, closed = ticket.operator_uscc or owner, ticket.closed_on
        if subject is None or closed is None:
            continue  # about no operator of the data center
        derived.append(
            Derived(
                CreditSubjectKind.OPERATOR,
                subject,
                CreditEventKind.COMPLAINT_SUBSTANTIATED,
                ticket.source_record_id,
                f"12328 {ticket.handled_by}",
                f"12328 {ticket.category}：{ticket.content}",
                closed,
            )
        )
    return derived


@source("commendations")
async def commendations(session: AsyncSession) -> list[Derived]:
    """Commendations count for their subject."""
    rows = await session.scalars(select(CommendationRow))
    return [
        Derived(
            c.subject_kind,
            c.subject_key,
            CreditEventKind.COMMENDATION,
            c.source_record_id,
            c.authority,
            c.title,
            c.awarded_on,
        )
        for c in rows
    ]


BATCH = 500


async def collect(
    session: AsyncSession, at: dt.datetime, sources: Sequence[str] | None = None
) -> int:
    """Run the sources (every one by default) and store the events not stored yet; returns how
    many were new. Runs in the caller's transaction."""
    table: Any = CreditEventRow.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = ["source_kind", "source_record_id", "subject_kind", "subject_key", "kind"]
    await session.flush()  # the caller's pending rows are sources too
    before = await session.scalar(select(func.count()).select_from(table)) or 0
    for name in sources or list(SOURCES):
        rows = [derived.row(name, at) for derived in await SOURCES[name](session)]
        for start in range(0, len(rows), BATCH):
            statement = insert(table).on_conflict_do_nothing(index_elements=key)
            await session.execute(statement, rows[start : start + BATCH])
    after = await session.scalar(select(func.count()).select_from(table)) or 0
    return after - before
