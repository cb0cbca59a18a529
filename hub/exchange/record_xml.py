"""Reading and writing the record documents agencies exchange: the pieces every adapter's
mapping shares, so that each reads and writes values exactly as its XSDs check them."""

from __future__ import annotations

import datetime as dt
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar
from xml.etree.ElementTree import Element

from hub.canonical.identifiers import normalize
from hub.canonical.multimodal import UNEXCHANGEABLE
from hub.canonical.records import Record
from hub.exchange.protocol import HEADER_NAMESPACE, Header

MAX_BATCH = 1000  # maxOccurs of the record element in every agency record XSD

# Without a registered prefix ElementTree writes ns0:, ns1:; "h" is what the XSDs use.
ET.register_namespace("h", HEADER_NAMESPACE)

R = TypeVar("R")


# -- reading -------------------------------------------------------------------------------


class Reader:
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
        return read_datetime(name, self.text(name))


def read_datetime(name: str, value: str) -> dt.datetime:
    """An xs:dateTime the XSD accepted, as Python holds it."""
    # xs:dateTime admits values Python cannot hold (year 10000, 24:00:00): say which one.
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date-time the hub can hold") from None


def readers(root: Element, ns: str, *path: str) -> list[Reader]:
    """The elements at ``path`` below ``root``, every step in namespace ``ns``."""
    return [Reader(item, ns) for item in root.iterfind("/".join(f"{{{ns}}}{t}" for t in path))]


# -- writing -------------------------------------------------------------------------------


def batch(records: Sequence[Record], kind: type[R]) -> list[R]:
    """The records as ``kind``; anything else is a programming error, not data to drop."""
    wrong = sorted({type(r).__name__ for r in records if not isinstance(r, kind)})
    if wrong:
        raise TypeError(f"a {kind.__name__} document cannot carry {', '.join(wrong)}")
    if not 1 <= len(records) <= MAX_BATCH:
        raise ValueError(f"a document carries 1-{MAX_BATCH} records, not {len(records)}")
    return [r for r in records if isinstance(r, kind)]


_NOT_EXCHANGED = re.compile(UNEXCHANGEABLE)


def add(parent: Element, ns: str, name: str, value: str | None) -> None:
    """A child ``name`` holding ``value``; nothing when the value is None.

    A value XML would not give back unchanged is refused rather than sent altered.
    """
    if value is None:
        return
    if _NOT_EXCHANGED.search(value):
        raise ValueError(f"{name}: {value!r} holds a character XML cannot carry unchanged")
    ET.SubElement(parent, f"{{{ns}}}{name}").text = value


def element(ns: str, tag: str, *fields: tuple[str, str | None]) -> Element:
    """An element with a child per (name, text) field; fields without a value are left out."""
    made = Element(f"{{{ns}}}{tag}")
    for name, value in fields:
        add(made, ns, name, value)
    return made


def zoned(value: dt.datetime, name: str) -> str:
    """An aware datetime as xs:dateTime, its offset kept."""
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{name}: {value.isoformat()} has no time zone")
    # xs:dateTime offsets are whole minutes within ±14:00; old local mean times are not.
    if offset % dt.timedelta(minutes=1) or abs(offset) > dt.timedelta(hours=14):
        raise ValueError(f"{name}: {value.isoformat()} has an offset xs:dateTime cannot hold")
    return value.isoformat()


def decimal(value: float, name: str) -> str:
    """A float as xs:decimal, exactly: reading it back gives the same float."""
    if not math.isfinite(value):
        raise ValueError(f"{name}: {value!r} is not a number the document can hold")
    # repr() is the shortest text that reads back as the same float, but may use an exponent
    # (1e-05), which xs:decimal does not allow; Decimal writes it out in full.
    return format(Decimal(repr(value)), "f")


def document(ns: str, root: str, header: Header, records: Sequence[Element]) -> bytes:
    """A whole document: the header, then ``records``; indented so people can read it."""
    made = Element(f"{{{ns}}}{root}")
    made.append(
        element(
            HEADER_NAMESPACE,
            "Header",
            ("MessageId", header.message_id),
            ("Sender", header.sender),
            ("SentAt", header.sent_at),
        )
    )
    made.extend(records)
    ET.indent(made)
    data: bytes = ET.tostring(made, encoding="utf-8", xml_declaration=True, default_namespace=ns)
    return data
