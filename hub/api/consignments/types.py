"""Consignments in GraphQL: the waybill, its legs and its timeline, searched and followed live."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.enums import ConsignmentEventKind, ConsignmentStatus, PlateColor, TransportMode
from hub.api.permissions import REGISTRY, RequiresScopes
from hub.auth.scopes import CONSIGNMENT_WRITE
from hub.canonical.multimodal import ConsignmentEvent as EventRecord
from hub.errors import BadUserInput, Forbidden
from hub.multimodal import service
from hub.multimodal.models import (
    ConsignmentContainerRow,
    ConsignmentEventRow,
    ConsignmentLegRow,
    ConsignmentRow,
)


def _f(zh: str, en: str) -> Any:
    return strawberry.field(description=doc(zh, en))


@strawberry.type(description=doc("运单当事方。", "A party to the consignment."))
class Party:
    role: str = _f("角色：shipper、consignee 或 carrier。", "Role: shipper, consignee or carrier.")
    name: str = _f("名称。", "Name.")
    uscc: str | None = _f("统一社会信用代码。", "Unified social credit code.")


@strawberry.type(description=doc("货物明细。", "A line of goods."))
class GoodsLine:
    description: str = _f("品名。", "Description.")
    packages: int = _f("件数。", "Packages.")
    packaging: str = _f("包装。", "Packaging.")
    gross_weight_kg: float = _f("毛重（千克）。", "Gross weight in kg.")
    un_number: str | None = _f("危险货物联合国编号。", "UN number of dangerous goods.")
    hazard_class: str | None = _f("危险货物类别。", "Dangerous goods class.")


@strawberry.type(description=doc("运输区段。", "A leg of the journey."))
class ConsignmentLeg:
    sequence: int = _f("区段序号。", "Leg number.")
    mode: TransportMode = _f("运输方式。", "Transport mode.")
    carrier_name: str = _f("承运人。", "Carrier.")
    carrier_uscc: str | None = _f("承运人统一社会信用代码。", "Carrier's credit code.")
    origin: str = _f("起运地。", "Origin.")
    destination: str = _f("到达地。", "Destination.")
    handover_point: str | None = _f("交接点。", "Handover point.")
    planned_departure: dt.datetime = _f("计划出发时间。", "Planned departure.")
    planned_arrival: dt.datetime = _f("计划到达时间。", "Planned arrival.")
    vehicle_plate: str | None = _f("车牌号码。", "Vehicle plate.")
    vehicle_plate_color: PlateColor | None = _f("车牌颜色。", "Vehicle plate colour.")
    vessel_mmsi: str | None = _f("船舶 MMSI。", "Vessel MMSI.")
    rail_waybill_number: str | None = _f("铁路货票号。", "Rail waybill number.")

    @classmethod
    def from_row(cls, row: ConsignmentLegRow) -> ConsignmentLeg:
        """The published leg of a stored one."""
        return cls(**{name: getattr(row, name) for name in cls.__annotations__})


@strawberry.type(description=doc("运单状态事件。", "A status event of a consignment."))
class ConsignmentEvent:
    kind: ConsignmentEventKind = _f("事件类型。", "Kind of event.")
    occurred_at: dt.datetime = _f("发生时间。", "When it happened.")
    location: str = _f("地点。", "Where.")
    source: str = _f("来源（机构或承运人）。", "Source: agency or carrier.")
    source_event_id: str = _f("来源事件标识。", "The event's id at its source.")
    container_number: str | None = _f("集装箱号。", "Container number.")
    vehicle_plate: str | None = _f("车牌号码。", "Vehicle plate.")
    vessel_mmsi: str | None = _f("船舶 MMSI。", "Vessel MMSI.")
    mode: TransportMode | None = _f("运输方式。", "Transport mode.")
    remarks: str | None = _f("备注。", "Remarks.")
    received_at: dt.datetime = _f("本平台接收时间。", "When the hub received it.")

    @classmethod
    def from_row(cls, row: ConsignmentEventRow) -> ConsignmentEvent:
        """The published event of a stored one."""
        return cls(**{name: getattr(row, name) for name in cls.__annotations__})


@strawberry.type(
    description=doc("一单到底多式联运运单。", "A multimodal consignment: one waybill end to end."),
    directives=[REGISTRY],
)
class Consignment:
    reference: str = _f("运单号。", "Waybill reference.")
    issued_at: dt.datetime = _f("签发时间。", "Issued at.")
    status: ConsignmentStatus = _f("运单状态。", "Status.")
    parties: list[Party] = _f("当事方。", "Parties.")
    goods: list[GoodsLine] = _f("货物。", "Goods.")
    containers: list[str] = _f("集装箱号（ISO 6346）。", "Container numbers (ISO 6346).")
    legs: list[ConsignmentLeg] = _f("运输区段，依序。", "Legs, in order.")
    timeline: list[ConsignmentEvent] = _f(
        "事件时间线（按发生时间排序，重复事件只计一次）。",
        "Timeline: events in the order they happened, each once.",
    )
    current_leg: int | None = _f(
        "当前区段序号（交付后为空）。", "Current leg; null once delivered."
    )
    eta: dt.datetime | None = _f("预计到达时间。", "Estimated arrival.")


async def load_consignment(ctx: Context, row: ConsignmentRow) -> Consignment:
    """A consignment with its legs, containers and timeline."""
    async with ctx.database() as session:
        legs = await service.legs_of(session, row.id)
        events = await service.timeline(session, row.id)
        containers = (
            await session.scalars(
                select(ConsignmentContainerRow.container_number).where(
                    ConsignmentContainerRow.consignment_id == row.id
                )
            )
        ).all()
    state = service.progress(legs, events)
    return Consignment(
        reference=row.reference,
        issued_at=row.issued_at,
        status=row.status,
        parties=[Party(**party) for party in row.parties],
        goods=[GoodsLine(**goods) for goods in row.goods],
        containers=sorted(containers),
        legs=[ConsignmentLeg.from_row(leg) for leg in legs],
        timeline=[ConsignmentEvent.from_row(event) for event in events],
        current_leg=state.current_leg,
        eta=state.eta,
    )


@strawberry.input(description=doc("记录一个状态事件。", "A status event to record."))
class ConsignmentEventInput:
    reference: str = _f("运单号。", "Waybill reference.")
    kind: ConsignmentEventKind = _f("事件类型。", "Kind of event.")
    occurred_at: dt.datetime = _f("发生时间（含时区）。", "When, with a time zone.")
    location: str = _f("地点。", "Where.")
    source_event_id: str = _f("本方事件标识（重发不变）。", "Your id of the event, kept on resend.")
    container_number: str | None = strawberry.field(
        default=None, description=doc("集装箱号。", "Container number.")
    )
    mode: TransportMode | None = strawberry.field(
        default=None, description=doc("运输方式。", "Transport mode.")
    )
    remarks: str | None = strawberry.field(default=None, description=doc("备注。", "Remarks."))


def _event_of(message: bytes) -> ConsignmentEvent:
    values = {name: value for name, value in json.loads(message).items() if name in EVENT_FIELDS}
    for name in ("occurred_at", "received_at"):
        values[name] = dt.datetime.fromisoformat(values[name])
    values["kind"] = ConsignmentEventKind(values["kind"])
    values["mode"] = None if values["mode"] is None else TransportMode(values["mode"])
    return ConsignmentEvent(**values)


EVENT_FIELDS = {
    "kind", "occurred_at", "location", "source", "source_event_id", "container_number",
    "vehicle_plate", "vessel_mmsi", "mode", "remarks", "received_at",
}  # fmt: skip


@strawberry.type
class ConsignmentQuery:
    @strawberry.field(description=doc("按运单号查运单。", "A consignment by its reference."))
    async def consignment(
        self,
        info: Info[Context, None],
        reference: Annotated[str, strawberry.argument(description=doc("运单号。", "Reference."))],
    ) -> Consignment:
        async with info.context.database() as session:
            row = await service.find(session, reference.strip().upper())
        return await load_consignment(info.context, row)

    @strawberry.field(
        description=doc(
            "按集装箱号查运单（至多 20 个）。", "Consignments carrying a container (20 max)."
        )
    )
    async def consignments_by_container(
        self,
        info: Info[Context, None],
        container_number: Annotated[
            str, strawberry.argument(description=doc("集装箱号。", "Container number."))
        ],
    ) -> list[Consignment]:
        number = container_number.strip().upper()
        async with info.context.database() as session:
            rows = (
                await session.scalars(
                    select(ConsignmentRow)
                    .join(
                        ConsignmentContainerRow,
                        ConsignmentContainerRow.consignment_id == ConsignmentRow.id,
                    )
                    .where(ConsignmentContainerRow.container_number == number)
                    .order_by(ConsignmentRow.issued_at.desc())
                    .limit(20)
                )
            ).all()
        return [await load_consignment(info.context, row) for row in rows]

    @strawberry.field(
        description=doc(
            "按托运人和开单时间段查运单（含起不含止，至多 50 个，新者在前）。",
            "Consignments of a shipper issued in [from, to) (50 max, newest first).",
        )
    )
    async def consignments_by_shipper(
        self,
        info: Info[Context, None],
        shipper_name: Annotated[
            str, strawberry.argument(description=doc("托运人名称。", "Shipper's name."))
        ],
        issued_from: Annotated[
            dt.datetime, strawberry.argument(description=doc("开单起始时间。", "Issued from."))
        ],
        issued_to: Annotated[
            dt.datetime, strawberry.argument(description=doc("开单截止时间。", "Issued before."))
        ],
    ) -> list[Consignment]:
        name = shipper_name.strip()
        if not name:
            raise BadUserInput("shipperName must not be empty")
        if issued_from.tzinfo is None or issued_to.tzinfo is None:
            raise BadUserInput("issuedFrom and issuedTo need a UTC offset")
        if issued_to <= issued_from:
            raise BadUserInput("issuedTo must be after issuedFrom")
        async with info.context.database() as session:
            rows = (
                await session.scalars(
                    select(ConsignmentRow)
                    .where(
                        ConsignmentRow.shipper_name == name,
                        ConsignmentRow.issued_at >= issued_from,
                        ConsignmentRow.issued_at < issued_to,
                    )
                    .order_by(ConsignmentRow.issued_at.desc(), ConsignmentRow.id.desc())
                    .limit(50)
                )
            ).all()
        return [await load_consignment(info.context, row) for row in rows]


@strawberry.type
class ConsignmentMutation:
    @strawberry.mutation(
        description=doc(
            "记录运单状态事件（重复提交只记一次）。",
            "Record a status event (once however often sent).",
        ),
        directives=[RequiresScopes(any_of=[CONSIGNMENT_WRITE])],
    )
    async def record_consignment_event(
        self,
        info: Info[Context, None],
        event: Annotated[
            ConsignmentEventInput, strawberry.argument(description=doc("事件。", "The event."))
        ],
    ) -> Consignment:
        ctx = info.context
        principal = ctx.principal
        if principal.client_id is None:
            raise Forbidden("recordConsignmentEvent: needs a client")
        if event.occurred_at.tzinfo is None:
            raise BadUserInput("event.occurredAt: give a time zone", field="event.occurredAt")
        record = EventRecord(
            source=principal.client_id, source_event_id=event.source_event_id, kind=event.kind,
            occurred_at=event.occurred_at, location=event.location,
            consignment_reference=event.reference.strip().upper(),
            container_number=event.container_number, mode=event.mode, remarks=event.remarks,
        )  # fmt: skip
        async with ctx.sessions() as session, session.begin():
            row = await service.find(session, record.consignment_reference or "")
            new = await service.record(session, record, dt.datetime.now(dt.UTC))
            stored = await session.scalar(
                select(ConsignmentEventRow).where(
                    ConsignmentEventRow.consignment_id == row.id,
                    ConsignmentEventRow.source == record.source,
                    ConsignmentEventRow.source_event_id == record.source_event_id,
                )
            )
        if new and stored is not None and ctx.pubsub is not None:
            await ctx.pubsub.publish(service.channel(row.reference), service.event_message(stored))
        return await load_consignment(ctx, row)


@strawberry.type
class ConsignmentSubscription:
    @strawberry.subscription(
        description=doc(
            "实时接收运单的新事件。", "New events of a consignment, as they are recorded."
        )
    )
    async def consignment_events(
        self,
        info: Info[Context, None],
        reference: Annotated[str, strawberry.argument(description=doc("运单号。", "Reference."))],
    ) -> AsyncGenerator[ConsignmentEvent, None]:
        ctx = info.context
        if not ctx.principal.reads_registry:
            raise Forbidden("consignmentEvents: needs scope registry:read")
        if ctx.pubsub is None:
            raise Forbidden("consignmentEvents: subscriptions are not available here")
        channel = service.channel(reference.strip().upper())
        async for message in ctx.pubsub.subscribe(channel):
            yield _event_of(message)
