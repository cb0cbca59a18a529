"""Following a consignment live: its new events over graphql-transport-ws, via pub/sub."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.consignments.types import ConsignmentEvent, concerns
from hub.api.context import Context
from hub.api.enums import ConsignmentEventKind, PlateColor, TransportMode
from hub.api.text import identifier_argument
from hub.auth.scopes import CONSIGNMENT_WRITE, REGISTRY_READ
from hub.canonical import identifiers
from hub.errors import Forbidden
from hub.multimodal import service
from hub.multimodal.access import hidden

EVENT_FIELDS = {
    "kind", "occurred_at", "location", "source", "source_event_id", "leg", "container_number",
    "vehicle_plate", "vehicle_plate_color", "vessel_mmsi", "mode", "remarks", "received_at",
    "reported_by",
}  # fmt: skip


def _event_of(message: bytes) -> ConsignmentEvent:
    values = {name: value for name, value in json.loads(message).items() if name in EVENT_FIELDS}
    for name in ("occurred_at", "received_at"):
        values[name] = dt.datetime.fromisoformat(values[name])
    values["kind"] = ConsignmentEventKind(values["kind"])
    values["mode"] = None if values["mode"] is None else TransportMode(values["mode"])
    color = values["vehicle_plate_color"]
    values["vehicle_plate_color"] = None if color is None else PlateColor(color)
    return ConsignmentEvent(**values)


@strawberry.type
class ConsignmentSubscription:
    @strawberry.subscription(
        description=doc(
            "实时接收运单的新事件（每个事件一次）。",
            "New events of a consignment as they are recorded, each once.",
        )
    )
    async def consignment_events(
        self,
        info: Info[Context, None],
        reference: Annotated[str, strawberry.argument(description=doc("运单号。", "Reference."))],
    ) -> AsyncGenerator[ConsignmentEvent, None]:
        ctx = info.context
        reference = identifier_argument(identifiers.waybill_reference, reference, "reference")
        if ctx.pubsub is None:
            raise Forbidden("consignmentEvents: subscriptions are not available here")
        if not {REGISTRY_READ, CONSIGNMENT_WRITE} & ctx.principal.scopes:
            raise Forbidden(
                f"consignmentEvents: needs scope {REGISTRY_READ} or {CONSIGNMENT_WRITE}"
            )
        if not ctx.principal.reads_registry:
            async with ctx.database() as session:
                row = await service.find(session, reference)
                if not concerns(ctx.principal, row, await service.legs_of(session, row.id)):
                    raise hidden(row)
        async for message in ctx.pubsub.subscribe(service.channel(reference)):
            yield _event_of(message)
