"""Data-quality findings in GraphQL: where the agencies and the data center disagree."""

from __future__ import annotations

import base64
import binascii
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.common import FILTER_DESCRIPTION, ORDER_DESCRIPTION, ORDER_DIRECTION_DESCRIPTION
from hub.api.context import Context
from hub.api.enums import SortDirection
from hub.api.permissions import REGISTRY
from hub.api.relay import After, Before, Connection, First, Last
from hub.errors import BadUserInput
from hub.filters import today
from hub.quality.checks import FindingKind, report

KIND_LABELS = {
    FindingKind.VEHICLE_OFF_THE_ROAD: (
        "营运车辆在公安登记为被盗抢、报废或注销。",
        "Operating vehicle stolen, scrapped or cancelled per public security.",
    ),
    FindingKind.OPERATOR_NOT_REGISTERED: (
        "营业业户在市场监管被吊销或注销。",
        "Active operator revoked or deregistered per the commerce registry.",
    ),
    FindingKind.VEHICLE_WITHOUT_COMPULSORY_INSURANCE: (
        "营运车辆无有效交强险。",
        "Operating vehicle without a valid compulsory policy.",
    ),
    FindingKind.OPERATOR_WITHOUT_CARRIER_LIABILITY: (
        "业户无有效承运人责任险。",
        "Operator without valid carrier liability cover.",
    ),
    FindingKind.DANGEROUS_GOODS_WITHOUT_LIABILITY: (
        "危货车辆无有效危险货物责任险。",
        "Dangerous-goods vehicle without dangerous-goods liability cover.",
    ),
    FindingKind.IDENTIFIER_MISMATCH: (
        "同一对象在不同来源的标识不一致。",
        "Identifiers of one subject disagree between sources.",
    ),
    FindingKind.INVALID_IDENTIFIER: (
        "来源报送的标识不符合编码规则。",
        "An identifier a source sent breaks its rule.",
    ),
    FindingKind.IMPLAUSIBLE_POSITION: (
        "定位不可能为真（未来或 2000 年前的时间、中国境外、不可能的速度），未作为位置存储。",
        "A position fix that cannot be true (a time in the future or before 2000, outside "
        "China, an impossible speed), not stored as a position.",
    ),
}

strawberry.enum(
    FindingKind,
    name="QualityFindingKind",
    description=doc("数据质量问题类别。", "Kind of data-quality finding."),
)
for _value in FindingKind.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = doc(*KIND_LABELS[FindingKind(_value.value)])


@strawberry.type(
    description=doc("跨来源数据质量问题。", "A disagreement between sources."),
    directives=[REGISTRY],
)
class QualityFinding:
    kind: FindingKind = strawberry.field(description=doc("问题类别。", "Kind of finding."))
    subject: str = strawberry.field(
        description=doc("涉及对象（车牌、代码或 MMSI）。", "Subject: plate, credit code or MMSI.")
    )
    detail: str = strawberry.field(description=doc("问题说明。", "What disagrees."))
    source: str = strawberry.field(
        description=doc("与数据中心不一致的来源机构。", "The agency whose record disagrees.")
    )


@strawberry.type(description=doc("数据质量问题分页列表。", "A paged list of findings."))
class QualityFindingConnection(Connection[QualityFinding]):
    pass


def _cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"finding:{position}".encode()).decode()


def _position(cursor: str) -> int:
    try:
        prefix, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix != "finding":
            raise ValueError(prefix)
        return int(number)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadUserInput(f"after: {cursor!r} is not a cursor", field="after") from None


@strawberry.input(description=doc("数据质量问题筛选条件。", "Finding filter."))
class QualityFindingFilter:
    kind: FindingKind | None = strawberry.field(
        default=None, description=doc("只看此类问题。", "Only this kind.")
    )
    source: str | None = strawberry.field(
        default=None, description=doc("只看此来源机构。", "Only this source agency.")
    )

    def to_domain(self) -> QualityFindingFilter:
        """Nothing to translate: the checks filter by kind, the page by source."""
        return self


@strawberry.enum(description=doc("数据质量问题排序字段。", "What findings can be ordered by."))
class QualityFindingOrderField(Enum):
    KIND = strawberry.enum_value("KIND", description=doc("问题类别。", "Kind."))
    SUBJECT = strawberry.enum_value("SUBJECT", description=doc("涉及对象。", "Subject."))


@strawberry.input(description=doc("数据质量问题排序。", "Finding ordering."))
class QualityFindingOrder:
    field: QualityFindingOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )


@strawberry.type
class QualityQuery:
    @strawberry.field(
        description=doc(
            "跨来源数据质量问题，按当前数据实时比对。",
            "Findings where the agencies and the data center disagree, computed from current data.",
        )
    )
    async def quality_findings(
        self,
        info: Info[Context, None],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter_: Annotated[
            QualityFindingFilter | None,
            strawberry.argument(name="filter", description=FILTER_DESCRIPTION),
        ] = None,
        order_by: Annotated[
            QualityFindingOrder | None, strawberry.argument(description=ORDER_DESCRIPTION)
        ] = None,
    ) -> QualityFindingConnection:
        ctx = info.context
        if first is not None and last is not None:
            raise BadUserInput("first and last: give one of them, not both", field="first")
        size = first if first is not None else last if last is not None else 20
        cap = min(ctx.settings.max_page_size, ctx.principal.tier.max_page_size)
        if not 0 <= size <= cap:
            raise BadUserInput(f"first: must be between 0 and {cap}, got {size}", field="first")
        wanted = filter_ or QualityFindingFilter()
        async with ctx.database() as session:
            findings = await report(
                session,
                today(),
                ctx.principal.reader,
                None if wanted.kind is None else [wanted.kind],
            )
        if wanted.source:
            findings = [f for f in findings if f.source == wanted.source]
        if order_by is not None:
            by_kind = order_by.field is QualityFindingOrderField.KIND
            findings.sort(
                key=lambda f: f.kind.value if by_kind else f.subject,
                reverse=order_by.direction is SortDirection.DESC,
            )
        low = 0 if after is None else _position(after) + 1
        high = len(findings) if before is None else _position(before)
        start = low if last is None else max(low, high - size)
        page = findings[start : min(high, start + size)]
        total = len(findings)

        async def counter() -> int:
            return total

        return QualityFindingConnection.of(
            [
                QualityFinding(kind=f.kind, subject=f.subject, detail=f.detail, source=f.source)
                for f in page
            ],
            [_cursor(start + offset) for offset in range(len(page))],
            start + len(page) < high,
            start > low,
            counter,
        )
