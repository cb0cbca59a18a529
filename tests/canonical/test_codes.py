"""Code lists are data: the generated module follows the CSV files, which are well-formed."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.canonical import codes
from hub.canonical.codegen import TARGET, render
from hub.canonical.codelists import CodeListError, read_code_lists, read_entries


def test_generated_codes_module_is_up_to_date() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(read_code_lists()), (
        "hub/canonical/codes.py is stale: run `hub codes generate`"
    )


def test_every_enum_member_has_labels_in_both_languages() -> None:
    for enum_type, (title_zh, title_en) in codes.TITLES.items():
        assert title_zh, enum_type
        assert title_en, enum_type
        for member in enum_type:
            zh, en = codes.LABELS[member]
            assert zh, member
            assert en, member


def test_regions_cover_the_thirteen_cities_of_jiangsu() -> None:
    cities = {code for code in codes.REGIONS if code.endswith("00") and code != "320000"}

    assert len(cities) == 13
    assert codes.REGIONS["320100"] == ("南京市", "Nanjing")
    counties = [code for code in codes.REGIONS if not code.endswith("00")]
    assert all(code[:4] + "00" in cities for code in counties)
    assert sorted(codes.PLATE_PREFIXES) == [f"苏{letter}" for letter in "ABCDEFGHJKLMN"]


def test_a_code_list_with_an_empty_cell_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("code,zh,en,source,version\n1,蓝色,Blue,x,1\n2,,Yellow,x,1\n", encoding="utf-8")

    with pytest.raises(CodeListError, match=r"broken.csv:3: every column needs a value"):
        read_entries(path)


def test_a_code_list_with_a_repeated_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "code,zh,en,source,version\n1,蓝色,Blue,x,1\n1,黄色,Yellow,x,1\n", encoding="utf-8"
    )

    with pytest.raises(CodeListError, match=r"twice.csv:3: code '1' repeated"):
        read_entries(path)


def test_a_code_list_with_a_wrong_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("code,name\n1,蓝色\n", encoding="utf-8")

    with pytest.raises(
        CodeListError, match="header must be code,zh,en,source,version, optionally then aliases"
    ):
        read_entries(path)


def test_a_code_list_may_give_other_codes_of_an_entry_read_as_it(tmp_path: Path) -> None:
    path = tmp_path / "modes.csv"
    path.write_text(
        "code,zh,en,source,version,aliases\nROAD,公路,Road,x,1,3\nSEA,海运,Sea,x,1,\n",
        encoding="utf-8",
    )

    road, sea = read_entries(path)

    assert (road.code, road.aliases) == ("ROAD", ("3",))
    assert (sea.code, sea.aliases) == ("SEA", ())
    assert codes.TransportMode("3") is codes.TransportMode.ROAD
    assert codes.TransportMode("ROAD") is codes.TransportMode.ROAD


def test_an_alias_that_repeats_a_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "modes.csv"
    path.write_text(
        "code,zh,en,source,version,aliases\nROAD,公路,Road,x,1,3\nRAIL,铁路,Rail,x,1,ROAD\n",
        encoding="utf-8",
    )

    with pytest.raises(CodeListError, match=r"modes.csv:3: code 'ROAD' repeated"):
        read_entries(path)
