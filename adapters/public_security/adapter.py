"""The public security (公安交管) adapter: its document types and its simulated feed."""

from __future__ import annotations

from adapters.public_security import demo, mapping, simulator
from hub.canonical.records import (
    BlacklistEntry,
    DrivingLicence,
    TrafficViolation,
    VehicleRegistration,
)
from hub.exchange.protocol import STANDARDS_DIR, Adapter, DocumentType, namespace

AGENCY = mapping.AGENCY


VEHICLE_REGISTRATION = DocumentType(
    name="vehicle-registration",
    title=("机动车登记", "Motor vehicle registration"),
    schema=STANDARDS_DIR / AGENCY / "vehicle-registration-1.0.xsd",
    namespace=namespace(AGENCY, "vehicle-registration"),
    root="VehicleRegistrations",
    parse=mapping.parse_vehicle_registration,
    export=mapping.export_vehicle_registration,
    record_types=(VehicleRegistration,),
)
DRIVING_LICENCE = DocumentType(
    name="driving-licence",
    title=("机动车驾驶证", "Driving licence"),
    schema=STANDARDS_DIR / AGENCY / "driving-licence-1.0.xsd",
    namespace=namespace(AGENCY, "driving-licence"),
    root="DrivingLicences",
    parse=mapping.parse_driving_licence,
    export=mapping.export_driving_licence,
    record_types=(DrivingLicence,),
)
TRAFFIC_VIOLATION = DocumentType(
    name="traffic-violation",
    title=("交通违法", "Traffic violation"),
    schema=STANDARDS_DIR / AGENCY / "traffic-violation-1.0.xsd",
    namespace=namespace(AGENCY, "traffic-violation"),
    root="TrafficViolations",
    parse=mapping.parse_traffic_violation,
    export=mapping.export_traffic_violation,
    record_types=(TrafficViolation,),
)
VEHICLE_BLACKLIST = DocumentType(
    name="vehicle-blacklist",
    title=("重点车辆黑名单", "Vehicle blacklist"),
    schema=STANDARDS_DIR / AGENCY / "vehicle-blacklist-1.0.xsd",
    namespace=namespace(AGENCY, "vehicle-blacklist"),
    root="BlacklistEntries",
    parse=mapping.parse_vehicle_blacklist,
    export=mapping.export_vehicle_blacklist,
    record_types=(BlacklistEntry,),
)

adapter = Adapter(
    name=AGENCY,
    title=("公安交管", "Public security traffic police"),
    documents={
        document.name: document
        for document in (
            VEHICLE_REGISTRATION,
            DRIVING_LICENCE,
            TRAFFIC_VIOLATION,
            VEHICLE_BLACKLIST,
        )
    },
    simulator=simulator.app,
    demo=demo.documents,
)
