"""The one-stop search (一站式查询): which subjects a query names.

By credit code, plate (the vehicle's operator) or certificate number (the holder), else by
name. Practitioners are found only for readers who may read personal data; the caller decides
what of each to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical import identifiers
from hub.canonical.codes import CreditSubjectKind
from hub.operators.models import Operator
from hub.practitioners.models import Practitioner, QualificationCertificate
from hub.vehicles.models import Vehicle

LIMIT = 20
"""Subjects a search returns at most."""


@dataclass(frozen=True, slots=True)
class Found:
    """A subject a query names."""

    kind: CreditSubjectKind
    key: str
    name: str
    practitioner_id: int | None = None


async def search(session: AsyncSession, query: str, people: bool) -> list[Found]:
    """Subjects named by ``query`` (already checked non-empty); practitioners only if ``people``."""
    text = identifiers.normalize(query)
    operators = select(Operator.uscc, Operator.name)
    found: list[Found] = []
    rows = await session.execute(operators.where(Operator.uscc == text))
    found += [Found(CreditSubjectKind.OPERATOR, k, n) for k, n in rows]
    rows = await session.execute(
        operators.join(Vehicle, Vehicle.operator_id == Operator.id).where(Vehicle.plate == text)
    )
    found += [Found(CreditSubjectKind.OPERATOR, k, n) for k, n in rows]
    if people:
        held = await session.execute(
            select(Practitioner.id_number, Practitioner.name, Practitioner.id)
            .join(
                QualificationCertificate,
                QualificationCertificate.practitioner_id == Practitioner.id,
            )
            .where(QualificationCertificate.number == text)
        )
        found += [Found(CreditSubjectKind.PRACTITIONER, k, n, i) for k, n, i in held]
    if not found:
        pattern = query.strip()
        rows = await session.execute(
            operators.where(Operator.name.icontains(pattern, autoescape=True))
            .order_by(Operator.name, Operator.uscc)
            .limit(LIMIT)
        )
        found += [Found(CreditSubjectKind.OPERATOR, k, n) for k, n in rows]
        if people:
            named = await session.execute(
                select(Practitioner.id_number, Practitioner.name, Practitioner.id)
                .where(Practitioner.name == pattern)
                .order_by(Practitioner.id)
                .limit(LIMIT)
            )
            found += [Found(CreditSubjectKind.PRACTITIONER, k, n, i) for k, n, i in named]
    unique = {(f.kind, f.key): f for f in found}
    return list(unique.values())[:LIMIT]
