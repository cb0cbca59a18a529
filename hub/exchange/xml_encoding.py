"""The character encoding of an exchange document: the one it declares, and reading it in that.

Agencies write their documents in any encoding XML allows; Chinese agencies send GB18030. The
safe parser the hub validates with (expat, under xmlschema's defused parser) reads only UTF-8,
UTF-16, ISO-8859-1 and US-ASCII itself and refuses multi-byte encodings such as GB18030 or GBK.
A document declared in another encoding is decoded with Python's codecs and handed to the
parsers as UTF-8, its declaration saying so; what is stored is always the bytes as received.
Feeds carry documents as JSON strings: those are turned back into the bytes their declaration
names, so a document pulled is the very document sent as a file or pushed (same checksum).
"""

from __future__ import annotations

import codecs
import re

EXPAT_ENCODINGS = frozenset({"UTF-8", "UTF-16", "ISO-8859-1", "US-ASCII"})
"""What expat decodes itself: every other declared encoding is decoded by Python first."""

# XMLDecl ::= '<?xml' VersionInfo EncodingDecl? … (XML 1.0 §2.8, §4.3.3), at the very start.
_DECLARATION = (
    r"""<\?xml\s+version\s*=\s*(["'])[^"']*\1"""
    r"""\s+encoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\2"""
)
_DECLARED_IN_BYTES = re.compile(_DECLARATION.encode("ascii"))
_DECLARED_IN_TEXT = re.compile(_DECLARATION)


class UnreadableEncoding(ValueError):
    """A document whose declared encoding is unknown, or whose bytes are not in it."""


def declared_encoding(data: bytes) -> str | None:
    """The encoding a document's XML declaration names, if it names one."""
    found = _DECLARED_IN_BYTES.match(data)
    return found[3].decode("ascii") if found else None


def readable(data: bytes) -> bytes:
    """``data`` as expat reads it: unchanged, or in UTF-8 with a declaration to match.

    Line and column numbers stay as they were: only the encoding's name in the declaration and
    the bytes of each character change.
    """
    encoding = declared_encoding(data)
    if encoding is None or encoding.upper() in EXPAT_ENCODINGS:
        return data
    text = _decode(data, encoding)
    found = _DECLARED_IN_TEXT.match(text)
    if found is None or found[3] != encoding:
        raise UnreadableEncoding(f"the document declares {encoding} but does not read as it")
    return (text[: found.start(3)] + "UTF-8" + text[found.end(3) :]).encode("utf-8")


def text_of(data: bytes) -> str:
    """A document as text, decoded in its declared encoding (UTF-8 when it declares none)."""
    return _decode(data, declared_encoding(data) or "utf-8")


def bytes_of(text: str) -> bytes:
    """A document given as text (a feed's JSON string) as the bytes its declaration names.

    A character the declared encoding lacks is written as a character reference, which XML
    reads back as the same character; an unknown encoding gives UTF-8, refused at the door by
    the same rule as a document sent with it.
    """
    found = _DECLARED_IN_TEXT.match(text)
    encoding = found[3] if found else "utf-8"
    try:
        return text.encode(encoding, errors="xmlcharrefreplace")
    except LookupError:
        return text.encode("utf-8")


def _decode(data: bytes, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UnreadableEncoding(
            f"the document declares encoding {encoding}, which the hub does not know "
            "(send UTF-8 or GB18030)"
        ) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.end].hex(" ")
        raise UnreadableEncoding(
            f"the document declares encoding {encoding}, but line {line} holds bytes "
            f"that are not {encoding} ({bad})"
        ) from None
