"""Rows of the records other agencies send: one table per canonical record type.

Every row carries provenance; (source agency, source record id) is unique, which is what makes
receiving a record twice harmless. Identifiers are stored as received (normalised, not judged):
a value breaking its rule shows up as a data-quality finding, not as a lost record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import (
    AccidentResponsibility,
    BusinessStatus,
    ContainerEventKind,
    DrivingLicenceStatus,
    InsuranceKind,
    ListingKind,
    PlateColor,
    PortCallKind,
    RegistrationStatus,
    VesselCertificateKind,
)
from hub.db import Base, Code, Provenance, UTCDateTime

# Identifier columns are wider than their rules allow: a malformed value is kept, not cut.
ID = 40


class VehicleRegistrationRow(Provenance, Base):
    """机动车登记 (public security)."""

    __tablename__ = "vehicle_registrations"
    __constraints__ = (Index(None, "plate", "plate_color"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(ID))
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor))
    vin: Mapped[str] = mapped_column(String(ID), index=True)
    vehicle_type: Mapped[str] = mapped_column(String(8))
    owner_name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[str] = mapped_column(String(ID))
    registered_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[RegistrationStatus] = mapped_column(Code(RegistrationStatus))


class DrivingLicenceRow(Provenance, Base):
    """机动车驾驶证 (public security; personal data)."""

    __tablename__ = "driving_licences"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(ID), index=True)
    name: Mapped[str] = mapped_column(String(64))
    licence_class: Mapped[str] = mapped_column(String(16))
    status: Mapped[DrivingLicenceStatus] = mapped_column(Code(DrivingLicenceStatus))
    points: Mapped[int]
    valid_to: Mapped[dt.date] = mapped_column(Date)


class TrafficViolationRow(Provenance, Base):
    """交通违法记录 (public security)."""

    __tablename__ = "traffic_violations"
    __constraints__ = (Index(None, "plate", "plate_color"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(ID))
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(200))
    fine_yuan: Mapped[int]
    points: Mapped[int]
    processed: Mapped[bool]


class BlacklistRow(Provenance, Base):
    """重点车辆黑名单 (public security)."""

    __tablename__ = "vehicle_blacklist"
    __constraints__ = (Index(None, "plate", "plate_color"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(ID))
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor))
    reason: Mapped[str] = mapped_column(String(200))
    listed_on: Mapped[dt.date] = mapped_column(Date)
    lifted_on: Mapped[dt.date | None] = mapped_column(Date)


class AccidentRow(Provenance, Base):
    """道路运输事故 (work-safety supervision)."""

    __tablename__ = "accidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    deaths: Mapped[int]
    injuries: Mapped[int]
    operator_uscc: Mapped[str | None] = mapped_column(String(ID), index=True)
    summary: Mapped[str] = mapped_column(Text)


class AccidentVehicleRow(Base):
    """A vehicle involved in an accident."""

    __tablename__ = "accident_vehicles"
    __table_args__ = (Index(None, "plate", "plate_color"),)

    accident_id: Mapped[int] = mapped_column(
        ForeignKey("accidents.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(ID))
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor))
    responsibility: Mapped[AccidentResponsibility] = mapped_column(Code(AccidentResponsibility))


class SafetyInspectionRow(Provenance, Base):
    """安全检查与隐患整改 (work-safety supervision)."""

    __tablename__ = "safety_inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_uscc: Mapped[str] = mapped_column(String(ID), index=True)
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    authority: Mapped[str] = mapped_column(String(200))
    hazards_found: Mapped[int]
    rectification_due: Mapped[dt.date | None] = mapped_column(Date)
    rectified: Mapped[bool]
    result: Mapped[str] = mapped_column(String(200))


class BusinessRegistrationRow(Provenance, Base):
    """市场主体登记 (commerce registry)."""

    __tablename__ = "business_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(ID), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[BusinessStatus] = mapped_column(Code(BusinessStatus))
    legal_representative: Mapped[str] = mapped_column(String(64))
    registered_capital_wan_yuan: Mapped[float]
    scope: Mapped[str] = mapped_column(Text)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    authority: Mapped[str] = mapped_column(String(200))


class InsurancePolicyRow(Provenance, Base):
    """保单 (insurers)."""

    __tablename__ = "insurance_policies"
    __constraints__ = (Index(None, "plate", "plate_color"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_number: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[InsuranceKind] = mapped_column(Code(InsuranceKind))
    insurer: Mapped[str] = mapped_column(String(200))
    insured_uscc: Mapped[str | None] = mapped_column(String(ID), index=True)
    plate: Mapped[str | None] = mapped_column(String(ID))
    plate_color: Mapped[PlateColor | None] = mapped_column(Code(PlateColor))
    cover_yuan: Mapped[int]
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)


class InsuranceClaimRow(Provenance, Base):
    """理赔 (insurers)."""

    __tablename__ = "insurance_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_number: Mapped[str] = mapped_column(String(64))
    policy_number: Mapped[str] = mapped_column(String(64), index=True)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    amount_yuan: Mapped[int]
    settled: Mapped[bool]


class RailWaybillRow(Provenance, Base):
    """铁路货票 (rail)."""

    __tablename__ = "rail_waybills"

    id: Mapped[int] = mapped_column(primary_key=True)
    waybill_number: Mapped[str] = mapped_column(String(64), index=True)
    shipper: Mapped[str] = mapped_column(String(200))
    consignee: Mapped[str] = mapped_column(String(200))
    origin_station: Mapped[str] = mapped_column(String(100))
    destination_station: Mapped[str] = mapped_column(String(100))
    goods: Mapped[str] = mapped_column(String(200))
    weight_kg: Mapped[int]


class WaybillContainerRow(Base):
    """A container on a rail waybill."""

    __tablename__ = "rail_waybill_containers"

    waybill_id: Mapped[int] = mapped_column(
        ForeignKey("rail_waybills.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    container_number: Mapped[str] = mapped_column(String(ID), index=True)


class ContainerEventRow(Provenance, Base):
    """集装箱作业事件 (rail)."""

    __tablename__ = "container_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    container_number: Mapped[str] = mapped_column(String(ID), index=True)
    waybill_number: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[ContainerEventKind] = mapped_column(Code(ContainerEventKind))
    station: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class VesselRegistrationRow(Provenance, Base):
    """船舶登记 (maritime)."""

    __tablename__ = "vessel_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    mmsi: Mapped[str] = mapped_column(String(ID), index=True)
    imo: Mapped[str | None] = mapped_column(String(ID))
    name: Mapped[str] = mapped_column(String(100))
    port_of_registry: Mapped[str] = mapped_column(String(50))
    gross_tonnage: Mapped[int]
    owner_uscc: Mapped[str | None] = mapped_column(String(ID))


class VesselRegistrationCertificateRow(Base):
    """A certificate on a vessel registration."""

    __tablename__ = "vessel_registration_certificates"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("vessel_registrations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[VesselCertificateKind] = mapped_column(Code(VesselCertificateKind))
    number: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    issuing_authority: Mapped[str] = mapped_column(String(200))


class PortCallRow(Provenance, Base):
    """进出港报告 (maritime)."""

    __tablename__ = "port_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    mmsi: Mapped[str] = mapped_column(String(ID), index=True)
    port: Mapped[str] = mapped_column(String(100))
    kind: Mapped[PortCallKind] = mapped_column(Code(PortCallKind))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AisPositionRow(Provenance, Base):
    """AIS 船位 (maritime)."""

    __tablename__ = "ais_positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    mmsi: Mapped[str] = mapped_column(String(ID), index=True)
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    latitude: Mapped[float]
    longitude: Mapped[float]
    speed_knots: Mapped[float]
    course_degrees: Mapped[float]


class VehiclePositionRow(Provenance, Base):
    """车辆卫星定位 (positioning platform)."""

    __tablename__ = "vehicle_positions"
    __constraints__ = (Index("ix_vehicle_positions_vehicle_time", "plate", "observed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(ID))
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor))
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    latitude: Mapped[float]
    longitude: Mapped[float]
    speed_kmh: Mapped[float]
    heading_degrees: Mapped[float]


class ShippingListingRow(Provenance, Base):
    """航运交易挂牌 (maritime)."""

    __tablename__ = "shipping_listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ListingKind] = mapped_column(Code(ListingKind))
    port_from: Mapped[str] = mapped_column(String(100))
    port_to: Mapped[str] = mapped_column(String(100))
    cargo: Mapped[str] = mapped_column(String(200))
    tonnage: Mapped[int]
    valid_until: Mapped[dt.date] = mapped_column(Date)


class HotlineComplaintRow(Provenance, Base):
    """12328 投诉工单 (the transport service hotline); the content may name people."""

    __tablename__ = "hotline_complaints"
    __constraints__ = (Index(None, "plate", "plate_color"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    operator_uscc: Mapped[str | None] = mapped_column(String(ID), index=True)
    plate: Mapped[str | None] = mapped_column(String(ID))
    plate_color: Mapped[PlateColor | None] = mapped_column(Code(PlateColor))
    category: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)
    handled_by: Mapped[str] = mapped_column(String(200))
    substantiated: Mapped[bool | None]
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
