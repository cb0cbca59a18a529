"""Checking a document before anything reads it: size, safe parsing, the XSD.

The size limit is checked on the raw bytes before parsing. Parsing refuses DTDs, entity
declarations (so no external entities and no entity expansion) and any network or file access
(libxml2 told to load and resolve nothing; what it would not take is refused with the reason
xmlschema's defused parser gives), and XInclude: a document is taken whole, never
assembled from other resources. The header is held to the exchange header standard before a
document is stored. Validation errors name the XSD path and the line, so a dead letter says
exactly what to fix; no reason names a file of the server.
"""

from __future__ import annotations

import io
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any
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


class Parsed:
    """A parsed, not yet validated, document: its root element and where it claims to belong.

    The tree is libxml2's (lxml), which validates it; it answers the ElementTree interface the
    adapters' mappings use. Comments and processing instructions are dropped when parsing:
    validation ignores them, and a mapping never sees one among a record's children.
    """

    __slots__ = ("_resource", "data", "namespace", "root", "tree")

    def __init__(self, tree: Any, data: bytes) -> None:
        self.tree = tree
        self.data = data
        """The document as the parsers read it (see ``xml_encoding.readable``)."""
        self.namespace = _namespace(tree)
        self.root = _local(tree)
        self._resource: XMLResource | None = None

    @property
    def element(self) -> Element:
        """The root element (lxml's, which answers the ElementTree interface)."""
        root: Element = self.tree
        return root

    @property
    def resource(self) -> XMLResource:
        """The document as xmlschema reads it: for decoding, and to locate a validation error."""
        if self._resource is None:
            self._resource = XMLResource(self.tree, allow="none")
        return self._resource


@lru_cache(maxsize=64)
def schema(path: Path) -> xmlschema.XMLSchema:
    """A compiled XSD of the hub's own standards (local files only, never the network).

    xmlschema's: it decodes, names errors by path, and writes the data dictionary. The hot
    path validates with ``fast_schema``, the same file compiled by libxml2.
    """
    return xmlschema.XMLSchema(str(path), allow="local", defuse="always")


@lru_cache(maxsize=64)
def fast_schema(path: Path) -> etree.XMLSchema:
    """The same XSD compiled by libxml2 (C speed), for the verdict on every document.

    Its imports are read from the hub's own files only: the parser reads no network and
    resolves no entities.
    """
    return etree.XMLSchema(etree.parse(str(path), _parser()))


_local_parsers = threading.local()


def _parser() -> etree.XMLParser:
    """A libxml2 parser that loads nothing and expands nothing (one per thread: lxml's rule).

    No network, no DTD loaded, entities left unresolved, no huge trees (libxml2's limits on
    depth and text size stay on); comments and processing instructions dropped.
    """
    parser = getattr(_local_parsers, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        _local_parsers.parser = parser
    return parser


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
        tree = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        _refuse_as_defused_parser_does(data)
        raise InvalidDocument(f"not well-formed XML: {exc}") from None
    if tree.getroottree().docinfo.internalDTD is not None:
        # A document type declaration: nothing was loaded or expanded, and it is refused.
        _refuse_as_defused_parser_does(data)
        raise InvalidDocument("a document type declaration (DOCTYPE) is refused")
    _refuse_xinclude(tree)
    return Parsed(tree, data)


def _refuse_as_defused_parser_does(data: bytes) -> None:
    """Refuse what libxml2 would not take, with the reason xmlschema's defused parser gives.

    Only for documents already refused (malformed, or with a DOCTYPE): its reasons name the
    problem (\"Entities are forbidden\", \"External references are forbidden\", the line and
    column of a syntax error). Returns if it would have taken the document.
    """
    try:
        # A file object, never the bytes themselves: xmlschema takes bytes that do not look
        # like XML for a location, and its refusal would name a path on the server.
        XMLResource(io.BytesIO(data), allow="none", defuse="always")
    except XMLResourceError as exc:
        raise InvalidDocument(
            f"refused: {exc.message if hasattr(exc, 'message') else exc}"
        ) from None
    except Exception as exc:  # the XML parsers raise their own types for malformed input
        raise InvalidDocument(f"not well-formed XML: {exc}") from None


def _refuse_xinclude(root: Any) -> None:
    # Both namespaces in one walk of the tree: it is done for every document received.
    for child in root.iter(*_XINCLUDE_ELEMENTS):
        parent = child.getparent()
        raise InvalidDocument(
            f"XInclude is refused: {_local(parent if parent is not None else child)} holds "
            f"an {{{_namespace(child)}}}{_local(child)} element; send the document whole"
        )


_XINCLUDE_ELEMENTS = tuple(f"{{{namespace_uri}}}*" for namespace_uri in XINCLUDE_NAMESPACES)


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
    verdict = fast_schema(HEADER_SCHEMA)
    if verdict.validate(header):
        return read_header(root)
    error = next(schema(HEADER_SCHEMA).iter_errors(header), None)
    if error is None:  # the two validators disagree: libxml2's verdict stands, in its words
        raise InvalidDocument(f"Header breaks the exchange header standard: {_first(verdict)}")
    element = error.elem if error.elem is not None else header
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
    """The root element of a document valid against its XSD; else the first error, located.

    libxml2 gives the verdict; an invalid document is described by xmlschema, which names the
    element by its path (a test holds the two to the same verdict on every sample).
    """
    if parsed.namespace not in document.namespaces or parsed.root != document.root:
        raise InvalidDocument(
            f"expected {{{document.namespace}}}{document.root}, got "
            f"{{{parsed.namespace}}}{parsed.root}"
        )
    # Each document against the XSD of the version it declares (the current or an earlier one).
    xsd = document.schema_for(parsed.namespace)
    verdict = fast_schema(xsd)
    if verdict.validate(parsed.tree):
        return parsed.element
    error = next(schema(xsd).iter_errors(parsed.resource), None)
    if error is None:  # the two validators disagree: libxml2's verdict stands, in its words
        raise InvalidDocument(_first(verdict))
    raise InvalidDocument(_describe(error))


def _first(verdict: etree.XMLSchema) -> str:
    error = verdict.error_log[0]
    return f"(line {error.line}) {error.message}"


def _describe(error: XMLSchemaValidationError) -> str:
    line = getattr(error, "sourceline", None)
    where = f"{error.path or '/'}" + (f" (line {line})" if line else "")
    return f"{where}: {error.reason or error.message}"
