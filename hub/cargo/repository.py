"""Every query of the dangerous goods list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import DangerousGoodsClass, PackingGroup
from hub.cargo.models import DangerousGoods
from hub.filters import text_condition
from hub.paging import Listing


@dataclass(frozen=True, slots=True)
class DangerousGoodsFilter:
    """Which dangerous goods a list shows."""

    hazard_class: DangerousGoodsClass | None = None
    packing_group: PackingGroup | None = None
    search: str | None = None


def dangerous_goods_conditions(f: DangerousGoodsFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.hazard_class is not None:
        conditions.append(DangerousGoods.hazard_class == f.hazard_class)
    if f.packing_group is not None:
        conditions.append(DangerousGoods.packing_group == f.packing_group)
    if f.search:
        conditions.append(
            or_(
                text_condition(DangerousGoods.name, f.search),
                text_condition(DangerousGoods.name_en, f.search),
            )
        )
    return conditions


DANGEROUS_GOODS: Listing[DangerousGoods, DangerousGoodsFilter] = Listing(
    model=DangerousGoods,
    sorts={"UN_NUMBER": DangerousGoods.un_number, "NAME": DangerousGoods.name},
    default_sort="UN_NUMBER",
    conditions=dangerous_goods_conditions,
)


async def dangerous_goods_by_un_number(
    session: AsyncSession, numbers: Sequence[str], rule: ColumnElement[bool]
) -> list[DangerousGoods]:
    """Entries with these UN numbers (4 digits) that ``rule`` allows."""
    stmt = select(DangerousGoods).where(DangerousGoods.un_number.in_(numbers), rule)
    return list((await session.scalars(stmt)).all())
