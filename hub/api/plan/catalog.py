"""Where each published field lives: the table of a type, its columns, codes and relations.

Declared by hand beside the Strawberry types it mirrors (the SDL is the standard, the tables
are storage): a field missing here is not plannable, and an operation that selects it is
answered by the resolvers instead. Field names are the GraphQL (camelCase) names.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, String

from hub.alerts.models import AlertRow
from hub.api.alerts.queries import alert_sort, conditions
from hub.api.lines.types import PassengerLineFilterInput, PassengerLineOrder
from hub.api.operators.types import (
    OperatorFilterInput,
    OperatorOrder,
    PermitFilterInput,
    PermitOrder,
)
from hub.api.plan import journey
from hub.api.plan.kinds import (
    ByKey,
    Code,
    CodeList,
    Computed,
    Elements,
    Embedded,
    EmbeddedWhen,
    Field,
    Flag,
    GlobalId,
    Lookup,
    Near,
    Number,
    Overdue,
    Recent,
    RegionOf,
    RootList,
    RootPage,
    Rows,
    Scalar,
    Spelt,
    Stamp,
    Stored,
    Through,
    ToMany,
    ToOne,
    TypeEntry,
    ValidityOf,
    Values,
)
from hub.api.positions.types import ONLINE_WITHIN
from hub.api.practitioners.types import PractitionerFilterInput, PractitionerOrder
from hub.api.text import code_argument, identifier_argument
from hub.api.vehicles.types import VehicleFilterInput, VehicleOrder
from hub.canonical import identifiers
from hub.canonical.codes import (
    AlertKind,
    AlertStatus,
    BusinessCategory,
    ConsignmentEventKind,
    ConsignmentStatus,
    LicenceStatus,
    OperatorStatus,
    PermitKind,
    PlateColor,
    StationKind,
    StationLevel,
    TransportMode,
    VehicleType,
)
from hub.lines.models import LineStop, PassengerLine
from hub.lines.repository import LINES_CALLING_AT, LINES_OF_OPERATOR, PASSENGER_LINES
from hub.multimodal.models import (
    ConsignmentContainerRow,
    ConsignmentEventRow,
    ConsignmentLegRow,
    ConsignmentRow,
)
from hub.operators.models import Operator, Permit
from hub.operators.repository import OPERATORS, PERMITS, PERMITS_OF_OPERATOR
from hub.paging import Sort
from hub.positions.models import LatestPosition
from hub.practitioners.models import Practitioner
from hub.practitioners.repository import PRACTITIONERS_OF_EMPLOYER
from hub.stations.models import Station
from hub.vehicles.models import Vehicle
from hub.vehicles.repository import VEHICLES, VEHICLES_OF_LINE, VEHICLES_OF_OPERATOR


def _validity(prefix: str = "") -> dict[str, Field]:
    return {
        "validFrom": Scalar(f"{prefix}valid_from"),
        "validTo": Scalar(f"{prefix}valid_to"),
        "validity": ValidityOf(f"{prefix}valid_to"),
    }


TYPES: dict[str, TypeEntry] = {
    entry.name: entry
    for entry in [
        TypeEntry(
            "Vehicle",
            Vehicle,
            {
                "id": GlobalId(),
                "plate": Scalar("plate"),
                "plateColor": Code("plate_color", PlateColor),
                "vin": Scalar("vin"),
                "vehicleType": Code("vehicle_type", VehicleType),
                "seats": Scalar("seats"),
                "dangerousGoods": Flag("dangerous_goods"),
                "certificate": Embedded("RoadTransportCertificate"),
                "nextAnnualReview": Scalar("next_annual_review"),
                "nextSecondaryMaintenance": Scalar("next_secondary_maintenance"),
                "annualReviewOverdue": Overdue("next_annual_review"),
                "operator": ToOne("Operator", "operator_id"),
                "line": ToOne("PassengerLine", "line_id"),
                "position": ByKey(
                    "VehiclePosition", (("plate", "plate"), ("plate_color", "plate_color"))
                ),
            },
        ),
        # The latest fix of a vehicle, under the positions' row rule. ``ageSeconds`` counts
        # seconds as the resolvers' clock reads them: left to the resolvers.
        TypeEntry(
            "VehiclePosition",
            LatestPosition,
            {
                "observedAt": Stamp("observed_at"),
                "receivedAt": Stamp("received_at"),
                "latitude": Number("latitude"),
                "longitude": Number("longitude"),
                "speedKmh": Number("speed_kmh"),
                "direction": Scalar("direction"),
                "online": Recent("observed_at", ONLINE_WITHIN),
            },
        ),
        TypeEntry(
            "Provenance",
            None,
            {
                "source": Scalar("source"),
                "sourceRecordId": Scalar("source_record_id"),
                "receivedAt": Stamp("received_at"),
                "lastVerifiedAt": Stamp("verified_at"),
            },
        ),
        # Only what is not personal data: the rest is released (and audited) by resolvers.
        TypeEntry("Practitioner", Practitioner, {"id": GlobalId()}),
        TypeEntry(
            "RoadTransportCertificate",
            None,
            {
                "number": Scalar("certificate_number"),
                "status": Code("certificate_status", LicenceStatus),
                **_validity("certificate_"),
            },
        ),
        TypeEntry(
            "Operator",
            Operator,
            {
                "id": GlobalId(),
                "uscc": Scalar("uscc"),
                "name": Scalar("name"),
                "status": Code("status", OperatorStatus),
                "region": RegionOf("region_code"),
                "businessCategories": CodeList("business_categories", BusinessCategory),
                "provenance": Embedded("Provenance"),
                "employees": ToMany(
                    "Practitioner",
                    PRACTITIONERS_OF_EMPLOYER,
                    PractitionerFilterInput,
                    PractitionerOrder,
                ),
                "permits": ToMany("Permit", PERMITS_OF_OPERATOR, PermitFilterInput, PermitOrder),
                "vehicles": ToMany(
                    "Vehicle", VEHICLES_OF_OPERATOR, VehicleFilterInput, VehicleOrder
                ),
                "passengerLines": ToMany(
                    "PassengerLine",
                    LINES_OF_OPERATOR,
                    PassengerLineFilterInput,
                    PassengerLineOrder,
                ),
            },
        ),
        TypeEntry(
            "Permit",
            Permit,
            {
                "id": GlobalId(),
                "number": Scalar("number"),
                "kind": Code("kind", PermitKind),
                "scope": Scalar("scope"),
                "issuingAuthority": Scalar("issuing_authority"),
                "status": Code("status", LicenceStatus),
                **_validity(),
                "operator": ToOne("Operator", "operator_id"),
            },
        ),
        TypeEntry(
            "PassengerLine",
            PassengerLine,
            {
                "id": GlobalId(),
                "code": Scalar("code"),
                "name": Scalar("name"),
                "distanceKm": Number("distance_km"),
                "dailyTrips": Scalar("daily_trips"),
                "operator": ToOne("Operator", "operator_id"),
                "permit": ToOne("Permit", "permit_id"),
                "origin": ToOne("Station", "origin_station_id"),
                "destination": ToOne("Station", "destination_station_id"),
                "stations": Through("Station", LineStop, "line_id", "station_id", "sequence"),
                "vehicles": ToMany("Vehicle", VEHICLES_OF_LINE, VehicleFilterInput, VehicleOrder),
            },
        ),
        TypeEntry(
            "Station",
            Station,
            {
                "id": GlobalId(),
                "code": Scalar("code"),
                "name": Scalar("name"),
                "kind": Code("kind", StationKind),
                "level": Code("level", StationLevel),
                "location": Embedded("GeoPoint"),
                "operator": ToOne("Operator", "operator_id"),
                "passengerLines": ToMany(
                    "PassengerLine",
                    LINES_CALLING_AT,
                    PassengerLineFilterInput,
                    PassengerLineOrder,
                ),
            },
        ),
        # A station's location, from its own row.
        TypeEntry(
            "GeoPoint", None, {"latitude": Number("latitude"), "longitude": Number("longitude")}
        ),
        # An alert, under its one rule (hub.alerts.access.alert_rule), as hub.api.alerts
        # publishes it.
        TypeEntry(
            "Alert",
            AlertRow,
            {
                "id": GlobalId(),
                "kind": Code("kind", AlertKind),
                "status": Code("status", AlertStatus),
                "plate": Scalar("plate"),
                "plateColor": Code("plate_color", PlateColor),
                "region": RegionOf("region_code"),
                "startedAt": Stamp("started_at"),
                "endedAt": Stamp("ended_at"),
                "location": EmbeddedWhen("GeoPoint", ("latitude", "longitude")),
                "evidence": Stored("evidence"),
                "evidenceCount": Scalar("evidence_count"),
                "raisedAt": Stamp("raised_at"),
                "acknowledgedAt": Stamp("acknowledged_at"),
                "acknowledgedBy": Scalar("acknowledged_by"),
                "closedAt": Stamp("closed_at"),
                "closedBy": Scalar("closed_by"),
                "disposition": Scalar("disposition"),
                "vehicle": ToOne("Vehicle", "vehicle_id"),
                "operator": ToOne("Operator", "operator_id"),
            },
        ),
        # A consignment, under its one rule (hub.multimodal.access.consignment_rule); its legs,
        # containers and events are seen with it. The dangerous-goods details are released
        # or withheld once the current leg is known (hub.api.plan.journey).
        TypeEntry(
            "Consignment",
            ConsignmentRow,
            {
                "reference": Scalar("reference"),
                "issuedAt": Stamp("issued_at"),
                "status": Code("status", ConsignmentStatus),
                "parties": Elements(
                    "Party", "parties", {"role": String, "name": String, "uscc": String}
                ),
                "goods": Elements(
                    "GoodsLine",
                    "goods",
                    {
                        "description": String,
                        "packages": Integer,
                        "packaging": String,
                        "gross_weight_kg": Float,
                        "un_number": String,
                        "hazard_class": String,
                    },
                ),
                "dangerousGoods": Flag("dangerous_goods"),
                "bookedBy": Scalar("booked_by"),
                "closedAt": Stamp("closed_at"),
                "containers": Values(ConsignmentContainerRow, "consignment_id", "container_number"),
                "legs": Rows("ConsignmentLeg", "consignment_id", ("sequence",)),
                "timeline": Rows(
                    "ConsignmentEvent",
                    "consignment_id",
                    ("occurred_at", "source", "source_event_id"),
                ),
                "currentLeg": Computed(),
                "eta": Computed(),
            },
        ),
        TypeEntry(
            "Party",
            None,
            {"role": Scalar("role"), "name": Scalar("name"), "uscc": Scalar("uscc")},
        ),
        TypeEntry(
            "GoodsLine",
            None,
            {
                "description": Scalar("description"),
                "packages": Scalar("packages"),
                "packaging": Scalar("packaging"),
                "grossWeightKg": Number("gross_weight_kg"),
                "unNumber": Scalar("un_number"),
                "hazardClass": Scalar("hazard_class"),
            },
        ),
        TypeEntry(
            "ConsignmentLeg",
            ConsignmentLegRow,
            {
                "sequence": Scalar("sequence"),
                "mode": Code("mode", TransportMode),
                "carrierName": Scalar("carrier_name"),
                "carrierUscc": Scalar("carrier_uscc"),
                "origin": Scalar("origin"),
                "destination": Scalar("destination"),
                "handoverPoint": Scalar("handover_point"),
                "plannedDeparture": Stamp("planned_departure"),
                "plannedArrival": Stamp("planned_arrival"),
                "vehiclePlate": Scalar("vehicle_plate"),
                "vehiclePlateColor": Code("vehicle_plate_color", PlateColor),
                "vesselMmsi": Scalar("vessel_mmsi"),
                "railWaybillNumber": Scalar("rail_waybill_number"),
            },
        ),
        TypeEntry(
            "ConsignmentEvent",
            ConsignmentEventRow,
            {
                "kind": Code("kind", ConsignmentEventKind),
                "occurredAt": Stamp("occurred_at"),
                "location": Scalar("location"),
                "source": Scalar("source"),
                "sourceEventId": Scalar("source_event_id"),
                "leg": Scalar("leg"),
                "containerNumber": Scalar("container_number"),
                "vehiclePlate": Scalar("vehicle_plate"),
                "vehiclePlateColor": Code("vehicle_plate_color", PlateColor),
                "vesselMmsi": Scalar("vessel_mmsi"),
                "mode": Code("mode", TransportMode),
                "remarks": Scalar("remarks"),
                "receivedAt": Stamp("received_at"),
                "reportedBy": Scalar("reported_by"),
                "cursor": Spelt("sequence"),
            },
        ),
    ]
}


def _vehicle_key(args: dict[str, Any]) -> dict[str, Any]:
    plate = identifier_argument(identifiers.plate, args["plate"], "plate")
    return {"plate": plate, "plate_color": PlateColor(args["plateColor"])}


def _operator_key(args: dict[str, Any]) -> dict[str, Any]:
    return {"uscc": identifier_argument(identifiers.uscc, args["uscc"], "uscc")}


def _permit_key(args: dict[str, Any]) -> dict[str, Any]:
    return {"number": identifier_argument(identifiers.permit_number, args["number"], "number")}


def _consignment_key(args: dict[str, Any]) -> dict[str, Any]:
    reference = args["reference"]
    return {"reference": identifier_argument(identifiers.waybill_reference, reference, "reference")}


def _station_key(args: dict[str, Any]) -> dict[str, Any]:
    return {"code": code_argument(args["code"], "code")}


def _alerts(arguments: dict[str, Any]) -> tuple[Sort, list[ColumnElement[bool]]]:
    filter_ = arguments["filter"]
    return alert_sort(arguments["order_by"]), [] if filter_ is None else conditions(filter_)


ROOTS: dict[str, Lookup | RootList | RootPage | Near] = {
    "vehicle": Lookup("Vehicle", _vehicle_key),
    "operator": Lookup("Operator", _operator_key),
    "permit": Lookup("Permit", _permit_key),
    "station": Lookup("Station", _station_key),
    "consignment": Lookup("Consignment", _consignment_key, journey.facts, journey.journey_of),
    "vehicles": RootList("Vehicle", VEHICLES, VehicleFilterInput, VehicleOrder),
    "operators": RootList("Operator", OPERATORS, OperatorFilterInput, OperatorOrder),
    "permits": RootList("Permit", PERMITS, PermitFilterInput, PermitOrder),
    "passengerLines": RootList(
        "PassengerLine", PASSENGER_LINES, PassengerLineFilterInput, PassengerLineOrder
    ),
    "alerts": RootPage("Alert", AlertRow, _alerts),
    "vehiclesNear": Near(),
}
