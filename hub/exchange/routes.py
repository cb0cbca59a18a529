"""The exchange over HTTP: agencies push documents, and fetch the hub's records as documents."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.agency_records.export import MAX_EXPORT, export_records, record_types_of
from hub.auth.scopes import REGISTRY_READ
from hub.errors import NotFound
from hub.exchange.consignment_routes import consignment_routes
from hub.exchange.credit_routes import credit_routes
from hub.exchange.http import client_with, error, read_limited
from hub.exchange.pipeline import Exchange
from hub.exchange.position_routes import position_routes
from hub.exchange.protocol import Header
from hub.exchange.validation import InvalidDocument


def exchange_routes(state: dict[str, Any]) -> list[Route]:
    """``POST`` and ``GET /exchange/{agency}/{document}``, on the app's backends in ``state``."""

    async def push(request: Request) -> Response:
        """``POST /exchange/{agency}/{document}``: an agency pushes one document."""
        agency = request.path_params["agency"]
        document = request.path_params["document"]
        principal = await client_with(state["gate"], request, f"exchange:{agency}:write")
        if isinstance(principal, Response):
            return principal
        exchange: Exchange = state["exchange"]
        body = await read_limited(request, exchange.max_bytes)
        if body is None:
            return error(413, "too_large", f"the document is over {exchange.max_bytes:,} bytes")
        try:
            receipt = await exchange.receive(agency, body, "push", document, principal.agency)
        except InvalidDocument as exc:
            return error(400, "invalid_document", exc.reason)
        except NotFound as exc:
            return error(404, "unknown_agency", exc.message)
        return JSONResponse(
            {
                "receipt": receipt.id,
                "messageId": receipt.message_id,
                "documentType": receipt.document_type,
                "duplicate": receipt.duplicate,
                "status": receipt.status,
            },
            status_code=200 if receipt.duplicate else 202,
        )

    async def export(request: Request) -> Response:
        """``GET /exchange/{agency}/{document}``: the hub's records as that document (XSD-valid)."""
        principal = await client_with(state["gate"], request, REGISTRY_READ)
        if isinstance(principal, Response):
            return principal
        exchange: Exchange = state["exchange"]
        try:
            adapter = exchange.registry[request.path_params["agency"]]
            document = adapter.documents[request.path_params["document"]]
        except (NotFound, KeyError):
            return error(404, "unknown_document", "no such agency document type")
        try:
            after = int(request.query_params.get("after", "0"))
            limit = int(request.query_params.get("limit", str(MAX_EXPORT)))
        except ValueError:
            return error(400, "bad_request", "after and limit must be whole numbers")
        if not 1 <= limit <= MAX_EXPORT:
            return error(400, "bad_request", f"limit: 1 to {MAX_EXPORT}")
        records: list[Any] = []
        cursor = None
        async with state["read_sessions"]() as session:
            for record_type in record_types_of(document.record_types):
                found, next_after = await export_records(
                    session, record_type, principal.reader, after=after, limit=limit
                )
                records += found
                cursor = next_after if next_after is not None else cursor
        header = Header(
            message_id=f"hub-export-{uuid.uuid4().hex[:16]}",
            sender="hub",
            sent_at=dt.datetime.now(dt.UTC).isoformat(),
        )
        headers = {} if cursor is None else {"X-Next-After": str(cursor)}
        return Response(document.export(records, header), media_type="application/xml",
                        headers=headers)  # fmt: skip

    return [
        # The multimodal standard's routes first: /exchange/{agency}/{document} would take them.
        *consignment_routes(state),
        *credit_routes(state),
        *position_routes(state),
        Route("/exchange/{agency}/{document}", push, methods=["POST"]),
        Route("/exchange/{agency}/{document}", export, methods=["GET"]),
    ]
