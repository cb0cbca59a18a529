"""Maritime documents ↔ canonical records: vessel registrations, port calls, AIS positions and
shipping exchange listings.

Parsing reads documents already validated against their XSDs, so shapes, codes and ranges
hold; identifiers (MMSI, IMO, USCC) are normalised but never refused for a bad check digit —
the maritime administration is authoritative, so what it sends is stored as received and the
pipeline records a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from hub.canonical.codes import ListingKind, PortCallKind, VesselCertificateKind
from hub.canonical.records import (
    AisPosition,
    PortCall,
    Record,
    ShippingListing,
    VesselCertificateRecord,
    VesselRegistration,
)
from hub.exchange.protocol import Header, namespace
from hub.exchange.record_xml import batch, decimal, document, element, readers, zoned

REGISTRATION_NS = namespace("maritime", "vessel-registration")
PORT_CALL_NS = namespace("maritime", "port-call")
AIS_NS = namespace("maritime", "ais-position")
LISTING_NS = namespace("maritime", "shipping-listing")


# -- reading -------------------------------------------------------------------------------


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
                for c in readers(r.item, REGISTRATION_NS, "Certificates", "Certificate")
            ),
        )
        for r in readers(root, REGISTRATION_NS, "VesselRegistration")
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
        for r in readers(root, PORT_CALL_NS, "PortCall")
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
        for r in readers(root, AIS_NS, "AisPosition")
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
        for r in readers(root, LISTING_NS, "ShippingListing")
    )


# -- writing -------------------------------------------------------------------------------


def _certificates(certificates: Sequence[VesselCertificateRecord]) -> Element:
    ns = REGISTRATION_NS
    wrapper = Element(f"{{{ns}}}Certificates")
    wrapper.extend(
        element(
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
    for r in batch(records, VesselRegistration):
        item = element(
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
    return document(ns, "VesselRegistrations", header, items)


def export_port_call(records: Sequence[Record], header: Header) -> bytes:
    """A ``PortCalls`` document of ``records`` (PortCall only)."""
    items = [
        element(
            PORT_CALL_NS,
            "PortCall",
            ("RecordId", r.source_record_id),
            ("Mmsi", r.mmsi),
            ("Port", r.port),
            ("Kind", r.kind.value),
            ("OccurredAt", zoned(r.occurred_at, "OccurredAt")),
        )
        for r in batch(records, PortCall)
    ]
    return document(PORT_CALL_NS, "PortCalls", header, items)


def export_ais_position(records: Sequence[Record], header: Header) -> bytes:
    """An ``AisPositions`` document of ``records`` (AisPosition only)."""
    items = [
        element(
            AIS_NS,
            "AisPosition",
            ("RecordId", r.source_record_id),
            ("Mmsi", r.mmsi),
            ("ObservedAt", zoned(r.observed_at, "ObservedAt")),
            ("Latitude", decimal(r.latitude, "Latitude")),
            ("Longitude", decimal(r.longitude, "Longitude")),
            ("SpeedKnots", decimal(r.speed_knots, "SpeedKnots")),
            ("CourseDegrees", decimal(r.course_degrees, "CourseDegrees")),
        )
        for r in batch(records, AisPosition)
    ]
    return document(AIS_NS, "AisPositions", header, items)


def export_shipping_listing(records: Sequence[Record], header: Header) -> bytes:
    """A ``ShippingListings`` document of ``records`` (ShippingListing only)."""
    items = [
        element(
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
        for r in batch(records, ShippingListing)
    ]
    return document(LISTING_NS, "ShippingListings", header, items)
