"""Documents in the encoding they declare: GB18030 read, stored as sent, shared through feeds."""

from __future__ import annotations

import httpx
import pytest

from hub.exchange.protocol import AgencyClient, feed_app
from hub.exchange.validation import InvalidDocument, parse, validate
from hub.exchange.xml_encoding import UnreadableEncoding, bytes_of, readable, text_of
from tests.exchange.adapter import ADAPTER, document

VIN = "LZYTA0012N0000001"


def gb18030(message_id: str = "m-1") -> bytes:
    text = document(message_id, [("R1", "苏A00001", "2", VIN, "A")]).decode("utf-8")
    return text.replace('encoding="UTF-8"', 'encoding="GB18030"').encode("gb18030")


def test_a_gb18030_document_is_read_as_the_chinese_text_it_holds() -> None:
    data = gb18030()
    registration = ADAPTER.documents["registration"]

    records = registration.parse(validate(registration, parse(data)))

    assert "苏".encode("gb18030") in data
    assert "苏".encode() not in data
    assert [r.plate for r in records] == ["苏A00001"]  # type: ignore[attr-defined]


def test_a_utf8_document_is_read_as_it_is() -> None:
    data = document("m-1", [("R1", "苏A00001", "2", VIN, "A")])

    assert readable(data) is data


def test_the_parsers_get_utf8_saying_so_with_lines_where_they_were() -> None:
    data = '<?xml version="1.0" encoding="GB18030"?>\n<r>\n苏A</r>'.encode("gb18030")

    assert readable(data) == '<?xml version="1.0" encoding="UTF-8"?>\n<r>\n苏A</r>'.encode()


def test_a_document_not_in_its_declared_encoding_is_refused_naming_the_line() -> None:
    data = b'<?xml version="1.0" encoding="GB18030"?>\n<r>\n\xff\xff</r>'

    with pytest.raises(UnreadableEncoding) as refused:
        readable(data)

    assert str(refused.value) == (
        "the document declares encoding GB18030, but line 3 holds bytes that are not GB18030 (ff)"
    )


def test_an_invalid_gb18030_document_is_located_by_line_like_any_other() -> None:
    data = gb18030().replace(b"<PlateColor>2<", b"<PlateColor>9<")

    with pytest.raises(InvalidDocument) as refused:
        validate(ADAPTER.documents["registration"], parse(data))

    assert "PlateColor" in refused.value.reason
    assert "(line 1)" in refused.value.reason


def test_a_feed_gives_a_gb18030_document_back_byte_for_byte() -> None:
    data = gb18030()

    assert text_of(data).startswith('<?xml version="1.0" encoding="GB18030"?>')
    assert bytes_of(text_of(data)) == data
    assert bytes_of("<r>苏</r>") == "<r>苏</r>".encode()


def test_a_character_the_declared_encoding_lacks_comes_as_a_reference() -> None:
    text = '<?xml version="1.0" encoding="ISO-8859-1"?><r>苏</r>'

    assert bytes_of(text) == b'<?xml version="1.0" encoding="ISO-8859-1"?><r>&#33487;</r>'
    assert parse(bytes_of(text)).element.text == "苏"


async def test_pulling_a_gb18030_document_gives_the_bytes_the_agency_sent() -> None:
    data = gb18030()
    feed = feed_app({"registration": [data]})
    client = AgencyClient("test_police", "http://feed", transport=httpx.ASGITransport(app=feed))

    page = await client.pull("registration", None)

    assert page.documents == [data]
