"""Where each published field lives: the table of a type, its columns, codes and relations.

Declared by hand beside the Strawberry types it mirrors (the SDL is the standard, the tables
are storage): a field missing here is not plannable, and an operation that selects it is
answered by the resolvers instead. Field names are the GraphQL (camelCase) names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Float, Integer, String
from sqlalchemy.sql import FromClause
from sqlalchemy.types import TypeEngine

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
from hub.api.plan.selection import Selected
from hub.api.plan.sqljson import SqlJson
from hub.api.positions.types import ONLINE_WITHIN
from hub.api.practitioners.types import PractitionerFilterInput, PractitionerOrder
from hub.api.text import code_argument, identifier_argument
from hub.api.vehicles.types import VehicleFilterInput, VehicleOrder
from hub.auth.principal import Principal
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
from hub.db import Base
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
from hub.paging import Listing, Relation, Sort
from hub.positions.models import LatestPosition
from hub.practitioners.models import Practitioner
from hub.practitioners.repository import PRACTITIONERS_OF_EMPLOYER
from hub.stations.models import Station
from hub.vehicles.models import Vehicle
from hub.vehicles.repository import VEHICLES, VEHICLES_OF_LINE, VEHICLES_OF_OPERATOR


@dataclass(frozen=True, slots=True)
class Scalar:
    """A column as it is: text, whole numbers, dates."""

    column: str


@dataclass(frozen=True, slots=True)
class Number:
    """A floating-point column, written as Python writes a float (``20.0``, never ``20``)."""

    column: str


@dataclass(frozen=True, slots=True)
class Flag:
    """A boolean column (SQLite stores 0 / 1)."""

    column: str


@dataclass(frozen=True, slots=True)
class Code:
    """A code-list column: the database holds the code, GraphQL answers the member's name."""

    column: str
    enum_type: type[Enum]


@dataclass(frozen=True, slots=True)
class ValidityOf:
    """Where a document valid through ``column`` stands today (``hub.filters.validity_of``)."""

    column: str


@dataclass(frozen=True, slots=True)
class Overdue:
    """Whether the date in ``column`` lies before today."""

    column: str


@dataclass(frozen=True, slots=True)
class CodeList:
    """A JSON array of codes: GraphQL answers the members' names, in the stored order."""

    column: str
    enum_type: type[Enum]


@dataclass(frozen=True, slots=True)
class Stamp:
    """A UTC timestamp, written as Strawberry writes it (``isoformat``: offset +00:00)."""

    column: str


@dataclass(frozen=True, slots=True)
class RegionOf:
    """The published region of a division code column (null for codes off the list)."""

    column: str


@dataclass(frozen=True, slots=True)
class GlobalId:
    """The Relay ID: base64 of ``Type:id``."""


@dataclass(frozen=True, slots=True)
class Embedded:
    """An object published from columns of the same row (a vehicle's certificate)."""

    type_name: str


@dataclass(frozen=True, slots=True)
class EmbeddedWhen:
    """An object published from columns of the same row, null unless every one of
    ``columns`` holds a value (an alert's location)."""

    type_name: str
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Stored:
    """A JSON column published as it is stored (an alert's evidence: a list of strings)."""

    column: str


@dataclass(frozen=True, slots=True)
class ToOne:
    """A single related record by a foreign key, null when absent or outside the row rule."""

    type_name: str
    foreign_key: str


@dataclass(frozen=True, slots=True)
class ByKey:
    """A single related record found by columns the parent row shares with it (a vehicle's
    latest position, by plate and colour), null when absent or outside its row rule."""

    type_name: str
    keys: tuple[tuple[str, str], ...]
    """Pairs of (the parent's column, the record's column) that must be equal."""


@dataclass(frozen=True, slots=True)
class Recent:
    """Whether the timestamp in ``column`` lies less than ``within`` before now, now being
    when the statement runs (a position's ``online``)."""

    column: str
    within: dt.timedelta


@dataclass(frozen=True, slots=True)
class Through:
    """A plain list of related records reached through a link table, in the link's order
    (a line's stops): the records the row rule hides are left out, as the loaders do."""

    type_name: str
    link: type[Base]
    parent_key: str
    """The link's column holding the parent's id."""
    child_key: str
    """The link's column holding the listed record's id."""
    order: str
    """The link's column that orders the list."""


@dataclass(frozen=True, slots=True)
class Rows:
    """A plain list of the rows of a child table that belong to the parent (a consignment's
    legs), in ``order``. They have no row rule of their own: they are seen with the parent,
    whose rule the parent's statement applies."""

    type_name: str
    parent_key: str
    """The child's column holding the parent's id."""
    order: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Values:
    """A plain list of one column of a child table's rows that belong to the parent (a
    consignment's container numbers), in that column's order; seen with the parent."""

    model: type[Base]
    parent_key: str
    column: str


@dataclass(frozen=True, slots=True)
class Elements:
    """The objects of a JSON array column (a consignment's parties), in the array's order,
    each read as a row whose columns are its keys, of these SQL types."""

    type_name: str
    column: str
    keys: dict[str, type[TypeEngine[Any]]]


@dataclass(frozen=True, slots=True)
class Spelt:
    """A whole-number column published as a string (an event's cursor)."""

    column: str


@dataclass(frozen=True, slots=True)
class Computed:
    """A value worked out in Python from what the statement also returns (a consignment's
    current leg and ETA, from its timeline: ``hub.multimodal.progress``)."""


@dataclass(frozen=True, slots=True)
class ToMany:
    """A Relay connection of related records."""

    type_name: str
    relation: Relation[Any, Any]
    filter_input: Any
    order_input: Any


Field = (
    Scalar
    | Number
    | Flag
    | Code
    | CodeList
    | Stamp
    | RegionOf
    | ValidityOf
    | Overdue
    | GlobalId
    | Embedded
    | EmbeddedWhen
    | Stored
    | ToOne
    | ByKey
    | Recent
    | Through
    | Rows
    | Values
    | Elements
    | Spelt
    | Computed
    | ToMany
)


@dataclass(frozen=True, slots=True)
class TypeEntry:
    """A published type: its table (None for objects embedded in another's row) and fields."""

    name: str
    model: type[Base] | None
    fields: dict[str, Field] = field(default_factory=dict)


class Finisher(Protocol):
    """Finishes a planned answer in Python (see ``Lookup.finisher``)."""

    def finish(self, text: str) -> str | None:
        """The answer's JSON from the statement's ``[answer, facts]``; None: the resolvers
        answer the request instead."""


@dataclass(frozen=True, slots=True)
class Lookup:
    """A root field answering one record by its natural key.

    ``key`` checks the arguments as the resolver does (BadUserInput on bad ones) and returns
    the column values that identify the record.
    """

    type_name: str
    key: Callable[[dict[str, Any]], dict[str, Any]]
    facts: Callable[[SqlJson, FromClause], ColumnElement[Any]] | None = None
    """What Python needs of the record to finish the answer (its ``Computed`` fields)."""
    finisher: Callable[[Selected, Principal], Finisher | None] | None = None
    """How a selection of the record is finished from its JSON and ``facts`` (None: as is)."""


@dataclass(frozen=True, slots=True)
class RootList:
    """A root connection over a whole listing."""

    type_name: str
    listing: Listing[Any, Any]
    filter_input: Any
    order_input: Any


@dataclass(frozen=True, slots=True)
class RootPage:
    """A root connection whose arguments the resolver's own functions turn into an order and
    the filter's conditions (alerts: their filter does more than a listing's)."""

    type_name: str
    model: type[Base]
    listed: Callable[[dict[str, Any]], tuple[Sort, list[ColumnElement[bool]]]]
    """The order and the conditions (on the model's table), from the arguments as the
    resolver receives them; BadUserInput as the resolver raises it."""


@dataclass(frozen=True, slots=True)
class Near:
    """``vehiclesNear``: vehicles by the distance of their latest position from a point
    (``hub.api.plan.nearby``)."""

    type_name: str = "LocatedVehicle"


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
