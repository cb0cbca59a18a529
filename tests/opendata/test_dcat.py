"""DCAT-AP JSON-LD: the catalogue and each dataset carry the properties DCAT-AP 3.0 makes
mandatory (and those it recommends that the hub has), with IRIs where it wants IRIs.

The official SHACL shapes are not vendored here; these checks name the same requirements
property by property (DCAT-AP 3.0, section 5: mandatory classes and properties).
"""

from __future__ import annotations

from typing import Any

from hub.opendata.datasets import load as load_datasets
from tests.opendata.conftest import OpenHub

DATASETS = load_datasets()


def _prefixes_used(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if ":" in key and not key.startswith("@"):
                found.add(key.split(":")[0])
            if key == "@type" and isinstance(value, str) and ":" in value:
                found.add(value.split(":")[0])
            found |= _prefixes_used(value)
    elif isinstance(node, list):
        for item in node:
            found |= _prefixes_used(item)
    return found


def _has_both_languages(texts: Any) -> bool:
    return {text["@language"] for text in texts} == {"zh", "en"} and all(
        text["@value"] for text in texts
    )


def _check_agent(agent: Any) -> None:
    assert agent["@type"] == "foaf:Agent"
    assert agent["@id"].startswith("http")
    assert _has_both_languages(agent["foaf:name"])


def _check_dataset(node: Any) -> None:
    assert node["@type"] == "dcat:Dataset"
    assert node["@id"].startswith("http")
    # Mandatory: title and description.
    assert _has_both_languages(node["dct:title"])
    assert _has_both_languages(node["dct:description"])
    # Recommended ones the hub has.
    _check_agent(node["dct:publisher"])
    assert node["dcat:contactPoint"]["vcard:fn"]
    assert node["dcat:keyword"]
    assert node["dct:accrualPeriodicity"]["@id"].startswith(
        "http://publications.europa.eu/resource/authority/frequency/"
    )
    assert node["dct:temporal"]["dcat:startDate"]["@type"] == "xsd:date"
    assert node["dct:spatial"]["@id"].startswith("http")
    assert node["dcat:distribution"]
    for distribution in node["dcat:distribution"]:
        assert distribution["@type"] == "dcat:Distribution"
        # Mandatory: the access URL.
        assert distribution["dcat:accessURL"]["@id"].startswith("http")
        assert distribution["dct:license"]["@id"].startswith("https://")
        assert distribution["dct:format"]["@id"].startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )


async def test_the_catalogue_has_every_mandatory_property(open_hub: OpenHub) -> None:
    answer = await open_hub.http.get("/catalog.jsonld")

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/ld+json"
    catalogue = answer.json()
    assert _prefixes_used(catalogue) <= set(catalogue["@context"])
    assert catalogue["@type"] == "dcat:Catalog"
    assert _has_both_languages(catalogue["dct:title"])
    assert _has_both_languages(catalogue["dct:description"])
    _check_agent(catalogue["dct:publisher"])
    assert len(catalogue["dcat:dataset"]) == len(DATASETS)
    for node in catalogue["dcat:dataset"]:
        _check_dataset(node)


async def test_each_dataset_has_its_own_document(open_hub: OpenHub) -> None:
    catalogue = (await open_hub.http.get("/catalog.jsonld")).json()
    in_catalogue = {node["dct:identifier"]: node for node in catalogue["dcat:dataset"]}

    for dataset_id in DATASETS:
        answer = await open_hub.http.get(f"/datasets/{dataset_id}.jsonld")
        assert answer.status_code == 200
        document = answer.json()
        _check_dataset(document)
        assert {k: v for k, v in document.items() if k != "@context"} == in_catalogue[dataset_id]
        downloads = [d for d in document["dcat:distribution"] if "dcat:downloadURL" in d]
        assert len(downloads) == 3
        for download in downloads:
            assert download["spdx:checksum"]["spdx:checksumValue"]["@value"]
            assert int(download["dcat:byteSize"]["@value"]) > 0


async def test_an_unknown_dataset_document_is_404(open_hub: OpenHub) -> None:
    answer = await open_hub.http.get("/datasets/ferries.jsonld")

    assert answer.status_code == 404
    assert answer.json()["message"] == "no dataset 'ferries'"
