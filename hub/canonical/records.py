"""Canonical records of the other agencies: the contract every adapter maps its documents to.

Frozen dataclasses of standard types and code-list enums only. Each record names the record
at its source (``source_record_id``): together with the agency that sent it, that is how the
hub recognises a record it already holds. Identifiers are stored as received and normalised
(upper case, half-width) — checking them is the pipeline's work, not the adapter's: an
authoritative feed is kept even when a value breaks its rule, and the break becomes a finding.
Personal data (names and ID numbers of natural persons) is marked in the field comments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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

# -- public security 公安交管 ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VehicleRegistration:
    """机动车登记: the police register's view of a vehicle."""

    source_record_id: str
    plate: str
    plate_color: PlateColor
    vin: str
    vehicle_type: str  # GA 802 code as registered
    owner_name: str  # personal when the owner is a natural person
    owner_id: str  # USCC of a company or resident ID number of a person (personal)
    registered_on: dt.date
    status: RegistrationStatus


@dataclass(frozen=True, slots=True)
class DrivingLicence:
    """机动车驾驶证 (personal data throughout)."""

    source_record_id: str
    id_number: str
    name: str
    licence_class: str  # e.g. A1, A2, B2, C1
    status: DrivingLicenceStatus
    points: int  # penalty points in the current scoring cycle
    valid_to: dt.date


@dataclass(frozen=True, slots=True)
class TrafficViolation:
    """交通违法记录: an event; corrections come as new records."""

    source_record_id: str
    plate: str
    plate_color: PlateColor
    occurred_at: dt.datetime
    place: str
    code: str  # violation code of the traffic police
    description: str
    fine_yuan: int
    points: int
    processed: bool


@dataclass(frozen=True, slots=True)
class BlacklistEntry:
    """重点车辆黑名单."""

    source_record_id: str
    plate: str
    plate_color: PlateColor
    reason: str
    listed_on: dt.date
    lifted_on: dt.date | None


# -- work-safety supervision 应急管理 ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccidentVehicle:
    """A vehicle involved in an accident, and its share of the responsibility."""

    plate: str
    plate_color: PlateColor
    responsibility: AccidentResponsibility


@dataclass(frozen=True, slots=True)
class Accident:
    """道路运输事故."""

    source_record_id: str
    occurred_at: dt.datetime
    place: str
    region_code: str
    latitude: float | None
    longitude: float | None
    deaths: int
    injuries: int
    operator_uscc: str | None
    summary: str
    vehicles: tuple[AccidentVehicle, ...]


@dataclass(frozen=True, slots=True)
class SafetyInspection:
    """安全检查与隐患整改."""

    source_record_id: str
    operator_uscc: str
    inspected_on: dt.date
    authority: str
    hazards_found: int
    rectification_due: dt.date | None
    rectified: bool
    result: str


# -- commerce registry 市场监管 ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BusinessRegistration:
    """市场主体登记, by unified social credit code."""

    source_record_id: str
    uscc: str
    name: str
    status: BusinessStatus
    legal_representative: str  # personal
    registered_capital_wan_yuan: float
    scope: str
    registered_on: dt.date
    authority: str


# -- insurers 保险 -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InsurancePolicy:
    """保单: insures a vehicle (plate) or an operator (USCC), or both."""

    source_record_id: str
    policy_number: str
    kind: InsuranceKind
    insurer: str
    insured_uscc: str | None
    plate: str | None
    plate_color: PlateColor | None
    cover_yuan: int
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True, slots=True)
class InsuranceClaim:
    """理赔."""

    source_record_id: str
    claim_number: str
    policy_number: str
    occurred_on: dt.date
    amount_yuan: int
    settled: bool


# -- rail 铁路 ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RailWaybill:
    """铁路货票."""

    source_record_id: str
    waybill_number: str
    shipper: str
    consignee: str
    origin_station: str
    destination_station: str
    goods: str
    weight_kg: int
    containers: tuple[str, ...]  # ISO 6346 numbers


@dataclass(frozen=True, slots=True)
class ContainerEvent:
    """集装箱作业事件 at a named station: an event, never changed once sent."""

    source_record_id: str
    container_number: str
    waybill_number: str | None
    kind: ContainerEventKind
    station: str
    occurred_at: dt.datetime


# -- maritime 海事与航运交易 -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VesselCertificateRecord:
    """A certificate of a registered vessel."""

    kind: VesselCertificateKind
    number: str
    valid_from: dt.date
    valid_to: dt.date
    issuing_authority: str


@dataclass(frozen=True, slots=True)
class VesselRegistration:
    """船舶登记 with its certificates."""

    source_record_id: str
    mmsi: str
    imo: str | None
    name: str
    port_of_registry: str
    gross_tonnage: int
    owner_uscc: str | None
    certificates: tuple[VesselCertificateRecord, ...]


@dataclass(frozen=True, slots=True)
class PortCall:
    """船舶进出港报告."""

    source_record_id: str
    mmsi: str
    port: str
    kind: PortCallKind
    occurred_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AisPosition:
    """AIS 船位 (WGS-84)."""

    source_record_id: str
    mmsi: str
    observed_at: dt.datetime
    latitude: float
    longitude: float
    speed_knots: float
    course_degrees: float


# -- road positioning 道路运输车辆卫星定位 ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VehiclePosition:
    """车辆卫星定位 of a road transport vehicle (WGS-84 / CGCS2000 degrees, never GCJ-02)."""

    source_record_id: str
    plate: str
    plate_color: PlateColor
    observed_at: dt.datetime
    latitude: float
    longitude: float
    speed_kmh: float
    heading_degrees: float


@dataclass(frozen=True, slots=True)
class ShippingListing:
    """航运交易所挂牌: a cargo offer or a vessel offer."""

    source_record_id: str
    kind: ListingKind
    port_from: str
    port_to: str
    cargo: str
    tonnage: int
    valid_until: dt.date


@dataclass(frozen=True, slots=True)
class HotlineComplaint:
    """12328 投诉工单: a complaint taken by the transport service hotline, and its outcome."""

    source_record_id: str
    filed_at: dt.datetime
    operator_uscc: str | None
    plate: str | None
    plate_color: PlateColor | None
    category: str
    content: str
    handled_by: str
    substantiated: bool | None  # None: not concluded yet
    closed_on: dt.date | None


Record = (
    VehicleRegistration | DrivingLicence | TrafficViolation | BlacklistEntry | Accident
    | SafetyInspection | BusinessRegistration | InsurancePolicy | InsuranceClaim | RailWaybill
    | ContainerEvent | VesselRegistration | PortCall | AisPosition | ShippingListing
    | VehiclePosition | HotlineComplaint
)  # fmt: skip
"""Every canonical record an adapter may produce."""
