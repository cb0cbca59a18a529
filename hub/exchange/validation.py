"""Checking a document before anything reads it: size, safe parsing, the XSD.

The size limit is checked on the raw bytes before parsing. Parsing refuses DTDs, entity
declarations (so no external entities and no entity expansion) and any network or file access
(xmlschema ``defuse="always"``, ``allow="none"``), and XInclude: a document is taken whole, never
assembled from other resources. The header is held to the exchange header standard before a
document is stored. Validation errors name the XSD path and the line, so a dead letter says
exactly what to fix; no reason names a file of the server.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element

import xmlschema
from lxml import etree
from xmlschema import XMLResource, XMLResourceError, XMLSchemaValidationError

from hub.exchange.protocol import HEADER_NAMESPACE, STANDARDS_DIR, DocumentType, Header, read_header
from hub.exchange.xml_encoding import UnreadableEncoding, readable

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
HEADER_SCHEMA = STANDARDS_DIR / "exchange" / "header-1.0.xsd"
XINCLUDE_NAMESPACES = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")
"""The XInclude namespace, and the draft one libxml2 also acts on."""
SHOWN = 80
"""Characters of a sender's value quoted back in a reason: enough to recognise it."""
_SERVER_DIRECTORIES = (
    str(Path(xmlschema.__file__).resolve().parents[1]),  # its own XSDs, in site-packages
    str(Path(__file__).resolve().parents[2]),  # the hub's, under standards/
)


class InvalidDocument(Exception):
    """A document that cannot be accepted; ``reason`` is shown to its sender and kept."""

    def __init__(self, reason: str) -> None:
        reason = without_server_paths(reason)
        super().__init__(reason)
        self.reason = reason


def without_server_paths(text: str) -> str:
    """``text`` with the hub's own directories cut off the paths it names.

    A reason goes to the sender and into the dead letters: it names the document, the element
    and the line, never where the hub is installed (an XSD is named by its place in standards/).
    """
    for directory in _SERVER_DIRECTORIES:
        text = text.replace(f"file://{directory}/", "").replace(f"{directory}/", "")
        text = text.replace(directory, "")
    return text


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed, not yet validated, document: its root element and where it claims to belong."""

    resource: XMLResource
    namespace: str
    root: str
    data: bytes
    """The document as the parsers read it (see ``xml_encoding.readable``)."""

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
        data = readable(data)
    except UnreadableEncoding as exc:
        raise InvalidDocument(str(exc)) from None
    try:
        # A file object, never the bytes themselves: xmlschema takes bytes that do not look
        # like XML for a location, and its refusal would name a path on the server.
        resource = XMLResource(io.BytesIO(data), allow="none", defuse="always")
    except XMLResourceError as exc:
        raise InvalidDocument(
            f"refused: {exc.message if hasattr(exc, 'message') else exc}"
        ) from None
    except Exception as exc:  # the XML parsers raise their own types for malformed input
        raise InvalidDocument(f"not well-formed XML: {exc}") from None
    root = resource.root
    _refuse_xinclude(root)
    return Parsed(resource=resource, namespace=_namespace(root), root=_local(root), data=data)


def _refuse_xinclude(root: Element) -> None:
    for parent in root.iter():
        for child in parent:
            namespace_uri = _namespace(child)
            if namespace_uri in XINCLUDE_NAMESPACES:
                raise InvalidDocument(
                    f"XInclude is refused: {_local(parent)} holds an {{{namespace_uri}}}"
                    f"{_local(child)} element; send the document whole"
                )


def _namespace(element: Element) -> str:
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _local(element: Element) -> str:
    return str(element.tag).rpartition("}")[2]


def shown(value: str) -> str:
    """A sender's value quoted in a reason: control characters visible, the length bounded."""
    return repr(value[:SHOWN]) + ("…" if len(value) > SHOWN else "")


def checked_header(root: Element) -> Header:
    """The header of a parsed document, held to the exchange header standard (its XSD).

    Checked before a document is stored, so that what is stored and listed has a message id
    the standard allows: 1 to 64 of ``A-Z a-z 0-9 . _ : -``, no spaces, tabs or line breaks.
    """
    header = root.find(f"{{{HEADER_NAMESPACE}}}Header")
    if header is None:
        raise InvalidDocument(f"{_local(root)} has no Header (the exchange header standard)")
    error = next(schema(HEADER_SCHEMA).iter_errors(header), None)
    if error is None:
        return read_header(root)
    element = error.elem if isinstance(error.elem, Element) else header
    where = "Header" if element is header else f"Header/{_local(element)}"
    patterns = getattr(error.validator, "regexps", None)
    if patterns and element is not header:
        value = element.text or ""
        raise InvalidDocument(
            f"{where} {shown(value)} ({len(value):,} characters) does not match the exchange "
            f"header standard's pattern {' | '.join(patterns)} (header-1.0.xsd)"
        )
    reason = error.reason or "not as the standard says"
    if len(reason) > 4 * SHOWN:
        reason = reason[: 4 * SHOWN] + "…"
    raise InvalidDocument(f"{where} breaks the exchange header standard: {reason}")


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
