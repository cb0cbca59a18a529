"""Every query of the agency records the GraphQL layer shares back out, by natural key.

Each takes the row rule of the records it returns (``hub.agency_records.access``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agency_records.models import (
    AccidentRow,
    AccidentVehicleRow,
    BusinessRegistrationRow,
    InsurancePolicyRow,
    PortCallRow,
    TrafficViolationRow,
    VehicleRegistrationRow,
    VesselRegistrationCertificateRow,
    VesselRegistrationRow,
)
from hub.canonical.codes import PlateColor

PlateKey = tuple[str, PlateColor]
LIMIT = 100
"""At most this many records of one kind are shared per subject, newest first."""


def _plates(keys: Sequence[PlateKey]) -> list[tuple[str, str]]:
    return [(plate, color.value) for plate, color in keys]


async def registrations_of(
    session: AsyncSession, keys: Sequence[PlateKey], rule: ColumnElement[bool]
) -> list[VehicleRegistrationRow]:
    """Police registrations of vehicles, newest received first."""
    column = tuple_(VehicleRegistrationRow.plate, VehicleRegistrationRow.plate_color)
    query = (
        select(VehicleRegistrationRow)
        .where(column.in_(_plates(keys)), rule)
        .order_by(VehicleRegistrationRow.received_at.desc(), VehicleRegistrationRow.id.desc())
    )
    return list((await session.scalars(query)).all())


async def violations_of(
    session: AsyncSession, keys: Sequence[PlateKey], rule: ColumnElement[bool]
) -> list[TrafficViolationRow]:
    """Traffic violations of vehicles, newest first."""
    column = tuple_(TrafficViolationRow.plate, TrafficViolationRow.plate_color)
    query = (
        select(TrafficViolationRow)
        .where(column.in_(_plates(keys)), rule)
        .order_by(TrafficViolationRow.occurred_at.desc())
    )
    return list((await session.scalars(query)).all())


async def policies_of_vehicles(
    session: AsyncSession, keys: Sequence[PlateKey], rule: ColumnElement[bool]
) -> list[InsurancePolicyRow]:
    """Insurance policies naming vehicles, latest expiry first."""
    column = tuple_(InsurancePolicyRow.plate, InsurancePolicyRow.plate_color)
    query = (
        select(InsurancePolicyRow)
        .where(column.in_(_plates(keys)), rule)
        .order_by(InsurancePolicyRow.valid_to.desc())
    )
    return list((await session.scalars(query)).all())


async def policies_of_operators(
    session: AsyncSession, codes: Sequence[str], rule: ColumnElement[bool]
) -> list[InsurancePolicyRow]:
    """Insurance policies whose insured is an operator, latest expiry first."""
    query = (
        select(InsurancePolicyRow)
        .where(InsurancePolicyRow.insured_uscc.in_(codes), rule)
        .order_by(InsurancePolicyRow.valid_to.desc())
    )
    return list((await session.scalars(query)).all())


async def accidents_of_vehicles(
    session: AsyncSession, keys: Sequence[PlateKey], rule: ColumnElement[bool]
) -> list[tuple[PlateKey, AccidentRow]]:
    """Accidents each vehicle was involved in, newest first, keyed by the vehicle."""
    column = tuple_(AccidentVehicleRow.plate, AccidentVehicleRow.plate_color)
    query = (
        select(AccidentVehicleRow.plate, AccidentVehicleRow.plate_color, AccidentRow)
        .join(AccidentRow, AccidentRow.id == AccidentVehicleRow.accident_id)
        .where(column.in_(_plates(keys)), rule)
        .order_by(AccidentRow.occurred_at.desc())
    )
    return [((plate, color), row) for plate, color, row in (await session.execute(query)).all()]


async def accidents_of_operators(
    session: AsyncSession, codes: Sequence[str], rule: ColumnElement[bool]
) -> list[AccidentRow]:
    """Accidents of operators, newest first."""
    query = (
        select(AccidentRow)
        .where(AccidentRow.operator_uscc.in_(codes), rule)
        .order_by(AccidentRow.occurred_at.desc())
    )
    return list((await session.scalars(query)).all())


async def business_registrations_of(
    session: AsyncSession, codes: Sequence[str], rule: ColumnElement[bool]
) -> list[BusinessRegistrationRow]:
    """Commerce registrations of operators, newest received first."""
    query = (
        select(BusinessRegistrationRow)
        .where(BusinessRegistrationRow.uscc.in_(codes), rule)
        .order_by(BusinessRegistrationRow.received_at.desc(), BusinessRegistrationRow.id.desc())
    )
    return list((await session.scalars(query)).all())


async def vessel_registrations_of(
    session: AsyncSession, codes: Sequence[str], rule: ColumnElement[bool]
) -> list[VesselRegistrationRow]:
    """Maritime registrations of vessels by MMSI, newest received first."""
    query = (
        select(VesselRegistrationRow)
        .where(VesselRegistrationRow.mmsi.in_(codes), rule)
        .order_by(VesselRegistrationRow.received_at.desc(), VesselRegistrationRow.id.desc())
    )
    return list((await session.scalars(query)).all())


async def certificates_of_registrations(
    session: AsyncSession, ids: Sequence[int], rule: ColumnElement[bool]
) -> list[VesselRegistrationCertificateRow]:
    """Certificates on vessel registrations, in their order."""
    query = (
        select(VesselRegistrationCertificateRow)
        .join(
            VesselRegistrationRow,
            VesselRegistrationRow.id == VesselRegistrationCertificateRow.registration_id,
        )
        .where(VesselRegistrationCertificateRow.registration_id.in_(ids), rule)
        .order_by(
            VesselRegistrationCertificateRow.registration_id,
            VesselRegistrationCertificateRow.position,
        )
    )
    return list((await session.scalars(query)).all())


async def port_calls_of(
    session: AsyncSession, codes: Sequence[str], rule: ColumnElement[bool]
) -> list[PortCallRow]:
    """Port calls of vessels by MMSI, newest first."""
    query = (
        select(PortCallRow)
        .where(PortCallRow.mmsi.in_(codes), rule)
        .order_by(PortCallRow.occurred_at.desc())
    )
    return list((await session.scalars(query)).all())
