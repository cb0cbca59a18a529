"""Every query of operators and permits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import LicenceStatus, OperatorStatus, PermitKind
from hub.filters import Validity, region_condition, text_condition, today, validity_condition
from hub.operators.models import Operator, Permit
from hub.paging import Listing, Relation


@dataclass(frozen=True, slots=True)
class OperatorFilter:
    """Which operators a list shows."""

    region: str | None = None
    status: OperatorStatus | None = None
    search: str | None = None


@dataclass(frozen=True, slots=True)
class PermitFilter:
    """Which permits a list shows."""

    kind: PermitKind | None = None
    status: LicenceStatus | None = None
    validity: Validity | None = None


def operator_conditions(f: OperatorFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.region:
        conditions.append(region_condition(Operator.region_code, f.region))
    if f.status is not None:
        conditions.append(Operator.status == f.status)
    if f.search:
        conditions.append(text_condition(Operator.name, f.search))
    return conditions


def permit_conditions(f: PermitFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.kind is not None:
        conditions.append(Permit.kind == f.kind)
    if f.status is not None:
        conditions.append(Permit.status == f.status)
    if f.validity is not None:
        conditions.append(validity_condition(Permit.valid_to, f.validity, today()))
    return conditions


OPERATORS: Listing[Operator, OperatorFilter] = Listing(
    model=Operator,
    sorts={"NAME": Operator.name, "USCC": Operator.uscc, "REGION": Operator.region_code},
    default_sort="NAME",
    conditions=operator_conditions,
)
PERMITS: Listing[Permit, PermitFilter] = Listing(
    model=Permit,
    sorts={"NUMBER": Permit.number, "VALID_TO": Permit.valid_to},
    default_sort="NUMBER",
    conditions=permit_conditions,
)


PERMITS_OF_OPERATOR = Relation(PERMITS, Permit.operator_id)


async def operators_by_uscc(
    session: AsyncSession, codes: Sequence[str], rule: ColumnElement[bool]
) -> list[Operator]:
    """Operators with these unified social credit codes (normalised) that ``rule`` allows."""
    stmt = select(Operator).where(Operator.uscc.in_(codes), rule)
    return list((await session.scalars(stmt)).all())


async def permits_by_number(
    session: AsyncSession, numbers: Sequence[str], rule: ColumnElement[bool]
) -> list[Permit]:
    """Permits with these numbers that ``rule`` allows."""
    stmt = select(Permit).where(Permit.number.in_(numbers), rule)
    return list((await session.scalars(stmt)).all())
