"""Finding consignments: by reference, container, shipper and issue date, one page at a time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import strawberry
from sqlalchemy import ColumnElement, Select, select
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.consignments.inputs import (
    ConsignmentFilter,
    ConsignmentOrder,
    ConsignmentOrderField,
    zoned,
)
from hub.api.consignments.types import (
    Consignment,
    ConsignmentConnection,
    load_consignment,
    load_consignments,
)
from hub.api.context import Context
from hub.api.enums import SortDirection
from hub.api.relay import After, Before, First, Last
from hub.api.text import identifier_argument
from hub.canonical import identifiers
from hub.canonical.multimodal import EARLIEST, LATEST, TEXT_MAX, UNEXCHANGEABLE
from hub.errors import BadUserInput
from hub.multimodal import service
from hub.multimodal.models import ConsignmentContainerRow, ConsignmentRow
from hub.paging import Sort, count, fetch_page, window

NEWEST_FIRST = Sort("ISSUED_AT", ConsignmentRow.issued_at, descending=True)
_COLUMNS = {
    ConsignmentOrderField.ISSUED_AT: ConsignmentRow.issued_at,
    ConsignmentOrderField.REFERENCE: ConsignmentRow.reference,
}


def _sort(order: ConsignmentOrder | None) -> Sort:
    if order is None:
        return NEWEST_FIRST
    descending = order.direction is SortDirection.DESC
    return Sort(order.field.name, _COLUMNS[order.field], descending=descending)


def _when(value: dt.datetime, field: str) -> dt.datetime:
    """A bound of the issue-date range: zoned, and within the times consignments carry."""
    zoned(value, field)
    if not service.plausible(value):
        raise BadUserInput(f"{field}: between {EARLIEST:%Y} and {LATEST:%Y}", field=field)
    return value


def _conditions(filter_: ConsignmentFilter, at: str = "filter.") -> list[ColumnElement[bool]]:
    """The filter as SQL; ``at`` is where its fields sit in the request, for error messages."""
    conditions: list[ColumnElement[bool]] = []
    if filter_.reference is not None:
        reference = identifier_argument(
            identifiers.waybill_reference, filter_.reference, f"{at}reference"
        )
        conditions.append(ConsignmentRow.reference == reference)
    if filter_.container_number is not None:
        number = identifier_argument(
            identifiers.container_number, filter_.container_number, f"{at}containerNumber"
        )
        conditions.append(
            ConsignmentRow.id.in_(
                select(ConsignmentContainerRow.consignment_id).where(
                    ConsignmentContainerRow.container_number == number
                )
            )
        )
    if filter_.shipper_name is not None:
        name = filter_.shipper_name.strip()
        if not 1 <= len(name) <= TEXT_MAX or re.search(UNEXCHANGEABLE, name):
            raise BadUserInput(
                f"{at}shipperName: 1-{TEXT_MAX} characters a name can hold",
                field=f"{at}shipperName",
            )
        conditions.append(ConsignmentRow.shipper_name == name)
    start = filter_.issued_from and _when(filter_.issued_from, f"{at}issuedFrom")
    end = filter_.issued_to and _when(filter_.issued_to, f"{at}issuedTo")
    if start is not None and end is not None and end <= start:
        raise BadUserInput(f"{at}issuedTo must be after {at}issuedFrom", field=f"{at}issuedTo")
    if start is not None:
        conditions.append(ConsignmentRow.issued_at >= start)
    if end is not None:
        conditions.append(ConsignmentRow.issued_at < end)
    if filter_.status is not None:
        conditions.append(ConsignmentRow.status == filter_.status)
    return conditions


def _seen_by(info: Info[Context, None], stmt: Select[Any]) -> Select[Any]:
    return stmt.where(info.context.rule(ConsignmentRow))


async def _newest(
    info: Info[Context, None], filter_: ConsignmentFilter, most: int
) -> list[Consignment]:
    """The ``most`` newest consignments the filter finds (its fields named as arguments)."""
    stmt = _seen_by(info, select(ConsignmentRow).where(*_conditions(filter_, "")))
    order = (ConsignmentRow.issued_at.desc(), ConsignmentRow.id.desc())
    async with info.context.database() as session:
        rows = (await session.scalars(stmt.order_by(*order).limit(most))).all()
    return await load_consignments(info.context, rows)


@strawberry.type
class ConsignmentQuery:
    @strawberry.field(description=doc("按运单号查运单。", "A consignment by its reference."))
    async def consignment(
        self,
        info: Info[Context, None],
        reference: Annotated[str, strawberry.argument(description=doc("运单号。", "Reference."))],
    ) -> Consignment:
        async with info.context.database() as session:
            row = await service.find(
                session,
                identifier_argument(identifiers.waybill_reference, reference, "reference"),
                info.context.principal.reader,
            )
        return await load_consignment(info.context, row)

    @strawberry.field(
        description=doc(
            "运单分页列表：按运单号、集装箱号、托运人、开单时间段（含起不含止）、状态筛选，"
            "新开者在前。",
            "Consignments by reference, container, shipper, issue date range [from, to) and "
            "status, newest first, a page at a time.",
        )
    )
    async def consignments(
        self,
        info: Info[Context, None],
        filter: Annotated[
            ConsignmentFilter | None,
            strawberry.argument(description=doc("筛选条件。", "Filter.")),
        ] = None,
        order_by: Annotated[
            ConsignmentOrder | None,
            strawberry.argument(description=doc("排序（默认新开者在前）。", "Ordering.")),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ConsignmentConnection:
        ctx = info.context
        sort = _sort(order_by)
        slice_ = window(
            sort, first=first, after=after, last=last, before=before,
            default_size=ctx.settings.default_page_size,
            max_size=min(ctx.settings.max_page_size, ctx.principal.tier.max_page_size),
        )  # fmt: skip
        conditions = [] if filter is None else _conditions(filter)
        stmt = _seen_by(info, select(ConsignmentRow).where(*conditions))
        async with ctx.database() as session:
            page = await fetch_page(session, stmt, ConsignmentRow, sort, slice_)
        nodes = await load_consignments(ctx, page.rows)

        async def counter() -> int:
            async with ctx.database() as session:
                return await count(session, stmt)

        return ConsignmentConnection.of(
            nodes, page.cursors, page.has_next, page.has_previous, counter
        )

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
        found = ConsignmentFilter(container_number=container_number)
        return await _newest(info, found, 20)

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
        found = ConsignmentFilter(
            shipper_name=shipper_name, issued_from=issued_from, issued_to=issued_to
        )
        return await _newest(info, found, 50)
