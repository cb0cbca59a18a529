"""The catalogue in CKAN's shapes: packages (datasets), resources (files and the API),
organisations, and ``package_search`` over them.

CKAN is what portals and harvesters already speak (``ckanapi``, the DCAT harvesters), so the
hub answers its Action API for what it has: datasets declared in ``standards/datasets/`` and
the snapshots ``hub opendata publish`` wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from hub.opendata.datasets import PUBLISHERS, SHARE_CLASSES, Dataset
from hub.opendata.snapshots import FORMATS

CKAN_VERSION = "2.10.0"
"""The CKAN API version whose shapes these are."""
MAX_ROWS = 1000
DEFAULT_ROWS = 10
SORTABLE = ("name", "title", "metadata_modified", "metadata_created", "score")
FILTERABLE = ("name", "tags", "organization", "license_id", "res_format", "frequency")


class InvalidParameter(ValueError):
    """A search parameter CKAN would refuse; ``parameter`` names it."""

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f"{parameter}: {problem}")
        self.parameter = parameter
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The datasets with their published snapshots, seen from ``base_url``."""

    datasets: dict[str, Dataset]
    manifest: dict[str, Any]
    base_url: str

    def organization(self, name: str) -> dict[str, Any]:
        """An organisation in CKAN's shape."""
        title = PUBLISHERS[name]
        return {
            "id": name,
            "name": name,
            "title": f"{title.zh} / {title.en}",
            "display_name": f"{title.zh} / {title.en}",
            "description": title.en,
            "type": "organization",
            "is_organization": True,
            "state": "active",
            "approval_status": "approved",
            "image_url": "",
            "created": "2026-01-01T00:00:00",
            "package_count": sum(1 for d in self.datasets.values() if d.publisher == name),
        }

    def organizations(self) -> list[str]:
        return sorted({dataset.publisher for dataset in self.datasets.values()})

    def file_url(self, name: str) -> str:
        return f"{self.base_url}/opendata/files/{name}"

    def resources(self, dataset: Dataset) -> list[dict[str, Any]]:
        """The dataset's downloads (once published) and the GraphQL API that serves it."""
        snapshot = self.manifest.get(dataset.id)
        found: list[dict[str, Any]] = []
        for extension, media_type in FORMATS.items():
            if snapshot is None:
                break
            file = snapshot["files"][extension]
            found.append(
                {
                    "id": f"{dataset.id}-{extension}",
                    "package_id": dataset.id,
                    "name": f"{dataset.title.zh} ({extension.upper()})",
                    "description": f"{dataset.title.en}: full snapshot, {snapshot['rows']} rows",
                    "format": extension.upper() if extension != "jsonl" else "JSONL",
                    "mimetype": media_type.split(";")[0],
                    "url": self.file_url(file["name"]),
                    "size": file["bytes"],
                    "hash": f"sha256:{file['sha256']}",
                    "created": snapshot["modified"],
                    "last_modified": snapshot["modified"],
                    "url_type": None,
                    "state": "active",
                }
            )
        if dataset.graphql_query is not None:
            found.append(
                {
                    "id": f"{dataset.id}-graphql",
                    "package_id": dataset.id,
                    "name": f"GraphQL API: {dataset.graphql_query}",
                    "description": (
                        f"Query {dataset.graphql_query} (type {dataset.graphql_type}) at "
                        "/graphql, anonymously or with an open-data client"
                    ),
                    "format": "GraphQL",
                    "mimetype": "application/graphql-response+json",
                    "url": f"{self.base_url}/graphql",
                    "size": None,
                    "hash": "",
                    "created": None,
                    "last_modified": None,
                    "url_type": None,
                    "state": "active",
                }
            )
        for position, resource in enumerate(found):
            resource["position"] = position
        return found

    def package(self, dataset: Dataset) -> dict[str, Any]:
        """A dataset in CKAN's package shape."""
        snapshot = self.manifest.get(dataset.id)
        modified = snapshot["modified"] if snapshot else None
        resources = self.resources(dataset)
        tags = [*dataset.keywords_zh, *dataset.keywords_en]
        return {
            "id": dataset.id,
            "name": dataset.id,
            "title": f"{dataset.title.zh} / {dataset.title.en}",
            "notes": f"{dataset.description.zh}\n\n{dataset.description.en}",
            "type": "dataset",
            "state": "active",
            "private": False,
            "isopen": True,
            "license_id": dataset.licence.id,
            "license_title": dataset.licence.title,
            "license_url": dataset.licence.url,
            "owner_org": dataset.publisher,
            "organization": self.organization(dataset.publisher),
            "author": PUBLISHERS[dataset.publisher].zh,
            "maintainer": PUBLISHERS[dataset.publisher].en,
            "url": f"{self.base_url}/datasets/{dataset.id}.jsonld",
            "version": None,
            "metadata_created": modified,
            "metadata_modified": modified,
            "num_resources": len(resources),
            "resources": resources,
            "num_tags": len(tags),
            "tags": [
                {"id": tag, "name": tag, "display_name": tag, "state": "active"} for tag in tags
            ],
            "groups": [],
            "relationships_as_object": [],
            "relationships_as_subject": [],
            "extras": [
                {"key": "frequency", "value": dataset.frequency_uri},
                {"key": "share_class", "value": dataset.share},
                {"key": "temporal_start", "value": dataset.temporal_start.isoformat()},
                {
                    "key": "temporal_end",
                    "value": ""
                    if dataset.temporal_end is None
                    else dataset.temporal_end.isoformat(),
                },
                {"key": "spatial", "value": dataset.spatial_code},
                {"key": "graphql_type", "value": dataset.graphql_type or ""},
                {
                    "key": "fields",
                    "value": "; ".join(
                        f"{field.path} ({field.share} {SHARE_CLASSES[field.share]}"
                        + (f", {field.deidentification}" if field.deidentification else "")
                        + ")"
                        for field in dataset.fields
                    ),
                },
            ],
        }

    def resource(self, resource_id: str) -> dict[str, Any] | None:
        """A resource by id, or None."""
        for dataset in self.datasets.values():
            for resource in self.resources(dataset):
                if resource["id"] == resource_id:
                    return resource
        return None

    def search(
        self, q: str, fq: str, rows: int, start: int, sort: str
    ) -> tuple[int, list[dict[str, Any]]]:
        """CKAN's ``package_search``: matches of ``q`` and ``fq``, sorted, one page."""
        filters = parse_fq(fq)
        terms = [term.lower() for term in q.split() if term != "*:*"]
        packages = [self.package(dataset) for dataset in self.datasets.values()]
        found = [
            package
            for package in packages
            if all(_matches_filter(package, name, value) for name, value in filters)
            and all(term in _text(package) for term in terms)
        ]
        # Stable sorts, last key first. Every match scores the same (there is no ranking), so
        # sorting by score leaves the order to the other keys, then to the dataset ids.
        for key, descending in reversed(parse_sort(sort)):
            if key != "score":
                found.sort(key=partial(_sort_key, key), reverse=descending)
        return len(found), found[start : start + rows]


def _sort_key(field: str, package: dict[str, Any]) -> str:
    return str(package[field] or "")


def _text(package: dict[str, Any]) -> str:
    words = [package["name"], package["title"], package["notes"]]
    words.extend(tag["name"] for tag in package["tags"])
    return " ".join(words).lower()


_FQ_TERM = re.compile(r'^(\w+):(?:"([^"]*)"|(\S+))$')


def parse_fq(fq: str) -> list[tuple[str, str]]:
    """``tags:车辆 res_format:CSV`` → pairs; terms are joined by spaces or ``AND``."""
    pairs: list[tuple[str, str]] = []
    for term in re.findall(r'\w+:"[^"]*"|\S+', fq):
        if term == "AND":
            continue
        match = _FQ_TERM.match(term)
        if match is None:
            raise InvalidParameter("fq", f"{term!r} is not field:value")
        name, value = match.group(1), match.group(2) or match.group(3)
        if name not in FILTERABLE:
            raise InvalidParameter("fq", f"cannot filter on {name!r}; use one of {FILTERABLE}")
        pairs.append((name, value))
    return pairs


def parse_sort(sort: str) -> list[tuple[str, bool]]:
    """``metadata_modified desc, name asc`` → [(field, descending)]."""
    keys: list[tuple[str, bool]] = []
    for part in sort.split(","):
        words = part.split()
        if not words or len(words) > 2:
            raise InvalidParameter("sort", f"{part.strip()!r} is not 'field asc|desc'")
        field, direction = words[0], (words[1] if len(words) == 2 else "asc")
        if field not in SORTABLE:
            raise InvalidParameter("sort", f"cannot sort by {field!r}; use one of {SORTABLE}")
        if direction not in ("asc", "desc"):
            raise InvalidParameter("sort", f"direction {direction!r} is not asc or desc")
        keys.append((field, direction == "desc"))
    return keys


def _matches_filter(package: dict[str, Any], name: str, value: str) -> bool:
    if name == "tags":
        return any(tag["name"] == value for tag in package["tags"])
    if name == "organization":
        return bool(package["owner_org"] == value)
    if name == "res_format":
        return any(r["format"].lower() == value.lower() for r in package["resources"])
    if name == "frequency":
        extras = {extra["key"]: extra["value"] for extra in package["extras"]}
        return bool(extras["frequency"].endswith("/" + value.upper()))
    return bool(package[name] == value)


def whole_number(parameter: str, value: Any, default: int, maximum: int | None = None) -> int:
    """A ``rows``/``start`` parameter: a whole number, not negative, within its maximum."""
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidParameter(parameter, "must be a whole number")
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise InvalidParameter(parameter, f"{value!r} is not a whole number")
        value = int(value)
    number: int = value
    if number < 0:
        raise InvalidParameter(parameter, "must not be negative")
    if maximum is not None and number > maximum:
        raise InvalidParameter(parameter, f"must be at most {maximum}")
    return number
