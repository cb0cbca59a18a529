"""The multimodal electronic waybill (一单到底): one consignment, its legs and its events.

The contract of ``standards/multimodal/``: a waybill document carries a ``Consignment``; a
status-event document carries ``ConsignmentEvent``s. Events say what happened to which piece
of equipment or transport, from which source; the hub attaches them to a consignment by its
reference, a container number, or the vehicle or vessel of a leg.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub.canonical.codes import ConsignmentEventKind, PlateColor, TransportMode

# The value rules of standards/multimodal/*.xsd that GraphQL input is held to as well, so the
# hub never stores what it could not send as a valid document (a test holds them to the XSDs).
REFERENCE = r"[A-Z0-9\-]{6,40}"
SOURCE = r"[A-Za-z0-9._:/\-]{1,160}"
SOURCE_EVENT_ID = r"[A-Za-z0-9._:\-]{1,128}"
RAIL_WAYBILL_NUMBER = r"[0-9A-Z]{8,20}"
TEXT_MAX = 200
"""TextType: 1-200 characters, starting and ending with a non-space."""
REMARKS_MAX = 2000
WEIGHT_MAX_KG = 1_000_000_000
TEXT = r"\S(.*\S)?"
"""TextType's pattern: no line breaks, no space at either end."""
UNEXCHANGEABLE = "[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
"""What XML 1.0 cannot carry, and the carriage return, which every parser reads back as \\n."""
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
"""The times a consignment's plans and events may carry: anything else is a typing error."""


@dataclass(frozen=True, slots=True)
class Party:
    """Shipper, consignee or carrier: a business by its credit code where it has one."""

    role: str  # shipper, consignee, carrier
    name: str
    uscc: str | None


@dataclass(frozen=True, slots=True)
class Goods:
    """A line of goods; dangerous goods carry their UN number and class."""

    description: str
    packages: int
    packaging: str
    gross_weight_kg: float
    un_number: str | None
    hazard_class: str | None


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg of the journey, by one mode and one carrier."""

    sequence: int
    mode: TransportMode
    carrier_uscc: str | None
    carrier_name: str
    origin: str
    destination: str
    handover_point: str | None
    planned_departure: dt.datetime
    planned_arrival: dt.datetime
    vehicle_plate: str | None = None
    vehicle_plate_color: PlateColor | None = None
    vessel_mmsi: str | None = None
    rail_waybill_number: str | None = None


@dataclass(frozen=True, slots=True)
class Consignment:
    """The waybill: who sends what to whom, in which containers, along which legs."""

    reference: str
    """The waybill reference, unique across the hub (the 一单到底 number)."""
    issued_at: dt.datetime
    parties: tuple[Party, ...]
    goods: tuple[Goods, ...]
    containers: tuple[str, ...]
    legs: tuple[Leg, ...]


@dataclass(frozen=True, slots=True)
class ConsignmentEvent:
    """Something that happened: immutable; the same (source, source event id) is one event."""

    source: str
    source_event_id: str
    kind: ConsignmentEventKind
    occurred_at: dt.datetime
    location: str
    consignment_reference: str | None = None
    leg: int | None = None
    """The leg of that consignment it is about, where the reporter says so."""
    container_number: str | None = None
    vehicle_plate: str | None = None
    vehicle_plate_color: PlateColor | None = None
    """With the plate, the vehicle: a plate alone does not name one."""
    vessel_mmsi: str | None = None
    mode: TransportMode | None = None
    remarks: str | None = None
