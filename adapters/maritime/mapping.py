"""Maritime documents ↔ canonical records: vessel registrations, port calls, AIS positions and
shipping exchange listings.

Parsing reads documents already validated against their XSDs, so shapes, codes and ranges
hold; identifiers (MMSI, IMO, USCC) are normalised but never refused for a bad check digit —
the maritime administration is authoritative, so what it sends is stored as received and the
pipeline records a finding.
"""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar
from xml.etree.ElementTree import Element

from hub.canonical.codes import ListingKind, PortCallKind, VesselCertificateKind
from hub.canonical.identifiers import normalize
from hub.canonical.records import (
    AisPosition,
    PortCall,
    Record,
    ShippingListing,
    VesselCertificateRecord,
    VesselRegistration,
)
from hub.exchange.protocol import HEADER_NAMESPACE, Header, namespace

REGISTRATION_NS = namespace("maritime", "vessel-registration")
PORT_CALL_NS = namespace("maritime", "port-call")
AIS_NS = namespace("maritime", "ais-position")
LISTING_NS = namespace("maritime", "shipping-listing")
MAX_BATCH = 1000  # maxOccurs of the record element in every maritime XSD

# Without a registered prefix ElementTree writes ns0:, ns1:; "h" is what the XSDs use.
ET.register_namespace("h", HEADER_NAMESPACE)

R = TypeVar("R")


# -- reading -------------------------------------------------------------------------------


class _Reader:
    """The children of one record element, in one namespace."""

    def __init__(self, item: Element, ns: str) -> None:
        self.item, self.ns = item, ns

    def text(self, name: str) -> str:
        """Whitespace collapsed as xs:token does, so the value is the one the XSD checked."""
        return " ".join((self.item.findtext(f"{{{self.ns}}}{name}") or "").split())

    def optional(self, name: str) -> str | None:
        return self.text(name) if self.item.find(f"{{{self.ns}}}{name}") is not None else None

    def identifier(self, name: str) -> str:
        return normalize(self.text(name))

    def optional_identifier(self, name: str) -> str | None:
        value = self.optional(name)
        return normalize(value) if value is not None else None

    def date(self, name: str) -> dt.date:
        return dt.date.fromisoformat(self.text(name))

    def datetime(self, name: str) -> dt.datetime:
        value = self.text(name)
        # xs:dateTime admits values Python cannot hold (year 10000, 24:00:00): say which one.
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name}: {value!r} is not a date-time the hub can hold") from None


def _items(root: Element, ns: str, *path: str) -> list[_Reader]:
    """The elements at ``path`` below ``root``, every step in namespace ``ns``."""
    return [_Reader(item, ns) for item in root.iterfind("/".join(f"{{{ns}}}{t}" for t in path))]


def parse_vessel_registration(root: Element) -> tuple[Record, ...]:
    """The registrations, with their certificates, of a validated ``VesselRegistrations``."""
    return tuple(
        VesselRegistration(
            source_record_id=r.text("RecordId"),
            mmsi=r.identifier("Mmsi"),
            imo=r.optional_identifier("Imo"),
            name=r.text("Name"),
            port_of_registry=r.text("PortOfRegistry"),
            gross_tonnage=int(r.text("GrossTonnage")),
            owner_uscc=r.optional_identifier("OwnerUscc"),
            certificates=tuple(
                VesselCertificateRecord(
                    kind=VesselCertificateKind(c.text("Kind")),
                    number=c.text("Number"),
                    valid_from=c.date("ValidFrom"),
                    valid_to=c.date("ValidTo"),
                    issuing_authority=c.text("IssuingAuthority"),
                )
                for c in _items(r.item, REGISTRATION_NS, "Certificates", "Certificate")
            ),
        )
        for r in _items(root, REGISTRATION_NS, "VesselRegistration")
    )


def parse_port_call(root: Element) -> tuple[Record, ...]:
    """The arrivals and departures of a validated ``PortCalls`` document."""
    return tuple(
        PortCall(
            source_record_id=r.text("RecordId"),
            mmsi=r.identifier("Mmsi"),
            port=r.text("Port"),
            kind=PortCallKind(r.text("Kind")),
            occurred_at=r.datetime("OccurredAt"),
        )
        for r in _items(root, PORT_CALL_NS, "PortCall")
    )


def parse_ais_position(root: Element) -> tuple[Record, ...]:
    """The positions of a validated ``AisPositions`` document."""
    return tuple(
        AisPosition(
            source_record_id=r.text("RecordId"),
            mmsi=r.identifier("Mmsi"),
            observed_at=r.datetime("ObservedAt"),
            latitude=float(r.text("Latitude")),
            longitude=float(r.text("Longitude")),
            speed_knots=float(r.text("SpeedKnots")),
            course_degrees=float(r.text("CourseDegrees")),
        )
        for r in _items(root, AIS_NS, "AisPosition")
    )


def parse_shipping_listing(root: Element) -> tuple[Record, ...]:
    """The cargo and vessel offers of a validated ``ShippingListings`` document."""
    return tuple(
        ShippingListing(
            source_record_id=r.text("RecordId"),
            kind=ListingKind(r.text("Kind")),
            port_from=r.text("PortFrom"),
            port_to=r.text("PortTo"),
            cargo=r.text("Cargo"),
            tonnage=int(r.text("Tonnage")),
            valid_until=r.date("ValidUntil"),
        )
        for r in _items(root, LISTING_NS, "ShippingListing")
    )


# -- writing -------------------------------------------------------------------------------


def _batch(records: Sequence[Record], kind: type[R]) -> list[R]:
    """The records as ``kind``; anything else is a programming error, not data to drop."""
    wrong = sorted({type(r).__name__ for r in records if not isinstance(r, kind)})
    if wrong:
        raise TypeError(f"a {kind.__name__} document cannot carry {', '.join(wrong)}")
    if not 1 <= len(records) <= MAX_BATCH:
        raise ValueError(f"a document carries 1-{MAX_BATCH} records, not {len(records)}")
    return [r for r in records if isinstance(r, kind)]


def _element(ns: str, tag: str, *fields: tuple[str, str | None]) -> Element:
    """An element with a child per (name, text) field; fields without a value are left out."""
    element = Element(f"{{{ns}}}{tag}")
    for name, value in fields:
        if value is not None:
            ET.SubElement(element, f"{{{ns}}}{name}").text = value
    return element


def _zoned(value: dt.datetime, name: str) -> str:
    if value.utcoffset() is None:
        raise ValueError(f"{name}: {value.isoformat()} has no time zone")
    return value.isoformat()


def _decimal(value: float, name: str) -> str:
    # repr() is the shortest text that reads back as the same float, but may use an exponent
    # (1e-05), which xs:decimal does not allow; Decimal writes it out in full.
    if not math.isfinite(value):
        raise ValueError(f"{name}: {value} is not a number the XSD takes")
    return format(Decimal(repr(value)), "f")


def _document(ns: str, root: str, header: Header, items: Sequence[Element]) -> bytes:
    """A whole document: the header, then ``items``; indented so people can read it."""
    document = Element(f"{{{ns}}}{root}")
    document.append(
        _element(
            HEADER_NAMESPACE,
            "Header",
            ("MessageId", header.message_id),
            ("Sender", header.sender),
            ("SentAt", header.sent_at),
        )
    )
    document.extend(items)
    ET.indent(document)
    data: bytes = ET.tostring(
        document, encoding="utf-8", xml_declaration=True, default_namespace=ns
    )
    return data


def _certificates(certificates: Sequence[VesselCertificateRecord]) -> Element:
    ns = REGISTRATION_NS
    wrapper = Element(f"{{{ns}}}Certificates")
    wrapper.extend(
        _element(
            ns,
            "Certificate",
            ("Kind", c.kind.value),
            ("Number", c.number),
            ("ValidFrom", c.valid_from.isoformat()),
            ("ValidTo", c.valid_to.isoformat()),
            ("IssuingAuthority", c.issuing_authority),
        )
        for c in certificates
    )
    return wrapper


def export_vessel_registration(records: Sequence[Record], header: Header) -> bytes:
    """A ``VesselRegistrations`` document of ``records`` (VesselRegistration only)."""
    ns, items = REGISTRATION_NS, []
    for r in _batch(records, VesselRegistration):
        item = _element(
            ns,
            "VesselRegistration",
            ("RecordId", r.source_record_id),
            ("Mmsi", r.mmsi),
            ("Imo", r.imo),
            ("Name", r.name),
            ("PortOfRegistry", r.port_of_registry),
            ("GrossTonnage", str(r.gross_tonnage)),
            ("OwnerUscc", r.owner_uscc),
        )
        if r.certificates:  # the XSD wants no empty wrapper
            item.append(_certificates(r.certificates))
        items.append(item)
    return _document(ns, "VesselRegistrations", header, items)


def export_port_call(records: Sequence[Record], header: Header) -> bytes:
    """A ``PortCalls`` document of ``records`` (PortCall only)."""
    items = [
        _element(
            PORT_CALL_NS,
            "PortCall",
            ("RecordId", r.source_record_id),
            ("Mmsi", r.mmsi),
            ("Port", r.port),
            ("Kind", r.kind.value),
            ("OccurredAt", _zoned(r.occurred_at, "OccurredAt")),
        )
        for r in _batch(records, PortCall)
    ]
    return _document(PORT_CALL_NS, "PortCalls", header, items)


def export_ais_position(records: Sequence[Record], header: Header) -> bytes:
    """An ``AisPositions`` document of ``records`` (AisPosition only)."""
    items = [
        _element(
            AIS_NS,
            "AisPosition",
            ("RecordId", r.source_record_id),
            ("Mmsi", r.mmsi),
            ("ObservedAt", _zoned(r.observed_at, "ObservedAt")),
            ("Latitude", _decimal(r.latitude, "Latitude")),
            ("Longitude", _decimal(r.longitude, "Longitude")),
            ("SpeedKnots", _decimal(r.speed_knots, "SpeedKnots")),
            ("CourseDegrees", _decimal(r.course_degrees, "CourseDegrees")),
        )
        for r in _batch(records, AisPosition)
    ]
    return _document(AIS_NS, "AisPositions", header, items)


def export_shipping_listing(records: Sequence[Record], header: Header) -> bytes:
    """A ``ShippingListings`` document of ``records`` (ShippingListing only)."""
    items = [
        _element(
            LISTING_NS,
            "ShippingListing",
            ("RecordId", r.source_record_id),
            ("Kind", r.kind.value),
            ("PortFrom", r.port_from),
            ("PortTo", r.port_to),
            ("Cargo", r.cargo),
            ("Tonnage", str(r.tonnage)),
            ("ValidUntil", r.valid_until.isoformat()),
        )
        for r in _batch(records, ShippingListing)
    ]
    return _document(LISTING_NS, "ShippingListings", header, items)
