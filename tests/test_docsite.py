"""The standards site: every GraphQL type, XSD element and code list, bilingual, searchable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hub.cli import main
from hub.docsite import render


@pytest.fixture(scope="module")
def site() -> dict[str, str]:
    return {path: content.decode("utf-8") for path, content in render().items()}


def test_a_type_page_has_both_languages_fields_arguments_and_directives(
    site: dict[str, str],
) -> None:
    query = site["graphql/Query.html"]
    vehicle = site["graphql/Vehicle.html"]

    assert "查询入口。" in query
    assert "The root of all queries." in query
    assert '<tr id="vehicle">' in query
    assert '<code>plateColor</code>: <a href="../graphql/PlateColor.html">' in query
    assert '@requiresScopes(anyOf: ["registry:read", "opendata"])' in vehicle


def test_every_published_type_and_enum_value_has_its_page(site: dict[str, str]) -> None:
    plate_color = site["graphql/PlateColor.html"]

    assert '<tr id="YELLOW">' in plate_color
    assert "<h2>枚举 Enums</h2>" in site["graphql/index.html"]
    assert "<code>@requiresScopes(anyOf: [String!]!)</code>" in site["graphql/index.html"]
    assert site["data-dictionary.md"].startswith("# 数据字典 / Data dictionary")
    assert '<a href="Consignment.html"><code>Consignment</code></a>' in site["graphql/index.html"]


def test_an_xsd_element_shows_type_cardinality_and_its_code_list(site: dict[str, str]) -> None:
    page = site["xsd/public_security-vehicle-registration-1.0.html"]
    row = re.search(r'<tr id="[^"]*-PlateColor">(.*?)</tr>', page)

    assert row is not None
    assert "<code>PlateColorCode</code>" in row[1]
    assert "<td>1..1</td>" in row[1]
    assert '<a href="../codes/plate_color.html">plate_color</a>' in row[1]
    assert "urn:js-transport-hub:public_security:vehicle-registration:1.0" in page


def test_a_code_list_page_is_a_table_with_source_and_version(site: dict[str, str]) -> None:
    page = site["codes/plate_color.html"]

    assert (
        '<tr id="2"><td><code>2</code></td><td>黄色</td><td>Yellow</td>'
        "<td>JT/T 697.7</td><td>2014</td></tr>" in page
    )
    assert '<a href="plate_color.html">车牌颜色</a>' in site["codes/index.html"]


def test_the_search_index_holds_types_elements_and_codes(site: dict[str, str]) -> None:
    script = site["search-index.js"]
    entries = json.loads(script.removeprefix("window.HUB_SEARCH = ").rstrip(";\n"))
    found = {(name, url) for name, url, _text in entries}

    assert ("Vehicle", "graphql/Vehicle.html") in found
    assert ("ConsignmentRecord", "xsd/multimodal-consignment-1.0.html#ConsignmentRecord") in found
    assert ("GTIN", "codes/consignment_event_kind.html#GTIN") in found


def test_pages_link_only_within_the_site(site: dict[str, str]) -> None:
    outside = {
        (path, link)
        for path, page in site.items()
        if path.endswith(".html")
        for link in re.findall(r'(?:href|src)="([^"]+)"', page)
        if link.startswith(("http:", "https:", "//"))
    }

    assert outside == set()


async def test_docs_are_served_and_an_unknown_page_is_a_404_linking_home(anonymous: Any) -> None:
    home = await anonymous.http.get("/docs/")
    page = await anonymous.http.get("/docs/codes/plate_color.html")
    missing = await anonymous.http.get("/docs/graphql/NoSuchType.html")

    assert home.status_code == 200
    assert "江苏交通运输数据交换共享枢纽 · 标准" in home.text
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert missing.status_code == 404
    assert '<a href="/docs/index.html">返回首页 · Home</a>' in missing.text


def test_the_site_is_written_to_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["standards", "site", "--output", str(tmp_path / "site")])

    assert status == 0
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "codes" / "plate_color.html").is_file()
    assert capsys.readouterr().out.startswith("hub: wrote ")
