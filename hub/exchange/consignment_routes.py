"""一单到底 documents over HTTP: book waybills, report events, export and import a consignment.

- ``POST /exchange/multimodal/waybills``: a ``Waybills`` document books its consignments;
- ``POST /exchange/multimodal/status-events``: a ``StatusEvents`` document records events;
- ``GET /exchange/multimodal/consignments/{reference}``: the consignment with its timeline as
  one ``ConsignmentRecord`` document;
- ``POST /exchange/multimodal/consignments``: that document imported: the consignment booked and
  its events replayed, so exporting it again gives the same document.

Booking and reporting need scope consignment:write, and follow the rules of
``hub.multimodal.access`` as GraphQL does: every event names its consignment, and a carrier
reports on its own legs only; the sources of a client's events are named under its client id.
Importing keeps the events' sources as recorded, so it needs consignment:import, granted to
trusted systems only; every event remembers who reported or imported it. Exporting needs
registry:read or a part in the consignment, and a consignment with dangerous goods goes only
to those who may read their details. A document is taken whole or not at all: one refused
waybill or event refuses the document and nothing of it is stored.
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

from hub.auth.scopes import (
    CONSIGNMENT_IMPORT,
    CONSIGNMENT_WRITE,
    ENFORCEMENT_READ,
    REGISTRY_READ,
)
from hub.canonical import identifiers
from hub.errors import BadUserInput, Forbidden, HubError, NotFound
from hub.exchange.consignments import (
    consignment_from_xml,
    consignment_to_xml,
    events_from_xml,
    waybills_from_xml,
)
from hub.exchange.http import client_with, error, read_limited
from hub.exchange.protocol import Header
from hub.exchange.validation import InvalidDocument
from hub.multimodal import service
from hub.multimodal.access import dangerous_goods_withheld

Handler = Callable[[Request], Awaitable[Response]]
SOURCE_MAX = 160  # SourceType of status-event-1.0.xsd
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

    def writing(work: Work, scope: str = CONSIGNMENT_WRITE) -> Handler:
        """A handler that runs ``work`` on the document in one transaction, then publishes."""

        async def handle(request: Request) -> Response:
            principal = await client_with(state["gate"], request, scope)
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
            await service.publish(state.get("pubsub"), messages)
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
        messages: list[tuple[str, bytes]] = []
        for index, event in enumerate(events_from_xml(body), start=1):
            if event.consignment_reference is None:
                raise BadUserInput(
                    f"Event[{index}]: a client names the consignment it reports on "
                    "(ConsignmentReference)"
                )
            # A client speaks for itself: its sources are named under its client id.
            source = f"{writer.client_id}/{event.source}"
            if len(source) > SOURCE_MAX:
                raise BadUserInput(
                    f"Event[{index}]/Source: under your client id it would be {len(source)} "
                    f"characters, over {SOURCE_MAX}"
                )
            try:
                row, stored = await service.report(
                    session, dataclasses.replace(event, source=source), writer, None, now
                )
            except HubError as exc:
                raise type(exc)(f"Event[{index}]: {exc.message}") from None
            if stored is not None:
                messages.append(service.published(row.reference, stored))
        return {"recorded": len(messages)}, messages

    async def import_(session: AsyncSession, writer: service.Writer, body: bytes) -> Outcome:
        consignment, events = consignment_from_xml(body)
        now = dt.datetime.now(dt.UTC)
        row = await service.import_record(session, consignment, events, writer.client_id, now)
        return {"booked": [row.reference], "events": len(events)}, []

    async def export(request: Request) -> Response:
        principal = await client_with(state["gate"], request, None)
        if isinstance(principal, Response):
            return principal
        if not {REGISTRY_READ, CONSIGNMENT_WRITE} & principal.scopes:
            return error(
                403,
                "insufficient_scope",
                f"this needs scope {REGISTRY_READ} or {CONSIGNMENT_WRITE}",
            )
        try:
            reference = identifiers.waybill_reference(request.path_params["reference"])
        except identifiers.InvalidIdentifier as exc:
            return error(400, "invalid_request", str(exc))
        async with state["read_sessions"]() as session:
            try:
                row = await service.find(session, reference, principal.reader)
            except NotFound as exc:
                return error(404, "not_found", exc.message)
            reader = service.Writer(principal.client_id or "", principal.uscc)
            legs = await service.legs_of(session, row.id)
            if row.dangerous_goods:
                current = service.progress(legs, await service.timeline(session, row.id))
                withheld = dangerous_goods_withheld(
                    row, legs, current.current_leg, reader, principal.has(ENFORCEMENT_READ),
                    dt.datetime.now(dt.UTC),
                )  # fmt: skip
                if withheld is not None:
                    return error(
                        403, "forbidden", f"{reference} carries dangerous goods: {withheld}"
                    )
            consignment, events = await service.as_record(session, row)
        header = Header(
            message_id=f"hub-consignment-{uuid.uuid4().hex[:16]}",
            sender="hub",
            sent_at=dt.datetime.now(dt.UTC).isoformat(),
        )
        try:
            document = consignment_to_xml(consignment, events, header)
        except ValueError as exc:  # stored before the hub held input to the standard
            return error(422, "not_exportable", f"{reference} cannot be a document: {exc}")
        return Response(document, media_type="application/xml")

    return [
        Route("/exchange/multimodal/waybills", writing(book), methods=["POST"]),
        Route("/exchange/multimodal/status-events", writing(report), methods=["POST"]),
        Route(
            "/exchange/multimodal/consignments",
            writing(import_, CONSIGNMENT_IMPORT),
            methods=["POST"],
        ),
        Route("/exchange/multimodal/consignments/{reference}", export, methods=["GET"]),
    ]
