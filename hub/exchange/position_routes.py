"""``POST /positions``: the positioning platforms stream vehicle positions in bulk.

The body is NDJSON (``Content-Type: application/x-ndjson``) or CSV with a header row
(``text/csv``), of the fields ``hub.positions.lines`` names, usually sent chunked; it is read
as it arrives, never whole. The client authenticates as for ``/exchange`` (an OAuth access
token) and needs scope ``exchange:positioning:write``. The answer sums up what was done:
``accepted``, ``duplicates`` (a vehicle and instant stored already), ``rejected`` (lines
dead-lettered, the first hundred named with their line numbers and reasons) and ``events``
(gate events derived for vehicles on consignment legs).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.alerts import hooks as alerts
from hub.exchange.http import client_with, error
from hub.multimodal import service as multimodal
from hub.positions.fences import FenceFinder
from hub.positions.intake import AGENCY, BadHeader, Format, Intake

SCOPE = f"exchange:{AGENCY}:write"
MEDIA_TYPES = {
    "application/x-ndjson": Format.NDJSON,
    "application/ndjson": Format.NDJSON,
    "application/jsonl": Format.NDJSON,
    "text/csv": Format.CSV,
}


def position_routes(state: dict[str, Any]) -> list[Route]:
    """The position intake's route, on the app's backends in ``state``."""
    finder = FenceFinder()  # asks once whether the database has PostGIS

    async def take(request: Request) -> Response:
        principal = await client_with(state["gate"], request, SCOPE)
        if isinstance(principal, Response):
            return principal
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        form = MEDIA_TYPES.get(media_type)
        if form is None:
            known = ", ".join(MEDIA_TYPES)
            return error(415, "unsupported_media_type", f"Content-Type: one of {known}")

        async def publish(messages: list[tuple[str, bytes]]) -> None:
            await multimodal.publish(state["pubsub"], messages)

        intake = Intake(
            state["sessions"], principal.client_id or AGENCY, form, finder=finder,
            publish=publish, observe=alerts.on_fixes,
        )  # fmt: skip
        try:
            summary = await intake.take(request.stream())
        except BadHeader as exc:
            return error(400, "bad_header", str(exc))
        return JSONResponse(summary.as_json())

    return [Route("/positions", take, methods=["POST"])]
