"""Serving the bulk files: ETag, Last-Modified, conditional GET, byte ranges, gzip."""

from __future__ import annotations

import gzip
import hashlib

from hub.opendata.snapshots import directory
from tests.opendata.conftest import OpenHub


async def test_a_file_is_served_with_its_sha256_as_etag_and_its_publication_time(
    open_hub: OpenHub,
) -> None:
    path = directory(open_hub.settings.data_dir) / "vehicles.csv"

    answer = await open_hub.http.get(
        "/opendata/files/vehicles.csv", headers={"Accept-Encoding": "identity"}
    )

    assert answer.status_code == 200
    assert answer.content == path.read_bytes()
    assert answer.headers["ETag"] == f'"{hashlib.sha256(path.read_bytes()).hexdigest()}"'
    assert answer.headers["Last-Modified"] == "Tue, 01 Dec 2026 08:00:00 GMT"
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Accept-Ranges"] == "bytes"


async def test_conditional_requests_are_answered_304(open_hub: OpenHub) -> None:
    first = await open_hub.http.get(
        "/opendata/files/operators.jsonl", headers={"Accept-Encoding": "identity"}
    )

    by_etag = await open_hub.http.get(
        "/opendata/files/operators.jsonl",
        headers={"If-None-Match": first.headers["ETag"], "Accept-Encoding": "identity"},
    )
    by_date = await open_hub.http.get(
        "/opendata/files/operators.jsonl",
        headers={"If-Modified-Since": first.headers["Last-Modified"]},
    )
    stale = await open_hub.http.get(
        "/opendata/files/operators.jsonl", headers={"If-None-Match": '"something-else"'}
    )

    assert by_etag.status_code == 304
    assert by_date.status_code == 304
    assert by_etag.content == b""
    assert stale.status_code == 200


async def test_a_range_resumes_a_download(open_hub: OpenHub) -> None:
    whole = (directory(open_hub.settings.data_dir) / "vehicles.parquet").read_bytes()

    part = await open_hub.http.get(
        "/opendata/files/vehicles.parquet",
        headers={"Range": "bytes=100-199", "Accept-Encoding": "identity"},
    )

    assert part.status_code == 206
    assert part.content == whole[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole)}"


async def test_gzip_is_sent_to_clients_that_accept_it(open_hub: OpenHub) -> None:
    plain = (directory(open_hub.settings.data_dir) / "stations.jsonl").read_bytes()

    answer = await open_hub.http.get(
        "/opendata/files/stations.jsonl", headers={"Accept-Encoding": "gzip"}
    )
    raw = await open_hub.http.send(
        open_hub.http.build_request(
            "GET", "/opendata/files/stations.jsonl", headers={"Accept-Encoding": "gzip"}
        ),
        stream=True,
    )
    compressed = b"".join([chunk async for chunk in raw.aiter_raw()])
    await raw.aclose()

    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["ETag"].endswith('-gzip"')
    assert answer.headers["Vary"] == "Accept-Encoding"
    assert answer.content == plain  # httpx decodes gzip, as every client does
    assert gzip.decompress(compressed) == plain


async def test_unknown_files_are_404(open_hub: OpenHub) -> None:
    for name in ("ferries.csv", "vehicles.xlsx", "manifest.json"):
        answer = await open_hub.http.get(f"/opendata/files/{name}")
        assert answer.status_code == 404, name
        assert answer.json()["error"] == "not_found"
