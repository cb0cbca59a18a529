"""How a record document is laid out: a root, the header, then one element per record.

Many agencies' documents have that shape. A record element holds one child per record field
in the XSD's order, and may end with repeated child elements that are records of their own (an
accident's vehicles). A ``Layout`` declares that order once and both directions follow from
it, so parsing and exporting cannot drift apart. Part of the exchange protocol, so that every
adapter writes the same document form and none keeps a copy of its own.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any
from xml.etree.ElementTree import Element

from hub.canonical.identifiers import normalize
from hub.canonical.records import Record
from hub.exchange.protocol import HEADER_NAMESPACE, Header

MAX_RECORDS = 1000
"""What the XSDs allow in one document (maxOccurs)."""

ET.register_namespace("h", HEADER_NAMESPACE)


def token(text: str) -> str:
    """Text as an xs:token carries it: whitespace collapsed, as the validator compared it."""
    return " ".join(text.split())


def boolean(text: str) -> bool:
    """An xs:boolean, which allows 1 and 0 as well as true and false."""
    return text.strip() in ("true", "1")


def write_boolean(value: bool) -> str:
    """A bool as xs:boolean's canonical form."""
    return "true" if value else "false"


def code(value: Enum) -> str:
    """A code-list enum as its code."""
    return str(value.value)


def iso(value: dt.date) -> str:
    """A date or an aware datetime in ISO 8601, the offset kept."""
    return value.isoformat()


def identifier(text: str) -> str:
    """An identifier as the hub compares it: half-width, upper case, no spaces."""
    return normalize(text)


def date(text: str) -> dt.date:
    """An xs:date without a time zone (the XSDs' pattern)."""
    return dt.date.fromisoformat(text.strip())


def datetime(text: str) -> dt.datetime:
    """An xs:dateTime; the XSDs require the offset, so this is always aware."""
    return dt.datetime.fromisoformat(text.strip())


def whole(text: str) -> int:
    """An xs:nonNegativeInteger."""
    return int(text.strip())


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
        values: dict[str, Any] = {}
        for field in self.fields:
            if isinstance(field, Children):
                found = item.findall(f"{{{namespace}}}{field.record.element}")
                values[field.attribute] = tuple(field.record.read(c, namespace) for c in found)
                continue
            child = item.find(f"{{{namespace}}}{field.element}")
            if child is None:
                # Validation makes this unreachable for required fields; say which if not.
                if not field.optional:
                    raise ValueError(f"{self.element} has no {field.element}")
                values[field.attribute] = None
            else:
                values[field.attribute] = field.read(child.text or "")
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
            ET.SubElement(item, f"{{{namespace}}}{field.element}").text = field.write(value)


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
        """One document of ``records``: UTF-8 with an XML declaration, valid by construction."""
        if not 1 <= len(records) <= MAX_RECORDS:
            raise ValueError(f"a document carries 1 to {MAX_RECORDS} records, got {len(records)}")
        root = ET.Element(f"{{{self.namespace}}}{self.root}")
        head = ET.SubElement(root, f"{{{HEADER_NAMESPACE}}}Header")
        for name, value in (
            ("MessageId", header.message_id),
            ("Sender", header.sender),
            ("SentAt", header.sent_at),
        ):
            ET.SubElement(head, f"{{{HEADER_NAMESPACE}}}{name}").text = value
        for record in records:
            # Checked here, not only in write, so the refusal names the document the caller
            # asked for: the whole batch is of the wrong type, not one nested record.
            if not isinstance(record, self.record.record_type):
                kind = self.record.record_type.__name__
                raise TypeError(f"{self.root} carries {kind}, not {type(record).__name__}")
            self.record.write(root, record, self.namespace)
        # Indented, so that a document in a dead letter or a sample can be read by a person.
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode", default_namespace=self.namespace)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()
