"""Writing consignments: book, add or change a leg, record an event, close.

Every mutation needs scope consignment:write. The client that books a consignment manages it;
a carrier (a client acting for a credit code) changes and reports on its own legs only. Each
mutation is one unit of work: refused, it leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info
from strawberry.types.nodes import Selection

from hub.api.bilingual import doc
from hub.api.consignments.inputs import ConsignmentEventInput, ConsignmentInput, LegInput, zoned
from hub.api.consignments.types import Consignment, load_consignment, writer_of
from hub.api.context import Context
from hub.api.permissions import RequiresScopes
from hub.api.text import identifier_argument
from hub.auth.scopes import CONSIGNMENT_WRITE
from hub.canonical import identifiers
from hub.canonical.multimodal import ConsignmentEvent as EventRecord
from hub.multimodal import service
from hub.multimodal.models import ConsignmentRow

WRITERS = RequiresScopes(any_of=[CONSIGNMENT_WRITE])

Reference = Annotated[str, strawberry.argument(description=doc("运单号。", "Waybill reference."))]


def _reference(value: str) -> str:
    return identifier_argument(identifiers.waybill_reference, value, "reference")


async def _written(
    info: Info[Context, None],
    work: Callable[[AsyncSession, service.Writer], Awaitable[ConsignmentRow]],
) -> Consignment:
    """Run ``work`` as the client in one transaction; the consignment as it then stands."""
    ctx = info.context
    writer = writer_of(ctx.principal)
    async with ctx.sessions() as session, session.begin():
        row = await work(session, writer)
        return await load_consignment(ctx, row, session, _selected(info))


def _selected(info: Info[Context, None]) -> list[Selection]:
    """The fields the mutation's answer selects on the consignment."""
    return [s for field in info.selected_fields for s in field.selections]


@strawberry.type
class ConsignmentMutation:
    @strawberry.mutation(
        description=doc(
            "订舱：登记一张多式联运运单；本客户端即为其管理方。",
            "Book a multimodal waybill; the booking client manages it.",
        ),
        directives=[WRITERS],
    )
    async def book_consignment(
        self,
        info: Info[Context, None],
        waybill: Annotated[
            ConsignmentInput, strawberry.argument(description=doc("运单。", "The waybill."))
        ],
    ) -> Consignment:
        record = waybill.record()
        return await _written(info, lambda s, writer: service.book(s, record, writer.client_id))

    @strawberry.mutation(
        description=doc(
            "在末段之后增加一个运输区段（仅订舱方）。",
            "Add a leg after the last one (the booker only).",
        ),
        directives=[WRITERS],
    )
    async def add_consignment_leg(
        self,
        info: Info[Context, None],
        reference: Reference,
        leg: Annotated[LegInput, strawberry.argument(description=doc("区段。", "The leg."))],
    ) -> Consignment:
        added = leg.record("leg")
        return await _written(
            info, lambda s, w: service.add_leg(s, _reference(reference), added, w)
        )

    @strawberry.mutation(
        description=doc(
            "修改一个运输区段的计划（订舱方可改任一区段，承运人只可改本方区段）。",
            "Change a leg's plan: the booker any leg, a carrier its own only.",
        ),
        directives=[WRITERS],
    )
    async def change_consignment_leg(
        self,
        info: Info[Context, None],
        reference: Reference,
        leg: Annotated[
            LegInput, strawberry.argument(description=doc("区段（按序号替换）。", "The leg."))
        ],
    ) -> Consignment:
        changed = leg.record("leg")
        return await _written(
            info, lambda s, w: service.change_leg(s, _reference(reference), changed, w)
        )

    @strawberry.mutation(
        description=doc(
            "记录运单状态事件（重复提交只记一次；承运人须注明所报区段）。",
            "Record a status event (once however often sent; carriers name their leg).",
        ),
        directives=[WRITERS],
    )
    async def record_consignment_event(
        self,
        info: Info[Context, None],
        event: Annotated[
            ConsignmentEventInput, strawberry.argument(description=doc("事件。", "The event."))
        ],
    ) -> Consignment:
        ctx = info.context
        writer = writer_of(ctx.principal)
        record = EventRecord(
            source=writer.client_id, source_event_id=event.source_event_id, kind=event.kind,
            occurred_at=zoned(event.occurred_at, "event.occurredAt"), location=event.location,
            consignment_reference=_reference(event.reference),
            container_number=event.container_number,
            mode=event.mode, remarks=event.remarks,
        )  # fmt: skip
        async with ctx.sessions() as session, session.begin():
            row, stored = await service.report(
                session, record, writer, event.leg, dt.datetime.now(dt.UTC)
            )
            consignment = await load_consignment(ctx, row, session, _selected(info))
        # Published once committed, from the row the insert returned: no statement more.
        messages = [] if stored is None else [service.published(row.reference, stored)]
        await service.publish(ctx.pubsub, messages)
        return consignment

    @strawberry.mutation(
        description=doc(
            "关闭运单（仅订舱方）：此后不再接收事件。",
            "Close a consignment (the booker only): no more events attach.",
        ),
        directives=[WRITERS],
    )
    async def close_consignment(
        self, info: Info[Context, None], reference: Reference
    ) -> Consignment:
        return await _written(info, lambda s, w: service.close(s, _reference(reference), w))
