"""Vehicles by where they are: around a point (``vehiclesNear``) or in an area (``vehiclesIn``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

import strawberry
from sqlalchemy import ColumnElement
from strawberry.types import Info

from hub.access import rule_for
from hub.api.bilingual import doc
from hub.api.common import FILTER_DESCRIPTION, REGION_DESCRIPTION, region_argument
from hub.api.context import Context
from hub.api.permissions import TRACKING
from hub.api.positions.types import PointInput, VehiclePosition
from hub.api.vehicles.types import Vehicle, VehicleFilterInput
from hub.canonical.geo import Point
from hub.errors import BadUserInput
from hub.positions import search
from hub.positions.models import LatestPosition
from hub.readers import Reader
from hub.vehicles.models import Vehicle as VehicleRow
from hub.vehicles.repository import VehicleFilter, vehicle_conditions


@strawberry.type(
    description=doc("车辆及其最新位置。", "A vehicle with its latest position."),
    directives=[TRACKING],
)
class LocatedVehicle:
    vehicle: Vehicle = strawberry.field(description=doc("车辆。", "The vehicle."))
    position: VehiclePosition = strawberry.field(
        description=doc("最新位置。", "Its latest position.")
    )
    distance_meters: float | None = strawberry.field(
        description=doc(
            "距查询点的距离（米，球面）；按区域查询时为空。",
            "Distance from the point asked about, in metres on the sphere; null for vehiclesIn.",
        )
    )

    @classmethod
    def of(cls, found: search.Located) -> LocatedVehicle:
        return cls(
            vehicle=Vehicle.from_row(found.vehicle),
            position=VehiclePosition.from_row(found.position),
            distance_meters=found.distance_m,
        )


def _first(first: int) -> int:
    if not 1 <= first <= search.MAX_RESULTS:
        raise BadUserInput(f"first: {first} is outside 1 to {search.MAX_RESULTS}", field="first")
    return first


def _conditions(reader: Reader, value: VehicleFilterInput | None) -> list[ColumnElement[bool]]:
    """The filter's conditions, and the row rules of positions and vehicles."""
    wanted = VehicleFilter() if value is None else value.to_domain()
    rules = [rule_for(LatestPosition, reader), rule_for(VehicleRow, reader)]
    return [*rules, *vehicle_conditions(wanted)]


@dataclass(frozen=True, slots=True)
class NearSearch:
    """What ``vehiclesNear`` asks, checked: around which point, how far, which vehicles (the
    filter's conditions and the row rules), how many at most."""

    centre: Point
    radius_m: float
    conditions: list[ColumnElement[bool]]
    limit: int


def near_search(
    reader: Reader,
    point: PointInput,
    radius_meters: float,
    filter_: VehicleFilterInput | None,
    first: int,
) -> NearSearch:
    """The arguments of ``vehiclesNear`` checked for ``reader`` (the resolver's and the read
    planner's); bad input refused naming its argument."""
    centre = point.checked("point")
    if not (0 < radius_meters <= search.MAX_RADIUS_M) or math.isnan(radius_meters):
        raise BadUserInput(
            f"radiusMeters: {radius_meters!r} is outside 0 (excluded) to {search.MAX_RADIUS_M:g}",
            field="radiusMeters",
        )
    conditions = _conditions(reader, filter_)
    return NearSearch(centre, radius_meters, conditions, _first(first))


First = Annotated[
    int,
    strawberry.argument(
        description=doc(
            f"最多返回的车辆数（1 至 {search.MAX_RESULTS}）。",
            f"Vehicles returned at most (1 to {search.MAX_RESULTS}).",
        )
    ),
]
Filter = Annotated[VehicleFilterInput | None, strawberry.argument(description=FILTER_DESCRIPTION)]


@strawberry.type
class PositionQuery:
    @strawberry.field(
        description=doc(
            "最新位置在某点一定半径内的车辆，由近及远（距离相同按车牌）。",
            "Vehicles whose latest position is within a radius of a point, nearest first "
            "(ties by plate).",
        ),
        directives=[TRACKING],
    )
    async def vehicles_near(
        self,
        info: Info[Context, None],
        point: Annotated[PointInput, strawberry.argument(description=doc("中心点。", "Centre."))],
        radius_meters: Annotated[
            float,
            strawberry.argument(
                description=doc(
                    f"半径（米，至多 {search.MAX_RADIUS_M:g}）。",
                    f"Radius in metres, at most {search.MAX_RADIUS_M:g}.",
                )
            ),
        ],
        filter: Filter = None,
        first: First = 100,
    ) -> list[LocatedVehicle]:
        asked = near_search(info.context.principal.reader, point, radius_meters, filter, first)
        async with info.context.database() as session:
            found = await search.near(
                session, asked.centre, asked.radius_m, asked.conditions, asked.limit
            )
        return [LocatedVehicle.of(f) for f in found]

    @strawberry.field(
        description=doc(
            "最新位置在多边形内的车辆，或登记在某行政区划的有位置车辆（二选一），按车牌。",
            "Vehicles whose latest position is inside a polygon, or the vehicles registered in "
            "a region that have a position (one of the two), by plate.",
        ),
        directives=[TRACKING],
    )
    async def vehicles_in(
        self,
        info: Info[Context, None],
        region: Annotated[
            str | None,
            strawberry.argument(
                description=doc(
                    "行政区划代码：登记在该区划的车辆（平台不存区划边界）。",
                    "Division code: the vehicles registered there (the hub holds no boundaries). ",
                )
                + REGION_DESCRIPTION
            ),
        ] = None,
        polygon: Annotated[
            list[PointInput] | None,
            strawberry.argument(
                description=doc(
                    f"多边形顶点（3 至 {search.MAX_VERTICES} 个，自动闭合）。",
                    f"Polygon vertices, 3 to {search.MAX_VERTICES}, closed implicitly.",
                )
            ),
        ] = None,
        filter: Filter = None,
        first: First = 100,
    ) -> list[LocatedVehicle]:
        if (region is None) == (polygon is None):
            raise BadUserInput("region or polygon: give exactly one of them", field="region")
        conditions = _conditions(info.context.principal.reader, filter)
        limit = _first(first)
        code = region_argument(region, "region")  # None when a polygon is given
        found: list[search.Located] = []
        if polygon is not None:
            if not 3 <= len(polygon) <= search.MAX_VERTICES:
                raise BadUserInput(
                    f"polygon: has {len(polygon)} vertices; give 3 to {search.MAX_VERTICES}",
                    field="polygon",
                )
            vertices = [p.checked(f"polygon[{i}]") for i, p in enumerate(polygon)]
            if len(set(vertices)) < 3:
                raise BadUserInput("polygon: needs 3 distinct vertices", field="polygon")
            async with info.context.database() as session:
                found = await search.inside(session, vertices, conditions, limit)
        elif code is not None:
            async with info.context.database() as session:
                found = await search.registered_in(session, code, conditions, limit)
        return [LocatedVehicle.of(f) for f in found]
