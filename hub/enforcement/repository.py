"""Every list of enforcement records: filters, sorts and the lists under each parent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import InspectionItemResult, InspectionKind, InspectionResult
from hub.enforcement.models import (
    CaseRow,
    InspectionDrawRow,
    InspectionItemRow,
    InspectionRow,
)
from hub.filters import region_condition
from hub.paging import Listing, Relation


@dataclass(frozen=True, slots=True)
class InspectionFilter:
    """Which inspections a list shows."""

    region: str | None = None
    kind: InspectionKind | None = None
    result: InspectionResult | None = None
    open_hazards: bool | None = None
    """Only those with (True) or without (False) a hazard not yet found rectified."""


def _open_hazard() -> ColumnElement[bool]:
    return exists().where(
        InspectionItemRow.inspection_id == InspectionRow.id,
        InspectionItemRow.result == InspectionItemResult.FAIL,
        InspectionItemRow.closed_at.is_(None),
        InspectionRow.kind != InspectionKind.FOLLOW_UP,
    )


def inspection_conditions(f: InspectionFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.region:
        conditions.append(region_condition(InspectionRow.region_code, f.region))
    if f.kind is not None:
        conditions.append(InspectionRow.kind == f.kind)
    if f.result is not None:
        conditions.append(InspectionRow.result == f.result)
    if f.open_hazards is not None:
        conditions.append(_open_hazard() if f.open_hazards else ~_open_hazard())
    return conditions


@dataclass(frozen=True, slots=True)
class RegionFilter:
    """Cases or draws of a region."""

    region: str | None = None


INSPECTIONS: Listing[InspectionRow, InspectionFilter] = Listing(
    model=InspectionRow,
    sorts={"INSPECTED_AT": InspectionRow.inspected_at},
    default_sort="INSPECTED_AT",
    conditions=inspection_conditions,
)
INSPECTIONS_OF_OPERATOR = Relation(INSPECTIONS, InspectionRow.operator_id)

CASES: Listing[CaseRow, RegionFilter] = Listing(
    model=CaseRow,
    sorts={"OPENED_AT": CaseRow.opened_at, "NUMBER": CaseRow.number},
    default_sort="OPENED_AT",
    conditions=lambda f: [region_condition(CaseRow.region_code, f.region)] if f.region else [],
)
DRAWS: Listing[InspectionDrawRow, RegionFilter] = Listing(
    model=InspectionDrawRow,
    sorts={"DRAWN_AT": InspectionDrawRow.drawn_at},
    default_sort="DRAWN_AT",
    conditions=lambda f: (
        [region_condition(InspectionDrawRow.region_code, f.region)] if f.region else []
    ),
)


async def items_by_inspection(
    session: AsyncSession, inspection_ids: Sequence[int], rule: ColumnElement[bool]
) -> list[InspectionItemRow]:
    """The checklist items of these inspections (``rule`` is the inspections' row rule)."""
    stmt = (
        select(InspectionItemRow)
        .join(InspectionRow, InspectionRow.id == InspectionItemRow.inspection_id)
        .where(InspectionItemRow.inspection_id.in_(inspection_ids), rule)
        .order_by(InspectionItemRow.inspection_id, InspectionItemRow.item_code)
    )
    return list((await session.scalars(stmt)).all())


async def follow_ups_of(
    session: AsyncSession, inspection_ids: Sequence[int], rule: ColumnElement[bool]
) -> list[InspectionRow]:
    """The follow-ups of these inspections, oldest first."""
    stmt = (
        select(InspectionRow)
        .where(InspectionRow.follow_up_of_id.in_(inspection_ids), rule)
        .order_by(InspectionRow.inspected_at, InspectionRow.id)
    )
    return list((await session.scalars(stmt)).all())


async def inspections_of_cases(
    session: AsyncSession, case_ids: Sequence[int], rule: ColumnElement[bool]
) -> list[InspectionRow]:
    """The inspections filed under these cases, oldest first."""
    stmt = (
        select(InspectionRow)
        .where(InspectionRow.case_id.in_(case_ids), rule)
        .order_by(InspectionRow.inspected_at, InspectionRow.id)
    )
    return list((await session.scalars(stmt)).all())


async def cases_by_number(
    session: AsyncSession, numbers: Sequence[str], rule: ColumnElement[bool]
) -> list[CaseRow]:
    """Cases with these numbers that ``rule`` allows."""
    return list(await session.scalars(select(CaseRow).where(CaseRow.number.in_(numbers), rule)))
