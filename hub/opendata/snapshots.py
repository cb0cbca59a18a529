"""Bulk downloads: each dataset's snapshot as CSV, JSON Lines and Parquet, written streaming.

``publish`` walks the datasets; one whose published rows (and declaration) did not change since
its last snapshot is left alone: unread when the data version has not moved since, else read
and compared by a digest of its rows. The files live in ``<data dir>/opendata/``, with
``manifest.json`` saying, per dataset, when it was published, how many rows it has and each
file's size and SHA-256 (the ETag it is served with). A new snapshot is written beside the
old one and moved into place, so a download never sees half a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import json
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.opendata.datasets import Dataset
from hub.opendata.published import Column, columns, relations_of
from hub.opendata.sources import SOURCES, batches, statistics

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}
"""The formats of every dataset, by file extension, with their media types."""
COMPRESSED = ("csv", "jsonl")
"""Formats also kept gzip-compressed, served to clients that accept gzip (Parquet is
compressed inside already)."""
MANIFEST = "manifest.json"

_ARROW_LEAVES: dict[str, pa.DataType] = {
    "Int": pa.int64(),
    "Float": pa.float64(),
    "Boolean": pa.bool_(),
    "Date": pa.date32(),
}


def directory(data_dir: Path) -> Path:
    """Where the snapshots are kept."""
    return data_dir / "opendata"


def file_name(dataset_id: str, extension: str) -> str:
    return f"{dataset_id}.{extension}"


def read_manifest(data_dir: Path) -> dict[str, Any]:
    """The published snapshots, by dataset id (empty before the first publication)."""
    path = directory(data_dir) / MANIFEST
    if not path.exists():
        return {}
    manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return manifest


class _Sink:
    """A file being written, with its SHA-256 and (for text formats) a gzip copy beside it."""

    def __init__(self, path: Path, compressed: bool) -> None:
        self.path = path
        self.file: BinaryIO = path.open("wb")
        self.hash = hashlib.sha256()
        # Open for the life of the sink (closed by close()), as the file above.
        gz_path = path.with_name(path.name + ".gz")
        self.gzip = gzip.open(gz_path, "wb") if compressed else None  # noqa: SIM115

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.hash.update(data)
        if self.gzip is not None:
            self.gzip.write(data)

    def close(self) -> str:
        self.file.close()
        if self.gzip is not None:
            self.gzip.close()
        return self.hash.hexdigest()


class _TextSink:
    """What ``csv.writer`` writes to: text, encoded to UTF-8 into a sink."""

    def __init__(self, sink: _Sink) -> None:
        self.sink = sink

    def write(self, text: str) -> int:
        self.sink.write(text.encode("utf-8"))
        return len(text)


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: empty for null, true/false, lists joined by ';'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(csv_cell(item) for item in value)
    return str(value)


def arrow_type(column: Column) -> pa.DataType:
    """The Parquet type of a column: numbers, booleans and dates typed, the rest text."""
    leaf = _ARROW_LEAVES.get(column.type_name, pa.string())
    return pa.list_(leaf) if column.is_list else leaf


def _arrow_value(column: Column, value: Any) -> Any:
    if column.type_name == "Date" and value is not None:
        if isinstance(value, list):
            return [dt.date.fromisoformat(item) for item in value]
        return dt.date.fromisoformat(value)
    return value


@dataclass
class _Writers:
    """The three files of one dataset, fed a batch of rows at a time."""

    folder: Path
    dataset_id: str
    columns: tuple[Column, ...]
    rows: int = 0
    sinks: dict[str, _Sink] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for extension in ("csv", "jsonl"):
            path = self.folder / (file_name(self.dataset_id, extension) + ".new")
            self.sinks[extension] = _Sink(path, compressed=True)
        self.csv = csv.writer(_TextSink(self.sinks["csv"]), lineterminator="\r\n")
        self.csv.writerow([column.name for column in self.columns])
        self.schema = pa.schema(
            [pa.field(column.name, arrow_type(column)) for column in self.columns]
        )
        self.parquet_path = self.folder / (file_name(self.dataset_id, "parquet") + ".new")
        self.parquet = pq.ParquetWriter(self.parquet_path, self.schema, compression="zstd")

    def write(self, batch: list[list[Any]]) -> None:
        jsonl = self.sinks["jsonl"]
        names = [column.name for column in self.columns]
        for values in batch:
            self.csv.writerow([csv_cell(value) for value in values])
            line = json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False)
            jsonl.write(line.encode("utf-8") + b"\n")
        arrays = [
            pa.array(
                [_arrow_value(column, values[index]) for values in batch],
                type=arrow_type(column),
            )
            for index, column in enumerate(self.columns)
        ]
        self.parquet.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.rows += len(batch)

    def finish(self) -> dict[str, Any]:
        """Close the files, move them into place, and describe them for the manifest."""
        files: dict[str, Any] = {}
        for extension, sink in self.sinks.items():
            digest = sink.close()
            files[extension] = self._place(sink.path, digest)
            gz = sink.path.with_name(sink.path.name + ".gz")
            final_gz = self.folder / (file_name(self.dataset_id, extension) + ".gz")
            os.replace(gz, final_gz)
        self.parquet.close()
        files["parquet"] = self._place(self.parquet_path, _sha256(self.parquet_path))
        return files

    def _place(self, path: Path, digest: str) -> dict[str, Any]:
        final = path.with_name(path.name.removesuffix(".new"))
        os.replace(path, final)
        return {"name": final.name, "bytes": final.stat().st_size, "sha256": digest}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Published:
    """What one publication did with a dataset."""

    dataset_id: str
    rows: int
    changed: bool


async def _rows(
    session: AsyncSession, dataset: Dataset, cols: tuple[Column, ...], today: dt.date
) -> AsyncIterator[list[list[Any]]]:
    if dataset.graphql_type is None:
        table = await statistics(session, today)
        yield [[row[column.name] for column in cols] for row in table]
        return
    source = SOURCES[dataset.graphql_type]
    async for batch in batches(session, source, relations_of(cols)):
        yield [[column.value(obj, related) for column in cols] for obj, related in batch]


class _Digest:
    """The fingerprint of a dataset: its declaration and every row as published (values
    de-identified, relations followed), so any change a download would show changes it — an
    edit in place too — and nothing else does."""

    def __init__(self, dataset: Dataset, today: dt.date) -> None:
        self.hash = hashlib.sha256(dataset.source)
        if dataset.changes_daily:
            self.hash.update(today.isoformat().encode())

    def update(self, batch: list[list[Any]]) -> None:
        self.hash.update(json.dumps(batch, ensure_ascii=False, default=str).encode())

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


async def publish(
    sessions: async_sessionmaker[AsyncSession],
    schema: strawberry.Schema,
    datasets: dict[str, Dataset],
    data_dir: Path,
    *,
    today: dt.date,
    now: dt.datetime,
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
    data_version: bytes | None = None,
) -> list[Published]:
    """Write a snapshot of every dataset whose data changed (all of them with ``force``).

    ``data_version`` (read before any row): when it is the one of a dataset's last snapshot,
    on the same day, nothing was written since, and the dataset is left alone unread. Else
    its rows are read and fingerprinted, and written only when the fingerprint moved.
    ``progress(dataset_id, rows)`` is called after each batch written.
    """
    folder = directory(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(data_dir)
    version = data_version.decode() if data_version is not None else None
    done: list[Published] = []
    for dataset in datasets.values():
        cols = columns(dataset, schema)
        previous = manifest.get(dataset.id)
        if not force and previous is not None:
            if version is not None and (previous.get("data_version"), previous.get("day")) == (
                version,
                today.isoformat(),
            ):
                done.append(Published(dataset.id, previous["rows"], changed=False))
                continue
            digest = _Digest(dataset, today)
            async with sessions() as session, session.begin():
                async for batch in _rows(session, dataset, cols, today):
                    digest.update(batch)
            if previous["fingerprint"] == digest.hexdigest():
                manifest[dataset.id] = {
                    **previous,
                    "data_version": version,
                    "day": today.isoformat(),
                }
                _write_manifest(folder, manifest)
                done.append(Published(dataset.id, previous["rows"], changed=False))
                continue
        digest = _Digest(dataset, today)
        async with sessions() as session, session.begin():
            writers = _Writers(folder, dataset.id, cols)
            async for batch in _rows(session, dataset, cols, today):
                digest.update(batch)
                writers.write(batch)
                if progress is not None:
                    progress(dataset.id, len(batch))
        manifest[dataset.id] = {
            "fingerprint": digest.hexdigest(),
            "data_version": version,
            "day": today.isoformat(),
            "modified": now.isoformat(),
            "rows": writers.rows,
            "files": writers.finish(),
        }
        _write_manifest(folder, manifest)
        done.append(Published(dataset.id, writers.rows, changed=True))
    return done


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    path = folder / (MANIFEST + ".new")
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    os.replace(path, folder / MANIFEST)
