"""The insurers' platform (保险) adapter: samples, round trips, the feed, the standard."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest

import adapters.insurance
from adapters.insurance import adapter, simulator
from adapters.insurance.client import client
from hub.canonical import identifiers
from hub.canonical.codes import InsuranceKind, PlateColor
from hub.canonical.records import InsuranceClaim, InsurancePolicy, Record
from hub.exchange.protocol import STANDARDS_DIR, DocumentType, Header, read_header
from hub.exchange.validation import InvalidDocument, parse, schema, validate

SAMPLES = Path(adapters.insurance.__file__).parent / "samples"
VALID = sorted((SAMPLES / "valid").glob("*.xml"))
INVALID = sorted((SAMPLES / "invalid").glob("*.xml"))
XS = "{http://www.w3.org/2001/XMLSchema}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HEADER = Header("insurance-insurance-policy-000001", "insurance", "2026-11-25T08:00:00+08:00")


def document_type(sample: Path) -> DocumentType:
    """The document type a sample is of, by its name: ``<document>-<what>.xml``."""
    names = [name for name in adapter.documents if sample.name.startswith(f"{name}-")]
    assert names, f"{sample.name} names no document type of {sorted(adapter.documents)}"
    return adapter.documents[max(names, key=len)]


def read(sample: Path) -> tuple[Record, ...]:
    document = document_type(sample)
    return document.parse(validate(document, parse(sample.read_bytes())))


@pytest.mark.parametrize("sample", VALID, ids=lambda p: p.name)
def test_valid_samples_validate_and_parse(sample: Path) -> None:
    # Given a hand-written valid sample, when it is validated and parsed, then records come out.
    records = read(sample)

    assert records
    assert all(isinstance(r, document_type(sample).record_types) for r in records)


def test_policy_sample_gives_its_records() -> None:
    # Given a vehicle's, an operator's and a policy naming both, when parsed, then each
    # carries exactly the insured it names.
    ctpl, carrier, dangerous_goods = read(SAMPLES / "valid" / "insurance-policy-fleet.xml")

    assert ctpl == InsurancePolicy(
        source_record_id="BD2026110100017",
        policy_number="RBDZA2026320500004718",
        kind=InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY,
        insurer="中国人民财产保险股份有限公司江苏省分公司",
        insured_uscc=None,
        plate="苏E5T271",
        plate_color=PlateColor.YELLOW,
        cover_yuan=200_000,
        valid_from=dt.date(2026, 3, 1),
        valid_to=dt.date(2027, 2, 28),
    )
    assert isinstance(carrier, InsurancePolicy)
    assert (carrier.kind, carrier.insured_uscc, carrier.plate, carrier.plate_color) == (
        InsuranceKind.CARRIER_LIABILITY,
        "91320506134729585H",
        None,
        None,
    )
    assert carrier.cover_yuan == 10_000_000
    assert isinstance(dangerous_goods, InsurancePolicy)
    assert (dangerous_goods.kind, dangerous_goods.insured_uscc, dangerous_goods.plate) == (
        InsuranceKind.DANGEROUS_GOODS_LIABILITY,
        "91320113671208451N",
        "苏A9G736",
    )


def test_claim_sample_gives_its_records() -> None:
    records = read(SAMPLES / "valid" / "insurance-claim-settled-and-open.xml")

    assert records == (
        InsuranceClaim(
            source_record_id="LP2026112000041",
            claim_number="RBLP20260712000388",
            policy_number="RBDZA2026320500004718",
            occurred_on=dt.date(2026, 7, 12),
            amount_yuan=12_800,
            settled=True,
        ),
        InsuranceClaim(
            source_record_id="LP2026112000042",
            claim_number="ZJLP20261102000051",
            policy_number="ZJEWX2025320100000266",
            occurred_on=dt.date(2026, 11, 2),
            amount_yuan=386_000,
            settled=False,
        ),
    )


@pytest.mark.parametrize("sample", INVALID, ids=lambda p: p.name)
def test_invalid_samples_are_refused_with_their_reason(sample: Path) -> None:
    # Given an invalid sample, when validated, then the reason has the expected fragment.
    second_line = sample.read_text(encoding="utf-8").splitlines()[1]
    assert second_line.startswith("<!-- expect: "), f"{sample.name}: no expect comment"
    expected = second_line.removeprefix("<!-- expect: ").removesuffix(" -->")

    with pytest.raises(InvalidDocument) as refused:
        read(sample)

    assert expected in refused.value.reason


def test_every_document_type_has_the_required_invalid_samples() -> None:
    for name in adapter.documents:
        whats = {p.stem.removeprefix(f"{name}-") for p in INVALID if document_type(p).name == name}
        assert "wrong-namespace" in whats, name
        assert any(w.startswith("missing-") for w in whats), name
        assert len(whats) >= 4, f"{name}: {sorted(whats)}"


@pytest.mark.parametrize("name", sorted(adapter.documents))
def test_simulated_documents_survive_a_round_trip(name: str) -> None:
    # Given every simulated document, when parsed, exported again and parsed once more,
    # then the records and the header are unchanged.
    document = adapter.documents[name]
    for data in simulator.documents()[name]:
        root = validate(document, parse(data))
        records, header = document.parse(root), read_header(root)

        again = validate(document, parse(document.export(records, header)))

        assert document.parse(again) == records
        assert read_header(again) == header


def test_the_samples_survive_a_round_trip() -> None:
    for sample in VALID:
        document = document_type(sample)
        records = read(sample)

        again = validate(document, parse(document.export(records, HEADER)))

        assert document.parse(again) == records


def test_simulated_documents_are_deterministic_and_well_formed() -> None:
    first, second = simulator.documents(count=12, seed=3), simulator.documents(count=12, seed=3)

    assert first == second
    assert first != simulator.documents(count=12, seed=4)
    for name, documents in first.items():
        assert len(documents) == 12
        headers = [read_header(validate(adapter.documents[name], parse(d))) for d in documents]
        assert [h.message_id for h in headers] == [
            f"insurance-{name}-{n:06d}" for n in range(1, 13)
        ]
        sizes = [len(adapter.documents[name].parse(parse(d).element)) for d in documents]
        assert all(1 <= size <= 5 for size in sizes), sizes


def test_simulated_claims_are_on_the_simulated_policies() -> None:
    documents = simulator.documents()
    policies = [
        record
        for data in documents["insurance-policy"]
        for record in adapter.documents["insurance-policy"].parse(parse(data).element)
    ]
    numbers = {p.policy_number for p in policies if isinstance(p, InsurancePolicy)}

    for data in documents["insurance-claim"]:
        for claim in adapter.documents["insurance-claim"].parse(parse(data).element):
            assert isinstance(claim, InsuranceClaim)
            assert claim.policy_number in numbers


def test_policies_cover_every_vehicle_and_operator_given() -> None:
    vehicles = [("苏A12345", "2"), ("苏E6K218", "2"), ("苏NF3306", "5")]
    operators = ["91320115725839145M", "91320506134729585H", "91320113671208451N"]
    dangerous = {"91320113671208451N"}

    policies = simulator.insurance_policies(vehicles, operators, dangerous_goods=dangerous)

    assert len(policies) == 6
    by_vehicle = {(p.plate, p.plate_color.value): p for p in policies if p.plate and p.plate_color}
    assert set(by_vehicle) == set(vehicles)
    assert {p.kind for p in by_vehicle.values()} == {InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY}
    assert {p.cover_yuan for p in by_vehicle.values()} == {200_000}
    by_operator = {p.insured_uscc: p for p in policies if p.insured_uscc}
    assert set(by_operator) == set(operators)
    for uscc, policy in by_operator.items():
        assert policy.plate is None
        assert policy.kind is (
            InsuranceKind.DANGEROUS_GOODS_LIABILITY
            if uscc in dangerous
            else InsuranceKind.CARRIER_LIABILITY
        )
    assert len({p.policy_number for p in policies}) == 6
    assert len({p.source_record_id for p in policies}) == 6


def test_policy_terms_are_a_year_and_some_have_lapsed() -> None:
    policies = simulator.insurance_policies(count=200, seed=2)

    today = simulator.REFERENCE_DAY
    for policy in policies:
        start = policy.valid_from
        assert start <= today
        if (start.month, start.day) != (2, 29):
            assert policy.valid_to == start.replace(year=start.year + 1) - dt.timedelta(days=1)
    lapsed = sum(p.valid_to < today for p in policies)
    assert 0 < lapsed < len(policies) // 4


def test_made_up_identifiers_are_valid_but_the_flawed() -> None:
    policies = simulator.insurance_policies(count=40, seed=9, flawed=2)

    codes = [p.insured_uscc for p in policies if p.insured_uscc]
    assert len(codes) == 10
    broken = [code for code in codes if not _valid_uscc(code)]
    assert len(broken) == 2
    for policy in policies:
        if policy.plate is not None:
            assert identifiers.plate(policy.plate)[0] == "苏"


def _valid_uscc(code: str) -> bool:
    try:
        identifiers.uscc(code)
    except identifiers.InvalidIdentifier:
        return False
    return True


def test_claims_fall_within_their_policy_and_its_limit() -> None:
    policies = simulator.insurance_policies(count=30, seed=4)
    by_number = {p.policy_number: p for p in policies}

    claims = simulator.insurance_claims(policies, count=60, seed=4)

    assert len(claims) == 60
    assert len({c.claim_number for c in claims}) == 60
    for claim in claims:
        policy = by_number[claim.policy_number]
        assert policy.valid_from <= claim.occurred_on <= policy.valid_to
        assert claim.occurred_on <= simulator.REFERENCE_DAY
        assert 0 <= claim.amount_yuan <= policy.cover_yuan
    assert {c.settled for c in claims} == {True, False}


def test_claims_need_a_policy_in_force() -> None:
    (policy,) = simulator.insurance_policies([("苏A12345", "2")], [])
    future = dataclasses.replace(policy, valid_from=dt.date(2027, 1, 1))

    with pytest.raises(ValueError, match="no policy began"):
        simulator.insurance_claims([future], count=1)
    assert simulator.insurance_claims([future], count=0) == []


def test_export_refuses_what_the_standard_cannot_carry() -> None:
    (policy,) = simulator.insurance_policies([("苏A12345", "2")], [])
    document = adapter.documents["insurance-policy"]

    with pytest.raises(ValueError, match="a plate needs its colour"):
        document.export([dataclasses.replace(policy, plate_color=None)], HEADER)
    nobody = dataclasses.replace(policy, plate=None, plate_color=None)
    with pytest.raises(ValueError, match="insures neither operator nor vehicle"):
        document.export([nobody], HEADER)
    with pytest.raises(TypeError, match="carries InsurancePolicy"):
        document.export([InsuranceClaim("C1", "C1", "P1", dt.date(2026, 1, 1), 1, True)], HEADER)


async def test_the_feed_is_pulled_page_by_page_despite_failures() -> None:
    # Given a simulated feed that fails every third request with 503,
    # when every policy document is pulled 7 at a time following the cursor,
    # then the client retries and gets exactly the simulator's documents, in order.
    transport = httpx.ASGITransport(app=simulator.app(count=30, fail_every=3))
    feed = client(base_url="http://sim", transport=transport)
    pulled: list[bytes] = []
    cursor: str | None = None
    for _ in range(10):
        page = await feed.pull("insurance-policy", cursor, limit=7)
        pulled.extend(page.documents)
        cursor = page.cursor
        if not page.more:
            break

    assert pulled == simulator.documents(30)["insurance-policy"]
    assert cursor == "30"
    assert feed.agency == "insurance"


def test_the_adapter_is_registered_with_compiling_schemas() -> None:
    assert adapter.name == "insurance"
    assert set(adapter.documents) == {"insurance-policy", "insurance-claim"}
    for name, document in adapter.documents.items():
        assert document.name == name
        assert document.schema.is_file(), document.schema
        assert document.schema.parent == STANDARDS_DIR / "insurance"
        compiled = schema(document.schema)
        assert compiled.target_namespace == document.namespace
        assert document.root in compiled.elements
        assert adapter.document_for(document.namespace, document.root) is document


@pytest.mark.parametrize("name", sorted(adapter.documents))
def test_every_schema_component_is_documented_in_chinese_then_english(name: str) -> None:
    tree = ET.parse(adapter.documents[name].schema)
    for kind in ("element", "complexType", "simpleType", "enumeration"):
        for node in tree.iter(f"{XS}{kind}"):
            label = node.get("name") or node.get("ref") or node.get("value")
            docs = node.findall(f"{XS}annotation/{XS}documentation")
            assert [d.get(XML_LANG) for d in docs] == ["zh", "en"], f"{kind} {label}"
            assert all((d.text or "").strip() for d in docs), f"{kind} {label}"


@pytest.mark.parametrize(
    ("simple_type", "code_list"),
    [("InsuranceKindCode", "insurance_kind"), ("PlateColorCode", "plate_color")],
)
def test_enumerations_are_the_code_lists(simple_type: str, code_list: str) -> None:
    tree = ET.parse(adapter.documents["insurance-policy"].schema)
    node = tree.find(f"{XS}simpleType[@name='{simple_type}']")
    assert node is not None
    with (STANDARDS_DIR / "codes" / f"{code_list}.csv").open(encoding="utf-8") as rows:
        codes = [row["code"] for row in csv.DictReader(rows)]

    assert [e.get("value") for e in node.iter(f"{XS}enumeration")] == codes
