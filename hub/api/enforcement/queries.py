"""Root queries of enforcement records: by ID or case number, and the lists."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.enforcement.draws import (
    InspectionDraw,
    InspectionDrawConnection,
    InspectionDrawFilterInput,
    InspectionDrawOrder,
)
from hub.api.enforcement.inputs import node_key
from hub.api.enforcement.types import (
    EnforcementCase,
    EnforcementCaseConnection,
    EnforcementCaseFilterInput,
    EnforcementCaseOrder,
    Inspection,
    InspectionConnection,
    InspectionFilterInput,
    InspectionOrder,
)
from hub.api.lists import connection_field
from hub.enforcement.models import CaseRow, InspectionDrawRow, InspectionRow
from hub.enforcement.repository import CASES, DRAWS, INSPECTIONS, cases_by_number
from hub.errors import NotFound

_ID = strawberry.argument(description=doc("全局标识。", "Global ID."))


@strawberry.type
class EnforcementQuery:
    """Root fields of enforcement records; merged into ``Query`` by ``hub.api.schema``."""

    @strawberry.field(description=doc("按全局标识查企业安全检查。", "An inspection by its ID."))
    async def inspection(
        self, info: Info[Context, None], id: Annotated[strawberry.ID, _ID]
    ) -> Inspection | None:
        row = await info.context.by_id(InspectionRow).load(node_key(id, "Inspection", "id"))
        if row is None:
            raise NotFound(f"inspection {id} not found")
        return Inspection.from_row(row)

    inspections = connection_field(
        InspectionConnection,
        INSPECTIONS,
        Inspection.from_row,
        InspectionFilterInput,
        InspectionOrder,
        doc("企业安全检查。", "Enterprise safety inspections."),
    )

    @strawberry.field(description=doc("按案号查执法案件。", "An enforcement case by its number."))
    async def enforcement_case(
        self,
        info: Info[Context, None],
        number: Annotated[str, strawberry.argument(description=doc("案号。", "Case number."))],
    ) -> EnforcementCase | None:
        loader = info.context.by_key("case_by_number", CaseRow, cases_by_number, lambda r: r.number)
        row = await loader.load(number.strip())
        if row is None:
            raise NotFound(f"case {number.strip()} not found")
        return EnforcementCase.from_row(row)

    enforcement_cases = connection_field(
        EnforcementCaseConnection,
        CASES,
        EnforcementCase.from_row,
        EnforcementCaseFilterInput,
        EnforcementCaseOrder,
        doc("执法案件。", "Enforcement cases."),
    )

    @strawberry.field(description=doc("按全局标识查双随机抽取。", "A random draw by its ID."))
    async def inspection_draw(
        self, info: Info[Context, None], id: Annotated[strawberry.ID, _ID]
    ) -> InspectionDraw | None:
        pk = node_key(id, "InspectionDraw", "id")
        row = await info.context.by_id(InspectionDrawRow).load(pk)
        if row is None:
            raise NotFound(f"draw {id} not found")
        return InspectionDraw.from_row(row)

    inspection_draws = connection_field(
        InspectionDrawConnection,
        DRAWS,
        InspectionDraw.from_row,
        InspectionDrawFilterInput,
        InspectionDrawOrder,
        doc("双随机抽取。", "Random inspection draws."),
    )
