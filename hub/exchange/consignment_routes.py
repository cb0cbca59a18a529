"""一单到底 documents over HTTP: book waybills, report events, export and import a consignment.

- ``POST /exchange/multimodal/waybills``: a ``Waybills`` document books its consignments;
- ``POST /exchange/multimodal/status-events``: a ``StatusEvents`` document records events;
- ``GET /exchange/multimodal/consignments/{reference}``: the consignment with its timeline as
  one ``ConsignmentRecord`` document;
- ``POST /exchange/multimodal/consignments``: that document imported: the consignment booked and
  its events replayed, so exporting it again gives the same document.

Writing needs scope consignment:write; the writing client books, and reports on the consignments
that concern it (booked by it, or with a leg it carries): an event naming another consignment is
refused, one found by container or vehicle attaches only where it concerns the client. A
document is taken whole or not at all: one refused waybill or event refuses the document and
nothing of it is stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.auth.gate import unauthorized
from hub.auth.principal import Principal
from hub.auth.scopes import CONSIGNMENT_WRITE
from hub.errors import Forbidden, HubError, NotFound
from hub.exchange.consignments import (
    consignment_from_xml,
    consignment_to_xml,
    events_from_xml,
    waybills_from_xml,
)
from hub.exchange.http import authenticate, error, read_limited
from hub.exchange.protocol import Header
from hub.exchange.validation import InvalidDocument
from hub.multimodal import service
from hub.multimodal.models import ConsignmentRow

Handler = Callable[[Request], Awaitable[Response]]
Outcome = tuple[dict[str, Any], list[tuple[str, bytes]]]
"""The answer's JSON, and the (channel, message) pairs to publish once committed."""
Work = Callable[[AsyncSession, service.Writer, bytes], Awaitable[Outcome]]


def _hub_error(exc: HubError) -> JSONResponse:
    if isinstance(exc, Forbidden):
        return error(403, "forbidden", exc.message)
    if isinstance(exc, NotFound):
        return error(404, "not_found", exc.message)
    return error(400, "refused", exc.message)


def consignment_routes(state: dict[str, Any]) -> list[Route]:
    """The multimodal document routes, on the app's backends in ``state``."""

    async def principal_of(request: Request, scope: str | None) -> Principal | Response:
        principal = await authenticate(state["gate"], request)
        if isinstance(principal, Response):
            return principal
        if principal.client_id is None:
            return unauthorized("this needs an access token")
        if scope is not None and not principal.has(scope):
            return error(403, "insufficient_scope", f"this needs scope {scope}")
        return principal

    def writing(work: Work) -> Handler:
        """A handler that runs ``work`` on the document in one transaction, then publishes."""

        async def handle(request: Request) -> Response:
            principal = await principal_of(request, CONSIGNMENT_WRITE)
            if isinstance(principal, Response):
                return principal
            limit = state["exchange"].max_bytes
            body = await read_limited(request, limit)
            if body is None:
                return error(413, "too_large", f"the document is over {limit:,} bytes")
            writer = service.Writer(principal.client_id or "", principal.uscc)
            try:
                async with state["sessions"]() as session, session.begin():
                    answer, messages = await work(session, writer, body)
            except InvalidDocument as exc:
                return error(400, "invalid_document", exc.reason)
            except ValueError as exc:  # a rule the XSD cannot say
                return error(400, "invalid_document", str(exc))
            except HubError as exc:
                return _hub_error(exc)
            pubsub = state.get("pubsub")
            if pubsub is not None:
                for channel, message in messages:
                    await pubsub.publish(channel, message)
            return JSONResponse(answer, status_code=201 if answer.get("booked") else 200)

        return handle

    async def book(session: AsyncSession, writer: service.Writer, body: bytes) -> Outcome:
        booked = [
            (await service.book(session, consignment, writer.client_id)).reference
            for consignment in waybills_from_xml(body)
        ]
        return {"booked": booked}, []

    async def report(session: AsyncSession, writer: service.Writer, body: bytes) -> Outcome:
        now = dt.datetime.now(dt.UTC)
        attached: list[tuple[int, Any]] = []

        async def concerns_writer(consignment_id: int) -> bool:
            row = await session.get(ConsignmentRow, consignment_id)
            legs = await service.legs_of(session, consignment_id)
            return row is not None and writer.concerned(row, legs)

        for index, event in enumerate(events_from_xml(body), start=1):
            if event.consignment_reference is not None:
                row = await service.find(session, event.consignment_reference)
                if not await concerns_writer(row.id):
                    raise Forbidden(f"Event[{index}]: {row.reference} does not concern you")
            # Sources are named under the client that sent them: a client speaks for itself.
            own = dataclasses.replace(event, source=f"{writer.client_id}/{event.source}")
            new = await service.record(session, own, now, concerns_writer)
            attached += [(consignment, own) for consignment in new]
        messages = await service.published_events(session, attached)
        return {"recorded": len(attached)}, messages

    async def import_(session: AsyncSession, writer: service.Writer, body: bytes) -> Outcome:
        consignment, events = consignment_from_xml(body)
        now = dt.datetime.now(dt.UTC)
        row = await service.import_record(session, consignment, events, writer.client_id, now)
        return {"booked": [row.reference], "events": len(events)}, []

    async def export(request: Request) -> Response:
        principal = await principal_of(request, None)
        if isinstance(principal, Response):
            return principal
        reference = request.path_params["reference"].strip().upper()
        async with state["read_sessions"]() as session:
            try:
                row = await service.find(session, reference)
            except NotFound as exc:
                return error(404, "not_found", exc.message)
            writer = service.Writer(principal.client_id or "", principal.uscc)
            legs = await service.legs_of(session, row.id)
            if not principal.reads_registry and not writer.concerned(row, legs):
                return error(
                    403,
                    "forbidden",
                    f"consignment {reference}: needs registry:read or a part in it",
                )
            consignment, events = await service.as_record(session, row)
        header = Header(
            message_id=f"hub-consignment-{uuid.uuid4().hex[:16]}",
            sender="hub",
            sent_at=dt.datetime.now(dt.UTC).isoformat(),
        )
        return Response(
            consignment_to_xml(consignment, events, header), media_type="application/xml"
        )

    return [
        Route("/exchange/multimodal/waybills", writing(book), methods=["POST"]),
        Route("/exchange/multimodal/status-events", writing(report), methods=["POST"]),
        Route("/exchange/multimodal/consignments", writing(import_), methods=["POST"]),
        Route("/exchange/multimodal/consignments/{reference}", export, methods=["GET"]),
    ]
