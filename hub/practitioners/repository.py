"""Every query of practitioners and their qualification certificates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import QualificationKind
from hub.filters import Validity, region_condition, text_condition, today, validity_condition
from hub.paging import Listing, Relation
from hub.practitioners.models import Practitioner, QualificationCertificate


@dataclass(frozen=True, slots=True)
class PractitionerFilter:
    """Which practitioners a list shows."""

    region: str | None = None
    qualification: QualificationKind | None = None
    search: str | None = None


@dataclass(frozen=True, slots=True)
class QualificationFilter:
    """Which qualification certificates a list shows."""

    kind: QualificationKind | None = None
    validity: Validity | None = None


def practitioner_conditions(f: PractitionerFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.region:
        conditions.append(region_condition(Practitioner.region_code, f.region))
    if f.qualification is not None:
        holders = select(QualificationCertificate.practitioner_id).where(
            QualificationCertificate.kind == f.qualification
        )
        conditions.append(Practitioner.id.in_(holders))
    if f.search:
        conditions.append(text_condition(Practitioner.name, f.search))
    return conditions


def qualification_conditions(f: QualificationFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.kind is not None:
        conditions.append(QualificationCertificate.kind == f.kind)
    if f.validity is not None:
        conditions.append(
            validity_condition(QualificationCertificate.valid_to, f.validity, today())
        )
    return conditions


PRACTITIONERS: Listing[Practitioner, PractitionerFilter] = Listing(
    model=Practitioner,
    sorts={"NAME": Practitioner.name},
    default_sort="NAME",
    conditions=practitioner_conditions,
    personal_sorts=frozenset({"NAME"}),
)
QUALIFICATIONS: Listing[QualificationCertificate, QualificationFilter] = Listing(
    model=QualificationCertificate,
    sorts={"VALID_TO": QualificationCertificate.valid_to},
    default_sort="VALID_TO",
    conditions=qualification_conditions,
)


PRACTITIONERS_OF_EMPLOYER = Relation(PRACTITIONERS, Practitioner.employer_id)
QUALIFICATIONS_OF_PRACTITIONER = Relation(QUALIFICATIONS, QualificationCertificate.practitioner_id)


async def practitioners_by_id_number(
    session: AsyncSession, numbers: Sequence[str], rule: ColumnElement[bool]
) -> list[Practitioner]:
    """Practitioners with these resident ID numbers that ``rule`` allows."""
    stmt = select(Practitioner).where(Practitioner.id_number.in_(numbers), rule)
    return list((await session.scalars(stmt)).all())
