"""Purposes of use: why a client reads personal data, from a published code list.

The ``X-Purpose-Of-Use`` header carries a code of ``standards/codes/purpose_of_use.csv``,
optionally followed by ``;`` and a free-text reference (a case or file number)::

    X-Purpose-Of-Use: ACCIDENT_INVESTIGATION
    X-Purpose-Of-Use: ACCIDENT_INVESTIGATION;%E8%8B%8F%E5%85%AC%E4%BA%A4%E5%86%B3%E5%AD%97123

The header is ASCII: the reference is UTF-8, percent-encoded (RFC 3986). A client states only
the purposes it was registered for (``hub clients add --purposes CODE,CODE``). A header that
breaks any of this is refused with the problem named; it is never read as some other text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from hub.canonical.codes import PURPOSES_OF_USE

PURPOSE_HEADER = "X-Purpose-Of-Use"
"""The request header in which a client states why it reads personal data (recorded)."""
MAX_REFERENCE_LENGTH = 100
"""Longest reference, in characters once decoded."""
LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
MAX_HEADER_LENGTH = 1000
"""Longest header: a reference of 100 characters percent-encoded is at most 900."""


class InvalidPurpose(ValueError):
    """A purpose header, or a purpose registration, that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Purpose:
    """A stated purpose: a code of the list, and the reference the client gave, if any."""

    code: str
    reference: str | None = None

    def __str__(self) -> str:
        label = PURPOSES_OF_USE[self.code][0]
        return f"{self.code} {label}" + ("" if self.reference is None else f" ({self.reference})")


def _known(code: str, where: str) -> str:
    if code not in PURPOSES_OF_USE:
        raise InvalidPurpose(
            f"{where}: {code[:40]!r} is not a purpose of use "
            f"(standards/codes/purpose_of_use.csv: {', '.join(PURPOSES_OF_USE)})"
        )
    return code


def parse_purpose(value: str) -> Purpose:
    """The purpose a header value states; InvalidPurpose naming the problem otherwise."""
    where = PURPOSE_HEADER
    if len(value) > MAX_HEADER_LENGTH:
        raise InvalidPurpose(f"{where}: longer than {MAX_HEADER_LENGTH} characters")
    if not value.isascii():
        raise InvalidPurpose(f"{where}: percent-encode the reference (the header is ASCII)")
    code, separator, encoded = value.strip().partition(";")
    code = _known(code.strip(), where)
    if not separator:
        return Purpose(code)
    if LONE_PERCENT.search(encoded):
        raise InvalidPurpose(f"{where}: the reference has a '%' not followed by two hex digits")
    try:
        reference = unquote_to_bytes(encoded.strip()).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidPurpose(
            f"{where}: the reference is not percent-encoded UTF-8 (a character's bytes are cut "
            "short or invalid, like %E6%89)"
        ) from None
    reference = reference.strip()
    if not reference:
        raise InvalidPurpose(f"{where}: nothing follows ';' (leave it out, or give a reference)")
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise InvalidPurpose(
            f"{where}: the reference is {len(reference)} characters, over {MAX_REFERENCE_LENGTH}"
        )
    if any(not char.isprintable() for char in reference):
        raise InvalidPurpose(f"{where}: the reference holds control characters")
    return Purpose(code, reference)


def parse_registration(value: str) -> tuple[str, ...]:
    """The purposes a client is registered for, from ``CODE,CODE`` (codes of the list)."""
    codes = [code.strip() for code in value.split(",") if code.strip()]
    for code in codes:
        _known(code, "purposes")
    return tuple(dict.fromkeys(codes))
