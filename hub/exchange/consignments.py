"""Multimodal documents (一单到底) ↔ canonical records: waybills, status events, a consignment.

The three standards of ``standards/multimodal/``. Reading checks the size, parses safely and
validates against the XSD, so a refused document says where it is wrong (``InvalidDocument``);
then the rules an XSD cannot say are checked and a broken one raises ``ValueError`` naming it:
a waybill needs a shipper and a consignee, its containers' ISO 6346 check digits must be right,
and an event needs at least one reference. An event's container number is kept as the source
sent it, check digit and all: a wrong one attaches to no waybill, which is the source's
business. Writing checks the same rules, so the hub never sends what it would refuse itself.

Values are exchanged exactly — no whitespace is collapsed, datetimes keep their offset and
weights are written as the shortest decimal that reads back as the same float — so reading
what was written gives back equal records.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from xml.etree.ElementTree import Element

from hub.canonical import identifiers
from hub.canonical.codes import ConsignmentEventKind, PlateColor, TransportMode
from hub.canonical.multimodal import Consignment, ConsignmentEvent, Goods, Leg, Party
from hub.exchange.protocol import STANDARDS_DIR, Header, namespace
from hub.exchange.record_xml import add, decimal, document, read_datetime, zoned
from hub.exchange.validation import InvalidDocument, parse, schema

WAYBILL_NS = namespace("multimodal", "waybill")
STATUS_EVENT_NS = namespace("multimodal", "status-event")
CONSIGNMENT_NS = namespace("multimodal", "consignment")
WAYBILL_SCHEMA = STANDARDS_DIR / "multimodal" / "waybill-1.0.xsd"
STATUS_EVENT_SCHEMA = STANDARDS_DIR / "multimodal" / "status-event-1.0.xsd"
CONSIGNMENT_SCHEMA = STANDARDS_DIR / "multimodal" / "consignment-1.0.xsd"
MAX_WAYBILLS = 100  # maxOccurs of Waybill in waybill-1.0.xsd
MAX_EVENTS = 1000  # maxOccurs of Event in status-event-1.0.xsd

# Without registered prefixes ElementTree writes ns0:, ns1:; these are the XSDs' own (the
# header's "h" is registered by record_xml).
ET.register_namespace("wb", WAYBILL_NS)
ET.register_namespace("se", STATUS_EVENT_NS)


# -- the rules an XSD cannot say ----------------------------------------------------------


def _check_waybill(consignment: Consignment) -> None:
    where = f"Waybill {consignment.reference}"
    roles = {party.role for party in consignment.parties}
    missing = [role for role in ("shipper", "consignee") if role not in roles]
    if missing:
        raise ValueError(
            f"{where}: Parties needs at least one shipper and one consignee; "
            f"there is no {' and no '.join(missing)}"
        )
    for index, number in enumerate(consignment.containers, start=1):
        # InvalidIdentifier is a ValueError saying "<field>: '<value>' <rule>".
        identifiers.container_number(number, f"{where}: Containers/Container[{index}]")


def _check_event(event: ConsignmentEvent) -> None:
    references = (
        event.consignment_reference,
        event.container_number,
        event.vehicle_plate,
        event.vessel_mmsi,
    )
    if all(reference is None for reference in references):
        raise ValueError(
            f"Event {event.source}/{event.source_event_id}: needs at least one reference: "
            "ConsignmentReference, ContainerNumber, VehiclePlate or VesselMmsi"
        )
    if event.leg is not None and event.consignment_reference is None:
        raise ValueError(
            f"Event {event.source}/{event.source_event_id}: a Leg is a leg of the consignment "
            "named in ConsignmentReference, and there is none"
        )


# -- reading ------------------------------------------------------------------------------


def _validated(data: bytes, xsd: Path, ns: str, root: str) -> Element:
    """The root of a safely parsed document valid against ``xsd``; else the first error."""
    parsed = parse(data)
    if (parsed.namespace, parsed.root) != (ns, root):
        raise InvalidDocument(f"expected {{{ns}}}{root}, got {{{parsed.namespace}}}{parsed.root}")
    error = next(schema(xsd).iter_errors(parsed.resource), None)
    if error is not None:
        # The path locates it well enough (/Waybills/Waybill[2]/Legs/Leg[1]/Mode): line
        # numbers would need lxml, which this module keeps out of.
        raise InvalidDocument(f"{error.path or '/'}: {error.reason or error.message}")
    return parsed.element


class _Reader:
    """The children of one element, in one namespace, read exactly as the XSD checked them."""

    def __init__(self, element: Element, ns: str) -> None:
        self.element, self.ns = element, ns

    def _path(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{step}" for step in path.split("/"))

    def all(self, path: str) -> list[_Reader]:
        return [_Reader(found, self.ns) for found in self.element.iterfind(self._path(path))]

    def optional(self, path: str) -> str | None:
        found = self.element.find(self._path(path))
        # The XSD types of text refuse surrounding whitespace rather than collapse it, so the
        # text is the value; int() and float() ignore it and datetime() strips it.
        return None if found is None else found.text or ""

    def text(self, path: str) -> str:
        return self.optional(path) or ""

    def datetime(self, name: str) -> dt.datetime:
        return read_datetime(name, self.text(name).strip())


def _read_waybill(waybill: _Reader) -> Consignment:
    consignment = Consignment(
        reference=waybill.text("Reference"),
        issued_at=waybill.datetime("IssuedAt"),
        parties=tuple(
            Party(role=p.text("Role"), name=p.text("Name"), uscc=p.optional("Uscc"))
            for p in waybill.all("Parties/Party")
        ),
        goods=tuple(
            Goods(
                description=g.text("Description"),
                packages=int(g.text("Packages")),
                packaging=g.text("Packaging"),
                gross_weight_kg=float(g.text("GrossWeightKg")),
                un_number=g.optional("DangerousGoods/UnNumber"),
                hazard_class=g.optional("DangerousGoods/Class"),
            )
            for g in waybill.all("Goods/Item")
        ),
        containers=tuple(c.element.text or "" for c in waybill.all("Containers/Container")),
        legs=tuple(_read_leg(leg) for leg in waybill.all("Legs/Leg")),
    )
    _check_waybill(consignment)
    return consignment


def _read_leg(leg: _Reader) -> Leg:
    color = leg.optional("Vehicle/PlateColor")
    return Leg(
        sequence=int(leg.text("Sequence")),
        mode=TransportMode(leg.text("Mode")),
        carrier_uscc=leg.optional("Carrier/Uscc"),
        carrier_name=leg.text("Carrier/Name"),
        origin=leg.text("Origin"),
        destination=leg.text("Destination"),
        handover_point=leg.optional("HandoverPoint"),
        planned_departure=leg.datetime("PlannedDeparture"),
        planned_arrival=leg.datetime("PlannedArrival"),
        vehicle_plate=leg.optional("Vehicle/Plate"),
        vehicle_plate_color=None if color is None else PlateColor(color),
        vessel_mmsi=leg.optional("VesselMmsi"),
        rail_waybill_number=leg.optional("RailWaybillNumber"),
    )


def _read_event(event: _Reader) -> ConsignmentEvent:
    mode, color = event.optional("Mode"), event.optional("VehiclePlateColor")
    leg = event.optional("Leg")
    read = ConsignmentEvent(
        source=event.text("Source"),
        source_event_id=event.text("SourceEventId"),
        kind=ConsignmentEventKind(event.text("Kind")),
        occurred_at=event.datetime("OccurredAt"),
        location=event.text("Location"),
        consignment_reference=event.optional("ConsignmentReference"),
        leg=None if leg is None else int(leg),
        container_number=event.optional("ContainerNumber"),
        vehicle_plate=event.optional("VehiclePlate"),
        vehicle_plate_color=None if color is None else PlateColor(color),
        vessel_mmsi=event.optional("VesselMmsi"),
        mode=None if mode is None else TransportMode(mode),
        remarks=event.optional("Remarks"),
    )
    _check_event(read)
    return read


def waybills_from_xml(data: bytes) -> list[Consignment]:
    """The consignments of a ``Waybills`` document, in document order.

    Raises InvalidDocument for a document refused before mapping (size, XML, XSD) and
    ValueError naming the rule for a waybill without shipper or consignee or with a wrong
    container check digit.
    """
    root = _Reader(_validated(data, WAYBILL_SCHEMA, WAYBILL_NS, "Waybills"), WAYBILL_NS)
    return [_read_waybill(waybill) for waybill in root.all("Waybill")]


def events_from_xml(data: bytes) -> list[ConsignmentEvent]:
    """The events of a ``StatusEvents`` document, in document order.

    Raises InvalidDocument as ``waybills_from_xml`` does, and ValueError for an event
    without any reference.
    """
    ns = STATUS_EVENT_NS
    root = _Reader(_validated(data, STATUS_EVENT_SCHEMA, ns, "StatusEvents"), ns)
    return [_read_event(event) for event in root.all("Event")]


def consignment_from_xml(data: bytes) -> tuple[Consignment, list[ConsignmentEvent]]:
    """The consignment and its events of a ``ConsignmentRecord`` document."""
    root = _validated(data, CONSIGNMENT_SCHEMA, CONSIGNMENT_NS, "ConsignmentRecord")
    # The Waybill and Event elements are the record's; what they hold is the other two's.
    (waybill,) = root.findall(f"{{{CONSIGNMENT_NS}}}Waybill")  # exactly one, says the XSD
    events = root.iterfind(f"{{{CONSIGNMENT_NS}}}Events/{{{CONSIGNMENT_NS}}}Event")
    return (
        _read_waybill(_Reader(waybill, WAYBILL_NS)),
        [_read_event(_Reader(event, STATUS_EVENT_NS)) for event in events],
    )


# -- writing ------------------------------------------------------------------------------


def _waybill(tag: Element, consignment: Consignment) -> Element:
    """``tag`` filled with the waybill's children, which are in the waybill namespace."""
    _check_waybill(consignment)
    ns = WAYBILL_NS
    add(tag, ns, "Reference", consignment.reference)
    add(tag, ns, "IssuedAt", zoned(consignment.issued_at, "IssuedAt"))
    parties = ET.SubElement(tag, f"{{{ns}}}Parties")
    for party in consignment.parties:
        element = ET.SubElement(parties, f"{{{ns}}}Party")
        add(element, ns, "Role", party.role)
        add(element, ns, "Name", party.name)
        add(element, ns, "Uscc", party.uscc)
    goods = ET.SubElement(tag, f"{{{ns}}}Goods")
    for line in consignment.goods:
        item = ET.SubElement(goods, f"{{{ns}}}Item")
        add(item, ns, "Description", line.description)
        add(item, ns, "Packages", str(line.packages))
        add(item, ns, "Packaging", line.packaging)
        add(item, ns, "GrossWeightKg", decimal(line.gross_weight_kg, "GrossWeightKg"))
        if (line.un_number is None) != (line.hazard_class is None):
            raise ValueError(
                f"Waybill {consignment.reference}: DangerousGoods needs both UnNumber and "
                f"Class, not {line.un_number!r} and {line.hazard_class!r}"
            )
        if line.un_number is not None:
            dangerous = ET.SubElement(item, f"{{{ns}}}DangerousGoods")
            add(dangerous, ns, "UnNumber", line.un_number)
            add(dangerous, ns, "Class", line.hazard_class)
    if consignment.containers:  # the XSD wants no empty wrapper
        containers = ET.SubElement(tag, f"{{{ns}}}Containers")
        for number in consignment.containers:
            add(containers, ns, "Container", number)
    legs = ET.SubElement(tag, f"{{{ns}}}Legs")
    for leg in consignment.legs:
        _leg(ET.SubElement(legs, f"{{{ns}}}Leg"), leg)
    return tag


def _leg(element: Element, leg: Leg) -> None:
    ns = WAYBILL_NS
    add(element, ns, "Sequence", str(leg.sequence))
    add(element, ns, "Mode", leg.mode.value)
    carrier = ET.SubElement(element, f"{{{ns}}}Carrier")
    add(carrier, ns, "Name", leg.carrier_name)
    add(carrier, ns, "Uscc", leg.carrier_uscc)
    add(element, ns, "Origin", leg.origin)
    add(element, ns, "Destination", leg.destination)
    add(element, ns, "HandoverPoint", leg.handover_point)
    add(element, ns, "PlannedDeparture", zoned(leg.planned_departure, "PlannedDeparture"))
    add(element, ns, "PlannedArrival", zoned(leg.planned_arrival, "PlannedArrival"))
    if leg.vehicle_plate is not None:
        vehicle = ET.SubElement(element, f"{{{ns}}}Vehicle")
        add(vehicle, ns, "Plate", leg.vehicle_plate)
        color = leg.vehicle_plate_color
        add(vehicle, ns, "PlateColor", None if color is None else color.value)
    elif leg.vehicle_plate_color is not None:
        raise ValueError(f"Leg {leg.sequence}: Vehicle needs a Plate to go with its PlateColor")
    add(element, ns, "VesselMmsi", leg.vessel_mmsi)
    add(element, ns, "RailWaybillNumber", leg.rail_waybill_number)


def _event(tag: Element, event: ConsignmentEvent) -> Element:
    """``tag`` filled with the event's children, which are in the status event namespace."""
    _check_event(event)
    ns = STATUS_EVENT_NS
    add(tag, ns, "Source", event.source)
    add(tag, ns, "SourceEventId", event.source_event_id)
    add(tag, ns, "Kind", event.kind.value)
    add(tag, ns, "OccurredAt", zoned(event.occurred_at, "OccurredAt"))
    add(tag, ns, "Location", event.location)
    add(tag, ns, "ConsignmentReference", event.consignment_reference)
    add(tag, ns, "Leg", None if event.leg is None else str(event.leg))
    add(tag, ns, "ContainerNumber", event.container_number)
    add(tag, ns, "VehiclePlate", event.vehicle_plate)
    color = event.vehicle_plate_color
    add(tag, ns, "VehiclePlateColor", None if color is None else color.value)
    add(tag, ns, "VesselMmsi", event.vessel_mmsi)
    add(tag, ns, "Mode", None if event.mode is None else event.mode.value)
    add(tag, ns, "Remarks", event.remarks)
    return tag


def _count(items: Sequence[object], what: str, most: int) -> None:
    if not 1 <= len(items) <= most:
        raise ValueError(f"a document carries 1-{most} {what}, not {len(items)}")


def waybills_to_xml(consignments: Sequence[Consignment], header: Header) -> bytes:
    """A ``Waybills`` document of 1-100 consignments; ValueError for one that breaks a rule."""
    _count(consignments, "waybills", MAX_WAYBILLS)
    items = [_waybill(Element(f"{{{WAYBILL_NS}}}Waybill"), c) for c in consignments]
    return document(WAYBILL_NS, "Waybills", header, items)


def events_to_xml(events: Sequence[ConsignmentEvent], header: Header) -> bytes:
    """A ``StatusEvents`` document of 1-1000 events; ValueError for one without a reference."""
    _count(events, "events", MAX_EVENTS)
    items = [_event(Element(f"{{{STATUS_EVENT_NS}}}Event"), event) for event in events]
    return document(STATUS_EVENT_NS, "StatusEvents", header, items)


def consignment_to_xml(
    consignment: Consignment, events: Sequence[ConsignmentEvent], header: Header
) -> bytes:
    """A ``ConsignmentRecord`` document: the consignment and its events, in the given order."""
    ns = CONSIGNMENT_NS
    items = [_waybill(Element(f"{{{ns}}}Waybill"), consignment)]
    if events:  # the XSD wants no empty wrapper
        wrapper = Element(f"{{{ns}}}Events")
        wrapper.extend(_event(Element(f"{{{ns}}}Event"), event) for event in events)
        items.append(wrapper)
    return document(ns, "ConsignmentRecord", header, items)
