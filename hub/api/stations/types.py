"""GraphQL types of stations."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.common import (
    FILTER_DESCRIPTION,
    ORDER_DESCRIPTION,
    ORDER_DIRECTION_DESCRIPTION,
    REGION_DESCRIPTION,
    GeoPoint,
    Provenance,
    Region,
    filter_of,
    order_of,
    region,
    region_argument,
)
from hub.api.context import Context
from hub.api.enums import SortDirection, StationKind, StationLevel
from hub.api.permissions import OPEN
from hub.api.relay import After, Before, Connection, First, Last, Node, page_args
from hub.api.text import search_argument
from hub.operators.models import Operator as OperatorRow
from hub.stations.models import Station as StationRow
from hub.stations.repository import StationFilter

if TYPE_CHECKING:
    from hub.api.lines.types import (
        PassengerLineConnection,
        PassengerLineFilterInput,
        PassengerLineOrder,
    )
    from hub.api.operators.types import Operator

_LINES = "hub.api.lines.types"


@strawberry.type(
    description=doc(
        "场站：汽车客运站、货运站（场）或港口码头。",
        "A passenger station, freight station or port terminal.",
    ),
    directives=[OPEN],
)
class Station(Node):
    code: str = strawberry.field(description=doc("场站编码。", "Station code."))
    name: str = strawberry.field(description=doc("场站名称。", "Name."))
    kind: StationKind = strawberry.field(description=doc("场站类别。", "Kind of station."))
    level: StationLevel | None = strawberry.field(
        description=doc(
            "客运站级别（仅客运站）。", "Passenger station level (passenger stations only)."
        )
    )
    location: GeoPoint = strawberry.field(description=doc("位置（WGS-84）。", "Location (WGS-84)."))
    address: str = strawberry.field(description=doc("地址。", "Address."))
    region: Region | None = strawberry.field(description=doc("所属行政区划。", "Region."))
    provenance: Provenance = strawberry.field(description=doc("数据来源。", "Provenance."))
    operator_id: strawberry.Private[int | None]

    @strawberry.field(description=doc("经营业户。", "The operator running it."))
    async def operator(
        self, info: Info[Context, None]
    ) -> Annotated[Operator, strawberry.lazy("hub.api.operators.types")] | None:
        from hub.api.operators.types import Operator

        if self.operator_id is None:
            return None
        row = await info.context.by_id(OperatorRow).load(self.operator_id)
        return None if row is None else Operator.from_row(row)

    @strawberry.field(description=doc("停靠本站的客运班线。", "Passenger lines calling here."))
    async def passenger_lines(
        self,
        info: Info[Context, None],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter_: Annotated[
            Annotated[PassengerLineFilterInput, strawberry.lazy(_LINES)] | None,
            strawberry.argument(name="filter", description=FILTER_DESCRIPTION),
        ] = None,
        order_by: Annotated[
            Annotated[PassengerLineOrder, strawberry.lazy(_LINES)] | None,
            strawberry.argument(description=ORDER_DESCRIPTION),
        ] = None,
    ) -> Annotated[PassengerLineConnection, strawberry.lazy(_LINES)]:
        from hub.api.lines.types import lines_calling_at

        return await lines_calling_at(
            info, self.pk, filter_, order_of(order_by), page_args(first, after, last, before)
        )

    @classmethod
    def from_row(cls, row: StationRow) -> Station:
        """The published station of a stored one."""
        return cls(
            pk=row.id,
            code=row.code,
            name=row.name,
            kind=row.kind,
            level=row.level,
            location=GeoPoint(latitude=row.latitude, longitude=row.longitude),
            address=row.address,
            region=region(row.region_code),
            provenance=Provenance.of(row),
            operator_id=row.operator_id,
        )


@strawberry.type(description=doc("场站分页列表。", "A paged list of stations."))
class StationConnection(Connection[Station]):
    pass


@strawberry.input(description=doc("场站筛选条件。", "Station filter; all conditions apply."))
class StationFilterInput:
    region: str | None = strawberry.field(default=None, description=REGION_DESCRIPTION)
    kind: StationKind | None = strawberry.field(
        default=None, description=doc("场站类别。", "Kind.")
    )
    level: StationLevel | None = strawberry.field(
        default=None, description=doc("客运站级别。", "Passenger station level.")
    )
    search: str | None = strawberry.field(
        default=None, description=doc("名称包含该文本。", "Name contains this text.")
    )

    def to_domain(self) -> StationFilter:
        """The repository's filter, with every argument checked."""
        return StationFilter(
            region=region_argument(self.region, "filter.region"),
            kind=self.kind,
            level=self.level,
            search=search_argument(self.search),
        )


@strawberry.enum(description=doc("场站排序字段。", "What stations can be ordered by."))
class StationOrderField(Enum):
    CODE = strawberry.enum_value("CODE", description=doc("场站编码。", "Code."))
    NAME = strawberry.enum_value("NAME", description=doc("名称。", "Name."))


@strawberry.input(description=doc("场站排序。", "Station ordering."))
class StationOrder:
    field: StationOrderField = strawberry.field(description=doc("排序字段。", "Field to order by."))
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )


__all__ = ["Station", "StationConnection", "StationFilterInput", "StationOrder", "filter_of"]
