"""Every query of vehicles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import LicenceStatus, PlateColor, VehicleType
from hub.filters import Validity, region_condition, text_condition, today, validity_condition
from hub.paging import Listing, Relation
from hub.vehicles.models import Vehicle


@dataclass(frozen=True, slots=True)
class VehicleFilter:
    """Which vehicles a list shows."""

    region: str | None = None
    vehicle_type: VehicleType | None = None
    plate_color: PlateColor | None = None
    dangerous_goods: bool | None = None
    certificate_status: LicenceStatus | None = None
    certificate_validity: Validity | None = None
    annual_review_overdue: bool | None = None
    search: str | None = None


def vehicle_conditions(f: VehicleFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.region:
        conditions.append(region_condition(Vehicle.region_code, f.region))
    if f.vehicle_type is not None:
        conditions.append(Vehicle.vehicle_type == f.vehicle_type)
    if f.plate_color is not None:
        conditions.append(Vehicle.plate_color == f.plate_color)
    if f.dangerous_goods is not None:
        conditions.append(Vehicle.dangerous_goods.is_(f.dangerous_goods))
    if f.certificate_status is not None:
        conditions.append(Vehicle.certificate_status == f.certificate_status)
    if f.certificate_validity is not None:
        conditions.append(
            validity_condition(Vehicle.certificate_valid_to, f.certificate_validity, today())
        )
    if f.annual_review_overdue is not None:
        overdue = Vehicle.next_annual_review < today()
        conditions.append(overdue if f.annual_review_overdue else ~overdue)
    if f.search:
        conditions.append(text_condition(Vehicle.plate, f.search))
    return conditions


VEHICLES: Listing[Vehicle, VehicleFilter] = Listing(
    model=Vehicle,
    sorts={
        "PLATE": Vehicle.plate,
        "CERTIFICATE_VALID_TO": Vehicle.certificate_valid_to,
        "NEXT_ANNUAL_REVIEW": Vehicle.next_annual_review,
    },
    default_sort="PLATE",
    conditions=vehicle_conditions,
)


VEHICLES_OF_OPERATOR = Relation(VEHICLES, Vehicle.operator_id)
VEHICLES_OF_LINE = Relation(VEHICLES, Vehicle.line_id)


async def vehicles_by_plate(
    session: AsyncSession, keys: Sequence[tuple[str, PlateColor]], rule: ColumnElement[bool]
) -> list[Vehicle]:
    """Vehicles by (plate, plate colour) that ``rule`` allows: a plate alone does not
    identify a vehicle."""
    wanted = [(plate, color.value) for plate, color in keys]
    stmt = select(Vehicle).where(tuple_(Vehicle.plate, Vehicle.plate_color).in_(wanted), rule)
    return list((await session.scalars(stmt)).all())
