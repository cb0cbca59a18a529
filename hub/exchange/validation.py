"""Checking a document before anything reads it: size, safe parsing, the XSD.

The size limit is checked on the raw bytes before parsing. Parsing refuses DTDs, entity
declarations (so no external entities and no entity expansion) and any network or file access
(xmlschema ``defuse="always"``, ``allow="none"``). Validation errors name the XSD path and the
line, so a dead letter says exactly what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element

import xmlschema
from lxml import etree
from xmlschema import XMLResource, XMLResourceError, XMLSchemaValidationError

from hub.exchange.protocol import DocumentType

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024


class InvalidDocument(Exception):
    """A document that cannot be accepted; ``reason`` is shown to its sender and kept."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed, not yet validated, document: its root element and where it claims to belong."""

    resource: XMLResource
    namespace: str
    root: str
    data: bytes

    @property
    def element(self) -> Element:
        root: Element = self.resource.root
        return root


@lru_cache(maxsize=64)
def schema(path: Path) -> xmlschema.XMLSchema:
    """A compiled XSD of the hub's own standards (local files only, never the network)."""
    return xmlschema.XMLSchema(str(path), allow="local", defuse="always")


def parse(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> Parsed:
    """Parse safely, refusing oversized, malformed and entity-bearing documents."""
    if len(data) > max_bytes:
        raise InvalidDocument(f"the document is {len(data):,} bytes; the limit is {max_bytes:,}")
    if not data.strip():
        raise InvalidDocument("the document is empty")
    try:
        resource = XMLResource(data, allow="none", defuse="always")
    except XMLResourceError as exc:
        raise InvalidDocument(
            f"refused: {exc.message if hasattr(exc, 'message') else exc}"
        ) from None
    except Exception as exc:  # the XML parsers raise their own types for malformed input
        raise InvalidDocument(f"not well-formed XML: {exc}") from None
    tag = resource.root.tag
    namespace_uri, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return Parsed(resource=resource, namespace=namespace_uri, root=local, data=data)


def validate(document: DocumentType, parsed: Parsed) -> Element:
    """The root element of a document valid against its XSD; else the first error, located."""
    if (parsed.namespace, parsed.root) != (document.namespace, document.root):
        raise InvalidDocument(
            f"expected {{{document.namespace}}}{document.root}, got "
            f"{{{parsed.namespace}}}{parsed.root}"
        )
    compiled = schema(document.schema)
    for _error in compiled.iter_errors(parsed.resource):
        # Found one: validate again on an lxml tree, which knows line numbers, to say where.
        located = next(compiled.iter_errors(_with_lines(parsed)), _error)
        raise InvalidDocument(_describe(located))
    return parsed.element


def _with_lines(parsed: Parsed) -> XMLResource:
    # Safe by now: the defused parse above already refused DTDs and entities; lxml is told
    # not to load or resolve anything either.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return XMLResource(etree.fromstring(parsed.data, parser=parser), allow="none")


def _describe(error: XMLSchemaValidationError) -> str:
    line = getattr(error, "sourceline", None)
    where = f"{error.path or '/'}" + (f" (line {line})" if line else "")
    return f"{where}: {error.reason or error.message}"
