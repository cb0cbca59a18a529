"""Finding alerts: one by its ID, or a page of them by kind, status, region, vehicle, time and
distance from a point. The alert type's row rule (its region) applies to both."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import ColumnElement, Select, select
from strawberry.types import Info

from hub.alerts.geometry import KM_PER_DEGREE_LAT
from hub.alerts.models import AlertRow
from hub.api.alerts.near import checked
from hub.api.alerts.types import Alert, AlertConnection, AlertFilter, AlertOrder, AlertOrderField
from hub.api.bilingual import doc
from hub.api.common import region_argument
from hub.api.consignments.inputs import zoned
from hub.api.context import Context
from hub.api.enums import SortDirection
from hub.api.relay import After, Before, First, Last, from_global_id
from hub.api.text import identifier_argument
from hub.canonical import identifiers
from hub.errors import BadUserInput, NotFound
from hub.filters import region_condition
from hub.paging import Sort, count, fetch_page, window

_COLUMNS = {
    AlertOrderField.STARTED_AT: AlertRow.started_at,
    AlertOrderField.ENDED_AT: AlertRow.ended_at,
}


def alert_sort(order: AlertOrder | None) -> Sort:
    """The order of a list of alerts: newest first unless told otherwise."""
    if order is None:
        return Sort("STARTED_AT", AlertRow.started_at, descending=True)
    descending = order.direction is SortDirection.DESC
    return Sort(order.field.name, _COLUMNS[order.field], descending=descending)


def conditions(filter_: AlertFilter) -> list[ColumnElement[bool]]:
    """The filter as SQL; a value that breaks its rule is refused naming its field."""
    found: list[ColumnElement[bool]] = []
    if filter_.kinds:
        found.append(AlertRow.kind.in_(filter_.kinds))
    if filter_.statuses:
        found.append(AlertRow.status.in_(filter_.statuses))
    code = region_argument(filter_.region, "filter.region")
    if code is not None:
        found.append(region_condition(AlertRow.region_code, code))
    if (filter_.plate is None) != (filter_.plate_color is None):
        raise BadUserInput(
            "filter.plate and filter.plateColor go together: a plate alone names no vehicle",
            field="filter.plate",
        )
    if filter_.plate is not None and filter_.plate_color is not None:
        plate = identifier_argument(identifiers.plate, filter_.plate, "filter.plate")
        found += [AlertRow.plate == plate, AlertRow.plate_color == filter_.plate_color]
    start = filter_.started_from and zoned(filter_.started_from, "filter.startedFrom")
    end = filter_.started_to and zoned(filter_.started_to, "filter.startedTo")
    if start is not None and end is not None and end <= start:
        raise BadUserInput(
            "filter.startedTo must be after filter.startedFrom", field="filter.startedTo"
        )
    if start is not None:
        found.append(AlertRow.started_at >= start)
    if end is not None:
        found.append(AlertRow.started_at < end)
    if filter_.near is not None:
        found += _near(filter_.near.latitude, filter_.near.longitude, filter_.near.radius_km)
    return found


def _near(latitude: float, longitude: float, radius_km: float) -> list[ColumnElement[bool]]:
    """Within ``radius_km`` of a point, on the local plane (as the rules measure)."""
    near = checked(latitude, longitude, radius_km, "filter.near")
    scale = near.km_per_degree_lon
    north = (AlertRow.latitude - latitude) * KM_PER_DEGREE_LAT
    east = (AlertRow.longitude - longitude) * scale
    box_lat = radius_km / KM_PER_DEGREE_LAT
    box_lon = radius_km / max(scale, 1e-6)
    return [
        AlertRow.latitude.between(latitude - box_lat, latitude + box_lat),
        AlertRow.longitude.between(longitude - box_lon, longitude + box_lon),
        north * north + east * east <= radius_km * radius_km,
    ]


def _seen_by(info: Info[Context, None], stmt: Select[Any]) -> Select[Any]:
    return stmt.where(info.context.rule(AlertRow))


@strawberry.type
class AlertQuery:
    @strawberry.field(description=doc("按全局标识查告警。", "An alert by its global ID."))
    async def alert(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description=doc("全局标识。", "ID."))],
    ) -> Alert | None:
        pk = alert_pk(id)
        row = await info.context.by_id(AlertRow).load(pk)
        if row is None:
            raise NotFound(f"alert {id!r} not found", field="id")
        return Alert.from_row(row)

    @strawberry.field(
        description=doc(
            "告警分页列表：按类型、状态、行政区划、车辆、开始时间段（含起不含止）及离某点距离"
            "筛选，默认新者在前。",
            "Alerts by kind, status, region, vehicle, start time [from, to) and distance from "
            "a point, newest first by default, a page at a time.",
        )
    )
    async def alerts(
        self,
        info: Info[Context, None],
        filter: Annotated[
            AlertFilter | None, strawberry.argument(description=doc("筛选条件。", "Filter."))
        ] = None,
        order_by: Annotated[
            AlertOrder | None,
            strawberry.argument(description=doc("排序（默认新者在前）。", "Ordering.")),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> AlertConnection:
        ctx = info.context
        sort = alert_sort(order_by)
        slice_ = window(
            sort, first=first, after=after, last=last, before=before,
            default_size=ctx.settings.default_page_size,
            max_size=min(ctx.settings.max_page_size, ctx.principal.tier.max_page_size),
        )  # fmt: skip
        stmt = _seen_by(
            info, select(AlertRow).where(*([] if filter is None else conditions(filter)))
        )
        async with ctx.database() as session:
            page = await fetch_page(session, stmt, AlertRow, sort, slice_)
        nodes = [Alert.from_row(row) for row in page.rows]

        async def counter() -> int:
            async with ctx.database() as session:
                return await count(session, stmt)

        return AlertConnection.of(nodes, page.cursors, page.has_next, page.has_previous, counter)


def alert_pk(global_id: str, argument: str = "id") -> int:
    """The key of an alert's global ID; an ID of another type is bad input."""
    type_name, pk = from_global_id(global_id, argument)
    if type_name != "Alert":
        raise BadUserInput(f"{argument}: not the ID of an alert", field=argument)
    return pk
