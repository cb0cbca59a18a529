"""What every agency adapter must do, checked for each (``cases.AGENCIES``): its registry entry
and XSDs, its samples, mapping both ways, its simulator and its feed."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest

from hub.canonical.codelists import CODES_DIR, read_entries
from hub.exchange.protocol import STANDARDS_DIR, Header, namespace, read_header
from hub.exchange.registry import AdapterRegistry
from hub.exchange.validation import InvalidDocument, parse, schema, validate
from tests.adapters.cases import (
    AGENCIES,
    EXPECT,
    AgencyCase,
    document_of,
    each_document,
    each_sample,
    read_sample,
)

XS = "{http://www.w3.org/2001/XMLSchema}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HEADER = Header("m-1", "hub-tests", "2026-11-25T08:00:00+08:00")
EACH_AGENCY = pytest.mark.parametrize("case", AGENCIES, ids=str)
EACH_DOCUMENT = pytest.mark.parametrize(("case", "name"), each_document())


# -- the registry entry and the XSDs --------------------------------------------------------


def test_every_installed_adapter_is_held_to_these_checks() -> None:
    assert sorted(case.agency for case in AGENCIES) == sorted(AdapterRegistry.discover())


@EACH_AGENCY
def test_the_adapter_declares_its_document_types_under_its_agency(case: AgencyCase) -> None:
    adapter = case.adapter

    assert adapter.name == case.agency
    assert list(adapter.documents) == list(case.documents)
    for name, document in adapter.documents.items():
        assert document.name == name
        assert document.record_types == (case.documents[name],), name
        assert document.namespace == namespace(case.agency, name)
        assert document.namespace == f"urn:js-transport-hub:{case.agency}:{name}:1.0"
        assert document.schema.is_file(), f"{document.schema} is missing"
        assert document.schema.parent == STANDARDS_DIR / case.agency
        assert adapter.document_for(document.namespace, document.root) is document


@EACH_DOCUMENT
def test_the_schema_compiles_and_declares_only_the_root(case: AgencyCase, name: str) -> None:
    document = case.adapter.documents[name]

    compiled = schema(document.schema)

    assert compiled.target_namespace == document.namespace
    assert compiled.version == "1.0"
    assert list(compiled.elements) == [document.root]


@EACH_DOCUMENT
def test_every_schema_component_is_documented_in_chinese_then_english(
    case: AgencyCase, name: str
) -> None:
    tree = ET.parse(case.adapter.documents[name].schema)
    kinds = ("element", "complexType", "simpleType", "enumeration")
    components = [(kind, node) for kind in kinds for node in tree.iter(f"{XS}{kind}")]
    assert components
    for kind, node in components:
        label = node.get("name") or node.get("ref") or node.get("value")
        docs = node.findall(f"{XS}annotation/{XS}documentation")
        assert [d.get(XML_LANG) for d in docs] == ["zh", "en"], f"{kind} {label} needs zh, en"
        assert all((d.text or "").strip() for d in docs), f"{kind} {label} has an empty one"


@pytest.mark.parametrize(
    ("case", "simple_type", "code_list"),
    [
        pytest.param(case, simple_type, code_list, id=f"{case}/{simple_type}")
        for case in AGENCIES
        for simple_type, code_list in case.code_lists.items()
    ],
)
def test_xsd_enumerations_are_the_code_lists(
    case: AgencyCase, simple_type: str, code_list: str
) -> None:
    # Given a code list, when an XSD of the adapter enumerates it, then it has every code in
    # order, each labelled as the list labels it.
    expected = [(e.code, e.zh, e.en) for e in read_entries(CODES_DIR / f"{code_list}.csv")]
    found = []
    for document in case.adapter.documents.values():
        for simple in ET.parse(document.schema).iter(f"{XS}simpleType"):
            if simple.get("name") == simple_type:
                found.append(document.name)
                values = [
                    (e.get("value"), *(d.text for d in e.iter(f"{XS}documentation")))
                    for e in simple.iter(f"{XS}enumeration")
                ]
                assert values == expected, f"{document.name}: {simple_type} is not {code_list}"
    assert found, f"no XSD of {case} declares {simple_type}"


# -- samples ----------------------------------------------------------------------------------


@EACH_AGENCY
def test_every_document_type_has_a_valid_sample_and_the_required_invalid_ones(
    case: AgencyCase,
) -> None:
    # Each names its document type; each document type has a valid sample, and invalid ones
    # in a wrong namespace, missing an element, with two bad values at least, four in all.
    valid, invalid = case.valid(), case.invalid()
    for name in case.documents:
        assert any(document_of(case.adapter, p).name == name for p in valid), name
        whats = [
            p.stem.removeprefix(f"{name}-")
            for p in invalid
            if document_of(case.adapter, p).name == name
        ]
        assert "wrong-namespace" in whats, name
        assert any(w.startswith("missing-") for w in whats), f"{name}: {whats}"
        assert sum(w.startswith("bad-") for w in whats) >= 2, f"{name}: {whats}"
        assert len(whats) >= 4, f"{name}: {whats}"
    stems = [p.stem for p in invalid]
    for what in case.invalid_samples:
        assert any(stem.endswith(f"-{what}") for stem in stems), f"no invalid sample {what}"


@pytest.mark.parametrize(("case", "sample"), each_sample("valid"))
def test_a_valid_sample_validates_and_parses(case: AgencyCase, sample: Path) -> None:
    records = read_sample(case.adapter, sample)

    assert records, f"{sample.name} carries no records"
    assert all(isinstance(r, document_of(case.adapter, sample).record_types) for r in records)


@pytest.mark.parametrize(("case", "sample"), each_sample("invalid"))
def test_an_invalid_sample_is_refused_with_the_expected_reason(
    case: AgencyCase, sample: Path
) -> None:
    expect = EXPECT.fullmatch(sample.read_text(encoding="utf-8").splitlines()[1])
    assert expect, f"{sample.name}: line 2 must be <!-- expect: ... -->"

    with pytest.raises(InvalidDocument) as refused:
        validate(document_of(case.adapter, sample), parse(sample.read_bytes()))

    assert expect.group(1) in refused.value.reason


@pytest.mark.parametrize(("case", "sample"), each_sample("valid"))
def test_a_valid_sample_sent_in_gb18030_carries_the_same_records(
    case: AgencyCase, sample: Path
) -> None:
    # Given a sample as a Chinese agency may send it: declared and encoded in GB18030
    text = sample.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>'), sample.name
    sent = text.replace('encoding="UTF-8"', 'encoding="GB18030"', 1).encode("gb18030")
    document = document_of(case.adapter, sample)

    # When it is validated and parsed, then its records, Chinese text and all, are the same
    assert document.parse(validate(document, parse(sent))) == read_sample(case.adapter, sample)


@pytest.mark.parametrize(("case", "sample"), each_sample("valid"))
def test_a_valid_sample_survives_a_round_trip(case: AgencyCase, sample: Path) -> None:
    # Given a sample, when parsed, exported again and parsed once more, then the records and
    # the header are unchanged.
    document = document_of(case.adapter, sample)
    root = validate(document, parse(sample.read_bytes()))
    records, header = document.parse(root), read_header(root)

    again = validate(document, parse(document.export(records, header)))

    assert document.parse(again) == records
    assert read_header(again) == header


# -- mapping back out -----------------------------------------------------------------------


@EACH_DOCUMENT
def test_simulated_documents_survive_a_round_trip_byte_for_byte(
    case: AgencyCase, name: str
) -> None:
    # Given every simulated document, when parsed and exported again, then the records and the
    # header are unchanged, and so are the bytes: the simulator builds its documents with export.
    document = case.adapter.documents[name]
    fewest, most = case.records_per_document
    for data in case.simulator.documents()[name]:
        root = validate(document, parse(data))
        records, header = document.parse(root), read_header(root)
        assert fewest <= len(records) <= most

        exported = document.export(records, header)

        again = validate(document, parse(exported))
        assert document.parse(again) == records
        assert read_header(again) == header
        assert exported == data


@EACH_DOCUMENT
def test_export_refuses_an_empty_batch(case: AgencyCase, name: str) -> None:
    with pytest.raises(ValueError, match=r"carries 1(-| to )1000 records, (not|got) 0"):
        case.adapter.documents[name].export([], HEADER)


# -- the simulator --------------------------------------------------------------------------


@EACH_AGENCY
def test_the_simulator_is_deterministic_and_numbers_its_messages(case: AgencyCase) -> None:
    first = case.simulator.documents(count=12, seed=3)

    assert first == case.simulator.documents(count=12, seed=3)
    assert first != case.simulator.documents(count=12, seed=4)
    assert list(first) == list(case.documents)
    fewest, most = case.records_per_document
    for name, documents in first.items():
        document = case.adapter.documents[name]
        assert len(documents) == 12
        roots = [validate(document, parse(data)) for data in documents]
        ids = [read_header(root).message_id for root in roots]
        assert ids == [case.message_id(name, n) for n in range(1, 13)]
        sizes = [len(document.parse(root)) for root in roots]
        assert all(fewest <= size <= most for size in sizes), sizes
        records = [record for root in roots for record in document.parse(root)]
        assert len({r.source_record_id for r in records}) == len(records), name


# -- the feed -------------------------------------------------------------------------------


@EACH_DOCUMENT
async def test_the_feed_is_pulled_page_by_page_despite_failures(
    case: AgencyCase, name: str
) -> None:
    # Given a simulated feed that fails every third request with 503,
    # when a document type is pulled 7 at a time following the cursor,
    # then the client retries and gets exactly the simulator's documents, in order.
    app = case.simulator.app(count=30, fail_every=3)
    feed = case.client(base_url="http://sim", transport=httpx.ASGITransport(app=app))
    pulled: list[bytes] = []
    cursor: str | None = None
    for _ in range(10):
        page = await feed.pull(name, cursor, limit=7)
        assert len(page.documents) <= 7
        pulled.extend(page.documents)
        cursor = page.cursor
        if not page.more:
            break

    assert not page.more, "the feed never ended"
    assert pulled == case.simulator.documents(30)[name]
    assert cursor == "30"
    assert feed.agency == case.agency
