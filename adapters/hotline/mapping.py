"""12328 hotline documents ↔ canonical records.

One document type: complaint tickets, each about an operator (credit code), a vehicle (plate and
colour) or both, with the hotline's conclusion once the ticket is closed. Identifiers are
normalised and otherwise kept as received; the pipeline reports the ones that break their rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from hub.canonical.codes import PlateColor
from hub.canonical.records import HotlineComplaint, Record
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

AGENCY = "hotline"

COMPLAINT = Layout(
    namespace=namespace(AGENCY, "complaint"),
    root="Complaints",
    record=RecordLayout(
        element="Complaint",
        record_type=HotlineComplaint,
        fields=(
            Field("RecordId", "source_record_id"),
            Field("FiledAt", "filed_at", datetime, iso),
            Field("OperatorUscc", "operator_uscc", identifier, optional=True),
            Field("Plate", "plate", identifier, optional=True),
            Field("PlateColor", "plate_color", PlateColor, code, optional=True),
            Field("Category", "category"),
            Field("Content", "content"),
            Field("HandledBy", "handled_by"),
            Field("Substantiated", "substantiated", boolean, write_boolean, optional=True),
            Field("ClosedOn", "closed_on", date, iso, optional=True),
        ),
    ),
)


def parse_complaint(root: Element) -> tuple[Record, ...]:
    """The HotlineComplaint records of a validated 12328 投诉工单 document."""
    return COMPLAINT.parse(root)


def export_complaint(records: Sequence[Record], header: Header) -> bytes:
    """A 12328 投诉工单 document of HotlineComplaint records.

    A ticket must name whom it is about, and a plate comes with its colour; the XSD cannot say
    either, so a record that breaks them is refused here rather than written.
    """
    for record in records:
        if not isinstance(record, HotlineComplaint):
            continue  # the layout names the wrong type
        if record.operator_uscc is None and record.plate is None:
            raise ValueError(f"complaint {record.source_record_id}: about no one")
        if (record.plate is None) != (record.plate_color is None):
            raise ValueError(f"complaint {record.source_record_id}: a plate without its colour")
    return COMPLAINT.export(records, header)
