"""GraphQL types of passenger lines."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.common import (
    ORDER_DIRECTION_DESCRIPTION,
    REGION_DESCRIPTION,
    GeoPoint,
    Provenance,
    Region,
    filter_of,
    region,
    region_argument,
)
from hub.api.context import Context
from hub.api.enums import SortDirection
from hub.api.lists import child_connection, connection_field
from hub.api.permissions import OPEN
from hub.api.relay import Arg, Connection, Node
from hub.api.stations.types import Station
from hub.api.text import search_argument
from hub.api.vehicles.types import Vehicle, VehicleConnection, VehicleFilterInput, VehicleOrder
from hub.lines.models import LineStop as StopRow
from hub.lines.models import PassengerLine as LineRow
from hub.lines.repository import (
    LINES_CALLING_AT,
    PassengerLineFilter,
    stops_of_lines,
)
from hub.operators.models import Operator as OperatorRow
from hub.operators.models import Permit as PermitRow
from hub.stations.models import Station as StationRow
from hub.vehicles.repository import VEHICLES_OF_LINE

if TYPE_CHECKING:
    from hub.api.operators.types import Operator, Permit

_OPERATORS = "hub.api.operators.types"


@strawberry.type(description=doc("客运班线。", "A passenger line (客运班线)."), directives=[OPEN])
class PassengerLine(Node):
    code: str = strawberry.field(description=doc("班线编码。", "Line code."))
    name: str = strawberry.field(description=doc("班线名称。", "Line name."))
    region: Region | None = strawberry.field(description=doc("许可所在行政区划。", "Region."))
    route: list[GeoPoint] = strawberry.field(
        description=doc("核定线路走向（WGS-84 折线）。", "Approved route, a WGS-84 polyline.")
    )
    distance_km: float = strawberry.field(description=doc("里程（公里）。", "Distance in km."))
    daily_trips: int = strawberry.field(description=doc("日发班次。", "Departures a day."))
    provenance: Provenance = strawberry.field(description=doc("数据来源。", "Provenance."))
    operator_id: strawberry.Private[int]
    permit_id: strawberry.Private[int | None]
    origin_id: strawberry.Private[int]
    destination_id: strawberry.Private[int]

    @strawberry.field(description=doc("经营业户。", "The operator running it."))
    async def operator(
        self, info: Info[Context, None]
    ) -> Annotated[Operator, strawberry.lazy(_OPERATORS)] | None:
        from hub.api.operators.types import Operator

        row = await info.context.by_id(OperatorRow).load(self.operator_id)
        return None if row is None else Operator.from_row(row)

    @strawberry.field(description=doc("班线经营许可。", "The permit it runs under."))
    async def permit(
        self, info: Info[Context, None]
    ) -> Annotated[Permit, strawberry.lazy(_OPERATORS)] | None:
        from hub.api.operators.types import Permit

        if self.permit_id is None:
            return None
        row = await info.context.by_id(PermitRow).load(self.permit_id)
        return None if row is None else Permit.from_row(row)

    @strawberry.field(description=doc("起点站。", "Origin station."))
    async def origin(self, info: Info[Context, None]) -> Station | None:
        row = await info.context.by_id(StationRow).load(self.origin_id)
        return None if row is None else Station.from_row(row)

    @strawberry.field(description=doc("终点站。", "Destination station."))
    async def destination(self, info: Info[Context, None]) -> Station | None:
        row = await info.context.by_id(StationRow).load(self.destination_id)
        return None if row is None else Station.from_row(row)

    @strawberry.field(
        description=doc(
            "依次停靠的站点（含起终点）。", "Stations called at, in order, ends included."
        )
    )
    async def stations(self, info: Info[Context, None]) -> list[Station]:
        ctx = info.context

        async def load(line_ids: list[int]) -> list[list[StopRow]]:
            async with ctx.database() as session:
                stops = await stops_of_lines(session, line_ids)
            return [[stop for stop in stops if stop.line_id == line_id] for line_id in line_ids]

        stops = await ctx.loader("stops_by_line", lambda: DataLoader(load_fn=load)).load(self.pk)
        rows = await ctx.by_id(StationRow).load_many([stop.station_id for stop in stops])
        return [Station.from_row(row) for row in rows if row is not None]

    vehicles = connection_field(
        VehicleConnection,
        VEHICLES_OF_LINE,
        Vehicle.from_row,
        VehicleFilterInput,
        VehicleOrder,
        doc("投入本班线的车辆。", "Vehicles serving this line."),
    )

    @classmethod
    def from_row(cls, row: LineRow) -> PassengerLine:
        """The published line of a stored one."""
        return cls(
            pk=row.id,
            code=row.code,
            name=row.name,
            region=region(row.region_code),
            route=[GeoPoint(longitude=lon, latitude=lat) for lon, lat in row.route],
            distance_km=row.distance_km,
            daily_trips=row.daily_trips,
            provenance=Provenance.of(row),
            operator_id=row.operator_id,
            permit_id=row.permit_id,
            origin_id=row.origin_station_id,
            destination_id=row.destination_station_id,
        )


@strawberry.type(description=doc("客运班线分页列表。", "A paged list of passenger lines."))
class PassengerLineConnection(Connection[PassengerLine]):
    pass


@strawberry.input(description=doc("客运班线筛选条件。", "Passenger line filter."))
class PassengerLineFilterInput:
    region: str | None = strawberry.field(default=None, description=REGION_DESCRIPTION)
    search: str | None = strawberry.field(
        default=None, description=doc("名称包含该文本。", "Name contains this text.")
    )

    def to_domain(self) -> PassengerLineFilter:
        """The repository's filter, with every argument checked."""
        return PassengerLineFilter(
            region=region_argument(self.region, "filter.region"),
            search=search_argument(self.search),
        )


@strawberry.enum(description=doc("客运班线排序字段。", "What passenger lines can be ordered by."))
class PassengerLineOrderField(Enum):
    CODE = strawberry.enum_value("CODE", description=doc("班线编码。", "Line code."))
    NAME = strawberry.enum_value("NAME", description=doc("名称。", "Name."))


@strawberry.input(description=doc("客运班线排序。", "Passenger line ordering."))
class PassengerLineOrder:
    field: PassengerLineOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )


async def lines_calling_at(
    info: Info[Context, None],
    station_id: int,
    filter_: PassengerLineFilterInput | None,
    order: tuple[str | None, bool],
    args: Arg,
) -> PassengerLineConnection:
    """The lines calling at a station, batched with every other station's."""
    return await child_connection(
        info,
        PassengerLineConnection,
        LINES_CALLING_AT,
        station_id,
        PassengerLine.from_row,
        filter_of(filter_),
        order,
        args,
    )
