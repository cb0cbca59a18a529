"""Reading and writing the record documents agencies exchange: the one toolkit every adapter's
mapping uses, so that each reads and writes values exactly as its XSDs check them.

Two levels over the same pieces: ``Reader``/``element``/``document`` for documents of their own
shape, and ``Layout`` for the common one (a root, the header, then one element per record, its
children in XSD order, maybe ending with repeated nested records), declared once so that
parsing and exporting cannot drift apart. Either way a value is read and written by the same
functions: text collapsed as xs:token, date-times that Python cannot hold named, offsets and
characters that XML cannot carry unchanged refused.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar
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


def token(text: str) -> str:
    """Text as an xs:token carries it: whitespace collapsed, as the validator compared it."""
    return " ".join(text.split())


class Reader:
    """The children of one record element, in one namespace."""

    def __init__(self, item: Element, ns: str) -> None:
        self.item, self.ns = item, ns
        # The text of each child, the first of a name as find() gives it, read in one pass:
        # a record's fields are read one by one, and a search per field costs more.
        self._texts: dict[str, str] = {}
        for child in item:
            self._texts.setdefault(child.tag, child.text or "")

    def text(self, name: str) -> str:
        """Whitespace collapsed as xs:token does, so the value is the one the XSD checked."""
        return token(self._texts.get(f"{{{self.ns}}}{name}", ""))

    def optional(self, name: str) -> str | None:
        found = self._texts.get(f"{{{self.ns}}}{name}")
        return None if found is None else token(found)

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


def iso(value: dt.date) -> str:
    """A date as xs:date, or an aware datetime as xs:dateTime (checked as ``zoned`` does)."""
    if isinstance(value, dt.datetime):
        return zoned(value, "value")
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


# -- values of declared layouts ----------------------------------------------------------------


def boolean(text: str) -> bool:
    """An xs:boolean, which allows 1 and 0 as well as true and false."""
    return text.strip() in ("true", "1")


def write_boolean(value: bool) -> str:
    """A bool as xs:boolean's canonical form."""
    return "true" if value else "false"


def code(value: Enum) -> str:
    """A code-list enum as its code."""
    return str(value.value)


def identifier(text: str) -> str:
    """An identifier as the hub compares it: half-width, upper case, no spaces."""
    return normalize(text)


def date(text: str) -> dt.date:
    """An xs:date without a time zone (the XSDs' pattern)."""
    return dt.date.fromisoformat(text.strip())


def datetime(text: str) -> dt.datetime:
    """An xs:dateTime the XSD accepted (it requires the offset, so this is always aware)."""
    return read_datetime("value", text.strip())


def whole(text: str) -> int:
    """An xs:nonNegativeInteger."""
    return int(text.strip())


# -- declared layouts ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    """One child element of a record element and the record attribute it carries."""

    element: str
    attribute: str
    read: Callable[[str], Any] = token
    write: Callable[[Any], str] = str
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Children:
    """Repeated child elements, each a nested record, carried as a tuple attribute."""

    attribute: str
    record: RecordLayout


@dataclass(frozen=True, slots=True)
class RecordLayout:
    """One record element: its name, the record it becomes and its children in XSD order."""

    element: str
    record_type: type[Any]
    fields: tuple[Field | Children, ...]

    def read(self, item: Element, namespace: str) -> Any:
        """The record an element of this layout carries."""
        reader = Reader(item, namespace)
        values: dict[str, Any] = {}
        for field in self.fields:
            if isinstance(field, Children):
                found = item.findall(f"{{{namespace}}}{field.record.element}")
                values[field.attribute] = tuple(field.record.read(c, namespace) for c in found)
                continue
            text = reader.optional(field.element)
            if text is None:
                # Validation makes this unreachable for required fields; say which if not.
                if not field.optional:
                    raise ValueError(f"{self.element} has no {field.element}")
                values[field.attribute] = None
                continue
            try:
                values[field.attribute] = field.read(text)
            except ValueError as exc:
                raise ValueError(f"{self.element}/{field.element}: {exc}") from None
        return self.record_type(**values)

    def write(self, parent: Element, record: Any, namespace: str) -> None:
        """Append the element of ``record`` to ``parent``."""
        if not isinstance(record, self.record_type):
            raise TypeError(
                f"{self.element} carries {self.record_type.__name__}, not {type(record).__name__}"
            )
        item = ET.SubElement(parent, f"{{{namespace}}}{self.element}")
        for field in self.fields:
            if isinstance(field, Children):
                for child in getattr(record, field.attribute):
                    field.record.write(item, child, namespace)
                continue
            value = getattr(record, field.attribute)
            if value is None and field.optional:
                continue
            try:
                add(item, namespace, field.element, field.write(value))
            except ValueError as exc:
                raise ValueError(f"{self.element}/{field.element}: {exc}") from None


@dataclass(frozen=True, slots=True)
class Layout:
    """A document type: its namespace, root element and the record element it repeats."""

    namespace: str
    root: str
    record: RecordLayout

    def parse(self, root: Element) -> tuple[Record, ...]:
        """The records of a document already valid against its XSD."""
        items = root.findall(f"{{{self.namespace}}}{self.record.element}")
        return tuple(self.record.read(item, self.namespace) for item in items)

    def export(self, records: Sequence[Record], header: Header) -> bytes:
        """One document of ``records``, valid by construction."""
        kind = self.record.record_type
        for record in records:
            # Checked before ``batch``, so the refusal names the document the caller asked for.
            if not isinstance(record, kind):
                raise TypeError(f"{self.root} carries {kind.__name__}, not {type(record).__name__}")
        holder = Element("records")
        for record in batch(records, kind):
            self.record.write(holder, record, self.namespace)
        return document(self.namespace, self.root, header, list(holder))
