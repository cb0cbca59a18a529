"""GraphQL types of vehicles."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from hub.agency_records import repository as records
from hub.agency_records.models import (
    AccidentRow,
    InsurancePolicyRow,
    TrafficViolationRow,
    VehicleRegistrationRow,
)
from hub.api.agencies.types import (
    Accident,
    InsurancePolicy,
    Limit,
    TrafficViolation,
    VehicleRegistration,
    capped,
)
from hub.api.bilingual import doc
from hub.api.common import (
    ORDER_DIRECTION_DESCRIPTION,
    REGION_DESCRIPTION,
    Provenance,
    Region,
    region,
    region_argument,
)
from hub.api.context import Context
from hub.api.enums import LicenceStatus, PlateColor, SortDirection, Validity, VehicleType
from hub.api.permissions import OPEN, TRACKING, followed
from hub.api.positions.types import (
    TrackPoint,
    TrackStop,
    VehiclePosition,
    VehicleTrack,
    track_window,
)
from hub.api.relay import Connection, Node
from hub.api.text import search_argument
from hub.filters import today, validity_of
from hub.lines.models import PassengerLine as LineRow
from hub.operators.models import Operator as OperatorRow
from hub.positions import repository as positions
from hub.positions import tracks
from hub.positions.models import LatestPosition, PositionFix
from hub.vehicles.models import Vehicle as VehicleRow
from hub.vehicles.repository import VehicleFilter

if TYPE_CHECKING:
    from hub.api.lines.types import PassengerLine
    from hub.api.operators.types import Operator


@strawberry.type(
    description=doc("道路运输证。", "Road transport certificate (道路运输证) of a vehicle.")
)
class RoadTransportCertificate:
    number: str = strawberry.field(description=doc("道路运输证号。", "Certificate number."))
    valid_from: dt.date = strawberry.field(description=doc("发证日期。", "Valid from."))
    valid_to: dt.date = strawberry.field(
        description=doc("有效期至（含当日）。", "Valid to, inclusive.")
    )
    status: LicenceStatus = strawberry.field(description=doc("证件状态。", "Certificate status."))
    validity: Validity = strawberry.field(
        description=doc("今日的有效状态。", "Where the certificate stands today.")
    )


@strawberry.type(
    description=doc(
        "营运车辆，以车牌号码加车牌颜色唯一标识。",
        "An operating vehicle, identified by plate number and plate colour together.",
    ),
    directives=[OPEN],
)
class Vehicle(Node):
    plate: str = strawberry.field(description=doc("车牌号码。", "Plate number."))
    plate_color: PlateColor = strawberry.field(description=doc("车牌颜色。", "Plate colour."))
    vin: str = strawberry.field(
        description=doc("车辆识别代号（VIN）。", "Vehicle identification number.")
    )
    vehicle_type: VehicleType = strawberry.field(description=doc("车辆类型。", "Vehicle type."))
    seats: int | None = strawberry.field(description=doc("核定载客人数。", "Approved seats."))
    tonnage: float | None = strawberry.field(
        description=doc("核定载质量（吨）。", "Approved load in tonnes.")
    )
    dangerous_goods: bool = strawberry.field(
        description=doc("是否为危险货物运输车辆。", "Whether it carries dangerous goods.")
    )
    region: Region | None = strawberry.field(description=doc("所属行政区划。", "Region."))
    certificate: RoadTransportCertificate = strawberry.field(
        description=doc("道路运输证。", "Road transport certificate.")
    )
    next_annual_review: dt.date = strawberry.field(
        description=doc("下次年审日期。", "Date of the next annual review (年审).")
    )
    next_secondary_maintenance: dt.date = strawberry.field(
        description=doc("下次二级维护日期。", "Date of the next secondary maintenance (二级维护).")
    )
    annual_review_overdue: bool = strawberry.field(
        description=doc("年审是否已逾期。", "Whether the annual review is overdue.")
    )
    provenance: Provenance = strawberry.field(description=doc("数据来源。", "Provenance."))
    operator_id: strawberry.Private[int]
    line_id: strawberry.Private[int | None]

    @strawberry.field(description=doc("所属业户。", "The operator running it."))
    async def operator(
        self, info: Info[Context, None]
    ) -> Annotated[Operator, strawberry.lazy("hub.api.operators.types")] | None:
        from hub.api.operators.types import Operator

        row = await info.context.by_id(OperatorRow).load(self.operator_id)
        return None if row is None else Operator.from_row(row)

    @strawberry.field(description=doc("所运营的客运班线。", "The passenger line it serves."))
    async def line(
        self, info: Info[Context, None]
    ) -> Annotated[PassengerLine, strawberry.lazy("hub.api.lines.types")] | None:
        from hub.api.lines.types import PassengerLine

        if self.line_id is None:
            return None
        row = await info.context.by_id(LineRow).load(self.line_id)
        return None if row is None else PassengerLine.from_row(row)

    @strawberry.field(description=doc("公安交管登记信息（最新）。", "Police registration, latest."))
    async def registration(self, info: Info[Context, None]) -> VehicleRegistration | None:
        rows = await info.context.all_by_key(
            "registrations",
            VehicleRegistrationRow,
            records.registrations_of,
            lambda r: (r.plate, r.plate_color),
        ).load((self.plate, self.plate_color))
        return VehicleRegistration.from_row(rows[0]) if rows else None

    @strawberry.field(description=doc("交通违法记录，最新在前。", "Violations, newest first."))
    async def violations(
        self, info: Info[Context, None], limit: Limit = 20
    ) -> list[TrafficViolation] | None:  # null + FORBIDDEN for open data
        rows = await info.context.all_by_key(
            "violations",
            TrafficViolationRow,
            records.violations_of,
            lambda r: (r.plate, r.plate_color),
        ).load((self.plate, self.plate_color))
        return [TrafficViolation.from_row(row) for row in rows[: capped(limit)]]

    @strawberry.field(
        description=doc("承保本车的保单。", "Policies insuring it, latest expiry first.")
    )
    async def insurance_policies(
        self, info: Info[Context, None]
    ) -> list[InsurancePolicy] | None:  # null + FORBIDDEN for open data
        rows = await info.context.all_by_key(
            "vehicle_policies",
            InsurancePolicyRow,
            records.policies_of_vehicles,
            lambda r: (r.plate, r.plate_color),
        ).load((self.plate, self.plate_color))
        return [InsurancePolicy.from_row(row) for row in rows[: records.LIMIT]]

    @strawberry.field(description=doc("涉及本车的事故。", "Accidents it was in, newest first."))
    async def accidents(
        self, info: Info[Context, None]
    ) -> list[Accident] | None:  # null + FORBIDDEN for open data
        pairs = await info.context.all_by_key(
            "vehicle_accidents", AccidentRow, records.accidents_of_vehicles, lambda pair: pair[0]
        ).load((self.plate, self.plate_color))
        return [Accident.from_row(row) for _key, row in pairs[: records.LIMIT]]

    @strawberry.field(
        description=doc(
            "最新位置（卫星定位），无定位时为空。", "Latest satellite position; null if none."
        ),
        directives=[TRACKING],
    )
    async def position(self, info: Info[Context, None]) -> VehiclePosition | None:
        row = await info.context.by_key(
            "latest_position",
            LatestPosition,
            positions.latest_of,
            lambda r: (r.plate, r.plate_color),
        ).load((self.plate, self.plate_color))
        return None if row is None else VehiclePosition.from_row(row)

    @followed(
        "一段时间内的轨迹（至多 7 天），经抽稀并标出停车点；须声明使用目的，每次读取均留痕。",
        "Its track over a period (7 days at most), simplified, with stops; needs a stated "
        "purpose of use, and every read is audited.",
    )
    async def track(
        self,
        info: Info[Context, None],
        from_: Annotated[
            dt.datetime,
            strawberry.argument(
                name="from", description=doc("开始时间（含）。", "From, inclusive.")
            ),
        ],
        to: Annotated[
            dt.datetime, strawberry.argument(description=doc("结束时间（含）。", "To, inclusive."))
        ],
        tolerance_meters: Annotated[
            float,
            strawberry.argument(
                description=doc(
                    "抽稀容差（米，0 至 10000，0 为不抽稀）。",
                    "Simplification tolerance in metres, 0 to 10,000 (0 keeps every fix).",
                )
            ),
        ] = 20.0,
    ) -> VehicleTrack | None:  # null + FORBIDDEN without a stated purpose
        start, end = track_window(from_, to, tolerance_meters)
        async with info.context.database() as session:
            fixes = await positions.track_of(
                session, self.plate, self.plate_color, start, end, info.context.rule(PositionFix)
            )
        return VehicleTrack(
            points=[TrackPoint.of(fix) for fix in tracks.simplify(fixes, tolerance_meters)],
            stops=[TrackStop.of(stop) for stop in tracks.stops(fixes)],
            fix_count=len(fixes),
            tolerance_meters=tolerance_meters,
        )

    @classmethod
    def from_row(cls, row: VehicleRow) -> Vehicle:
        """The published vehicle of a stored one."""
        day = today()
        return cls(
            pk=row.id,
            plate=row.plate,
            plate_color=row.plate_color,
            vin=row.vin,
            vehicle_type=row.vehicle_type,
            seats=row.seats,
            tonnage=row.tonnage,
            dangerous_goods=row.dangerous_goods,
            region=region(row.region_code),
            certificate=RoadTransportCertificate(
                number=row.certificate_number,
                valid_from=row.certificate_valid_from,
                valid_to=row.certificate_valid_to,
                status=row.certificate_status,
                validity=validity_of(row.certificate_valid_to, day),
            ),
            next_annual_review=row.next_annual_review,
            next_secondary_maintenance=row.next_secondary_maintenance,
            annual_review_overdue=row.next_annual_review < day,
            provenance=Provenance.of(row),
            operator_id=row.operator_id,
            line_id=row.line_id,
        )


@strawberry.type(description=doc("车辆分页列表。", "A paged list of vehicles."))
class VehicleConnection(Connection[Vehicle]):
    pass


@strawberry.input(
    description=doc("车辆筛选条件，各条件同时满足。", "Vehicle filter; all conditions apply.")
)
class VehicleFilterInput:
    region: str | None = strawberry.field(default=None, description=REGION_DESCRIPTION)
    vehicle_type: VehicleType | None = strawberry.field(
        default=None, description=doc("车辆类型。", "Vehicle type.")
    )
    plate_color: PlateColor | None = strawberry.field(
        default=None, description=doc("车牌颜色。", "Plate colour.")
    )
    dangerous_goods: bool | None = strawberry.field(
        default=None,
        description=doc("是否危险货物运输车辆。", "Dangerous-goods vehicles only, or none."),
    )
    certificate_status: LicenceStatus | None = strawberry.field(
        default=None, description=doc("道路运输证状态。", "Road transport certificate status.")
    )
    certificate_validity: Validity | None = strawberry.field(
        default=None,
        description=doc("道路运输证有效状态。", "Road transport certificate validity."),
    )
    annual_review_overdue: bool | None = strawberry.field(
        default=None, description=doc("年审是否逾期。", "Annual review overdue or not.")
    )
    search: str | None = strawberry.field(
        default=None, description=doc("车牌号码包含该文本。", "Plate contains this text.")
    )

    def to_domain(self) -> VehicleFilter:
        """The repository's filter, with every argument checked."""
        return VehicleFilter(
            region=region_argument(self.region, "filter.region"),
            vehicle_type=self.vehicle_type,
            plate_color=self.plate_color,
            dangerous_goods=self.dangerous_goods,
            certificate_status=self.certificate_status,
            certificate_validity=self.certificate_validity,
            annual_review_overdue=self.annual_review_overdue,
            search=search_argument(self.search),
        )


@strawberry.enum(description=doc("车辆排序字段。", "What vehicles can be ordered by."))
class VehicleOrderField(Enum):
    PLATE = strawberry.enum_value("PLATE", description=doc("车牌号码。", "Plate number."))
    CERTIFICATE_VALID_TO = strawberry.enum_value(
        "CERTIFICATE_VALID_TO", description=doc("道路运输证有效期。", "Certificate expiry.")
    )
    NEXT_ANNUAL_REVIEW = strawberry.enum_value(
        "NEXT_ANNUAL_REVIEW", description=doc("下次年审日期。", "Next annual review.")
    )


@strawberry.input(description=doc("车辆排序。", "Vehicle ordering."))
class VehicleOrder:
    field: VehicleOrderField = strawberry.field(description=doc("排序字段。", "Field to order by."))
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )
