"""What clients send about consignments: waybills, legs, events and search filters."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import strawberry

from hub.api.bilingual import doc
from hub.api.common import ORDER_DIRECTION_DESCRIPTION
from hub.api.enums import (
    ConsignmentEventKind,
    ConsignmentStatus,
    PlateColor,
    SortDirection,
    TransportMode,
)
from hub.canonical import multimodal
from hub.errors import BadUserInput


def _f(zh: str, en: str) -> Any:
    return strawberry.field(description=doc(zh, en))


def _optional(zh: str, en: str) -> Any:
    return strawberry.field(default=None, description=doc(zh, en))


def zoned(value: dt.datetime, field: str) -> dt.datetime:
    """A time with its offset; a time without one is refused, never guessed."""
    if value.tzinfo is None:
        raise BadUserInput(
            f"{field}: give a time zone, e.g. 2026-11-02T08:00:00+08:00", field=field
        )
    return value


def _upper(value: str | None) -> str | None:
    """A code (hazard class, rail waybill number) in capitals; identifiers are left to their
    rules in hub.canonical.identifiers, which the booking applies."""
    return None if value is None else value.strip().upper() or None


@strawberry.input(description=doc("运单当事方。", "A party to the consignment."))
class PartyInput:
    role: str = _f(
        "角色：shipper、consignee、carrier 或 notify。",
        "Role: shipper, consignee, carrier or notify.",
    )
    name: str = _f("名称。", "Name.")
    uscc: str | None = _optional("统一社会信用代码。", "Unified social credit code.")

    def record(self) -> multimodal.Party:
        return multimodal.Party(role=self.role.strip(), name=self.name.strip(), uscc=self.uscc)


@strawberry.input(description=doc("货物明细。", "A line of goods."))
class GoodsInput:
    description: str = _f("品名。", "Description.")
    packages: int = _f("件数。", "Packages.")
    packaging: str = _f("包装。", "Packaging.")
    gross_weight_kg: float = _f("毛重（千克）。", "Gross weight in kg.")
    un_number: str | None = _optional("危险货物联合国编号。", "UN number of dangerous goods.")
    hazard_class: str | None = _optional("危险货物类别。", "Dangerous goods class.")

    def record(self) -> multimodal.Goods:
        return multimodal.Goods(
            description=self.description.strip(), packages=self.packages,
            packaging=self.packaging.strip(), gross_weight_kg=self.gross_weight_kg,
            un_number=self.un_number, hazard_class=_upper(self.hazard_class),
        )  # fmt: skip


@strawberry.input(description=doc("运输区段。", "A leg of the journey."))
class LegInput:
    sequence: int = _f("区段序号（从 1 起）。", "Leg number, from 1.")
    mode: TransportMode = _f("运输方式。", "Transport mode.")
    carrier_name: str = _f("承运人。", "Carrier.")
    origin: str = _f("起运地。", "Origin.")
    destination: str = _f("到达地。", "Destination.")
    planned_departure: dt.datetime = _f("计划出发时间（含时区）。", "Planned departure, zoned.")
    planned_arrival: dt.datetime = _f("计划到达时间（含时区）。", "Planned arrival, zoned.")
    carrier_uscc: str | None = _optional("承运人统一社会信用代码。", "Carrier's credit code.")
    handover_point: str | None = _optional("交接点。", "Handover point.")
    vehicle_plate: str | None = _optional("车牌号码。", "Vehicle plate.")
    vehicle_plate_color: PlateColor | None = _optional("车牌颜色。", "Vehicle plate colour.")
    vessel_mmsi: str | None = _optional("船舶 MMSI。", "Vessel MMSI.")
    rail_waybill_number: str | None = _optional("铁路货票号。", "Rail waybill number.")

    def record(self, field: str) -> multimodal.Leg:
        return multimodal.Leg(
            sequence=self.sequence, mode=self.mode, carrier_uscc=self.carrier_uscc,
            carrier_name=self.carrier_name.strip(), origin=self.origin.strip(),
            destination=self.destination.strip(), handover_point=self.handover_point,
            planned_departure=zoned(self.planned_departure, f"{field}.plannedDeparture"),
            planned_arrival=zoned(self.planned_arrival, f"{field}.plannedArrival"),
            vehicle_plate=self.vehicle_plate, vehicle_plate_color=self.vehicle_plate_color,
            vessel_mmsi=self.vessel_mmsi,
            rail_waybill_number=_upper(self.rail_waybill_number),
        )  # fmt: skip


@strawberry.input(description=doc("多式联运运单（订舱）。", "A multimodal waybill to book."))
class ConsignmentInput:
    reference: str = _f("运单号（全平台唯一）。", "Waybill reference, unique in the hub.")
    issued_at: dt.datetime = _f("签发时间（含时区）。", "Issued at, zoned.")
    parties: list[PartyInput] = _f("当事方：至少发货人和收货人。", "Parties: shipper, consignee…")
    goods: list[GoodsInput] = _f("货物。", "Goods.")
    containers: list[str] = _f("集装箱号（ISO 6346）。", "Container numbers (ISO 6346).")
    legs: list[LegInput] = _f("运输区段，依序。", "Legs, in order.")

    def record(self) -> multimodal.Consignment:
        return multimodal.Consignment(
            reference=self.reference,
            issued_at=zoned(self.issued_at, "waybill.issuedAt"),
            parties=tuple(party.record() for party in self.parties),
            goods=tuple(goods.record() for goods in self.goods),
            containers=tuple(self.containers),
            legs=tuple(leg.record(f"waybill.legs[{i}]") for i, leg in enumerate(self.legs)),
        )


@strawberry.input(description=doc("记录一个状态事件。", "A status event to record."))
class ConsignmentEventInput:
    reference: str = _f("运单号。", "Waybill reference.")
    kind: ConsignmentEventKind = _f("事件类型。", "Kind of event.")
    occurred_at: dt.datetime = _f("发生时间（含时区）。", "When, with a time zone.")
    location: str = _f("地点。", "Where.")
    source_event_id: str = _f("本方事件标识（重发不变）。", "Your id of the event, kept on resend.")
    leg: int | None = _optional(
        "所报区段序号（承运人必填）。", "The leg reported on (carriers must give it)."
    )
    container_number: str | None = _optional("集装箱号。", "Container number.")
    mode: TransportMode | None = _optional(
        "运输方式（缺省取所报区段的）。", "Transport mode (the leg's when left out)."
    )
    remarks: str | None = _optional("备注。", "Remarks.")


@strawberry.input(
    description=doc("运单查询条件（各条件同时满足）。", "Consignment filter (all hold).")
)
class ConsignmentFilter:
    reference: str | None = _optional("运单号。", "Waybill reference.")
    container_number: str | None = _optional("集装箱号。", "Container number.")
    shipper_name: str | None = _optional("托运人名称。", "Shipper's name.")
    issued_from: dt.datetime | None = _optional("开单起始时间（含）。", "Issued at or after.")
    issued_to: dt.datetime | None = _optional("开单截止时间（不含）。", "Issued before.")
    status: ConsignmentStatus | None = _optional("运单状态。", "Status.")


@strawberry.enum(description=doc("运单排序字段。", "What consignments can be ordered by."))
class ConsignmentOrderField(Enum):
    ISSUED_AT = strawberry.enum_value("ISSUED_AT", description=doc("签发时间。", "Issued at."))
    REFERENCE = strawberry.enum_value("REFERENCE", description=doc("运单号。", "Reference."))


@strawberry.input(description=doc("运单排序（默认新开者在前）。", "Consignment ordering."))
class ConsignmentOrder:
    field: ConsignmentOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )
