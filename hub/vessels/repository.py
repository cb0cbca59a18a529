"""Every query of vessels and their certificates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import VesselCertificateKind
from hub.filters import Validity, region_condition, text_condition, today, validity_condition
from hub.paging import Listing, Relation
from hub.vessels.models import Vessel, VesselCertificate


@dataclass(frozen=True, slots=True)
class VesselFilter:
    """Which vessels a list shows."""

    region: str | None = None
    port_of_registry: str | None = None
    search: str | None = None


@dataclass(frozen=True, slots=True)
class VesselCertificateFilter:
    """Which vessel certificates a list shows."""

    kind: VesselCertificateKind | None = None
    validity: Validity | None = None


def vessel_conditions(f: VesselFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.region:
        conditions.append(region_condition(Vessel.region_code, f.region))
    if f.port_of_registry:
        conditions.append(Vessel.port_of_registry == f.port_of_registry)
    if f.search:
        conditions.append(text_condition(Vessel.name, f.search))
    return conditions


def certificate_conditions(f: VesselCertificateFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.kind is not None:
        conditions.append(VesselCertificate.kind == f.kind)
    if f.validity is not None:
        conditions.append(validity_condition(VesselCertificate.valid_to, f.validity, today()))
    return conditions


VESSELS: Listing[Vessel, VesselFilter] = Listing(
    model=Vessel,
    sorts={"NAME": Vessel.name, "MMSI": Vessel.mmsi, "GROSS_TONNAGE": Vessel.gross_tonnage},
    default_sort="NAME",
    conditions=vessel_conditions,
)
VESSEL_CERTIFICATES: Listing[VesselCertificate, VesselCertificateFilter] = Listing(
    model=VesselCertificate,
    sorts={"VALID_TO": VesselCertificate.valid_to, "NUMBER": VesselCertificate.number},
    default_sort="VALID_TO",
    conditions=certificate_conditions,
)


VESSELS_OF_OPERATOR = Relation(VESSELS, Vessel.operator_id)
CERTIFICATES_OF_VESSEL = Relation(VESSEL_CERTIFICATES, VesselCertificate.vessel_id)


async def vessels_by_mmsi(
    session: AsyncSession, codes: Sequence[str], rule: ColumnElement[bool]
) -> list[Vessel]:
    """Vessels with these MMSIs that ``rule`` allows."""
    return list((await session.scalars(select(Vessel).where(Vessel.mmsi.in_(codes), rule))).all())


async def vessels_by_imo(
    session: AsyncSession, codes: Sequence[str], rule: ColumnElement[bool]
) -> list[Vessel]:
    """Vessels with these IMO numbers that ``rule`` allows."""
    return list((await session.scalars(select(Vessel).where(Vessel.imo.in_(codes), rule))).all())
