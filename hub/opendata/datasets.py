"""Datasets as code: one TOML file per open dataset in ``standards/datasets/``, checked here.

A file names what a dataset publishes (the GraphQL type and fields, or the columns of a
statistics table), under which licence, how often, and — field by field — its share class
and the de-identification applied to personal data. Anything missing or malformed is refused
with the file and the key named. Whether the fields agree with the GraphQL schema is checked
by ``hub.opendata.published``, which needs the schema.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATASETS_DIR = Path(__file__).resolve().parents[2] / "standards" / "datasets"

UNCONDITIONAL = "无条件共享"
"""Shared with everyone, anonymous callers included."""
CONDITIONAL = "有条件共享"
"""Shared de-identified; the full value only with a scope and a stated purpose."""
NOT_SHARED = "不予共享"
"""Not in the open data at all (listed so that users know it exists and is withheld)."""
SHARE_CLASSES = {
    UNCONDITIONAL: "unconditional",
    CONDITIONAL: "conditional",
    NOT_SHARED: "not shared",
}

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL")
"""Names of the EU Publications Office frequency vocabulary (what DCAT-AP uses)."""
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"
DEIDENTIFICATIONS = ("NAME", "ID_NUMBER", "PHONE", "ADDRESS")
"""The masks of the API (``hub.api.permissions.MASKS``): the same names, the same functions."""
STATISTICS_TYPES = ("String", "Int", "Float", "Boolean")

_ID = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
_PATH = re.compile(r"^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$")
_URL = re.compile(r"^https?://[^\s]+$")


class InvalidDataset(ValueError):
    """A dataset file that breaks the schema; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Chinese and English."""

    zh: str
    en: str


PUBLISHERS: dict[str, Text] = {
    "jiangsu-transport": Text(
        zh="江苏省交通运输厅", en="Department of Transport of Jiangsu Province"
    ),
}
"""The organisations that publish datasets, by their CKAN name."""


@dataclass(frozen=True, slots=True)
class Licence:
    id: str
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Field:
    """One published (or withheld) field: a GraphQL path like ``region.code``."""

    path: str
    title: Text
    share: str
    deidentification: str | None = None
    type: str | None = None
    """Only for statistics tables, which have no GraphQL type."""

    @property
    def column(self) -> str:
        """The column name in bulk files: the path with its dots."""
        return self.path

    @property
    def published(self) -> bool:
        return self.share != NOT_SHARED


@dataclass(frozen=True, slots=True)
class Dataset:
    """One open dataset, as its file declares it."""

    id: str
    title: Text
    description: Text
    publisher: str
    licence: Licence
    frequency: str
    temporal_start: dt.date
    temporal_end: dt.date | None
    spatial_code: str
    spatial_name: Text
    keywords_zh: tuple[str, ...]
    keywords_en: tuple[str, ...]
    share: str
    fields: tuple[Field, ...]
    graphql_query: str | None
    graphql_type: str | None
    changes_daily: bool
    """Some values (validity today) change with the date, so a new day means a new snapshot."""
    source: bytes
    """The file's bytes: a change to the declaration is a change to the dataset."""

    @property
    def columns(self) -> tuple[Field, ...]:
        """The fields that are published, in file order."""
        return tuple(field for field in self.fields if field.published)

    @property
    def frequency_uri(self) -> str:
        return FREQUENCY_BASE + self.frequency


class _Reader:
    """Reads one file's table, naming the file and the key in every refusal."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, key: str, problem: str) -> InvalidDataset:
        return InvalidDataset(f"{self.name}: {key}: {problem}")

    def get(self, table: dict[str, Any], key: str, kind: type, where: str = "") -> Any:
        full = f"{where}{key}"
        if key not in table:
            raise self.fail(full, "is required")
        value = table[key]
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            raise self.fail(full, f"must be a non-empty {kind.__name__}")
        return value

    def text(self, table: dict[str, Any], key: str, where: str = "") -> Text:
        value = self.get(table, key, dict, where)
        return Text(
            zh=self.get(value, "zh", str, f"{where}{key}."),
            en=self.get(value, "en", str, f"{where}{key}."),
        )

    def date(self, table: dict[str, Any], key: str, where: str) -> dt.date:
        if key not in table:
            raise self.fail(f"{where}{key}", "is required")
        value = table[key]
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise self.fail(f"{where}{key}", "must be a TOML date like 2020-01-01")
        return value

    def only(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.fail(where or "(top level)", f"unknown keys {unknown}")


_TOP = {
    "id", "title", "description", "publisher", "licence", "frequency", "temporal", "spatial",
    "keywords", "share", "graphql", "fields", "changes_daily",
}  # fmt: skip


def parse(name: str, source: bytes) -> Dataset:
    """The dataset a file declares, or InvalidDataset naming the file and key at fault."""
    read = _Reader(name)
    try:
        table = tomllib.loads(source.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidDataset(f"{name}: not a UTF-8 TOML file ({exc})") from None
    read.only(table, _TOP, "")
    identifier = read.get(table, "id", str)
    if not _ID.match(identifier):
        raise read.fail("id", "lower-case letters, digits and hyphens, starting with a letter")
    if Path(name).stem != identifier:
        raise read.fail("id", f"must be the file's name ({Path(name).stem!r})")
    licence_table = read.get(table, "licence", dict)
    read.only(licence_table, {"id", "title", "url"}, "licence")
    licence = Licence(
        id=read.get(licence_table, "id", str, "licence."),
        title=read.get(licence_table, "title", str, "licence."),
        url=read.get(licence_table, "url", str, "licence."),
    )
    if not _URL.match(licence.url):
        raise read.fail("licence.url", "must be an http(s) URL of the licence text")
    frequency = read.get(table, "frequency", str)
    if frequency not in FREQUENCIES:
        raise read.fail("frequency", f"{frequency!r} is not one of {list(FREQUENCIES)}")
    temporal = read.get(table, "temporal", dict)
    read.only(temporal, {"start", "end"}, "temporal")
    start = read.date(temporal, "start", "temporal.")
    end = read.date(temporal, "end", "temporal.") if "end" in temporal else None
    if end is not None and end < start:
        raise read.fail("temporal.end", "is before temporal.start")
    spatial = read.get(table, "spatial", dict)
    read.only(spatial, {"code", "name"}, "spatial")
    keywords = read.get(table, "keywords", dict)
    read.only(keywords, {"zh", "en"}, "keywords")
    for language in ("zh", "en"):
        words = read.get(keywords, language, list, "keywords.")
        if not words or not all(isinstance(word, str) and word.strip() for word in words):
            raise read.fail(f"keywords.{language}", "must be a list of non-empty strings")
    share = read.get(table, "share", str)
    if share not in SHARE_CLASSES:
        raise read.fail("share", f"{share!r} is not one of {list(SHARE_CLASSES)}")
    graphql = table.get("graphql")
    if graphql is not None:
        read.only(graphql, {"query", "type"}, "graphql")
        query: str | None = read.get(graphql, "query", str, "graphql.")
        type_name: str | None = read.get(graphql, "type", str, "graphql.")
    else:
        query = type_name = None
    fields = tuple(
        _field(read, item, f"fields[{index}].", statistics=graphql is None)
        for index, item in enumerate(read.get(table, "fields", list))
    )
    if not any(field.published for field in fields):
        raise read.fail("fields", "publishes no field")
    paths = [field.path for field in fields]
    if len(set(paths)) != len(paths):
        raise read.fail("fields", "a path is listed twice")
    changes_daily = table.get("changes_daily", False)
    if not isinstance(changes_daily, bool):
        raise read.fail("changes_daily", "must be true or false")
    return Dataset(
        id=identifier,
        title=read.text(table, "title"),
        description=read.text(table, "description"),
        publisher=_publisher(read, read.get(table, "publisher", str)),
        licence=licence,
        frequency=frequency,
        temporal_start=start,
        temporal_end=end,
        spatial_code=read.get(spatial, "code", str, "spatial."),
        spatial_name=read.text(spatial, "name", "spatial."),
        keywords_zh=tuple(keywords["zh"]),
        keywords_en=tuple(keywords["en"]),
        share=share,
        fields=fields,
        graphql_query=query,
        graphql_type=type_name,
        changes_daily=changes_daily,
        source=source,
    )


def _publisher(read: _Reader, name: str) -> str:
    if name not in PUBLISHERS:
        raise read.fail("publisher", f"{name!r} is not one of {sorted(PUBLISHERS)}")
    return name


def _field(read: _Reader, item: Any, where: str, *, statistics: bool) -> Field:
    if not isinstance(item, dict):
        raise read.fail(where.rstrip("."), "must be a table")
    read.only(item, {"path", "title", "share", "deidentification", "type"}, where.rstrip("."))
    path = read.get(item, "path", str, where)
    if not _PATH.match(path):
        raise read.fail(f"{where}path", f"{path!r} is not a GraphQL field path like region.code")
    share = read.get(item, "share", str, where)
    if share not in SHARE_CLASSES:
        raise read.fail(f"{where}share", f"{share!r} is not one of {list(SHARE_CLASSES)}")
    deidentification = item.get("deidentification")
    if deidentification is not None and deidentification not in DEIDENTIFICATIONS:
        raise read.fail(
            f"{where}deidentification",
            f"{deidentification!r} is not one of {list(DEIDENTIFICATIONS)}",
        )
    if share == CONDITIONAL and deidentification is None:
        raise read.fail(
            f"{where}deidentification", f"a {CONDITIONAL} field must say how it is de-identified"
        )
    if share != CONDITIONAL and deidentification is not None:
        raise read.fail(f"{where}share", f"a de-identified field is {CONDITIONAL}")
    kind = item.get("type")
    if statistics and kind not in STATISTICS_TYPES:
        raise read.fail(f"{where}type", f"a statistics column needs one of {STATISTICS_TYPES}")
    if not statistics and kind is not None:
        raise read.fail(f"{where}type", "comes from the GraphQL schema; do not declare it")
    return Field(
        path=path,
        title=read.text(item, "title", where),
        share=share,
        deidentification=deidentification,
        type=kind,
    )


def load(directory: Path = DATASETS_DIR) -> dict[str, Dataset]:
    """Every dataset declared in ``directory``, by id, in file-name order."""
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise InvalidDataset(f"{directory}: no dataset files (*.toml)")
    datasets = [parse(path.name, path.read_bytes()) for path in files]
    return {dataset.id: dataset for dataset in datasets}
