"""Rail documents ↔ canonical records: waybills (铁路货票) and container events (集装箱作业事件).

Parsing reads documents already validated against their XSDs, so shapes and codes hold;
identifiers are normalised but never refused for a bad check digit — the rail exchange is
authoritative, so what it sends is stored as received and the pipeline records a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from hub.canonical.codes import ContainerEventKind
from hub.canonical.identifiers import normalize
from hub.canonical.records import ContainerEvent, RailWaybill, Record
from hub.exchange.protocol import Header, namespace
from hub.exchange.record_xml import batch, document, element, readers, zoned

WAYBILL_NS = namespace("rail", "rail-waybill")
EVENT_NS = namespace("rail", "container-event")


# -- reading -------------------------------------------------------------------------------


def parse_rail_waybill(root: Element) -> tuple[Record, ...]:
    """The waybills of a validated ``RailWaybills`` document."""
    return tuple(
        RailWaybill(
            source_record_id=r.text("RecordId"),
            waybill_number=r.identifier("WaybillNumber"),
            shipper=r.text("Shipper"),
            consignee=r.text("Consignee"),
            origin_station=r.text("OriginStation"),
            destination_station=r.text("DestinationStation"),
            goods=r.text("Goods"),
            weight_kg=int(r.text("WeightKg")),
            containers=tuple(
                normalize(number.text or "")
                for number in r.item.iterfind(f"{{{r.ns}}}Containers/{{{r.ns}}}ContainerNumber")
            ),
        )
        for r in readers(root, WAYBILL_NS, "RailWaybill")
    )


def parse_container_event(root: Element) -> tuple[Record, ...]:
    """The events of a validated ``ContainerEvents`` document."""
    return tuple(
        ContainerEvent(
            source_record_id=r.text("RecordId"),
            container_number=r.identifier("ContainerNumber"),
            waybill_number=r.optional_identifier("WaybillNumber"),
            kind=ContainerEventKind(r.text("Kind")),
            station=r.text("Station"),
            occurred_at=r.datetime("OccurredAt"),
        )
        for r in readers(root, EVENT_NS, "ContainerEvent")
    )


# -- writing -------------------------------------------------------------------------------


def export_rail_waybill(records: Sequence[Record], header: Header) -> bytes:
    """A ``RailWaybills`` document of ``records`` (RailWaybill only)."""
    ns, items = WAYBILL_NS, []
    for r in batch(records, RailWaybill):
        item = element(
            ns,
            "RailWaybill",
            ("RecordId", r.source_record_id),
            ("WaybillNumber", r.waybill_number),
            ("Shipper", r.shipper),
            ("Consignee", r.consignee),
            ("OriginStation", r.origin_station),
            ("DestinationStation", r.destination_station),
            ("Goods", r.goods),
            ("WeightKg", str(r.weight_kg)),
        )
        if r.containers:  # bulk loads have none, and the XSD wants no empty wrapper
            item.append(element(ns, "Containers", *(("ContainerNumber", n) for n in r.containers)))
        items.append(item)
    return document(ns, "RailWaybills", header, items)


def export_container_event(records: Sequence[Record], header: Header) -> bytes:
    """A ``ContainerEvents`` document of ``records`` (ContainerEvent only)."""
    items = [
        element(
            EVENT_NS,
            "ContainerEvent",
            ("RecordId", r.source_record_id),
            ("ContainerNumber", r.container_number),
            ("WaybillNumber", r.waybill_number),
            ("Kind", r.kind.value),
            ("Station", r.station),
            ("OccurredAt", zoned(r.occurred_at, "OccurredAt")),
        )
        for r in batch(records, ContainerEvent)
    ]
    return document(EVENT_NS, "ContainerEvents", header, items)
