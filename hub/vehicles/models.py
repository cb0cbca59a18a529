"""Rows of operating vehicles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import LicenceStatus, PermitKind, PlateColor, VehicleType
from hub.db import Base, Code, Provenance


class Vehicle(Provenance, Base):
    """营运车辆, keyed by plate and plate colour together (never plate alone)."""

    __tablename__ = "vehicles"
    __constraints__ = (UniqueConstraint("plate", "plate_color"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(10), index=True)
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor))
    vin: Mapped[str] = mapped_column(String(17), unique=True)
    vehicle_type: Mapped[VehicleType] = mapped_column(Code(VehicleType), index=True)
    seats: Mapped[int | None]
    tonnage: Mapped[float | None]
    dangerous_goods: Mapped[bool] = mapped_column(default=False)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("passenger_lines.id"), index=True)
    certificate_number: Mapped[str] = mapped_column(String(12), unique=True)
    certificate_valid_from: Mapped[dt.date] = mapped_column(Date)
    certificate_valid_to: Mapped[dt.date] = mapped_column(Date, index=True)
    certificate_status: Mapped[LicenceStatus] = mapped_column(Code(LicenceStatus))
    next_annual_review: Mapped[dt.date] = mapped_column(Date, index=True)
    next_secondary_maintenance: Mapped[dt.date] = mapped_column(Date)
    business_kind: Mapped[PermitKind | None] = mapped_column(
        Code(PermitKind), comment="经营类别 / what it is licensed for: line, charter, training…"
    )
    # Where a charter bus or a training car may operate: a ring of [longitude, latitude]
    # pairs (GeoJSON order), WGS-84. None: not bound to an area.
    permitted_area: Mapped[list[list[float]] | None] = mapped_column(
        JSON, comment="许可经营区域 / permitted area (charter, training)"
    )
