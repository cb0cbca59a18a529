"""GraphQL types of the dangerous goods list."""

from __future__ import annotations

from enum import Enum

import strawberry

from hub.api.bilingual import doc
from hub.api.common import ORDER_DIRECTION_DESCRIPTION, Provenance
from hub.api.enums import DangerousGoodsClass, PackingGroup, SortDirection
from hub.api.permissions import OPEN
from hub.api.relay import Connection, Node
from hub.api.text import search_argument
from hub.cargo.models import DangerousGoods as DangerousGoodsRow
from hub.cargo.repository import DangerousGoodsFilter


@strawberry.type(
    description=doc("危险货物品名表中的一项。", "An entry of the dangerous goods list."),
    directives=[OPEN],
)
class DangerousGoods(Node):
    un_number: str = strawberry.field(
        description=doc("联合国编号（4 位）。", "UN number (4 digits).")
    )
    name: str = strawberry.field(description=doc("中文品名。", "Chinese name."))
    name_en: str = strawberry.field(description=doc("英文品名。", "English name."))
    hazard_class: DangerousGoodsClass = strawberry.field(
        description=doc("类别或项别（GB 6944）。", "Class or division (GB 6944).")
    )
    packing_group: PackingGroup | None = strawberry.field(
        description=doc("包装类别。", "Packing group.")
    )
    provenance: Provenance = strawberry.field(description=doc("数据来源。", "Provenance."))

    @classmethod
    def from_row(cls, row: DangerousGoodsRow) -> DangerousGoods:
        """The published entry of a stored one."""
        return cls(
            pk=row.id,
            un_number=row.un_number,
            name=row.name,
            name_en=row.name_en,
            hazard_class=row.hazard_class,
            packing_group=row.packing_group,
            provenance=Provenance.of(row),
        )


@strawberry.type(description=doc("危险货物分页列表。", "A paged list of dangerous goods."))
class DangerousGoodsConnection(Connection[DangerousGoods]):
    pass


@strawberry.input(description=doc("危险货物筛选条件。", "Dangerous goods filter."))
class DangerousGoodsFilterInput:
    hazard_class: DangerousGoodsClass | None = strawberry.field(
        default=None, description=doc("类别或项别。", "Class or division.")
    )
    packing_group: PackingGroup | None = strawberry.field(
        default=None, description=doc("包装类别。", "Packing group.")
    )
    search: str | None = strawberry.field(
        default=None,
        description=doc("中文或英文品名包含该文本。", "Chinese or English name contains this."),
    )

    def to_domain(self) -> DangerousGoodsFilter:
        """The repository's filter, with every argument checked."""
        return DangerousGoodsFilter(
            hazard_class=self.hazard_class,
            packing_group=self.packing_group,
            search=search_argument(self.search),
        )


@strawberry.enum(description=doc("危险货物排序字段。", "What dangerous goods can be ordered by."))
class DangerousGoodsOrderField(Enum):
    UN_NUMBER = strawberry.enum_value("UN_NUMBER", description=doc("联合国编号。", "UN number."))
    NAME = strawberry.enum_value("NAME", description=doc("中文品名。", "Chinese name."))


@strawberry.input(description=doc("危险货物排序。", "Dangerous goods ordering."))
class DangerousGoodsOrder:
    field: DangerousGoodsOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )
