"""Rail documents ↔ canonical records: waybills (铁路货票) and container events (集装箱作业事件).

Parsing reads documents already validated against their XSDs, so shapes and codes hold;
identifiers are normalised but never refused for a bad check digit — the rail exchange is
authoritative, so what it sends is stored as received and the pipeline records a finding.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TypeVar
from xml.etree.ElementTree import Element

from hub.canonical.codes import ContainerEventKind
from hub.canonical.identifiers import normalize
from hub.canonical.records import ContainerEvent, RailWaybill, Record
from hub.exchange.protocol import HEADER_NAMESPACE, Header, namespace

WAYBILL_NS = namespace("rail", "rail-waybill")
EVENT_NS = namespace("rail", "container-event")
MAX_BATCH = 1000  # maxOccurs of the record element in every rail XSD

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
        for r in _items(root, WAYBILL_NS, "RailWaybill")
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
        for r in _items(root, EVENT_NS, "ContainerEvent")
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


def export_rail_waybill(records: Sequence[Record], header: Header) -> bytes:
    """A ``RailWaybills`` document of ``records`` (RailWaybill only)."""
    ns, items = WAYBILL_NS, []
    for r in _batch(records, RailWaybill):
        item = _element(
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
            item.append(_element(ns, "Containers", *(("ContainerNumber", n) for n in r.containers)))
        items.append(item)
    return _document(ns, "RailWaybills", header, items)


def export_container_event(records: Sequence[Record], header: Header) -> bytes:
    """A ``ContainerEvents`` document of ``records`` (ContainerEvent only)."""
    items = [
        _element(
            EVENT_NS,
            "ContainerEvent",
            ("RecordId", r.source_record_id),
            ("ContainerNumber", r.container_number),
            ("WaybillNumber", r.waybill_number),
            ("Kind", r.kind.value),
            ("Station", r.station),
            ("OccurredAt", _zoned(r.occurred_at, "OccurredAt")),
        )
        for r in _batch(records, ContainerEvent)
    ]
    return _document(EVENT_NS, "ContainerEvents", header, items)
