"""Datasets as code: every file in standards/datasets/ is valid, agrees with the GraphQL schema
and its policy, and a broken file is refused naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.api.schema import build_schema
from hub.config import Settings
from hub.opendata.datasets import (
    CONDITIONAL,
    DATASETS_DIR,
    NOT_SHARED,
    UNCONDITIONAL,
    InvalidDataset,
    load,
    parse,
)
from hub.opendata.published import columns

SCHEMA = build_schema(Settings(database_url="sqlite+aiosqlite:///unused"))
OPERATORS = (DATASETS_DIR / "operators.toml").read_text("utf-8")


def test_the_catalogue_has_the_datasets_the_authority_opens() -> None:
    datasets = load()

    assert set(datasets) == {
        "operators", "permits", "vehicles", "vessels", "stations", "passenger-lines",
        "dangerous-goods", "monthly-statistics",
    }  # fmt: skip
    for dataset in datasets.values():
        assert dataset.licence.url.startswith("https://"), dataset.id
        assert dataset.title.zh
        assert dataset.title.en
        assert dataset.description.en
        assert dataset.keywords_zh
        assert dataset.keywords_en


@pytest.mark.parametrize("dataset_id", sorted(load()))
def test_every_dataset_agrees_with_the_schema_and_its_policy(dataset_id: str) -> None:
    dataset = load()[dataset_id]

    published = columns(dataset, SCHEMA)

    assert [c.name for c in published] == [f.path for f in dataset.fields if f.share != NOT_SHARED]
    for column in published:
        # A de-identified column carries the API's own mask; no other column has one.
        assert (column.mask is not None) == (column.field.share == CONDITIONAL), column.name


def test_personal_fields_are_conditional_and_masked_as_the_api_masks() -> None:
    operators = {c.name: c for c in columns(load()["operators"], SCHEMA)}

    legal = operators["legalRepresentative"]
    assert legal.field.share == CONDITIONAL
    assert legal.field.deidentification == "NAME"
    assert legal.mask is not None
    assert legal.mask("张三丰") == "张**"


def test_withheld_fields_are_named_and_not_published() -> None:
    vehicles = load()["vehicles"]

    withheld = [f.path for f in vehicles.fields if f.share == NOT_SHARED]
    assert "registration" in withheld
    assert "registration" not in [c.name for c in columns(vehicles, SCHEMA)]


def _broken(old: str, new: str) -> str:
    assert old in OPERATORS
    return OPERATORS.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_broken('url = "https://creativecommons.org/licenses/by/4.0/"', 'url = "cc-by"'),
         "operators.toml: licence.url: must be an http(s) URL"),
        (_broken('frequency = "DAILY"', 'frequency = "SOMETIMES"'),
         "operators.toml: frequency: 'SOMETIMES' is not one of"),
        (_broken('share = "无条件共享"\n', 'share = "公开"\n'),
         "operators.toml: share: '公开' is not one of"),
        (_broken(', deidentification = "NAME"', ""),
         "operators.toml: fields[2].deidentification: a 有条件共享 field must say how"),
        (_broken('temporal = { start = 2020-01-01 }', 'temporal = { start = "2020" }'),
         "operators.toml: temporal.start: must be a TOML date like 2020-01-01"),
        (_broken('publisher = "jiangsu-transport"', 'publisher = "nobody"'),
         "operators.toml: publisher: 'nobody' is not one of"),
        (_broken('id = "operators"', 'id = "firms"'),
         "operators.toml: id: must be the file's name ('operators')"),
        ("id = [", "operators.toml: not a UTF-8 TOML file"),
    ],
)  # fmt: skip
def test_a_broken_file_is_refused_naming_the_file_and_key(text: str, message: str) -> None:
    with pytest.raises(InvalidDataset) as refused:
        parse("operators.toml", text.encode())

    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('{ path = "legalRepresentative", share = "有条件共享", deidentification = "NAME",',
         '{ path = "legalRepresentative", share = "有条件共享", deidentification = "PHONE",',
         "field legalRepresentative: the API de-identifies it as NAME, the file says PHONE"),
        ('{ path = "employees", share = "不予共享",', '{ path = "employees", share = "无条件共享",',
         "field employees: published, but GraphQL refuses it to the opendata scope"),
        ('{ path = "name", share = "无条件共享",', '{ path = "name", share = "不予共享",',
         "field name: declared 不予共享 but anonymous callers can read it in GraphQL"),
        ('{ path = "region.code",', '{ path = "region.postcode",',
         "field region.postcode: Region has no field 'postcode'"),
        ('{ path = "region.name",', '{ path = "region",',
         "field region: ends at Region, not at a value"),
    ],
)  # fmt: skip
def test_a_file_that_disagrees_with_the_schema_is_refused(old: str, new: str, message: str) -> None:
    dataset = parse("operators.toml", _broken(old, new).encode())

    with pytest.raises(InvalidDataset) as refused:
        columns(dataset, SCHEMA)

    assert message in str(refused.value)


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidDataset, match="no dataset files"):
        load(tmp_path)


def test_unconditional_is_the_default_share_class_of_every_dataset() -> None:
    assert {dataset.share for dataset in load().values()} == {UNCONDITIONAL}
