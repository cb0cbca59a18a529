"""How a flat record document is laid out: a root, the header, then one element per record.

Many agencies' documents have that shape, each record element holding one child per record
field in the XSD's order. A ``Layout`` declares the order once and both directions follow from
it, so parsing and exporting cannot drift apart. Part of the exchange protocol, so every
adapter of flat records uses this one module.
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


def code(value: Enum) -> str:
    """A code-list enum as its code."""
    return str(value.value)


def iso(value: dt.date) -> str:
    """A date or an aware datetime in ISO 8601, the offset kept."""
    return value.isoformat()


def write_boolean(value: bool) -> str:
    """A bool as xs:boolean's canonical form."""
    return "true" if value else "false"


def identifier(text: str) -> str:
    """An identifier as the hub compares it: half-width, upper case, no spaces."""
    return normalize(text)


@dataclass(frozen=True, slots=True)
class Field:
    """One child element of a record element and the record attribute it carries."""

    element: str
    attribute: str
    read: Callable[[str], Any] = token
    write: Callable[[Any], str] = str
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    """The elements of one document type and the canonical record each record element is."""

    namespace: str
    root: str
    element: str
    record_type: type[Any]
    fields: tuple[Field, ...]

    def _tag(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}"

    def parse(self, root: Element) -> tuple[Record, ...]:
        """The records of a document already valid against its XSD."""
        records: list[Record] = []
        for item in root.findall(self._tag(self.element)):
            values: dict[str, Any] = {}
            for field in self.fields:
                child = item.find(self._tag(field.element))
                if child is None:
                    # Validation makes this unreachable for required fields; say which if not.
                    if not field.optional:
                        raise ValueError(f"{self.element} has no {field.element}")
                    values[field.attribute] = None
                else:
                    values[field.attribute] = field.read(child.text or "")
            records.append(self.record_type(**values))
        return tuple(records)

    def export(self, records: Sequence[Record], header: Header) -> bytes:
        """One document of ``records``: UTF-8 with an XML declaration, valid by construction."""
        if not 1 <= len(records) <= MAX_RECORDS:
            raise ValueError(f"a document carries 1 to {MAX_RECORDS} records, got {len(records)}")
        root = ET.Element(self._tag(self.root))
        head = ET.SubElement(root, f"{{{HEADER_NAMESPACE}}}Header")
        for name, value in (
            ("MessageId", header.message_id),
            ("Sender", header.sender),
            ("SentAt", header.sent_at),
        ):
            ET.SubElement(head, f"{{{HEADER_NAMESPACE}}}{name}").text = value
        for record in records:
            if not isinstance(record, self.record_type):
                raise TypeError(
                    f"{self.root} carries {self.record_type.__name__}, not {type(record).__name__}"
                )
            item = ET.SubElement(root, self._tag(self.element))
            for field in self.fields:
                value = getattr(record, field.attribute)
                if value is None and field.optional:
                    continue
                ET.SubElement(item, self._tag(field.element)).text = field.write(value)
        # Indented, so that a document in a dead letter or a sample can be read by a person.
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode", default_namespace=self.namespace)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()
