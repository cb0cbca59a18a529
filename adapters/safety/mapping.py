"""Work-safety supervision (应急管理) documents ↔ canonical records.

Two document types: road transport accidents, each with the vehicles involved, and safety
inspections of operators. Identifiers are normalised and otherwise kept as received: a credit
code with a wrong check character is the authority's record all the same, and the pipeline
turns it into a data-quality finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from hub.canonical.codes import AccidentResponsibility, PlateColor
from hub.canonical.records import Accident, AccidentVehicle, Record, SafetyInspection
from hub.exchange.protocol import Header, namespace
from hub.exchange.record_xml import (
    Children,
    Field,
    Layout,
    RecordLayout,
    boolean,
    code,
    date,
    datetime,
    identifier,
    iso,
    whole,
    write_boolean,
)

AGENCY = "safety"


def coordinate(value: float) -> str:
    """A coordinate as xs:decimal with at most 8 decimals (about a millimetre), never 1e-05."""
    return f"{value:.8f}".rstrip("0").rstrip(".")


_RECORD_ID = Field("RecordId", "source_record_id")

ACCIDENT = Layout(
    namespace=namespace(AGENCY, "accident"),
    root="Accidents",
    record=RecordLayout(
        element="Accident",
        record_type=Accident,
        fields=(
            _RECORD_ID,
            Field("OccurredAt", "occurred_at", datetime, iso),
            Field("Place", "place"),
            Field("RegionCode", "region_code", identifier),
            Field("Latitude", "latitude", float, coordinate, optional=True),
            Field("Longitude", "longitude", float, coordinate, optional=True),
            Field("Deaths", "deaths", whole),
            Field("Injuries", "injuries", whole),
            Field("OperatorUscc", "operator_uscc", identifier, optional=True),
            Field("Summary", "summary"),
            Children(
                "vehicles",
                RecordLayout(
                    element="Vehicle",
                    record_type=AccidentVehicle,
                    fields=(
                        Field("Plate", "plate", identifier),
                        Field("PlateColor", "plate_color", PlateColor, code),
                        Field("Responsibility", "responsibility", AccidentResponsibility, code),
                    ),
                ),
            ),
        ),
    ),
)

SAFETY_INSPECTION = Layout(
    namespace=namespace(AGENCY, "safety-inspection"),
    root="SafetyInspections",
    record=RecordLayout(
        element="SafetyInspection",
        record_type=SafetyInspection,
        fields=(
            _RECORD_ID,
            Field("OperatorUscc", "operator_uscc", identifier),
            Field("InspectedOn", "inspected_on", date, iso),
            Field("Authority", "authority"),
            Field("HazardsFound", "hazards_found", whole),
            Field("RectificationDue", "rectification_due", date, iso, optional=True),
            Field("Rectified", "rectified", boolean, write_boolean),
            Field("Result", "result"),
        ),
    ),
)


def parse_accident(root: Element) -> tuple[Record, ...]:
    """The Accident records, with their vehicles, of a validated 道路运输事故 document."""
    return ACCIDENT.parse(root)


def export_accident(records: Sequence[Record], header: Header) -> bytes:
    """A 道路运输事故 document of Accident records.

    The XSD takes a position whole or not at all and at least one vehicle per accident, so a
    record that breaks either is refused here rather than written as an invalid document.
    """
    for record in records:
        if not isinstance(record, Accident):
            continue  # the layout names the wrong type
        if (record.latitude is None) != (record.longitude is None):
            raise ValueError(f"accident {record.source_record_id}: half a position")
        if not record.vehicles:
            raise ValueError(f"accident {record.source_record_id}: no vehicle involved")
    return ACCIDENT.export(records, header)


def parse_safety_inspection(root: Element) -> tuple[Record, ...]:
    """The SafetyInspection records of a validated 安全检查与隐患整改 document."""
    return SAFETY_INSPECTION.parse(root)


def export_safety_inspection(records: Sequence[Record], header: Header) -> bytes:
    """A 安全检查与隐患整改 document of SafetyInspection records."""
    return SAFETY_INSPECTION.export(records, header)
