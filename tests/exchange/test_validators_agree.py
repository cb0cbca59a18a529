"""libxml2 (the hot path's verdict) and xmlschema (decoding, error paths) agree on every document.

Both compile the same XSDs. The corpus: every adapter's and every multimodal standard's valid
and invalid samples, the simulators' documents, and documents generated from the valid ones by
mutation — each element removed, repeated, emptied, given an unknown child or attribute, and
each value replaced by values at the edges of the XSD types (dates that do not exist, times
past midnight, offsets past ±14:00, numbers with exponents or signs, other scripts' digits,
full-width letters, text too long).
"""

from __future__ import annotations

import copy
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from xmlschema import XMLResource

from hub.exchange.protocol import HEADER_NAMESPACE, STANDARDS_DIR
from hub.exchange.registry import AdapterRegistry
from hub.exchange.validation import (
    HEADER_SCHEMA,
    InvalidDocument,
    fast_schema,
    parse,
    schema,
    validate,
)
from tests.adapters.cases import ADAPTERS_DIR

NON_ASCII_DIGITS = ("２０２６", "١٢٣")
"""Full-width and Arabic-Indic digits: \\d matches them in XSD patterns, numbers never do."""
EDGE_VALUES = (
    "",
    " ",
    "0",
    "-1",
    "+7",
    "1.50",
    "1e3",
    "NaN",
    "true",
    "x" * 300,
    *NON_ASCII_DIGITS,
    "苏Ａ１２３４５",
    "2026-02-30",
    "2026-11-25",
    "2026-11-25T08:00:00",
    "2026-11-25T24:00:00+08:00",
    "2026-11-25T08:00:00+14:30",
    "2026-11-25T08:00:00.123456789Z",
    "10000-01-01T00:00:00Z",
    "0000-01-01",
)
"""Values every leaf is given in turn, at the edges of the types the XSDs use."""
MULTIMODAL = {
    "consignment": STANDARDS_DIR / "multimodal" / "consignment-1.0.xsd",
    "waybill": STANDARDS_DIR / "multimodal" / "waybill-1.0.xsd",
    "status-event": STANDARDS_DIR / "multimodal" / "status-event-1.0.xsd",
}
REGISTRY = AdapterRegistry.discover()
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _xsd_of(agency: str, sample: Path) -> Path:
    """The XSD a sample is written against: its document type is its file name's start."""
    documents = REGISTRY[agency].documents
    name = max((n for n in documents if sample.stem.startswith(n)), key=len)
    return documents[name].schema


def _samples() -> Iterator[tuple[str, Path, bytes]]:
    for agency in sorted(REGISTRY):
        for kind in ("valid", "invalid"):
            for path in sorted((ADAPTERS_DIR / agency / "samples" / kind).glob("*.xml")):
                yield f"{agency}/{kind}/{path.name}", _xsd_of(agency, path), path.read_bytes()
        simulator: Any = importlib.import_module(f"adapters.{agency}.simulator")
        for name, documents in simulator.documents(2).items():
            for number, data in enumerate(documents[:2], 1):
                xsd = REGISTRY[agency].documents[name].schema
                yield f"{agency}/simulator/{name}#{number}", xsd, data
    for kind, xsd in MULTIMODAL.items():
        examples = STANDARDS_DIR / "multimodal" / "examples"
        for path in sorted(examples.rglob(f"{kind}*.xml")):
            yield f"multimodal/examples/{path.relative_to(examples)}", xsd, path.read_bytes()


SAMPLES = {name: (xsd, data) for name, xsd, data in _samples()}


def _verdicts(xsd: Path, tree: Any) -> tuple[bool, bool]:
    return bool(fast_schema(xsd).validate(tree)), schema(xsd).is_valid(XMLResource(tree))


def _mutations(root: Any) -> Iterator[tuple[str, Any]]:
    """Documents made from ``root`` by one change each, named by what changed."""
    elements = list(root.iter(etree.Element))
    # Each element of the document's shape once: its first occurrence (a record's siblings
    # are the same shape again).
    firsts: dict[tuple[str, ...], int] = {}
    for index, element in enumerate(elements[1:], 1):
        shape = tuple(etree.QName(e).localname for e in [*element.iterancestors(), element])
        firsts.setdefault(shape, index)

    def copy_at(index: int) -> tuple[Any, Any]:
        mutant = copy.deepcopy(root)
        return mutant, list(mutant.iter(etree.Element))[index]

    for shape, index in firsts.items():
        where = "/".join(reversed(shape[:-1])) + f"/{shape[-1]}"
        for change in ("removed", "repeated", "emptied", "unknown child", "unknown attribute"):
            mutant, element = copy_at(index)
            if change == "removed":
                element.getparent().remove(element)
            elif change == "repeated":
                element.addnext(copy.deepcopy(element))
            elif change == "emptied":
                element.text = None
                del element[:]
            elif change == "unknown child":
                etree.SubElement(element, f"{{{etree.QName(element).namespace}}}Unknown")
            else:
                element.set("unknown", "1")
            yield f"{where} {change}", mutant
        if len(elements[index]) == 0:
            for value in EDGE_VALUES:
                mutant, element = copy_at(index)
                element.text = value
                yield f"{where} = {value[:20]!r}", mutant


def _xmlschema_misreads_digits(mutant: Any) -> bool:
    """The one place xmlschema strays from XSD 1.0: numbers in digits other than 0-9.

    The lexical space of xs:decimal and the integers derived from it is ``[0-9]`` only (XSD
    1.0 part 2, 3.2.3.1); xmlschema reads numbers with Python's ``int``/``Decimal``, which take
    any script's digits. libxml2 keeps to the standard, and it gives the hub's verdict.
    """
    return any((element.text or "") in NON_ASCII_DIGITS for element in mutant.iter(etree.Element))


def test_the_corpus_holds_every_agency_and_multimodal_document_type() -> None:
    xsds = {xsd for xsd, _data in SAMPLES.values()}

    for adapter in REGISTRY.values():
        for document in adapter.documents.values():
            assert document.schema in xsds, f"no sample of {adapter.name}/{document.name}"
    assert set(MULTIMODAL.values()) <= xsds
    assert sum(1 for name in SAMPLES if "/invalid/" in name) >= 50, "the invalid samples count"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_both_validators_give_a_sample_the_same_verdict(name: str) -> None:
    xsd, data = SAMPLES[name]
    try:
        tree = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError:
        pytest.skip("not well-formed: refused before any XSD is asked")

    fast, reference = _verdicts(xsd, tree)

    assert fast == reference, f"libxml2 says {fast}, xmlschema says {reference}"
    if "/valid/" in name or "/simulator/" in name or "/examples/valid" in name:
        assert fast, "a valid sample is valid"


def _bases() -> dict[Path, str]:
    """Per XSD, its largest valid sample: the one that shows most of its shape."""
    bases: dict[Path, str] = {}
    for name, (xsd, data) in SAMPLES.items():
        if "invalid" not in name and (xsd not in bases or len(data) > len(SAMPLES[bases[xsd]][1])):
            bases[xsd] = name
    return bases


@pytest.mark.parametrize("name", sorted(_bases().values()))
def test_both_validators_give_every_mutation_of_a_valid_sample_the_same_verdict(
    name: str,
) -> None:
    xsd, data = SAMPLES[name]
    root = etree.fromstring(data, PARSER)
    disagreements = []
    tried = invalid = 0

    for change, mutant in _mutations(root):
        fast, reference = _verdicts(xsd, mutant)
        tried += 1
        invalid += not fast
        if fast != reference and not (reference and _xmlschema_misreads_digits(mutant)):
            disagreements.append(f"{change}: libxml2 {fast}, xmlschema {reference}")

    assert disagreements == []
    assert invalid > tried // 4, "the mutations reach the XSD's rules"


def test_both_validators_judge_a_header_alone_the_same() -> None:
    # The header is checked on its own before a document is stored.
    _xsd, data = SAMPLES[next(n for n in SAMPLES if "/simulator/" in n)]
    root = etree.fromstring(data, PARSER)
    header = root.find(f"{{{HEADER_NAMESPACE}}}Header")
    tried = 0

    for change, mutant in _mutations(header):
        fast = bool(fast_schema(HEADER_SCHEMA).validate(mutant))
        reference = schema(HEADER_SCHEMA).is_valid(XMLResource(mutant))
        tried += 1
        assert fast == reference, change
    assert tried > 50


def test_a_number_in_full_width_digits_is_refused_by_the_hub_as_the_standard_says() -> None:
    # Given a valid accident report whose death toll is written in full-width digits
    name = next(n for n in SAMPLES if n.startswith("safety/simulator/accident"))
    _xsd, data = SAMPLES[name]
    document = REGISTRY["safety"].documents["accident"]
    mutant = re.sub(rb"(<(?:\w+:)?Deaths>)\d+<", "\\1２<".encode(), data, count=1)
    assert mutant != data

    # When the hub validates it, then libxml2 refuses it (xs:nonNegativeInteger is 0-9 only)
    with pytest.raises(InvalidDocument) as refused:
        validate(document, parse(mutant))
    assert "Deaths" in refused.value.reason
    assert "２" in refused.value.reason
