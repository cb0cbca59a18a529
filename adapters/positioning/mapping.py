"""Positioning documents ↔ canonical records: vehicle positions (车辆卫星定位).

Parsing reads documents already validated against their XSD, so shapes, ranges and codes hold;
plates are normalised. Coordinates are WGS-84 / CGCS2000 degrees as sent, never GCJ-02.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from hub.canonical.codes import PlateColor
from hub.canonical.records import Record, VehiclePosition
from hub.exchange.protocol import Header, namespace
from hub.exchange.record_xml import batch, decimal, document, element, readers, zoned

POSITION_NS = namespace("positioning", "vehicle-position")


def parse_vehicle_position(root: Element) -> tuple[Record, ...]:
    """The positions of a validated ``VehiclePositions`` document."""
    return tuple(
        VehiclePosition(
            source_record_id=r.text("RecordId"),
            plate=r.identifier("Plate"),
            plate_color=PlateColor(r.text("PlateColor")),
            observed_at=r.datetime("ObservedAt"),
            latitude=float(r.text("Latitude")),
            longitude=float(r.text("Longitude")),
            speed_kmh=float(r.text("SpeedKmh")),
            heading_degrees=float(r.text("HeadingDegrees")),
        )
        for r in readers(root, POSITION_NS, "Position")
    )


def export_vehicle_position(records: Sequence[Record], header: Header) -> bytes:
    """A ``VehiclePositions`` document of ``records`` (VehiclePosition only)."""
    items = [
        element(
            POSITION_NS,
            "Position",
            ("RecordId", r.source_record_id),
            ("Plate", r.plate),
            ("PlateColor", r.plate_color.value),
            ("ObservedAt", zoned(r.observed_at, "ObservedAt")),
            ("Latitude", decimal(r.latitude, "Latitude")),
            ("Longitude", decimal(r.longitude, "Longitude")),
            ("SpeedKmh", decimal(r.speed_kmh, "SpeedKmh")),
            ("HeadingDegrees", decimal(r.heading_degrees, "HeadingDegrees")),
        )
        for r in batch(records, VehiclePosition)
    ]
    return document(POSITION_NS, "VehiclePositions", header, items)
