"""The commerce registry adapter: its XSD, samples, mapping both ways, simulator and feed."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from adapters.commerce import adapter, simulator
from adapters.commerce.client import client
from adapters.commerce.mapping import write_decimal
from hub.canonical import identifiers
from hub.canonical.codelists import CODES_DIR, read_entries
from hub.canonical.codes import BusinessStatus
from hub.canonical.records import BusinessRegistration
from hub.exchange.protocol import Header, read_header
from hub.exchange.validation import InvalidDocument, parse, schema, validate

SAMPLES = Path(simulator.__file__).parent / "samples"
VALID = sorted((SAMPLES / "valid").glob("*.xml"))
INVALID = sorted((SAMPLES / "invalid").glob("*.xml"))
XS = "{http://www.w3.org/2001/XMLSchema}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REGISTRATION = adapter.documents["business-registration"]


def test_the_adapter_is_registered_as_commerce_with_a_compiling_schema() -> None:
    assert adapter.name == "commerce"
    assert list(adapter.documents) == ["business-registration"]
    assert REGISTRATION.namespace == "urn:js-transport-hub:commerce:business-registration:1.0"
    assert REGISTRATION.record_types == (BusinessRegistration,)
    assert REGISTRATION.schema.is_file(), REGISTRATION.schema
    compiled = schema(REGISTRATION.schema)
    assert compiled.target_namespace == REGISTRATION.namespace
    assert REGISTRATION.root in compiled.elements


def test_every_xsd_component_is_documented_in_chinese_then_english() -> None:
    tree = ET.parse(REGISTRATION.schema)
    components = [
        e for tag in ("element", "complexType", "simpleType") for e in tree.iter(XS + tag)
    ]
    assert components
    for component in components:
        name = component.get("name") or component.get("ref")
        docs = component.findall(f"{XS}annotation/{XS}documentation")
        assert [d.get(XML_LANG) for d in docs] == ["zh", "en"], name
        assert all((d.text or "").strip() for d in docs), name


def test_the_status_enumeration_is_the_business_status_code_list() -> None:
    expected = [(e.code, e.zh, e.en) for e in read_entries(CODES_DIR / "business_status.csv")]
    (simple,) = [
        s
        for s in ET.parse(REGISTRATION.schema).iter(XS + "simpleType")
        if s.get("name") == "BusinessStatusCode"
    ]

    values = [
        (e.get("value"), *(d.text for d in e.iter(XS + "documentation")))
        for e in simple.iter(XS + "enumeration")
    ]

    assert values == expected


def test_there_are_valid_samples_and_the_four_kinds_of_invalid_one() -> None:
    assert VALID
    names = [p.name for p in INVALID]
    assert all(n.startswith("business-registration-") for n in [p.name for p in VALID] + names)
    for kind in ("wrong-namespace", "missing-", "bad-status", "bad-uscc"):
        assert any(kind in n for n in names), f"no invalid sample '{kind}'"


@pytest.mark.parametrize("sample", VALID, ids=lambda p: p.name)
def test_a_valid_sample_validates_and_parses(sample: Path) -> None:
    records = REGISTRATION.parse(validate(REGISTRATION, parse(sample.read_bytes())))

    assert records
    assert all(isinstance(r, BusinessRegistration) for r in records)


@pytest.mark.parametrize("sample", INVALID, ids=lambda p: p.name)
def test_an_invalid_sample_is_refused_with_the_expected_reason(sample: Path) -> None:
    text = sample.read_text(encoding="utf-8")
    match = re.fullmatch(r"<!-- expect: (.+) -->", text.splitlines()[1])
    assert match, f"{sample.name}: line 2 must be <!-- expect: ... -->"

    with pytest.raises(InvalidDocument) as refused:
        validate(REGISTRATION, parse(sample.read_bytes()))

    assert match.group(1) in refused.value.reason


def test_business_registrations_carry_status_capital_and_authority() -> None:
    data = (SAMPLES / "valid" / "business-registration-operators.xml").read_bytes()

    records = REGISTRATION.parse(validate(REGISTRATION, parse(data)))

    assert records[0] == BusinessRegistration(
        source_record_id="BR320583000123456",
        uscc="9132058313482761XY",
        name="昆山恒泰物流有限公司",
        status=BusinessStatus.ACTIVE,
        legal_representative="沈志强",
        registered_capital_wan_yuan=500.0,
        scope="道路货物运输（不含危险货物）；国内货物运输代理；"
        "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
        registered_on=dt.date(2012, 5, 8),
        authority="昆山市市场监督管理局",
    )
    statuses = [r.status for r in records if isinstance(r, BusinessRegistration)]
    assert statuses == [BusinessStatus.ACTIVE, BusinessStatus.DEREGISTERED, BusinessStatus.REVOKED]
    assert isinstance(records[2], BusinessRegistration)
    assert records[2].registered_capital_wan_yuan == 1200.5


@pytest.mark.parametrize(
    ("value", "text"),
    [(500.0, "500"), (1200.5, "1200.5"), (0.00001, "0.00001"), (123.4567891, "123.456789")],
)
def test_capital_is_written_as_a_decimal_without_exponent(value: float, text: str) -> None:
    assert write_decimal(value) == text


def test_every_simulated_document_round_trips_through_export() -> None:
    for data in simulator.documents()["business-registration"]:
        element = validate(REGISTRATION, parse(data))
        records = REGISTRATION.parse(element)
        header = read_header(element)
        assert 1 <= len(records) <= 5

        exported = REGISTRATION.export(records, header)

        again = validate(REGISTRATION, parse(exported))
        assert REGISTRATION.parse(again) == records
        assert read_header(again) == header


def test_export_refuses_an_empty_batch() -> None:
    header = Header(message_id="m-1", sender="commerce", sent_at="2026-11-25T08:00:00+08:00")

    with pytest.raises(ValueError, match="1 to 1000 records, got 0"):
        REGISTRATION.export([], header)


def test_the_simulator_is_deterministic_and_mostly_valid() -> None:
    first = simulator.documents(count=20, seed=7)
    assert first == simulator.documents(count=20, seed=7)
    assert first != simulator.documents(count=20, seed=8)
    assert len(first["business-registration"]) == 20

    records = simulator.business_registrations(count=60, flawed=1)

    statuses = {r.status for r in records}
    assert {BusinessStatus.REVOKED, BusinessStatus.DEREGISTERED} <= statuses
    assert sum(r.status is BusinessStatus.ACTIVE for r in records) > 45
    bad = []
    for record in records:
        try:
            identifiers.uscc(record.uscc)
        except identifiers.InvalidIdentifier:
            bad.append(record.uscc)
    assert len(bad) == 1
    # The registering authority follows the division code inside the credit code.
    assert all(r.authority.endswith("市场监督管理局") for r in records)


def test_the_generator_describes_the_companies_it_is_given() -> None:
    companies = [
        ("9132058313482761XY", "昆山恒泰物流有限公司"),
        ("91320102688105328T", "南京宏远客运有限公司"),
    ]

    records = simulator.business_registrations(companies)

    assert [(r.uscc, r.name) for r in records] == companies
    assert [r.authority for r in records] == ["昆山市市场监督管理局", "南京市玄武区市场监督管理局"]
    assert records == simulator.business_registrations(companies)


async def test_the_feed_is_pulled_page_by_page_despite_failures() -> None:
    expected = simulator.documents(30)["business-registration"]
    feed = client(
        base_url="http://sim",
        transport=httpx.ASGITransport(app=simulator.app(count=30, fail_every=3)),
    )
    pulled: list[bytes] = []
    cursor: str | None = None

    while True:
        page = await feed.pull("business-registration", cursor, limit=7)
        assert len(page.documents) <= 7
        pulled += page.documents
        cursor = page.cursor
        if not page.more:
            break

    assert pulled == expected
    assert feed.agency == "commerce"
