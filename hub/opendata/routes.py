"""The open-data routes: CKAN's Action API, DCAT-AP JSON-LD, and the bulk files.

- ``/api/3/action/<action>`` (and ``/api/action/<action>``): ``package_list``,
  ``package_show``, ``package_search``, ``organization_list``, ``organization_show``,
  ``resource_show``, ``status_show``; parameters by query string (GET) or JSON body
  (POST), answers in CKAN's envelope (``{"help", "success", "result"}``, errors
  ``{"__type", "message"}``).
- ``/catalog.jsonld`` and ``/datasets/<id>.jsonld``: DCAT-AP.
- ``/opendata/files/<name>``: the snapshots, with ETag (their SHA-256), Last-Modified,
  conditional GET, byte ranges, and the gzip copy for clients that accept it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from hub.config import Settings
from hub.opendata.catalogue import (
    CKAN_VERSION,
    DEFAULT_ROWS,
    MAX_ROWS,
    Catalogue,
    InvalidParameter,
    whole_number,
)
from hub.opendata.datasets import Dataset
from hub.opendata.datasets import load as load_datasets
from hub.opendata.dcat import catalog_document, dataset_document
from hub.opendata.snapshots import COMPRESSED, FORMATS, directory, read_manifest

JSON_LD = "application/ld+json"
Action = Callable[[Catalogue, dict[str, Any]], Any]


class NotFound(LookupError):
    """What CKAN answers ``Not Found Error`` to."""


def _help(request: Request, action: str) -> str:
    return f"{request.base_url}api/3/action/help_show?name={action}"


def _ckan(request: Request, action: str, result: Any) -> JSONResponse:
    return JSONResponse({"help": _help(request, action), "success": True, "result": result})


def _ckan_error(request: Request, action: str, status: int, error: dict[str, Any]) -> JSONResponse:
    body = {"help": _help(request, action), "success": False, "error": error}
    return JSONResponse(body, status_code=status)


def _dataset(catalogue: Catalogue, params: dict[str, Any]) -> Dataset:
    name = params.get("id") or params.get("name")
    if not isinstance(name, str) or name not in catalogue.datasets:
        raise NotFound(f"Not found: no dataset {name!r}")
    return catalogue.datasets[name]


def package_list(catalogue: Catalogue, params: dict[str, Any]) -> Any:
    return sorted(catalogue.datasets)


def package_show(catalogue: Catalogue, params: dict[str, Any]) -> Any:
    return catalogue.package(_dataset(catalogue, params))


def package_search(catalogue: Catalogue, params: dict[str, Any]) -> Any:
    rows = whole_number("rows", params.get("rows"), DEFAULT_ROWS, MAX_ROWS)
    start = whole_number("start", params.get("start"), 0)
    text = {key: params.get(key) or "" for key in ("q", "fq", "sort")}
    for key, value in text.items():
        if not isinstance(value, str):
            raise InvalidParameter(key, "must be a string")
    count, results = catalogue.search(
        text["q"], text["fq"], rows, start, text["sort"] or "score desc, metadata_modified desc"
    )
    return {
        "count": count,
        "results": results,
        "sort": text["sort"] or "score desc, metadata_modified desc",
        "facets": {},
        "search_facets": {},
    }


def organization_list(catalogue: Catalogue, params: dict[str, Any]) -> Any:
    names = catalogue.organizations()
    if str(params.get("all_fields", "")).lower() in ("true", "1"):
        return [catalogue.organization(name) for name in names]
    return names


def organization_show(catalogue: Catalogue, params: dict[str, Any]) -> Any:
    name = params.get("id")
    if name not in catalogue.organizations():
        raise NotFound(f"Not found: no organization {name!r}")
    return catalogue.organization(str(name))


def resource_show(catalogue: Catalogue, params: dict[str, Any]) -> Any:
    resource_id = params.get("id")
    resource = catalogue.resource(resource_id) if isinstance(resource_id, str) else None
    if resource is None:
        raise NotFound(f"Not found: no resource {resource_id!r}")
    return resource


def status_show(catalogue: Catalogue, params: dict[str, Any]) -> Any:
    return {
        "ckan_version": CKAN_VERSION,
        "site_title": "江苏交通运输开放数据 / Jiangsu transport open data",
        "site_description": "The open-data catalogue of the Jiangsu transport interop hub",
        "site_url": catalogue.base_url,
        "locale_default": "zh_Hans_CN",
        "extensions": ["dcat"],
    }


ACTIONS: dict[str, Action] = {
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "resource_show": resource_show,
    "status_show": status_show,
}


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        body = await request.body()
        if body:
            try:
                decoded = json.loads(body)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InvalidParameter("body", f"not JSON ({exc})") from None
            if not isinstance(decoded, dict):
                raise InvalidParameter("body", "must be a JSON object")
            params.update(decoded)
    return params


def opendata_routes(settings: Settings) -> list[Route]:
    """The routes of the catalogue and the downloads; datasets are read once, here."""
    datasets = load_datasets()
    base_url = settings.public_url.rstrip("/")
    folder = directory(settings.data_dir)

    def catalogue() -> Catalogue:
        return Catalogue(datasets, read_manifest(settings.data_dir), base_url)

    async def action(request: Request) -> Response:
        name = request.path_params["action"]
        handler = ACTIONS.get(name)
        if handler is None:
            unknown = {"__type": "Not Found Error", "message": f"Not found: no action {name!r}"}
            return _ckan_error(request, name, 400, unknown)
        try:
            return _ckan(request, name, handler(catalogue(), await _params(request)))
        except NotFound as exc:
            return _ckan_error(
                request, name, 404, {"__type": "Not Found Error", "message": str(exc)}
            )
        except InvalidParameter as exc:
            error: dict[str, Any] = {
                "__type": "Validation Error",
                "message": str(exc),
                exc.parameter: [exc.problem],
            }
            return _ckan_error(request, name, 400, error)

    async def catalog_jsonld(_request: Request) -> Response:
        return JSONResponse(catalog_document(catalogue()), media_type=JSON_LD)

    async def dataset_jsonld(request: Request) -> Response:
        found = catalogue()
        dataset = found.datasets.get(request.path_params["dataset"])
        if dataset is None:
            return JSONResponse(
                {"error": "not_found", "message": f"no dataset {request.path_params['dataset']!r}"},
                status_code=404,
            )
        return JSONResponse(dataset_document(found, dataset), media_type=JSON_LD)

    async def download(request: Request) -> Response:
        return _serve(request, folder, read_manifest(settings.data_dir))

    return [
        # CKAN answers at both; ckanapi calls the unversioned one.
        Route("/api/3/action/{action}", action, methods=["GET", "POST"]),
        Route("/api/action/{action}", action, methods=["GET", "POST"]),
        Route("/catalog.jsonld", catalog_jsonld),
        Route("/datasets/{dataset}.jsonld", dataset_jsonld),
        Route("/opendata/files/{name}", download, methods=["GET", "HEAD"]),
    ]


def _serve(request: Request, folder: Path, manifest: dict[str, Any]) -> Response:
    name = request.path_params["name"]
    dataset_id, _, extension = name.rpartition(".")
    snapshot = manifest.get(dataset_id)
    if snapshot is None or extension not in FORMATS:
        return JSONResponse(
            {"error": "not_found", "message": f"no published file {name!r}"}, status_code=404
        )
    file = snapshot["files"][extension]
    path = folder / file["name"]
    gzipped = (
        extension in COMPRESSED
        and "range" not in request.headers
        and "gzip" in request.headers.get("accept-encoding", "")
    )
    etag = f'"{file["sha256"]}{"-gzip" if gzipped else ""}"'
    # HTTP dates have whole seconds: compare If-Modified-Since with what Last-Modified says.
    modified = dt.datetime.fromisoformat(snapshot["modified"]).replace(microsecond=0)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": "public, max-age=3600",
        "Vary": "Accept-Encoding",
    }
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    if gzipped:
        path = path.with_name(path.name + ".gz")
        headers["Content-Encoding"] = "gzip"
    return FileResponse(
        path,
        headers=headers,
        media_type=FORMATS[extension],
        filename=file["name"],
        stat_result=os.stat(path),
    )


def _not_modified(request: Request, etag: str, modified: dt.datetime) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since is not None:
        try:
            return bool(parsedate_to_datetime(since) >= modified)
        except (TypeError, ValueError):
            return False
    return False
