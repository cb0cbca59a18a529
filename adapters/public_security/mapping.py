"""Public security (公安交管) documents ↔ canonical records.

Four document types, each a flat batch of records (see ``hub.exchange.record_xml.Layout``).
Identifiers are normalised and otherwise kept as received: a VIN or an ID number with a wrong check
character is the authority's record all the same, and the pipeline turns it into a data-quality
finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from hub.canonical.codes import DrivingLicenceStatus, PlateColor, RegistrationStatus
from hub.canonical.records import (
    BlacklistEntry,
    DrivingLicence,
    Record,
    TrafficViolation,
    VehicleRegistration,
)
from hub.exchange.protocol import Header, namespace
from hub.exchange.record_xml import (
    Field,
    Layout,
    RecordLayout,
    boolean,
    code,
    date,
    datetime,
    identifier,
    iso,
    write_boolean,
)

AGENCY = "public_security"

_RECORD_ID = Field("RecordId", "source_record_id")
_PLATE = Field("Plate", "plate", identifier)
_PLATE_COLOR = Field("PlateColor", "plate_color", PlateColor, code)

VEHICLE_REGISTRATION = Layout(
    namespace=namespace(AGENCY, "vehicle-registration"),
    root="VehicleRegistrations",
    record=RecordLayout(
        element="VehicleRegistration",
        record_type=VehicleRegistration,
        fields=(
            _RECORD_ID,
            _PLATE,
            _PLATE_COLOR,
            Field("Vin", "vin", identifier),
            Field("VehicleType", "vehicle_type"),
            Field("OwnerName", "owner_name"),
            Field("OwnerId", "owner_id", identifier),
            Field("RegisteredOn", "registered_on", date, iso),
            Field("Status", "status", RegistrationStatus, code),
        ),
    ),
)

DRIVING_LICENCE = Layout(
    namespace=namespace(AGENCY, "driving-licence"),
    root="DrivingLicences",
    record=RecordLayout(
        element="DrivingLicence",
        record_type=DrivingLicence,
        fields=(
            _RECORD_ID,
            Field("IdNumber", "id_number", identifier),
            Field("Name", "name"),
            Field("LicenceClass", "licence_class"),
            Field("Status", "status", DrivingLicenceStatus, code),
            Field("Points", "points", int),
            Field("ValidTo", "valid_to", date, iso),
        ),
    ),
)

TRAFFIC_VIOLATION = Layout(
    namespace=namespace(AGENCY, "traffic-violation"),
    root="TrafficViolations",
    record=RecordLayout(
        element="TrafficViolation",
        record_type=TrafficViolation,
        fields=(
            _RECORD_ID,
            _PLATE,
            _PLATE_COLOR,
            # The XSD requires the offset, so this is always an aware datetime.
            Field("OccurredAt", "occurred_at", datetime, iso),
            Field("Place", "place"),
            Field("Code", "code"),
            Field("Description", "description"),
            Field("FineYuan", "fine_yuan", int),
            Field("Points", "points", int),
            Field("Processed", "processed", boolean, write_boolean),
        ),
    ),
)

VEHICLE_BLACKLIST = Layout(
    namespace=namespace(AGENCY, "vehicle-blacklist"),
    root="BlacklistEntries",
    record=RecordLayout(
        element="BlacklistEntry",
        record_type=BlacklistEntry,
        fields=(
            _RECORD_ID,
            _PLATE,
            _PLATE_COLOR,
            Field("Reason", "reason"),
            Field("ListedOn", "listed_on", date, iso),
            Field("LiftedOn", "lifted_on", date, iso, optional=True),
        ),
    ),
)


def parse_vehicle_registration(root: Element) -> tuple[Record, ...]:
    """The VehicleRegistration records of a validated 机动车登记 document."""
    return VEHICLE_REGISTRATION.parse(root)


def export_vehicle_registration(records: Sequence[Record], header: Header) -> bytes:
    """A 机动车登记 document of VehicleRegistration records."""
    return VEHICLE_REGISTRATION.export(records, header)


def parse_driving_licence(root: Element) -> tuple[Record, ...]:
    """The DrivingLicence records of a validated 驾驶证 document."""
    return DRIVING_LICENCE.parse(root)


def export_driving_licence(records: Sequence[Record], header: Header) -> bytes:
    """A 驾驶证 document of DrivingLicence records."""
    return DRIVING_LICENCE.export(records, header)


def parse_traffic_violation(root: Element) -> tuple[Record, ...]:
    """The TrafficViolation records of a validated 交通违法 document."""
    return TRAFFIC_VIOLATION.parse(root)


def export_traffic_violation(records: Sequence[Record], header: Header) -> bytes:
    """A 交通违法 document of TrafficViolation records."""
    return TRAFFIC_VIOLATION.export(records, header)


def parse_vehicle_blacklist(root: Element) -> tuple[Record, ...]:
    """The BlacklistEntry records of a validated 重点车辆黑名单 document."""
    return VEHICLE_BLACKLIST.parse(root)


def export_vehicle_blacklist(records: Sequence[Record], header: Header) -> bytes:
    """A 重点车辆黑名单 document of BlacklistEntry records."""
    return VEHICLE_BLACKLIST.export(records, header)
