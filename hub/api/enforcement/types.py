"""GraphQL types of inspections, cases with their on-site records and evidence, and draws."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

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
from hub.api.enforcement.draws import InspectionDraw
from hub.api.enums import (
    InspectionItemResult,
    InspectionKind,
    InspectionResult,
    PlateColor,
    SortDirection,
)
from hub.api.permissions import ENFORCEMENT
from hub.api.relay import Connection, Node, to_global_id
from hub.canonical.codes import INSPECTION_ITEMS
from hub.enforcement import cases as case_service
from hub.enforcement import inspections as inspection_service
from hub.enforcement.models import (
    CaseRow,
    EvidenceFileRow,
    InspectionDrawRow,
    InspectionItemRow,
    InspectionRow,
    OnSiteRecordRow,
)
from hub.enforcement.repository import (
    InspectionFilter,
    RegionFilter,
    follow_ups_of,
    inspections_of_cases,
    items_by_inspection,
)
from hub.filters import today
from hub.operators.models import Operator as OperatorRow

if TYPE_CHECKING:
    from hub.api.operators.types import Operator

_OPERATORS = "hub.api.operators.types"


def _f(zh: str, en: str) -> Any:
    return strawberry.field(description=doc(zh, en))


Rectification = strawberry.enum(
    inspection_service.Rectification,
    name="Rectification",
    description=doc("检查所发现隐患的整改情况。", "Where the hazards an inspection found stand."),
)
for _value, (_zh, _en) in zip(
    Rectification.__strawberry_definition__.values,  # type: ignore[attr-defined]
    [
        ("未发现隐患，无需整改（复查本身亦然）。", "No hazard found (and follow-ups themselves)."),
        ("隐患整改中，未过期限。", "Hazards open, deadline not passed."),
        ("已过整改期限仍有隐患未整改。", "Hazards still open past the deadline."),
        ("全部隐患经复查已整改，未超期限。", "Every hazard found rectified by the deadline."),
        ("全部隐患已整改，但超过期限。", "Every hazard rectified, after the deadline."),
    ],
    strict=True,
):
    _value.description = doc(_zh, _en)


@strawberry.type(
    description=doc(
        "检查项目（standards/codes/inspection_item.csv）的结果。",
        "The result of one checklist item (standards/codes/inspection_item.csv).",
    )
)
class InspectionItem:
    code: str = _f("检查项目代码。", "Item code.")
    name: str = _f("检查项目名称。", "Item name, Chinese.")
    name_en: str = _f("检查项目英文名称。", "Item name, English.")
    result: InspectionItemResult = _f("结果。", "Result.")
    hazard: str | None = _f("发现的隐患（仅不符合项）。", "The hazard found (failed items only).")
    rectified_at: dt.datetime | None = _f(
        "复查确认整改完成的时间。", "When a follow-up found the hazard rectified."
    )
    rectified_by: strawberry.ID | None = _f(
        "确认整改完成的复查（全局标识）。", "The follow-up that found it rectified (its ID)."
    )

    @classmethod
    def from_row(cls, row: InspectionItemRow) -> InspectionItem:
        """The published item of a stored one."""
        zh, en = INSPECTION_ITEMS.get(row.item_code, (row.item_code, row.item_code))
        return cls(
            code=row.item_code,
            name=zh,
            name_en=en,
            result=row.result,
            hazard=row.hazard,
            rectified_at=row.closed_at,
            rectified_by=(
                None if row.closed_by_id is None else to_global_id("Inspection", row.closed_by_id)
            ),
        )


async def _items(info: Info[Context, None], pk: int) -> list[InspectionItemRow]:
    loader = info.context.all_by_key(
        "inspection_items", InspectionRow, items_by_inspection, lambda r: r.inspection_id
    )
    return await loader.load(pk)


async def _follow_ups(info: Info[Context, None], pk: int) -> list[InspectionRow]:
    loader = info.context.all_by_key(
        "inspection_follow_ups", InspectionRow, follow_ups_of, lambda r: r.follow_up_of_id
    )
    return await loader.load(pk)


@strawberry.type(
    description=doc(
        "企业安全检查（入户检查）：按检查项目清单逐项记录结果，发现的隐患限期整改，由复查确认。",
        "An enterprise safety inspection: a checklist with a result per item; hazards found "
        "get a rectification deadline and are closed by a follow-up inspection.",
    ),
    directives=[ENFORCEMENT],
)
class Inspection(Node):
    kind: InspectionKind = _f("检查类别。", "Kind of inspection.")
    inspected_at: dt.datetime = _f("检查时间。", "When inspected.")
    region: Region | None = _f("业户所在行政区划。", "The operator's region.")
    inspectors: list[str] = _f("检查人员执法证号。", "Badge numbers of the inspecting officers.")
    result: InspectionResult = _f(
        "检查结论：有任一项不符合即为发现隐患（复查：仍有隐患未整改）。",
        "Result: hazards found when any item failed (a follow-up: some still not rectified).",
    )
    rectification_deadline: dt.date | None = _f(
        "整改期限（发现隐患时）。", "Rectification deadline, when hazards were found."
    )
    remarks: str | None = _f("备注。", "Remarks.")
    recorded_at: dt.datetime = _f("录入时间。", "When recorded in the hub.")
    operator_id: strawberry.Private[int]
    follow_up_of_id: strawberry.Private[int | None]
    case_id: strawberry.Private[int | None]
    draw_id: strawberry.Private[int | None]
    row: strawberry.Private[InspectionRow]

    @strawberry.field(description=doc("被检查业户。", "The operator inspected."))
    async def operator(
        self, info: Info[Context, None]
    ) -> Annotated[Operator, strawberry.lazy(_OPERATORS)] | None:
        from hub.api.operators.types import Operator

        found = await info.context.by_id(OperatorRow).load(self.operator_id)
        return None if found is None else Operator.from_row(found)

    @strawberry.field(description=doc("逐项检查结果。", "The result of every checklist item."))
    async def items(self, info: Info[Context, None]) -> list[InspectionItem]:
        return [InspectionItem.from_row(row) for row in await _items(info, self.pk)]

    @strawberry.field(
        description=doc("发现的隐患（不符合项）。", "The hazards found (failed items).")
    )
    async def hazards(self, info: Info[Context, None]) -> list[InspectionItem]:
        rows = await _items(info, self.pk)
        return [
            InspectionItem.from_row(row) for row in rows if row.result is InspectionItemResult.FAIL
        ]

    @strawberry.field(
        description=doc(
            "隐患整改情况（今日，中国时区）。", "Where its hazards stand today (China time)."
        )
    )
    async def rectification(self, info: Info[Context, None]) -> Rectification:  # type: ignore[valid-type]
        items = await _items(info, self.pk)
        follow_ups = await _follow_ups(info, self.pk)
        return inspection_service.rectification(self.row, items, follow_ups, today())

    @strawberry.field(description=doc("所复查的原检查。", "The inspection this follows up."))
    async def follow_up_of(self, info: Info[Context, None]) -> Inspection | None:
        if self.follow_up_of_id is None:
            return None
        found = await info.context.by_id(InspectionRow).load(self.follow_up_of_id)
        return None if found is None else Inspection.from_row(found)

    @strawberry.field(
        description=doc("对本次检查的复查，先后为序。", "Its follow-ups, oldest first.")
    )
    async def follow_ups(self, info: Info[Context, None]) -> list[Inspection]:
        return [Inspection.from_row(row) for row in await _follow_ups(info, self.pk)]

    @strawberry.field(description=doc("所属案件。", "The case it is filed under."))
    async def case(self, info: Info[Context, None]) -> EnforcementCase | None:
        if self.case_id is None:
            return None
        found = await info.context.by_id(CaseRow).load(self.case_id)
        return None if found is None else EnforcementCase.from_row(found)

    @strawberry.field(
        description=doc("抽中本业户的双随机抽取。", "The random draw that picked it.")
    )
    async def draw(self, info: Info[Context, None]) -> InspectionDraw | None:
        if self.draw_id is None:
            return None
        found = await info.context.by_id(InspectionDrawRow).load(self.draw_id)
        return None if found is None else InspectionDraw.from_row(found)

    @classmethod
    def from_row(cls, row: InspectionRow) -> Inspection:
        """The published inspection of a stored one."""
        return cls(
            pk=row.id,
            kind=row.kind,
            inspected_at=row.inspected_at,
            region=region(row.region_code),
            inspectors=list(row.inspectors),
            result=row.result,
            rectification_deadline=row.rectification_deadline,
            remarks=row.remarks,
            recorded_at=row.recorded_at,
            operator_id=row.operator_id,
            follow_up_of_id=row.follow_up_of_id,
            case_id=row.case_id,
            draw_id=row.draw_id,
            row=row,
        )


@strawberry.type(description=doc("企业安全检查分页列表。", "A paged list of inspections."))
class InspectionConnection(Connection[Inspection]):
    pass


@strawberry.input(description=doc("检查筛选条件。", "Inspection filter; all conditions apply."))
class InspectionFilterInput:
    region: str | None = strawberry.field(default=None, description=REGION_DESCRIPTION)
    kind: InspectionKind | None = strawberry.field(
        default=None, description=doc("检查类别。", "Kind.")
    )
    result: InspectionResult | None = strawberry.field(
        default=None, description=doc("检查结论。", "Result.")
    )
    open_hazards: bool | None = strawberry.field(
        default=None,
        description=doc(
            "仅有（true）或无（false）未整改隐患的检查。",
            "Only those with (true) or without (false) hazards not yet rectified.",
        ),
    )

    def to_domain(self) -> InspectionFilter:
        """The repository's filter, with every argument checked."""
        return InspectionFilter(
            region=region_argument(self.region, "filter.region"),
            kind=self.kind,
            result=self.result,
            open_hazards=self.open_hazards,
        )


@strawberry.enum(description=doc("检查排序字段。", "What inspections can be ordered by."))
class InspectionOrderField(Enum):
    INSPECTED_AT = strawberry.enum_value(
        "INSPECTED_AT", description=doc("检查时间。", "When inspected.")
    )


@strawberry.input(description=doc("检查排序。", "Inspection ordering."))
class InspectionOrder:
    field: InspectionOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )


@strawberry.type(
    description=doc(
        "证据文件（照片、视频），按 SHA-256 内容寻址存储。",
        "An evidence file (photo, video), stored by its SHA-256.",
    )
)
class EvidenceFile:
    sha256: str = _f("文件内容的 SHA-256（十六进制）。", "SHA-256 of its content, hex.")
    media_type: str = _f("按内容识别的媒体类型。", "Media type, read from its content.")
    size: int = _f("字节数。", "Size in bytes.")
    file_name: str = _f("上传时的文件名。", "File name as uploaded.")
    uploaded_at: dt.datetime = _f("上传时间。", "When uploaded.")

    @classmethod
    def from_row(cls, row: EvidenceFileRow) -> EvidenceFile:
        """The published file of a stored one."""
        return cls(
            sha256=row.sha256,
            media_type=row.media_type,
            size=row.size,
            file_name=row.file_name,
            uploaded_at=row.uploaded_at,
        )


@strawberry.type(description=doc("现场笔录。", "An on-site record (现场笔录)."))
class OnSiteRecord:
    record_id: int = _f(
        "笔录编号（上传证据时使用）。", "Record number (to upload its evidence to)."
    )
    recorded_at: dt.datetime = _f("记录时间。", "When recorded on site.")
    place: str = _f("地点。", "Place.")
    officers: list[str] = _f("执法人员执法证号。", "Badge numbers of the officers.")
    findings: str = _f("现场情况。", "What was found.")
    evidence: list[EvidenceFile] = _f("证据文件，按上传先后。", "Evidence files, in upload order.")


@strawberry.type(
    description=doc(
        "执法案件：现场笔录、证据和检查归于其下，可导出为电子案卷。",
        "An enforcement case: on-site records, evidence and inspections are filed under it; "
        "exported as an electronic case file.",
    ),
    directives=[ENFORCEMENT],
)
class EnforcementCase(Node):
    number: str = _f("案号。", "Case number.")
    title: str = _f("案由。", "Title.")
    region: Region | None = _f("所在行政区划。", "Region.")
    vehicle_plate: str | None = _f("涉及车辆车牌号码。", "Plate of the vehicle concerned.")
    vehicle_plate_color: PlateColor | None = _f("涉及车辆车牌颜色。", "Its plate colour.")
    opened_at: dt.datetime = _f("立案时间。", "When opened.")
    operator_id: strawberry.Private[int | None]

    @strawberry.field(description=doc("涉及的业户。", "The operator concerned."))
    async def operator(
        self, info: Info[Context, None]
    ) -> Annotated[Operator, strawberry.lazy(_OPERATORS)] | None:
        from hub.api.operators.types import Operator

        if self.operator_id is None:
            return None
        found = await info.context.by_id(OperatorRow).load(self.operator_id)
        return None if found is None else Operator.from_row(found)

    @strawberry.field(
        description=doc(
            "现场笔录及其证据，先后为序。", "On-site records with evidence, oldest first."
        )
    )
    async def records(self, info: Info[Context, None]) -> list[OnSiteRecord]:
        async with info.context.database() as session:
            records = await case_service.records_of(session, [self.pk])
            files = await case_service.evidence_of(session, [r.id for r in records])
        return [on_site_record(record, files) for record in records]

    @strawberry.field(description=doc("归入本案的检查。", "Inspections filed under it."))
    async def inspections(self, info: Info[Context, None]) -> list[Inspection]:
        loader = info.context.all_by_key(
            "case_inspections", InspectionRow, inspections_of_cases, lambda r: r.case_id
        )
        return [Inspection.from_row(row) for row in await loader.load(self.pk)]

    @classmethod
    def from_row(cls, row: CaseRow) -> EnforcementCase:
        """The published case of a stored one."""
        return cls(
            pk=row.id,
            number=row.number,
            title=row.title,
            region=region(row.region_code),
            vehicle_plate=row.vehicle_plate,
            vehicle_plate_color=row.vehicle_plate_color,
            opened_at=row.opened_at,
            operator_id=row.operator_id,
        )


def on_site_record(record: OnSiteRecordRow, files: list[EvidenceFileRow]) -> OnSiteRecord:
    """The published on-site record with the evidence files among ``files`` that are its own."""
    return OnSiteRecord(
        record_id=record.id,
        recorded_at=record.recorded_at,
        place=record.place,
        officers=list(record.officers),
        findings=record.findings,
        evidence=[EvidenceFile.from_row(f) for f in files if f.record_id == record.id],
    )


@strawberry.type(description=doc("执法案件分页列表。", "A paged list of enforcement cases."))
class EnforcementCaseConnection(Connection[EnforcementCase]):
    pass


@strawberry.input(description=doc("案件筛选条件。", "Enforcement case filter."))
class EnforcementCaseFilterInput:
    region: str | None = strawberry.field(default=None, description=REGION_DESCRIPTION)

    def to_domain(self) -> RegionFilter:
        """The repository's filter, with the region checked."""
        return RegionFilter(region=region_argument(self.region, "filter.region"))


@strawberry.enum(description=doc("案件排序字段。", "What cases can be ordered by."))
class EnforcementCaseOrderField(Enum):
    OPENED_AT = strawberry.enum_value("OPENED_AT", description=doc("立案时间。", "When opened."))
    NUMBER = strawberry.enum_value("NUMBER", description=doc("案号。", "Case number."))


@strawberry.input(description=doc("案件排序。", "Case ordering."))
class EnforcementCaseOrder:
    field: EnforcementCaseOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )
