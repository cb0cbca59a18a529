"""The code lists published as GraphQL enums, described from the code-list files themselves."""

from __future__ import annotations

from enum import Enum

import strawberry

from hub.api.bilingual import doc
from hub.canonical.codes import (
    LABELS,
    TITLES,
    AccidentResponsibility,
    AlertKind,
    AlertStatus,
    BusinessCategory,
    BusinessStatus,
    ConsignmentEventKind,
    ConsignmentStatus,
    DangerousGoodsClass,
    InspectionItemResult,
    InspectionKind,
    InspectionResult,
    InsuranceKind,
    LicenceStatus,
    OperatorStatus,
    PackingGroup,
    PermitKind,
    PlateColor,
    PortCallKind,
    QualificationKind,
    RegistrationStatus,
    StationKind,
    StationLevel,
    TransportMode,
    VehicleType,
    VesselCertificateKind,
)
from hub.filters import Validity


def _publish(enum_type: type[Enum]) -> None:
    zh, en = TITLES[enum_type]
    strawberry.enum(enum_type, description=doc(zh, f"{en}. Codes: standards/codes."))
    for value in enum_type.__strawberry_definition__.values:  # type: ignore[attr-defined]
        member = enum_type[value.name]
        label_zh, label_en = LABELS[member]
        value.description = doc(
            f"{label_zh}（代码 {member.value}）", f"{label_en} (code {member.value})"
        )


for _enum_type in TITLES:
    _publish(_enum_type)


@strawberry.enum(description=doc("排序方向。", "Sort direction."))
class SortDirection(Enum):
    ASC = strawberry.enum_value("ASC", description=doc("升序。", "Ascending."))
    DESC = strawberry.enum_value("DESC", description=doc("降序。", "Descending."))


strawberry.enum(
    Validity,
    name="Validity",
    description=doc(
        "证照在今日的有效状态（中国时区）。", "Where a document stands today (China time)."
    ),
)
for _value, (_zh, _en) in zip(
    Validity.__strawberry_definition__.values,  # type: ignore[attr-defined]
    [
        ("有效期内（含最后一日）。", "Valid, its last day included."),
        ("将于 30 日内到期。", "Valid for at most 30 more days."),
        ("已过期。", "Expired."),
    ],
    strict=True,
):
    _value.description = doc(_zh, _en)

__all__ = [
    "AccidentResponsibility",
    "AlertKind",
    "AlertStatus",
    "BusinessCategory",
    "BusinessStatus",
    "ConsignmentEventKind",
    "ConsignmentStatus",
    "DangerousGoodsClass",
    "InspectionItemResult",
    "InspectionKind",
    "InspectionResult",
    "InsuranceKind",
    "LicenceStatus",
    "OperatorStatus",
    "PackingGroup",
    "PermitKind",
    "PlateColor",
    "PortCallKind",
    "QualificationKind",
    "RegistrationStatus",
    "SortDirection",
    "StationKind",
    "StationLevel",
    "TransportMode",
    "Validity",
    "VehicleType",
    "VesselCertificateKind",
]
