"""Consignments in GraphQL: the waybill, its legs and its timeline.

Who reads what (``hub.multimodal.access.consignment_rule``, applied by every path): registry
readers see every consignment; a carrier or terminal client (scope consignment:write, acting for
a credit code) sees the consignments it booked, carries a leg of or is named in.
Dangerous-goods details (UN number, class) go to those concerned, and to enforcement clients
while the consignment is on the road.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import FieldExtension
from strawberry.schema_directive import Location
from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.enums import ConsignmentEventKind, ConsignmentStatus, PlateColor, TransportMode
from hub.api.permissions import RequiresScopes
from hub.api.relay import Connection
from hub.auth.principal import Principal
from hub.auth.scopes import CONSIGNMENT_WRITE, ENFORCEMENT_READ, REGISTRY_READ
from hub.errors import Forbidden
from hub.multimodal import service
from hub.multimodal.access import dangerous_goods_withheld
from hub.multimodal.models import (
    ConsignmentEventRow,
    ConsignmentLegRow,
    ConsignmentRow,
)

READERS = RequiresScopes(any_of=[REGISTRY_READ, CONSIGNMENT_WRITE])
"""Consignments: registry readers, and carriers for the consignments that concern them."""


def _f(zh: str, en: str) -> Any:
    return strawberry.field(description=doc(zh, en))


def writer_of(principal: Principal) -> service.Writer:
    """The writer a client is; refuses the anonymous caller."""
    if principal.client_id is None:
        raise Forbidden("consignments are written by registered clients only")
    return service.Writer(principal.client_id, principal.uscc)


def reader_of(principal: Principal) -> service.Writer | None:
    """The client as the consignment rules see it; None for the anonymous caller."""
    if principal.client_id is None:
        return None
    return service.Writer(principal.client_id, principal.uscc)


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    description=doc(
        "危险货物明细：仅运单相关方（订舱方、承运人、列名当事方）可读；执法客户端"
        "（enforcement:read）在货物处于道路运输区段时可读任何运单。",
        "Dangerous-goods detail: readable by those concerned (booker, carriers, named "
        "parties), and by enforcement clients (enforcement:read) for any consignment on the road.",
    ),
)
class DangerousGoodsDetail:
    pass


class DangerousGoodsGuard(FieldExtension):
    """Releases a dangerous-goods detail where the consignment allows it, else says why not."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        value = next_(source, info, **kwargs)
        if value is None or source.withheld is None:
            return value
        raise Forbidden(f"{info.field_name}: {source.withheld}")


def _dangerous(zh: str, en: str) -> Any:
    return strawberry.field(
        description=doc(zh, en),
        directives=[DangerousGoodsDetail()],
        extensions=[DangerousGoodsGuard()],
    )


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
    un_number: str | None = _dangerous("危险货物联合国编号。", "UN number of dangerous goods.")
    hazard_class: str | None = _dangerous("危险货物类别。", "Dangerous goods class.")
    withheld: strawberry.Private[str | None] = None
    """Why this client may not read the dangerous-goods details, if it may not."""


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
    leg: int | None = _f(
        "所涉运输区段序号（报送方注明时）。", "The leg it is about, where the reporter said."
    )
    container_number: str | None = _f("集装箱号。", "Container number.")
    vehicle_plate: str | None = _f("车牌号码。", "Vehicle plate.")
    vehicle_plate_color: PlateColor | None = _f("车牌颜色。", "Vehicle plate colour.")
    vessel_mmsi: str | None = _f("船舶 MMSI。", "Vessel MMSI.")
    mode: TransportMode | None = _f("运输方式。", "Transport mode.")
    remarks: str | None = _f("备注。", "Remarks.")
    received_at: dt.datetime = _f("本平台接收时间。", "When the hub received it.")
    reported_by: str | None = _f(
        "报送方：数据来源机构或报送、导入该事件的客户端。",
        "Who delivered it to the hub: the agency of a feed, or the client that reported or "
        "imported it.",
    )

    cursor: str = _f(
        "事件在本运单事件流中的位置（按记录顺序递增）：订阅时作为 after 传回即从其后续传。",
        "The event's place in the consignment's stream, rising in the order events were "
        "recorded: give it back as `after` to resume a subscription from the next one.",
    )

    @classmethod
    def from_row(cls, row: ConsignmentEventRow) -> ConsignmentEvent:
        """The published event of a stored one."""
        values = {name: getattr(row, name) for name in cls.__annotations__ if name != "cursor"}
        return cls(**values, cursor=str(row.sequence))


@strawberry.type(
    description=doc("一单到底多式联运运单。", "A multimodal consignment: one waybill end to end."),
    directives=[READERS],
)
class Consignment:
    reference: str = _f("运单号。", "Waybill reference.")
    issued_at: dt.datetime = _f("签发时间。", "Issued at.")
    status: ConsignmentStatus = _f("运单状态。", "Status.")
    parties: list[Party] = _f("当事方。", "Parties.")
    goods: list[GoodsLine] = _f("货物。", "Goods.")
    dangerous_goods: bool = _f(
        "是否载有危险货物（明细另有读取限制）。",
        "Whether it carries dangerous goods (the details are restricted).",
    )
    booked_by: str = _f("订舱客户端。", "The client that booked it.")
    closed_at: dt.datetime | None = _f("关闭时间。", "When it was closed.")
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


async def load_consignments(ctx: Context, rows: Sequence[ConsignmentRow]) -> list[Consignment]:
    """Consignments with their legs, containers and timelines, as this client may see them:
    three statements for a whole page. ``rows`` were read under the consignment rule
    (``hub.multimodal.access.consignment_rule``)."""
    async with ctx.database() as session:
        return await _with_relations(ctx, session, rows)


async def load_consignment(
    ctx: Context,
    row: ConsignmentRow,
    written: AsyncSession | None = None,
    selected: Sequence[Selection] | None = None,
) -> Consignment:
    """A consignment with its legs, containers and timeline, as this client may see it.

    A mutation passes the session it has ``written`` in, before it commits: read in the same
    transaction, its answer takes no second connection from the pool, nor that connection's
    liveness check. It also passes the fields its answer ``selected``: what they do not need
    (legs, containers, the timeline) is not read, so recording an event on a long timeline
    and answering ``{ status }`` costs no more than on a short one."""
    if written is None:
        return (await load_consignments(ctx, [row]))[0]
    await written.flush()  # the session does not flush by itself
    needs = RELATIONS if selected is None else _needed(selected)
    return (await _with_relations(ctx, written, [row], needs))[0]


RELATIONS = frozenset({"legs", "timeline", "containers"})
"""What a consignment is read with besides its row."""

_NEEDED_BY = {
    "legs": {"legs"},
    "timeline": {"timeline"},
    "containers": {"containers"},
    # The current leg and the ETA follow from legs and timeline; so does whether the goods'
    # dangerous-goods details are withheld (the consignment on the road or not).
    "currentLeg": {"legs", "timeline"},
    "eta": {"legs", "timeline"},
    "goods": {"legs", "timeline"},
}


def _needed(selected: Sequence[Selection]) -> frozenset[str]:
    """The relations the fields selected on a consignment need, fragments included."""
    needs: set[str] = set()
    for selection in selected:
        if isinstance(selection, SelectedField):
            needs |= _NEEDED_BY.get(selection.name, set())
        else:  # a fragment spread or an inline fragment: its own selections
            needs |= _needed(selection.selections)
    return frozenset(needs)


async def _with_relations(
    ctx: Context,
    session: AsyncSession,
    rows: Sequence[ConsignmentRow],
    needs: frozenset[str] = RELATIONS,
) -> list[Consignment]:
    ids = [row.id for row in rows]
    none: dict[int, list[Any]] = {id_: [] for id_ in ids}
    legs = await service.legs_by_consignment(session, ids) if "legs" in needs else none
    events = await service.timelines(session, ids) if "timeline" in needs else none
    containers = (
        await service.containers_by_consignment(session, ids) if "containers" in needs else none
    )
    return [_published(ctx, row, legs[row.id], events[row.id], containers[row.id]) for row in rows]


def _published(
    ctx: Context,
    row: ConsignmentRow,
    legs: Sequence[ConsignmentLegRow],
    events: Sequence[ConsignmentEventRow],
    containers: Sequence[str],
) -> Consignment:
    state = service.progress(legs, events)
    withheld = dangerous_goods_withheld(
        row, legs, state.current_leg, reader_of(ctx.principal),
        ctx.principal.has(ENFORCEMENT_READ), dt.datetime.now(dt.UTC),
    )  # fmt: skip
    return Consignment(
        reference=row.reference,
        issued_at=row.issued_at,
        status=row.status,
        parties=[Party(**party) for party in row.parties],
        goods=[GoodsLine(**goods, withheld=withheld) for goods in row.goods],
        dangerous_goods=row.dangerous_goods,
        booked_by=row.booked_by,
        closed_at=row.closed_at,
        containers=list(containers),
        legs=[ConsignmentLeg.from_row(leg) for leg in legs],
        timeline=[ConsignmentEvent.from_row(event) for event in events],
        current_leg=state.current_leg,
        eta=state.eta,
    )


@strawberry.type(description=doc("运单分页列表。", "A paged list of consignments."))
class ConsignmentConnection(Connection[Consignment]):
    pass
