"""GraphQL types of random inspection draws (双随机)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.common import (
    ORDER_DIRECTION_DESCRIPTION,
    REGION_DESCRIPTION,
    Region,
    region,
    region_argument,
)
from hub.api.context import Context
from hub.api.enums import BusinessCategory, SortDirection
from hub.api.permissions import ENFORCEMENT
from hub.api.relay import Connection, Node
from hub.enforcement import draws as draw_service
from hub.enforcement.models import InspectionDrawRow
from hub.enforcement.repository import RegionFilter
from hub.operators.models import Operator as OperatorRow
from hub.operators.repository import operators_by_uscc


def _f(zh: str, en: str) -> Any:
    return strawberry.field(description=doc(zh, en))


@strawberry.type(
    description=doc("抽中的业户及其检查人员。", "An operator drawn, with its officers.")
)
class DrawnOperator:
    uscc: str = _f("业户统一社会信用代码。", "The operator's credit code.")
    name: str | None = _f("业户名称。", "The operator's name.")
    officers: list[str] = _f("抽中的检查人员执法证号。", "Badge numbers of the officers drawn.")


@strawberry.type(
    description=doc(
        "双随机抽取：按区划和经营类别随机抽取业户和检查人员，可由记录的随机种子复现，抽取本身留痕。",
        "A random inspection draw (双随机): operators and officers drawn at random by region "
        "and category, reproducible from the recorded seed; the draw itself is audited.",
    ),
    directives=[ENFORCEMENT],
)
class InspectionDraw(Node):
    region: Region | None = _f("抽取范围（行政区划）。", "The region drawn over.")
    category: BusinessCategory = _f("经营类别。", "The business category drawn from.")
    seed: str = _f(
        "随机种子（十进制整数，由系统产生）。", "The random seed (a decimal integer, the hub's)."
    )
    operator_count: int = _f("抽取业户数。", "How many operators were drawn.")
    officers_per_operator: int = _f("每户检查人员数。", "Officers drawn for each operator.")
    operator_candidates: int = _f("候选业户数。", "How many operators could be drawn.")
    officer_candidates: int = _f("候选检查人员数。", "How many officers could be drawn.")
    drawn_at: dt.datetime = _f("抽取时间。", "When drawn.")
    reproduced: bool = _f(
        "以记录的种子和候选名单重新抽取，结果是否一致。",
        "Whether drawing again from the recorded seed and candidates gives the same result.",
    )
    drawn: strawberry.Private[list[dict[str, object]]]

    @strawberry.field(description=doc("抽中的业户，按抽取先后。", "The operators drawn, in order."))
    async def operators(self, info: Info[Context, None]) -> list[DrawnOperator]:
        loader = info.context.by_key(
            "operator_by_uscc", OperatorRow, operators_by_uscc, lambda r: r.uscc
        )
        usccs = [str(entry["uscc"]) for entry in self.drawn]
        rows = await loader.load_many(usccs)
        return [
            DrawnOperator(
                uscc=uscc,
                name=None if row is None else row.name,
                officers=[str(o) for o in entry["officers"]],  # type: ignore[attr-defined]
            )
            for uscc, row, entry in zip(usccs, rows, self.drawn, strict=True)
        ]

    @classmethod
    def from_row(cls, row: InspectionDrawRow) -> InspectionDraw:
        """The published draw of a stored one."""
        return cls(
            pk=row.id,
            region=region(row.region_code),
            category=BusinessCategory(row.category),
            seed=str(row.seed),
            operator_count=row.operator_count,
            officers_per_operator=row.officers_per_operator,
            operator_candidates=len(row.pool["operators"]),
            officer_candidates=len(row.pool["officers"]),
            drawn_at=row.drawn_at,
            reproduced=draw_service.reproduces(row),
            drawn=list(row.drawn),
        )


@strawberry.type(description=doc("双随机抽取分页列表。", "A paged list of random draws."))
class InspectionDrawConnection(Connection[InspectionDraw]):
    pass


@strawberry.enum(description=doc("抽取排序字段。", "What draws can be ordered by."))
class InspectionDrawOrderField(Enum):
    DRAWN_AT = strawberry.enum_value("DRAWN_AT", description=doc("抽取时间。", "When drawn."))


@strawberry.input(description=doc("抽取排序。", "Draw ordering."))
class InspectionDrawOrder:
    field: InspectionDrawOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )


@strawberry.input(description=doc("双随机抽取筛选条件。", "Random draw filter."))
class InspectionDrawFilterInput:
    region: str | None = strawberry.field(default=None, description=REGION_DESCRIPTION)

    def to_domain(self) -> RegionFilter:
        """The repository's filter, with the region checked."""
        return RegionFilter(region=region_argument(self.region, "filter.region"))
