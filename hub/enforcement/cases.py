"""Cases, their on-site records and the evidence files attached to those records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import PlateColor
from hub.enforcement.access import case_rule
from hub.enforcement.inspections import checked_moment, officers
from hub.enforcement.models import CaseRow, EvidenceFileRow, OnSiteRecordRow
from hub.errors import BadUserInput, Forbidden, NotFound
from hub.filters import region_prefix
from hub.operators.access import operator_rule
from hub.operators.models import Operator
from hub.readers import Reader

MAX_FINDINGS = 10_000


@dataclass(frozen=True, slots=True)
class CaseEntry:
    """A case as an officer opens it: about an operator, a vehicle, or both."""

    number: str
    title: str
    region_code: str | None = None
    operator_uscc: str | None = None
    vehicle_plate: str | None = None
    vehicle_plate_color: PlateColor | None = None


@dataclass(frozen=True, slots=True)
class OnSiteEntry:
    """现场笔录: where and when, who, and what they found."""

    case_number: str
    recorded_at: dt.datetime
    place: str
    officers: tuple[str, ...]
    findings: str


def _required(value: str, field: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise BadUserInput(f"{field}: must not be empty", field=field)
    if len(text) > limit:
        raise BadUserInput(f"{field}: at most {limit} characters", field=field)
    return text


async def open_case(
    session: AsyncSession, entry: CaseEntry, reader: Reader, client_id: str, now: dt.datetime
) -> CaseRow:
    """Open a case in the client's region (the operator's, when one is named)."""
    number = _required(entry.number, "number", 64)
    operator = None
    if entry.operator_uscc is not None:
        operator = await session.scalar(
            select(Operator).where(Operator.uscc == entry.operator_uscc, operator_rule(reader))
        )
        if operator is None:
            raise NotFound(f"operator with uscc {entry.operator_uscc} not found")
    region_code = operator.region_code if operator is not None else entry.region_code
    if region_code is None:
        raise BadUserInput("region: a case names its region or its operator", field="region")
    if reader.region is not None and not region_code.startswith(region_prefix(reader.region)):
        raise Forbidden(f"region: {region_code} is outside your region {reader.region}")
    if (entry.vehicle_plate is None) != (entry.vehicle_plate_color is None):
        raise BadUserInput(
            "vehiclePlateColor: a vehicle is named by plate and plate colour together",
            field="vehiclePlateColor",
        )
    if await session.scalar(select(CaseRow.id).where(CaseRow.number == number)) is not None:
        raise BadUserInput(f"number: case {number} exists already", field="number")
    row = CaseRow(
        number=number,
        title=_required(entry.title, "title", 200),
        region_code=region_code,
        operator_id=None if operator is None else operator.id,
        vehicle_plate=entry.vehicle_plate,
        vehicle_plate_color=entry.vehicle_plate_color,
        opened_at=now,
        opened_by=client_id,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:  # opened at the same moment by another request
        raise BadUserInput(f"number: case {number} exists already", field="number") from None
    return row


async def visible_case(session: AsyncSession, reader: Reader, *, number: str) -> CaseRow:
    """The case, if the reader may see it; else NOT_FOUND (as if there were none)."""
    row = await session.scalar(select(CaseRow).where(CaseRow.number == number, case_rule(reader)))
    if row is None:
        raise NotFound(f"case {number} not found")
    return row


async def record_on_site(
    session: AsyncSession, entry: OnSiteEntry, reader: Reader, client_id: str, now: dt.datetime
) -> OnSiteRecordRow:
    """File an on-site record under a case the client may see."""
    case = await visible_case(session, reader, number=entry.case_number.strip())
    row = OnSiteRecordRow(
        case_id=case.id,
        recorded_at=checked_moment(entry.recorded_at, "recordedAt", now),
        place=_required(entry.place, "place", 200),
        officers=await officers(session, entry.officers, "officers"),
        findings=_required(entry.findings, "findings", MAX_FINDINGS),
        recorded_by=client_id,
    )
    session.add(row)
    await session.flush()
    return row


async def visible_record(session: AsyncSession, pk: int, reader: Reader) -> OnSiteRecordRow:
    """The on-site record, if the reader may see its case; else NOT_FOUND."""
    row = await session.scalar(
        select(OnSiteRecordRow)
        .join(CaseRow, CaseRow.id == OnSiteRecordRow.case_id)
        .where(OnSiteRecordRow.id == pk, case_rule(reader))
    )
    if row is None:
        raise NotFound(f"on-site record {pk} not found")
    return row


async def attach_evidence(
    session: AsyncSession,
    record: OnSiteRecordRow,
    *,
    sha256: str,
    media_type: str,
    size: int,
    file_name: str,
    client_id: str,
    now: dt.datetime,
) -> EvidenceFileRow:
    """Record a stored file's hash in the case; the same file twice on a record is one."""
    existing = await session.scalar(
        select(EvidenceFileRow).where(
            EvidenceFileRow.record_id == record.id, EvidenceFileRow.sha256 == sha256
        )
    )
    if existing is not None:
        return existing
    row = EvidenceFileRow(
        record_id=record.id,
        sha256=sha256,
        media_type=media_type,
        size=size,
        file_name=file_name[:200] or sha256,
        uploaded_at=now,
        uploaded_by=client_id,
    )
    session.add(row)
    await session.flush()
    return row


async def records_of(session: AsyncSession, case_ids: Sequence[int]) -> list[OnSiteRecordRow]:
    """The on-site records of these cases, oldest first."""
    stmt = (
        select(OnSiteRecordRow)
        .where(OnSiteRecordRow.case_id.in_(case_ids))
        .order_by(OnSiteRecordRow.recorded_at, OnSiteRecordRow.id)
    )
    return list((await session.scalars(stmt)).all())


async def evidence_of(session: AsyncSession, record_ids: Sequence[int]) -> list[EvidenceFileRow]:
    """The evidence files of these records, in upload order."""
    stmt = (
        select(EvidenceFileRow)
        .where(EvidenceFileRow.record_id.in_(record_ids))
        .order_by(EvidenceFileRow.id)
    )
    return list((await session.scalars(stmt)).all())
