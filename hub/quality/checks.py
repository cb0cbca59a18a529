"""The cross-source checks. Each compares the data center with what an agency says.

Findings are computed from the current records whenever asked for, so they are never stale and
need no table of their own; each says what disagrees, with which source, and since when. A
finding is about a row of the data center or of an agency, so each check applies that row's
access rule (``hub.access``) for the reader: a region-bound client gets its region's findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Exists, and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access import rule_for
from hub.agency_records.identifiers import COLUMNS as IDENTIFIER_COLUMNS
from hub.agency_records.models import (
    AccidentRow,
    AccidentVehicleRow,
    BusinessRegistrationRow,
    InsurancePolicyRow,
    RailWaybillRow,
    VehicleRegistrationRow,
    VesselRegistrationRow,
    WaybillContainerRow,
)
from hub.canonical import identifiers
from hub.canonical.codes import (
    BusinessStatus,
    InsuranceKind,
    LicenceStatus,
    OperatorStatus,
    RegistrationStatus,
)
from hub.operators.models import Operator
from hub.positions.models import PositionFinding
from hub.readers import Reader
from hub.vehicles.models import Vehicle
from hub.vessels.models import Vessel


class FindingKind(Enum):
    """What kind of disagreement a finding is."""

    VEHICLE_OFF_THE_ROAD = "vehicle_off_the_road"
    OPERATOR_NOT_REGISTERED = "operator_not_registered"
    VEHICLE_WITHOUT_COMPULSORY_INSURANCE = "vehicle_without_compulsory_insurance"
    OPERATOR_WITHOUT_CARRIER_LIABILITY = "operator_without_carrier_liability"
    DANGEROUS_GOODS_WITHOUT_LIABILITY = "dangerous_goods_without_liability"
    IDENTIFIER_MISMATCH = "identifier_mismatch"
    INVALID_IDENTIFIER = "invalid_identifier"
    IMPLAUSIBLE_POSITION = "implausible_position"


@dataclass(frozen=True, slots=True)
class Finding:
    """One disagreement between sources."""

    kind: FindingKind
    subject: str
    """What it is about, by natural key: a plate and colour, a credit code, an MMSI."""
    detail: str
    source: str
    """The agency whose record disagrees with the data center."""


OFF_THE_ROAD = (
    RegistrationStatus.STOLEN,
    RegistrationStatus.SCRAPPED,
    RegistrationStatus.CANCELLED,
)
NOT_REGISTERED = (BusinessStatus.REVOKED, BusinessStatus.DEREGISTERED)


SAME_VEHICLE = and_(
    VehicleRegistrationRow.plate == Vehicle.plate,
    VehicleRegistrationRow.plate_color == Vehicle.plate_color,
)


def _plate(plate: str, color: object) -> str:
    return f"{plate} ({str(getattr(color, 'name', color)).lower()})"


async def vehicles_off_the_road(
    session: AsyncSession, on: dt.date, reader: Reader
) -> list[Finding]:
    """Operating vehicles the police register as stolen, scrapped or cancelled."""
    query = (
        select(Vehicle.plate, Vehicle.plate_color, VehicleRegistrationRow.status,
               VehicleRegistrationRow.source)
        .join(VehicleRegistrationRow, SAME_VEHICLE)
        .where(Vehicle.certificate_status == LicenceStatus.VALID,
               VehicleRegistrationRow.status.in_(OFF_THE_ROAD), rule_for(Vehicle, reader))
        .order_by(Vehicle.plate)
    )  # fmt: skip
    return [
        Finding(
            FindingKind.VEHICLE_OFF_THE_ROAD,
            _plate(plate, color),
            f"holds a valid road transport certificate but is registered as "
            f"{status.name.lower()} by public security",
            source,
        )
        for plate, color, status, source in (await session.execute(query)).all()
    ]


async def operators_not_registered(
    session: AsyncSession, on: dt.date, reader: Reader
) -> list[Finding]:
    """Operating businesses the commerce registry has revoked or deregistered."""
    query = (
        select(Operator.uscc, Operator.name, BusinessRegistrationRow.status,
               BusinessRegistrationRow.source)
        .join(BusinessRegistrationRow, BusinessRegistrationRow.uscc == Operator.uscc)
        .where(Operator.status == OperatorStatus.ACTIVE,
               BusinessRegistrationRow.status.in_(NOT_REGISTERED), rule_for(Operator, reader))
        .order_by(Operator.uscc)
    )  # fmt: skip
    return [
        Finding(
            FindingKind.OPERATOR_NOT_REGISTERED,
            uscc,
            f"{name} operates but its business registration is {status.name.lower()}",
            source,
        )
        for uscc, name, status, source in (await session.execute(query)).all()
    ]


def _policy_for_vehicle(kind: InsuranceKind, on: dt.date) -> Exists:
    return exists().where(
        InsurancePolicyRow.plate == Vehicle.plate,
        InsurancePolicyRow.plate_color == Vehicle.plate_color,
        InsurancePolicyRow.kind == kind,
        InsurancePolicyRow.valid_from <= on,
        InsurancePolicyRow.valid_to >= on,
    )


def _insured(on: dt.date) -> Exists:
    # Only vehicles some insurer reports on are judged: no policy data is no evidence.
    return exists().where(
        InsurancePolicyRow.plate == Vehicle.plate,
        InsurancePolicyRow.plate_color == Vehicle.plate_color,
    )


async def vehicles_without_compulsory_insurance(
    session: AsyncSession, on: dt.date, reader: Reader
) -> list[Finding]:
    """Operating vehicles known to the insurers but with no compulsory policy valid today."""
    query = (
        select(Vehicle.plate, Vehicle.plate_color)
        .where(Vehicle.certificate_status == LicenceStatus.VALID, _insured(on),
               ~_policy_for_vehicle(InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY, on),
               rule_for(Vehicle, reader))
        .order_by(Vehicle.plate)
    )  # fmt: skip
    return [
        Finding(
            FindingKind.VEHICLE_WITHOUT_COMPULSORY_INSURANCE,
            _plate(plate, color),
            f"no compulsory traffic liability policy (交强险) valid on {on}",
            "insurance",
        )
        for plate, color in (await session.execute(query)).all()
    ]


async def dangerous_goods_without_liability(
    session: AsyncSession, on: dt.date, reader: Reader
) -> list[Finding]:
    """Dangerous-goods vehicles with no dangerous-goods liability cover valid today."""
    operator_cover = exists().where(
        InsurancePolicyRow.insured_uscc == Operator.uscc,
        InsurancePolicyRow.kind == InsuranceKind.DANGEROUS_GOODS_LIABILITY,
        InsurancePolicyRow.valid_from <= on,
        InsurancePolicyRow.valid_to >= on,
    )
    query = (
        select(Vehicle.plate, Vehicle.plate_color)
        .join(Operator, Operator.id == Vehicle.operator_id)
        .where(Vehicle.dangerous_goods.is_(True), _insured(on),
               ~_policy_for_vehicle(InsuranceKind.DANGEROUS_GOODS_LIABILITY, on), ~operator_cover,
               rule_for(Vehicle, reader))
        .order_by(Vehicle.plate)
    )  # fmt: skip
    return [
        Finding(
            FindingKind.DANGEROUS_GOODS_WITHOUT_LIABILITY,
            _plate(plate, color),
            f"carries dangerous goods without dangerous-goods liability cover valid on {on}",
            "insurance",
        )
        for plate, color in (await session.execute(query)).all()
    ]


async def operators_without_carrier_liability(
    session: AsyncSession, on: dt.date, reader: Reader
) -> list[Finding]:
    """Active operators some insurer reports on, with no carrier liability valid today."""
    reported = exists().where(InsurancePolicyRow.insured_uscc == Operator.uscc)
    covered = exists().where(
        InsurancePolicyRow.insured_uscc == Operator.uscc,
        # Dangerous-goods liability is carrier liability for dangerous goods: either will do.
        InsurancePolicyRow.kind.in_(
            (InsuranceKind.CARRIER_LIABILITY, InsuranceKind.DANGEROUS_GOODS_LIABILITY)
        ),
        InsurancePolicyRow.valid_from <= on,
        InsurancePolicyRow.valid_to >= on,
    )
    query = (
        select(Operator.uscc, Operator.name)
        .where(
            Operator.status == OperatorStatus.ACTIVE, reported, ~covered, rule_for(Operator, reader)
        )
        .order_by(Operator.uscc)
    )
    return [
        Finding(
            FindingKind.OPERATOR_WITHOUT_CARRIER_LIABILITY,
            uscc,
            f"{name}: no carrier liability policy (承运人责任险) valid on {on}",
            "insurance",
        )
        for uscc, name in (await session.execute(query)).all()
    ]


async def identifier_mismatches(
    session: AsyncSession, on: dt.date, reader: Reader
) -> list[Finding]:
    """The same vehicle or vessel with different identifiers in two sources."""
    vins = (
        select(Vehicle.plate, Vehicle.plate_color, Vehicle.vin, VehicleRegistrationRow.vin,
               VehicleRegistrationRow.source)
        .join(VehicleRegistrationRow, SAME_VEHICLE)
        .where(VehicleRegistrationRow.vin != Vehicle.vin, rule_for(Vehicle, reader))
        .order_by(Vehicle.plate)
    )  # fmt: skip
    imos = (
        select(Vessel.mmsi, Vessel.imo, VesselRegistrationRow.imo, VesselRegistrationRow.source)
        .join(VesselRegistrationRow, VesselRegistrationRow.mmsi == Vessel.mmsi)
        .where(VesselRegistrationRow.imo.is_not(None), Vessel.imo.is_not(None),
               VesselRegistrationRow.imo != Vessel.imo, rule_for(Vessel, reader))
        .order_by(Vessel.mmsi)
    )  # fmt: skip
    findings = [
        Finding(
            FindingKind.IDENTIFIER_MISMATCH,
            _plate(plate, color),
            f"VIN {ours} in the data center, {theirs} per {source}",
            source,
        )
        for plate, color, ours, theirs, source in (await session.execute(vins)).all()
    ]
    findings += [
        Finding(
            FindingKind.IDENTIFIER_MISMATCH,
            f"MMSI {mmsi}",
            f"IMO {ours} in the data center, {theirs} per {source}",
            source,
        )
        for mmsi, ours, theirs, source in (await session.execute(imos)).all()
    ]
    return findings


async def invalid_identifiers(session: AsyncSession, on: dt.date, reader: Reader) -> list[Finding]:
    """Identifiers agencies sent that break their rule (kept as received, flagged here).

    Every identifier column of the agency records is checked (hub.agency_records.identifiers);
    a personal value (an ID number) is never quoted: the finding names the record instead.
    """
    findings = []
    for column in IDENTIFIER_COLUMNS:
        model: Any = column.model
        value_column = getattr(model, column.column)
        subject_column = getattr(model, column.subject) if column.subject else value_column
        source = model.source if hasattr(model, "source") else _parent_source(model)
        # A child row is seen with its parent: the record type whose rule applies.
        record_type = _PARENTS[model][0] if model in _PARENTS else model
        query = (
            select(subject_column, value_column, source)
            .select_from(model)
            .where(value_column.is_not(None), rule_for(record_type, reader))
            .distinct()
            .order_by(subject_column, value_column, source)
        )
        if not hasattr(model, "source"):
            query = query.join_from(model, *_parent_join(model))
        for subject, value, agency in (await session.execute(query)).all():
            try:
                column.rule(value, column.field)
            except identifiers.InvalidIdentifier as exc:
                detail = f"{column.field} {exc.rule}" if column.personal else str(exc)
                findings.append(Finding(FindingKind.INVALID_IDENTIFIER, subject, detail, agency))
    return findings


POSITION_DAYS = 7
"""Implausible fixes are reported for the week before the day asked about."""
POSITIONS_SHOWN = 1000
"""At most this many, newest first: a broken terminal repeats its fault every few seconds."""


async def implausible_positions(
    session: AsyncSession, on: dt.date, reader: Reader
) -> list[Finding]:
    """Fixes a positioning platform sent that cannot be true (``hub.positions.plausibility``):
    kept here, never stored as positions. A region-bound reader sees those of its region's
    vehicles."""
    since = dt.datetime.combine(on - dt.timedelta(days=POSITION_DAYS), dt.time(), dt.UTC)
    until = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), dt.UTC)
    query = (
        select(PositionFinding)
        .where(PositionFinding.received_at >= since, PositionFinding.received_at < until)
        .order_by(PositionFinding.received_at.desc(), PositionFinding.id.desc())
        .limit(POSITIONS_SHOWN)
    )
    if reader.region is not None:
        query = query.join(
            Vehicle,
            and_(Vehicle.plate == PositionFinding.plate,
                 Vehicle.plate_color == PositionFinding.plate_color),
        ).where(rule_for(Vehicle, reader))  # fmt: skip
    return [
        Finding(
            FindingKind.IMPLAUSIBLE_POSITION,
            _plate(row.plate, row.plate_color),
            f"fix of {row.observed_at.isoformat()} at lat {row.latitude}, lon {row.longitude} "
            f"not stored: {row.reason}: {row.detail}",
            row.source,
        )
        for row in (await session.scalars(query)).all()
    ]


# Child rows (the vehicles of an accident, the containers of a waybill) carry no provenance of
# their own: their agency is their parent's.
_PARENTS: dict[type, tuple[Any, Any]] = {
    AccidentVehicleRow: (AccidentRow, AccidentVehicleRow.accident_id == AccidentRow.id),
    WaybillContainerRow: (RailWaybillRow, WaybillContainerRow.waybill_id == RailWaybillRow.id),
}


def _parent_source(model: type) -> Any:
    return _PARENTS[model][0].source


def _parent_join(model: type) -> tuple[Any, Any]:
    return _PARENTS[model]


Check = Callable[[AsyncSession, dt.date, Reader], Awaitable[list[Finding]]]

CHECKS: dict[FindingKind, Check] = {
    FindingKind.VEHICLE_OFF_THE_ROAD: vehicles_off_the_road,
    FindingKind.OPERATOR_NOT_REGISTERED: operators_not_registered,
    FindingKind.VEHICLE_WITHOUT_COMPULSORY_INSURANCE: vehicles_without_compulsory_insurance,
    FindingKind.OPERATOR_WITHOUT_CARRIER_LIABILITY: operators_without_carrier_liability,
    FindingKind.DANGEROUS_GOODS_WITHOUT_LIABILITY: dangerous_goods_without_liability,
    FindingKind.IDENTIFIER_MISMATCH: identifier_mismatches,
    FindingKind.INVALID_IDENTIFIER: invalid_identifiers,
    FindingKind.IMPLAUSIBLE_POSITION: implausible_positions,
}


async def report(
    session: AsyncSession, on: dt.date, reader: Reader, kinds: list[FindingKind] | None = None
) -> list[Finding]:
    """Every finding of the named kinds (all by default) that ``reader`` may see, kind by kind."""
    findings: list[Finding] = []
    for kind, check in CHECKS.items():
        if kinds is None or kind in kinds:
            findings += await check(session, on, reader)
    return findings
