"""Bulk files: each dataset's CSV, JSON Lines and Parquet hold exactly what anonymous GraphQL
answers for the same records, de-identified the same way; publishing is incremental."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import update

from hub.api.schema import build_schema
from hub.opendata.datasets import load as load_datasets
from hub.opendata.published import Column, columns
from hub.opendata.snapshots import csv_cell, directory
from hub.operators.models import Operator
from tests.opendata.conftest import OpenHub

DATASETS = load_datasets()
RECORD_DATASETS = sorted(d.id for d in DATASETS.values() if d.graphql_type is not None)


def _selection(paths: list[list[str]]) -> str:
    """``[[region, code], [name]]`` → ``region { code } name``."""
    groups: dict[str, list[list[str]]] = {}
    for path in paths:
        groups.setdefault(path[0], []).append(path[1:])
    parts = []
    for name, rests in groups.items():
        inner = [rest for rest in rests if rest]
        parts.append(f"{name} {{ {_selection(inner)} }}" if inner else name)
    return " ".join(parts)


def _value(node: Any, path: list[str]) -> Any:
    for name in path:
        if isinstance(node, list):
            return [_value(item, path[path.index(name) :]) for item in node]
        node = None if node is None else node[name]
    return node


async def _graphql_rows(hub: OpenHub, query: str, cols: tuple[Column, ...]) -> list[Any]:
    paths = [column.name.split(".") for column in cols]
    document = (
        f"query Page($after: String) {{ {query}(first: 50, after: $after) {{ "
        f"pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {_selection(paths)} }} }} }} }}"
    )
    rows: list[Any] = []
    after = None
    while True:
        answer = await hub.graphql(document, {"after": after})
        assert "errors" not in answer, answer["errors"]
        page = answer["data"][query]
        rows.extend(
            {
                column.name: _value(edge["node"], path)
                for column, path in zip(cols, paths, strict=True)
            }
            for edge in page["edges"]
        )
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        after = page["pageInfo"]["endCursor"]


def _counted(rows: list[Any]) -> Counter[str]:
    return Counter(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows)


def _jsonl(hub: OpenHub, dataset_id: str) -> list[Any]:
    text = (directory(hub.settings.data_dir) / f"{dataset_id}.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("dataset_id", RECORD_DATASETS)
async def test_each_bulk_file_holds_what_anonymous_graphql_answers(
    open_hub: OpenHub, dataset_id: str
) -> None:
    dataset = DATASETS[dataset_id]
    cols = columns(dataset, build_schema(open_hub.settings))
    assert dataset.graphql_query is not None

    from_api = await _graphql_rows(open_hub, dataset.graphql_query, cols)
    from_file = _jsonl(open_hub, dataset_id)

    assert from_api, "the demo data has rows of every dataset"
    assert _counted(from_file) == _counted(from_api)
    folder = directory(open_hub.settings.data_dir)
    raw = (folder / f"{dataset_id}.csv").read_bytes()
    table = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert raw.count(b"\r\n") == len(from_file) + 1 + raw.count(b"\n") - raw.count(b"\r\n")
    assert table[0] == [column.name for column in cols]
    assert _counted(table[1:]) == _counted(
        [[csv_cell(row[column.name]) for column in cols] for row in from_file]
    )
    parquet = pq.read_table(folder / f"{dataset_id}.parquet").to_pylist()
    assert _counted([_isodates(row) for row in parquet]) == _counted(from_file)


def _isodates(row: dict[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    return {key: plain(value) for key, value in row.items()}


async def test_personal_data_in_bulk_files_is_masked_as_in_the_api(open_hub: OpenHub) -> None:
    rows = _jsonl(open_hub, "operators")

    names = [row["legalRepresentative"] for row in rows if row["legalRepresentative"]]
    assert names
    assert all(name[1:] == "*" * (len(name) - 1) for name in names)


async def test_monthly_statistics_are_the_counts_graphql_gives(open_hub: OpenHub) -> None:
    rows = _jsonl(open_hub, "monthly-statistics")
    fields = []
    for index, row in enumerate(rows):
        if row["subject"] == "operators":
            condition = f'region: "{row["region"]}", status: {row["status"]}'
        else:
            condition = (
                f'region: "{row["region"]}", vehicleType: {row["category"]}, '
                f"certificateStatus: {row['status']}"
            )
        fields.append(
            f"c{index}: {row['subject']}(first: 0, filter: {{{condition}}}) {{ totalCount }}"
        )

    answers: dict[str, Any] = {}
    for start in range(0, len(fields), 25):
        answer = await open_hub.graphql("{ " + " ".join(fields[start : start + 25]) + " }")
        assert "errors" not in answer, answer["errors"]
        answers.update(answer["data"])

    assert rows
    assert [answers[f"c{i}"]["totalCount"] for i in range(len(rows))] == [r["count"] for r in rows]


async def test_publishing_again_writes_only_the_datasets_whose_rows_changed(
    open_hub: OpenHub,
) -> None:
    assert {item.dataset_id for item in open_hub.first if item.changed} == set(DATASETS)
    unchanged = await open_hub.publish()
    assert not [item.dataset_id for item in unchanged if item.changed]

    # An operator renamed in place: no row added or removed, no date moved.
    async with open_hub.sessions() as session, session.begin():
        await session.execute(update(Operator).where(Operator.id == 1).values(name="改名运输公司"))
    again = await open_hub.publish()
    # Re-verified only: nothing a download shows has changed.
    async with open_hub.sessions() as session, session.begin():
        await session.execute(
            update(Operator)
            .where(Operator.id == 1)
            .values(verified_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
        )
    reverified = await open_hub.publish()

    # Only the operators' own file names operators: the others carry their credit code.
    assert {item.dataset_id for item in again if item.changed} == {"operators"}
    assert "改名运输公司" in {row["name"] for row in _jsonl(open_hub, "operators")}
    assert not [item.dataset_id for item in reverified if item.changed]


async def test_an_unmoved_data_version_skips_reading_and_a_moved_one_compares_the_rows(
    open_hub: OpenHub,
) -> None:
    first = await open_hub.publish(data_version=b"41")
    async with open_hub.sessions() as session, session.begin():
        await session.execute(update(Operator).where(Operator.id == 1).values(name="改名运输公司"))

    # The hub's writers move the version with every commit; these sessions are the test's own,
    # so the version says what a writer would have: unmoved, then moved.
    same_version = await open_hub.publish(data_version=b"41")
    moved = await open_hub.publish(data_version=b"42")

    assert not [item.dataset_id for item in first if item.changed]
    assert not [item.dataset_id for item in same_version if item.changed]
    assert {item.dataset_id for item in moved if item.changed} == {"operators"}
