"""The CKAN Action API, read by the real ``ckanapi`` client over HTTP as harvesters read it,
and its refusals in CKAN's error shape."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import ckanapi
import pytest
import uvicorn

from hub.app import create_app
from hub.config import Settings
from hub.opendata.datasets import load as load_datasets
from tests.opendata.conftest import OpenHub

DATASETS = load_datasets()


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """The hub served by uvicorn on a free loopback port, in a thread; yields its base URL."""
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, log_config=None, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn stopped before it started")
            threading.Event().wait(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


@pytest.fixture
async def ckan(open_hub: OpenHub) -> AsyncIterator[ckanapi.RemoteCKAN]:
    """ckanapi's client of the hub, served on loopback with the demo data published."""
    with served(open_hub.settings) as url:
        yield ckanapi.RemoteCKAN(url, user_agent="hub-tests")


async def call(client: ckanapi.RemoteCKAN, action: str, **data: Any) -> Any:
    """One action by ckanapi (blocking, so in a thread while uvicorn runs in another)."""
    return await asyncio.to_thread(client.call_action, action, data)


async def test_ckanapi_lists_and_shows_every_dataset(ckan: ckanapi.RemoteCKAN) -> None:
    names = await call(ckan, "package_list")

    assert names == sorted(DATASETS)
    for name in names:
        package = await call(ckan, "package_show", id=name)
        assert package["name"] == name
        assert package["license_url"].startswith("https://creativecommons.org/")
        assert package["organization"]["name"] == "jiangsu-transport"
        formats = {resource["format"] for resource in package["resources"]}
        assert {"CSV", "JSONL", "PARQUET"} <= formats
        assert package["num_resources"] == len(package["resources"])
        extras = {extra["key"]: extra["value"] for extra in package["extras"]}
        assert extras["frequency"].startswith("http://publications.europa.eu/")


async def test_a_resource_is_shown_and_downloads_its_file(
    ckan: ckanapi.RemoteCKAN, open_hub: OpenHub
) -> None:
    resource = await call(ckan, "resource_show", id="operators-csv")

    assert resource["package_id"] == "operators"
    assert resource["format"] == "CSV"
    assert resource["hash"].startswith("sha256:")
    path = resource["url"].split("/", 3)[3]
    answer = await open_hub.http.get(f"/{path}")
    assert answer.status_code == 200
    assert len(answer.content) == resource["size"]


async def test_search_by_text_filter_sort_and_page(ckan: ckanapi.RemoteCKAN) -> None:
    by_text = await call(ckan, "package_search", q="车辆")
    by_tag = await call(ckan, "package_search", fq="tags:vessels")
    by_format = await call(
        ckan, "package_search", fq="res_format:PARQUET organization:jiangsu-transport"
    )
    page = await call(ckan, "package_search", sort="name desc", rows=3, start=2)

    assert [p["name"] for p in by_text["results"]] == ["monthly-statistics", "vehicles"]
    assert by_text["count"] == 2
    assert [p["name"] for p in by_tag["results"]] == ["vessels"]
    assert by_format["count"] == len(DATASETS)
    assert page["count"] == len(DATASETS)
    assert [p["name"] for p in page["results"]] == sorted(DATASETS, reverse=True)[2:5]


async def test_organizations_and_status(ckan: ckanapi.RemoteCKAN) -> None:
    assert await call(ckan, "organization_list") == ["jiangsu-transport"]
    full = await call(ckan, "organization_list", all_fields=True)
    status = await call(ckan, "status_show")

    assert full[0]["package_count"] == len(DATASETS)
    assert status["ckan_version"].startswith("2.")


async def test_unknown_dataset_and_resource_are_ckan_not_found(
    ckan: ckanapi.RemoteCKAN, open_hub: OpenHub
) -> None:
    with pytest.raises(ckanapi.NotFound, match="no dataset 'ferries'"):
        await call(ckan, "package_show", id="ferries")
    with pytest.raises(ckanapi.NotFound, match="no resource 'operators-xlsx'"):
        await call(ckan, "resource_show", id="operators-xlsx")

    raw = await open_hub.http.get("/api/3/action/package_show", params={"id": "ferries"})
    assert raw.status_code == 404
    assert raw.json()["success"] is False
    assert raw.json()["error"] == {
        "__type": "Not Found Error",
        "message": "Not found: no dataset 'ferries'",
    }


@pytest.mark.parametrize(
    ("params", "parameter", "problem"),
    [
        ({"rows": "ten"}, "rows", "'ten' is not a whole number"),
        ({"rows": "5000"}, "rows", "must be at most 1000"),
        ({"start": "-1"}, "start", "'-1' is not a whole number"),
        ({"sort": "size desc"}, "sort", "cannot sort by 'size'"),
        ({"sort": "name sideways"}, "sort", "direction 'sideways' is not asc or desc"),
        ({"fq": "colour:red"}, "fq", "cannot filter on 'colour'"),
    ],
)
async def test_bad_search_parameters_are_400_naming_the_parameter(
    open_hub: OpenHub, params: dict[str, str], parameter: str, problem: str
) -> None:
    answer = await open_hub.http.get("/api/3/action/package_search", params=params)

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["__type"] == "Validation Error"
    assert problem in error[parameter][0]
    assert error["message"].startswith(f"{parameter}: ")


async def test_ckanapi_sees_a_bad_parameter_as_a_validation_error(
    ckan: ckanapi.RemoteCKAN,
) -> None:
    with pytest.raises(ckanapi.ValidationError) as refused:
        await call(ckan, "package_search", rows=-5)

    assert refused.value.error_dict["rows"] == ["must not be negative"]
