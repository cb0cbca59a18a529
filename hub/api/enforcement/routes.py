"""HTTP routes of enforcement records beside GraphQL: evidence upload, evidence download, and
the electronic case file.

``POST /enforcement/records/{recordId}/evidence`` takes ``multipart/form-data`` with one file
part named ``file`` (a photo or video), streamed to the evidence store as it arrives — never
held whole in memory — and hashed on the way; its SHA-256 is then recorded in the case. Over
``HUB_EVIDENCE_MAX_BYTES`` → 413; a part not declared, or whose first bytes are not, a photo or
video → 415; in both cases nothing is stored. Clients authenticate as at ``/graphql`` (an OAuth
access token): uploads need ``enforcement:write``, downloads and case files
``enforcement:read``, and the record or case must be one of the client's region.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from hub.auth.http import client_with, error
from hub.auth.scopes import ENFORCEMENT_READ, ENFORCEMENT_WRITE
from hub.config import Settings
from hub.db import unit_of_work
from hub.enforcement import cases
from hub.enforcement.access import case_rule
from hub.enforcement.casefile import MEDIA_TYPE, case_file
from hub.enforcement.media import SNIFF_BYTES, sniff
from hub.enforcement.models import CaseRow, EvidenceFileRow, OnSiteRecordRow
from hub.enforcement.storage import EvidenceStore, Upload, local_store
from hub.errors import NotFound

FIELD = "file"
"""The name of the multipart part that carries the file."""


class Refused(Exception):
    """An upload that must not be stored: the HTTP status, a code and the reason."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class _Receiver:
    """Callbacks of the streaming multipart parser: the ``file`` part goes to the store."""

    def __init__(self, store: EvidenceStore, limit: int) -> None:
        self.store = store
        self.limit = limit
        self.header_field = b""
        self.headers: dict[bytes, bytes] = {}
        self.upload: Upload | None = None
        self.receiving = False
        self.head = b""
        self.media_type: str | None = None
        self.file_name = ""
        self.done = False

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": self.header_field_data,
            "on_header_value": self.header_value_data,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.headers = {}
        self.header_field = b""

    def header_field_data(self, data: bytes, start: int, end: int) -> None:
        self.header_field = data[start:end].lower()

    def header_value_data(self, data: bytes, start: int, end: int) -> None:
        self.headers[self.header_field] = self.headers.get(self.header_field, b"") + data[start:end]

    def headers_finished(self) -> None:
        _, disposition = parse_options_header(self.headers.get(b"content-disposition"))
        if disposition.get(b"name") != FIELD.encode():
            self.receiving = False
            return
        if self.upload is not None or self.done:
            raise Refused(400, "bad_request", f"send one part named {FIELD!r}, not several")
        declared, _ = parse_options_header(self.headers.get(b"content-type"))
        kind = declared.decode("latin-1").lower()
        if not kind.startswith(("image/", "video/")):
            raise Refused(
                415,
                "unsupported_media_type",
                f"the file is declared {kind or 'without a type'}: evidence is a photo or video "
                "(image/* or video/*)",
            )
        self.file_name = disposition.get(b"filename", b"").decode("utf-8", "replace")
        self.upload = self.store.begin()
        self.receiving = True

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if not self.receiving or self.upload is None:
            return
        chunk = data[start:end]
        if self.upload.size + len(chunk) > self.limit:
            raise Refused(
                413,
                "payload_too_large",
                f"the file is larger than the limit of {self.limit} bytes (HUB_EVIDENCE_MAX_BYTES)",
            )
        if self.media_type is None:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
            if len(self.head) >= SNIFF_BYTES:
                self._sniff()
        self.upload.write(chunk)

    def _sniff(self) -> None:
        found = sniff(self.head)
        if found is None:
            raise Refused(
                415,
                "unsupported_media_type",
                "the content is not a photo or video (its first bytes match no image or "
                "video format the hub accepts: JPEG, PNG, GIF, WebP, HEIF, MP4, MOV, 3GP, AVI, "
                "WebM)",
            )
        self.media_type = found

    def part_end(self) -> None:
        if self.receiving:
            if self.media_type is None:  # a file shorter than the sniffed prefix
                self._sniff()
            self.receiving = False
            self.done = True


async def _receive(request: Request, store: EvidenceStore, limit: int) -> _Receiver:
    """Stream the multipart body into the store; refused uploads leave nothing behind."""
    content_type, params = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise Refused(
            415,
            "unsupported_media_type",
            f"send multipart/form-data with the file in a part named {FIELD!r}",
        )
    if int(request.headers.get("content-length") or 0) > limit + 64 * 1024:
        raise Refused(
            413,
            "payload_too_large",
            f"the body is larger than the limit of {limit} bytes (HUB_EVIDENCE_MAX_BYTES)",
        )
    receiver = _Receiver(store, limit)
    parser = MultipartParser(params[b"boundary"], receiver.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except BaseException:
        if receiver.upload is not None:
            receiver.upload.discard()
        raise
    if receiver.upload is None or not receiver.done:
        if receiver.upload is not None:
            receiver.upload.discard()
        raise Refused(400, "bad_request", f"no complete part named {FIELD!r} was sent")
    return receiver


def enforcement_routes(state: dict[str, Any], settings: Settings) -> list[Route]:
    """The evidence and case-file routes, on the app's backends in ``state``."""
    store = local_store(settings)

    async def upload(request: Request) -> Response:
        principal = await client_with(state["gate"], request, ENFORCEMENT_WRITE)
        if isinstance(principal, Response):
            return principal
        try:
            record_id = int(request.path_params["record_id"])
            async with state["sessions"]() as session:
                await cases.visible_record(session, record_id, principal.reader)
        except (ValueError, NotFound):
            return error(404, "not_found", f"on-site record {request.path_params['record_id']}")
        try:
            received = await _receive(request, store, settings.evidence_max_bytes)
        except Refused as refused:
            return error(refused.status, refused.code, refused.message)
        assert received.upload is not None  # _receive returns only complete files
        assert received.media_type is not None
        size = received.upload.size
        sha256 = received.upload.keep()
        async with unit_of_work(state["sessions"]) as session:
            record = await cases.visible_record(session, record_id, principal.reader)
            row = await cases.attach_evidence(
                session,
                record,
                sha256=sha256,
                media_type=received.media_type,
                size=size,
                file_name=received.file_name,
                client_id=principal.client_id or "-",
                now=dt.datetime.now(dt.UTC),
            )
        return JSONResponse(
            {
                "recordId": record_id,
                "sha256": row.sha256,
                "mediaType": row.media_type,
                "size": row.size,
                "fileName": row.file_name,
                "uploadedAt": row.uploaded_at.isoformat(),
            },
            status_code=201,
        )

    async def download(request: Request) -> Response:
        principal = await client_with(state["gate"], request, ENFORCEMENT_READ)
        if isinstance(principal, Response):
            return principal
        sha256 = str(request.path_params["sha256"]).lower()
        async with state["sessions"]() as session:
            media_type = await session.scalar(
                select(EvidenceFileRow.media_type)
                .join(OnSiteRecordRow, OnSiteRecordRow.id == EvidenceFileRow.record_id)
                .join(CaseRow, CaseRow.id == OnSiteRecordRow.case_id)
                .where(EvidenceFileRow.sha256 == sha256, case_rule(principal.reader))
                .limit(1)
            )
        if media_type is None or not store.has(sha256):
            return error(404, "not_found", f"no evidence file {sha256} in a case of yours")
        return FileResponse(store.path(sha256), media_type=media_type)

    async def export(request: Request) -> Response:
        principal = await client_with(state["gate"], request, ENFORCEMENT_READ)
        if isinstance(principal, Response):
            return principal
        number = str(request.path_params["number"])
        async with state["sessions"]() as session:
            try:
                case = await cases.visible_case(session, principal.reader, number=number)
            except NotFound as exc:
                return error(404, "not_found", exc.message)
            document = await case_file(session, case, dt.datetime.now(dt.UTC))
        name = quote(f"case-file-{case.number}.xml")
        return Response(
            document,
            media_type=MEDIA_TYPE,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
        )

    return [
        Route("/enforcement/records/{record_id}/evidence", upload, methods=["POST"]),
        Route("/enforcement/evidence/{sha256}", download, methods=["GET"]),
        Route("/enforcement/cases/{number:path}/case-file", export, methods=["GET"]),
    ]
