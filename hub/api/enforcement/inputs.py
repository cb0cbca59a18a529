"""Input types of the enforcement mutations, each turned into the domain's entry once."""

from __future__ import annotations

import datetime as dt

import strawberry

from hub.api.bilingual import doc
from hub.api.common import region_argument
from hub.api.enums import BusinessCategory, InspectionItemResult, PlateColor
from hub.api.relay import from_global_id
from hub.api.text import identifier_argument
from hub.canonical import identifiers
from hub.enforcement.cases import CaseEntry, OnSiteEntry
from hub.enforcement.draws import DrawRequest
from hub.enforcement.inspections import MIN_INSPECTORS, FollowUpEntry, InspectionEntry, ItemEntry
from hub.errors import BadUserInput


def node_key(value: strawberry.ID, type_name: str, field: str) -> int:
    """The key of a global ID that must name a ``type_name``."""
    named, pk = from_global_id(value, field)
    if named != type_name:
        raise BadUserInput(f"{field}: the ID names a {named}, not a {type_name}", field=field)
    return pk


@strawberry.input(description=doc("一个检查项目的结果。", "The result of one checklist item."))
class InspectionItemInput:
    code: str = strawberry.field(
        description=doc(
            "检查项目代码（standards/codes/inspection_item.csv）。",
            "Item code (standards/codes/inspection_item.csv).",
        )
    )
    result: InspectionItemResult = strawberry.field(description=doc("结果。", "Result."))
    hazard: str | None = strawberry.field(
        default=None,
        description=doc("发现的隐患（不符合时必填）。", "The hazard found (required on FAIL)."),
    )

    def entry(self) -> ItemEntry:
        """The domain's item."""
        return ItemEntry(self.code, self.result, self.hazard)


_INSPECTORS = doc(
    f"检查人员执法证号，至少 {MIN_INSPECTORS} 名。",
    f"Badge numbers of the inspecting officers, at least {MIN_INSPECTORS}.",
)
_DEADLINE = doc(
    "整改期限：发现隐患时必填，须晚于检查日；未发现隐患时不填。",
    "Rectification deadline: required when hazards are found, after the inspection day; "
    "absent otherwise.",
)


@strawberry.input(
    description=doc(
        "一次企业安全检查：检查项目清单的每一项均须给出结果。",
        "An enterprise safety inspection: every item of the checklist is answered.",
    )
)
class InspectionInput:
    operator_uscc: str = strawberry.field(
        description=doc("被检查业户的统一社会信用代码。", "Credit code of the operator inspected.")
    )
    inspected_at: dt.datetime = strawberry.field(
        description=doc("检查时间（带时区）。", "When inspected, with offset.")
    )
    inspectors: list[str] = strawberry.field(description=_INSPECTORS)
    items: list[InspectionItemInput] = strawberry.field(
        description=doc("逐项结果。", "The result of every item.")
    )
    rectification_deadline: dt.date | None = strawberry.field(default=None, description=_DEADLINE)
    remarks: str | None = strawberry.field(default=None, description=doc("备注。", "Remarks."))
    draw_id: strawberry.ID | None = strawberry.field(
        default=None,
        description=doc(
            "依据的双随机抽取（抽中本业户者）。", "The random draw that picked the operator."
        ),
    )
    case_number: str | None = strawberry.field(
        default=None, description=doc("归入的案件案号。", "Number of the case to file it under.")
    )

    def entry(self, case_id: int | None) -> InspectionEntry:
        """The domain's entry, identifiers checked."""
        return InspectionEntry(
            operator_uscc=identifier_argument(
                identifiers.uscc, self.operator_uscc, "inspection.operatorUscc"
            ),
            inspected_at=self.inspected_at,
            inspectors=tuple(self.inspectors),
            items=tuple(item.entry() for item in self.items),
            rectification_deadline=self.rectification_deadline,
            remarks=self.remarks,
            draw_id=(
                None
                if self.draw_id is None
                else node_key(self.draw_id, "InspectionDraw", "inspection.drawId")
            ),
            case_id=case_id,
        )


@strawberry.input(
    description=doc(
        "复查：逐项复核原检查尚未整改的隐患，符合即确认整改完成。",
        "A follow-up: re-checks each hazard still open on the original inspection; a PASS "
        "closes it.",
    )
)
class FollowUpInput:
    inspection_id: strawberry.ID = strawberry.field(
        description=doc("所复查的原检查。", "The inspection followed up.")
    )
    inspected_at: dt.datetime = strawberry.field(
        description=doc("复查时间（带时区）。", "When inspected again, with offset.")
    )
    inspectors: list[str] = strawberry.field(description=_INSPECTORS)
    items: list[InspectionItemInput] = strawberry.field(
        description=doc(
            "每项未整改隐患的复查结果（PASS 或 FAIL）。",
            "The result for each open hazard (PASS or FAIL).",
        )
    )
    rectification_deadline: dt.date | None = strawberry.field(
        default=None,
        description=doc(
            "仍有隐患时的新整改期限。", "The new deadline, when hazards are still there."
        ),
    )
    remarks: str | None = strawberry.field(default=None, description=doc("备注。", "Remarks."))

    def entry(self) -> FollowUpEntry:
        """The domain's entry."""
        return FollowUpEntry(
            inspection_id=node_key(self.inspection_id, "Inspection", "followUp.inspectionId"),
            inspected_at=self.inspected_at,
            inspectors=tuple(self.inspectors),
            items=tuple(item.entry() for item in self.items),
            rectification_deadline=self.rectification_deadline,
            remarks=self.remarks,
        )


@strawberry.input(description=doc("立案。", "A case to open."))
class EnforcementCaseInput:
    number: str = strawberry.field(description=doc("案号（唯一）。", "Case number, unique."))
    title: str = strawberry.field(description=doc("案由。", "Title."))
    region: str | None = strawberry.field(
        default=None,
        description=doc(
            "所在行政区划（未指明业户时必填）。", "Region (required when no operator is named)."
        ),
    )
    operator_uscc: str | None = strawberry.field(
        default=None, description=doc("涉及业户的统一社会信用代码。", "Operator concerned.")
    )
    vehicle_plate: str | None = strawberry.field(
        default=None, description=doc("涉及车辆车牌号码。", "Plate of the vehicle concerned.")
    )
    vehicle_plate_color: PlateColor | None = strawberry.field(
        default=None, description=doc("涉及车辆车牌颜色。", "Its plate colour.")
    )

    def entry(self) -> CaseEntry:
        """The domain's entry, identifiers checked."""
        return CaseEntry(
            number=self.number,
            title=self.title,
            region_code=region_argument(self.region, "case.region"),
            operator_uscc=(
                None
                if self.operator_uscc is None
                else identifier_argument(identifiers.uscc, self.operator_uscc, "case.operatorUscc")
            ),
            vehicle_plate=(
                None
                if self.vehicle_plate is None
                else identifier_argument(identifiers.plate, self.vehicle_plate, "case.vehiclePlate")
            ),
            vehicle_plate_color=self.vehicle_plate_color,
        )


@strawberry.input(description=doc("现场笔录。", "An on-site record."))
class OnSiteRecordInput:
    case_number: str = strawberry.field(description=doc("所属案件案号。", "The case number."))
    recorded_at: dt.datetime = strawberry.field(
        description=doc("记录时间（带时区）。", "When recorded, with offset.")
    )
    place: str = strawberry.field(description=doc("地点。", "Place."))
    officers: list[str] = strawberry.field(
        description=doc(
            "执法人员执法证号，至少 2 名。", "Badge numbers of the officers, 2 or more."
        )
    )
    findings: str = strawberry.field(description=doc("现场情况。", "What was found."))

    def entry(self) -> OnSiteEntry:
        """The domain's entry."""
        return OnSiteEntry(
            case_number=self.case_number,
            recorded_at=self.recorded_at,
            place=self.place,
            officers=tuple(self.officers),
            findings=self.findings,
        )


@strawberry.input(description=doc("双随机抽取条件。", "What a random draw picks from."))
class InspectionDrawInput:
    region: str = strawberry.field(
        description=doc("抽取范围（行政区划代码）。", "Region to draw over (division code).")
    )
    category: BusinessCategory = strawberry.field(
        description=doc("经营类别。", "Business category.")
    )
    operator_count: int = strawberry.field(
        description=doc("抽取业户数。", "How many operators to draw.")
    )
    officers_per_operator: int = strawberry.field(
        default=MIN_INSPECTORS,
        description=doc("每户检查人员数（2 至 5）。", "Officers for each operator (2 to 5)."),
    )

    def request(self) -> DrawRequest:
        """The domain's request, the region checked."""
        code = region_argument(self.region, "draw.region")
        assert code is not None  # a required argument
        return DrawRequest(
            region_code=code,
            category=self.category,
            operator_count=self.operator_count,
            officers_per_operator=self.officers_per_operator,
        )
