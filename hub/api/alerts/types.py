"""GraphQL types of alerts (告警): the alert, its connection, filter and order."""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from hub.alerts.models import AlertRow
from hub.api.bilingual import doc
from hub.api.common import GeoPoint, Region, region
from hub.api.context import Context
from hub.api.enums import AlertKind, AlertStatus, PlateColor, SortDirection
from hub.api.permissions import RequiresScopes
from hub.api.relay import Connection, Node
from hub.auth.scopes import ENFORCEMENT_READ, ENFORCEMENT_WRITE
from hub.operators.models import Operator as OperatorRow
from hub.vehicles.models import Vehicle as VehicleRow

if TYPE_CHECKING:
    from hub.api.operators.types import Operator
    from hub.api.vehicles.types import Vehicle

OFFICERS = RequiresScopes(any_of=[ENFORCEMENT_READ, ENFORCEMENT_WRITE])
"""Alerts are enforcement information: officers' apps and the authority's own clients."""

_TIMES = ("started_at", "ended_at", "raised_at", "acknowledged_at", "closed_at")


@strawberry.type(
    description=doc(
        "告警：车辆违反一条规则（规则及阈值见 standards/codes/alert_threshold.csv），"
        "附触发证据；状态 OPEN → ACKNOWLEDGED → CLOSED。同一车辆同一类型至多一条未关闭告警，"
        "新证据延长之。",
        "An alert: a vehicle broke a rule (rules and thresholds: "
        "standards/codes/alert_threshold.csv), with the evidence; status OPEN → ACKNOWLEDGED → "
        "CLOSED. At most one alert per vehicle and kind is not closed; new evidence extends it.",
    ),
    directives=[OFFICERS],
)
class Alert(Node):
    kind: AlertKind = strawberry.field(description=doc("告警类型。", "Kind."))
    status: AlertStatus = strawberry.field(description=doc("处置状态。", "Status."))
    plate: str = strawberry.field(description=doc("车牌号码。", "Plate number."))
    plate_color: PlateColor = strawberry.field(description=doc("车牌颜色。", "Plate colour."))
    region: Region | None = strawberry.field(
        description=doc(
            "负责的行政区划（车辆所属地；未登记车辆为全省）。",
            "Responsible region: the vehicle's, or the province for unregistered vehicles.",
        )
    )
    started_at: dt.datetime = strawberry.field(
        description=doc("首个证据的时间。", "Time of the first evidence.")
    )
    ended_at: dt.datetime = strawberry.field(
        description=doc("最近证据的时间。", "Time of the latest evidence.")
    )
    location: GeoPoint | None = strawberry.field(
        description=doc("最近证据的位置（WGS-84）。", "Where the latest evidence was (WGS-84).")
    )
    evidence: list[str] = strawberry.field(
        description=doc(
            "触发证据的标识（定位 fix:车牌:颜色:时间，记录 violation:编号 等），至多前 20 条。",
            "Ids of the evidence (fixes as fix:plate:colour:time, records as violation:id, …), "
            "the first 20 at most.",
        )
    )
    evidence_count: int = strawberry.field(
        description=doc("证据总条数。", "How many pieces of evidence in all.")
    )
    raised_at: dt.datetime = strawberry.field(
        description=doc("告警生成时间。", "When the hub raised it.")
    )
    acknowledged_at: dt.datetime | None = strawberry.field(
        description=doc("确认时间。", "When it was acknowledged.")
    )
    acknowledged_by: str | None = strawberry.field(
        description=doc("确认者（客户端标识）。", "Who acknowledged it (client id).")
    )
    closed_at: dt.datetime | None = strawberry.field(
        description=doc("关闭时间。", "When it was closed.")
    )
    closed_by: str | None = strawberry.field(
        description=doc("关闭者（客户端标识）。", "Who closed it (client id).")
    )
    disposition: str | None = strawberry.field(
        description=doc("处置结果。", "How it was handled (given on closing).")
    )
    vehicle_id: strawberry.Private[int | None]
    operator_id: strawberry.Private[int | None]

    @strawberry.field(description=doc("登记的车辆（若有）。", "The registered vehicle, if any."))
    async def vehicle(
        self, info: Info[Context, None]
    ) -> Annotated[Vehicle, strawberry.lazy("hub.api.vehicles.types")] | None:
        from hub.api.vehicles.types import Vehicle

        if self.vehicle_id is None:
            return None
        row = await info.context.by_id(VehicleRow).load(self.vehicle_id)
        return None if row is None else Vehicle.from_row(row)

    @strawberry.field(description=doc("车辆所属业户（若有）。", "The vehicle's operator, if any."))
    async def operator(
        self, info: Info[Context, None]
    ) -> Annotated[Operator, strawberry.lazy("hub.api.operators.types")] | None:
        from hub.api.operators.types import Operator

        if self.operator_id is None:
            return None
        row = await info.context.by_id(OperatorRow).load(self.operator_id)
        return None if row is None else Operator.from_row(row)

    @classmethod
    def of(cls, values: dict[str, Any]) -> Alert:
        """The published alert of a row's values (a row, or a published message)."""
        latitude, longitude = values["latitude"], values["longitude"]
        return cls(
            pk=values["id"],
            kind=AlertKind(values["kind"]),
            status=AlertStatus(values["status"]),
            plate=values["plate"],
            plate_color=PlateColor(values["plate_color"]),
            region=region(values["region_code"]),
            started_at=values["started_at"],
            ended_at=values["ended_at"],
            location=None
            if latitude is None or longitude is None
            else GeoPoint(latitude=latitude, longitude=longitude),
            evidence=list(values["evidence"]),
            evidence_count=values["evidence_count"],
            raised_at=values["raised_at"],
            acknowledged_at=values["acknowledged_at"],
            acknowledged_by=values["acknowledged_by"],
            closed_at=values["closed_at"],
            closed_by=values["closed_by"],
            disposition=values["disposition"],
            vehicle_id=values["vehicle_id"],
            operator_id=values["operator_id"],
        )

    @classmethod
    def from_row(cls, row: AlertRow) -> Alert:
        """The published alert of a stored one."""
        return cls.of({column.key: getattr(row, column.key) for column in AlertRow.__table__.c})


@lru_cache(maxsize=1024)
def decoded(message: bytes) -> dict[str, Any]:
    """A published alert's values, decoded once per process however many subscribers it goes
    to (every subscriber is handed the same ``bytes``)."""
    values: dict[str, Any] = json.loads(message)
    for name in _TIMES:
        if values[name] is not None:
            values[name] = dt.datetime.fromisoformat(values[name])
    return values


@strawberry.type(description=doc("告警分页列表。", "A paged list of alerts."))
class AlertConnection(Connection[Alert]):
    pass


@strawberry.input(description=doc("位置及半径。", "A point and a radius around it."))
class NearInput:
    latitude: float = strawberry.field(description=doc("纬度（WGS-84）。", "Latitude, WGS-84."))
    longitude: float = strawberry.field(description=doc("经度（WGS-84）。", "Longitude, WGS-84."))
    radius_km: float = strawberry.field(
        description=doc("半径（公里，0–500）。", "Radius in km, 0 to 500.")
    )


@strawberry.input(description=doc("告警筛选条件。", "Filter of alerts."))
class AlertFilter:
    kinds: list[AlertKind] | None = strawberry.field(
        default=None, description=doc("告警类型（任一）。", "Kinds (any of them).")
    )
    statuses: list[AlertStatus] | None = strawberry.field(
        default=None, description=doc("处置状态（任一）。", "Statuses (any of them).")
    )
    region: str | None = strawberry.field(
        default=None,
        description=doc("行政区划代码（省、市或县）。", "Division code (province, city, county)."),
    )
    plate: str | None = strawberry.field(
        default=None, description=doc("车牌号码（须同时给出颜色）。", "Plate (with plateColor).")
    )
    plate_color: PlateColor | None = strawberry.field(
        default=None, description=doc("车牌颜色。", "Plate colour.")
    )
    started_from: dt.datetime | None = strawberry.field(
        default=None, description=doc("首个证据不早于。", "First evidence at or after.")
    )
    started_to: dt.datetime | None = strawberry.field(
        default=None, description=doc("首个证据早于。", "First evidence before.")
    )
    near: NearInput | None = strawberry.field(
        default=None,
        description=doc(
            "最近证据位置在此点半径内（如执法人员附近的黑名单车辆）。",
            "Latest evidence within a radius of a point (blacklisted vehicles near an officer).",
        ),
    )


@strawberry.enum(description=doc("告警排序字段。", "What alerts are ordered by."))
class AlertOrderField(Enum):
    STARTED_AT = strawberry.enum_value(
        "STARTED_AT", description=doc("首个证据时间。", "Time of the first evidence.")
    )
    ENDED_AT = strawberry.enum_value(
        "ENDED_AT", description=doc("最近证据时间。", "Time of the latest evidence.")
    )


@strawberry.input(description=doc("告警排序。", "Ordering of alerts."))
class AlertOrder:
    field: AlertOrderField = strawberry.field(description=doc("排序字段。", "Field."))
    direction: SortDirection = strawberry.field(
        default=SortDirection.DESC, description=doc("排序方向。", "Direction.")
    )
