"""The catalogue as DCAT-AP JSON-LD: what EU-style and DCAT harvesters read.

The catalogue (dcat:Catalog) has its title, description, publisher and datasets; each dataset
(dcat:Dataset) its title, description, publisher, keywords, theme-less spatial and temporal
coverage, frequency, contact point and distributions; each distribution (dcat:Distribution)
its access URL, download URL, format, media type, licence, size and checksum — the mandatory
properties of DCAT-AP and its recommended ones the hub has.
"""

from __future__ import annotations

from typing import Any

from hub.opendata.catalogue import Catalogue
from hub.opendata.datasets import PUBLISHERS, Dataset

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "adms": "http://www.w3.org/ns/adms#",
}
FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPE_OF = {"CSV": "CSV", "JSONL": "JSON", "PARQUET": "PARQUET", "GraphQL": "JSON"}


def _texts(zh: str, en: str) -> list[dict[str, str]]:
    return [{"@value": zh, "@language": "zh"}, {"@value": en, "@language": "en"}]


def _publisher(catalogue: Catalogue, name: str) -> dict[str, Any]:
    title = PUBLISHERS[name]
    return {
        "@id": f"{catalogue.base_url}/organizations/{name}",
        "@type": "foaf:Agent",
        "foaf:name": _texts(title.zh, title.en),
    }


def _distribution(catalogue: Catalogue, dataset: Dataset, resource: dict[str, Any]) -> Any:
    distribution: dict[str, Any] = {
        "@id": f"{catalogue.base_url}/datasets/{dataset.id}#{resource['id']}",
        "@type": "dcat:Distribution",
        "dct:title": resource["name"],
        "dct:description": resource["description"],
        "dcat:accessURL": {"@id": resource["url"]},
        "dct:format": {"@id": FILE_TYPES + FILE_TYPE_OF[resource["format"]]},
        "dcat:mediaType": {
            "@id": "https://www.iana.org/assignments/media-types/" + resource["mimetype"]
        },
        "dct:license": {"@id": dataset.licence.url, "@type": "dct:LicenseDocument"},
    }
    if resource["format"] != "GraphQL":
        distribution["dcat:downloadURL"] = {"@id": resource["url"]}
        distribution["dcat:byteSize"] = {
            "@value": str(resource["size"]),
            "@type": "xsd:nonNegativeInteger",
        }
        distribution["dct:modified"] = {
            "@value": resource["last_modified"],
            "@type": "xsd:dateTime",
        }
        distribution["spdx:checksum"] = {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": {
                "@value": resource["hash"].removeprefix("sha256:"),
                "@type": "xsd:hexBinary",
            },
        }
    return distribution


def dataset_node(catalogue: Catalogue, dataset: Dataset) -> dict[str, Any]:
    """One dcat:Dataset."""
    package = catalogue.package(dataset)
    temporal: dict[str, Any] = {
        "@type": "dct:PeriodOfTime",
        "dcat:startDate": {"@value": dataset.temporal_start.isoformat(), "@type": "xsd:date"},
    }
    if dataset.temporal_end is not None:
        temporal["dcat:endDate"] = {
            "@value": dataset.temporal_end.isoformat(),
            "@type": "xsd:date",
        }
    node: dict[str, Any] = {
        "@id": f"{catalogue.base_url}/datasets/{dataset.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.id,
        "dct:title": _texts(dataset.title.zh, dataset.title.en),
        "dct:description": _texts(dataset.description.zh, dataset.description.en),
        "dct:publisher": _publisher(catalogue, dataset.publisher),
        "dcat:keyword": [
            *({"@value": word, "@language": "zh"} for word in dataset.keywords_zh),
            *({"@value": word, "@language": "en"} for word in dataset.keywords_en),
        ],
        "dct:accrualPeriodicity": {"@id": dataset.frequency_uri},
        "dct:temporal": temporal,
        "dct:spatial": {
            "@id": f"{catalogue.base_url}/regions/{dataset.spatial_code}",
            "@type": "dct:Location",
            "skos:prefLabel": _texts(dataset.spatial_name.zh, dataset.spatial_name.en),
        },
        "dct:accessRights": {
            "@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
        },
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": PUBLISHERS[dataset.publisher].zh,
            "vcard:hasURL": {"@id": catalogue.base_url},
        },
        "dcat:landingPage": {
            "@id": f"{catalogue.base_url}/api/3/action/package_show?id={dataset.id}"
        },
        "dcat:distribution": [
            _distribution(catalogue, dataset, resource) for resource in package["resources"]
        ],
    }
    if package["metadata_modified"] is not None:
        node["dct:modified"] = {"@value": package["metadata_modified"], "@type": "xsd:dateTime"}
    return node


def catalog_document(catalogue: Catalogue) -> dict[str, Any]:
    """The whole catalogue as one JSON-LD document."""
    publishers = catalogue.organizations()
    return {
        "@context": {**CONTEXT, "skos": "http://www.w3.org/2004/02/skos/core#"},
        "@id": f"{catalogue.base_url}/catalog",
        "@type": "dcat:Catalog",
        "dct:title": _texts("江苏交通运输开放数据目录", "Jiangsu transport open data catalogue"),
        "dct:description": _texts(
            "江苏省道路水路运输行业开放数据：业户、许可、车辆、船舶、场站、班线、危险货物和统计。",
            "Open data of Jiangsu's road and waterway transport: operators, permits, vehicles, "
            "vessels, stations, lines, dangerous goods and statistics.",
        ),
        "dct:publisher": _publisher(catalogue, publishers[0]),
        "foaf:homepage": {"@id": catalogue.base_url},
        "dct:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "dcat:dataset": [dataset_node(catalogue, d) for d in catalogue.datasets.values()],
    }


def dataset_document(catalogue: Catalogue, dataset: Dataset) -> dict[str, Any]:
    """One dataset as a JSON-LD document of its own."""
    return {
        "@context": {**CONTEXT, "skos": "http://www.w3.org/2004/02/skos/core#"},
        **dataset_node(catalogue, dataset),
    }
