"""The door's checks on their own: XInclude, the header standard, reasons without server paths."""

from __future__ import annotations

import pytest
import xmlschema

from hub.exchange.protocol import STANDARDS_DIR
from hub.exchange.validation import InvalidDocument, checked_header, parse
from tests.exchange.adapter import document

VIN = "LZYTA0012N0000001"


def test_a_reason_names_a_standard_by_its_place_never_the_server_path() -> None:
    xsd = STANDARDS_DIR / "public_security" / "vehicle-registration-1.0.xsd"
    meta = f"{xmlschema.__file__.rsplit('/', 1)[0]}/schemas/XSD_1.1/XMLSchema.xsd"

    refused = InvalidDocument(f"cannot read {xsd}, file://{xsd} or {meta}")

    assert refused.reason == (
        "cannot read standards/public_security/vehicle-registration-1.0.xsd, "
        "standards/public_security/vehicle-registration-1.0.xsd or "
        "xmlschema/schemas/XSD_1.1/XMLSchema.xsd"
    )
    assert str(refused) == refused.reason


def test_the_draft_xinclude_namespace_libxml2_knows_is_refused_too() -> None:
    data = document("m-1", [("R1", "苏A00001", "2", VIN, "A")]).replace(
        b"<Plate>", b'<Plate><i xmlns="http://www.w3.org/2003/XInclude" href="x"/>'
    )

    with pytest.raises(InvalidDocument) as refused:
        parse(data)

    assert refused.value.reason == (
        "XInclude is refused: Plate holds an {http://www.w3.org/2003/XInclude}i element; "
        "send the document whole"
    )


def test_a_long_message_id_is_quoted_short_with_its_length() -> None:
    root = parse(document("x" * 5000, [])).element

    with pytest.raises(InvalidDocument) as refused:
        checked_header(root)

    assert refused.value.reason.startswith(f"Header/MessageId {'x' * 80!r}… (5,000 characters)")
    assert len(refused.value.reason) < 250


def test_a_header_at_the_standard_gives_its_message_id_and_sender() -> None:
    header = checked_header(parse(document("A-z.0_9:x", [])).element)

    assert (header.message_id, header.sender) == ("A-z.0_9:x", "test_police")
