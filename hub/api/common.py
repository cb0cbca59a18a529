"""Types shared by every domain: regions, provenance, points, and their conversions."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Protocol

import strawberry

from hub.api.bilingual import doc
from hub.api.enums import SortDirection
from hub.canonical.codes import REGIONS
from hub.canonical.identifiers import InvalidIdentifier, division_code
from hub.db import Provenance as ProvenanceColumns
from hub.errors import BadUserInput


@strawberry.type(
    description=doc(
        "行政区划（GB/T 2260），县级或地级。",
        "Administrative division (GB/T 2260), county or city.",
    )
)
class Region:
    code: str = strawberry.field(description=doc("六位区划代码。", "Six-digit division code."))
    name: str = strawberry.field(description=doc("中文名称。", "Chinese name."))
    name_en: str = strawberry.field(description=doc("英文名称。", "English name."))

    @strawberry.field(description=doc("所属地级市。", "The prefecture-level city it belongs to."))
    def city(self) -> Region | None:
        return region(self.code[:4] + "00") if not self.code.endswith("00") else None

    @strawberry.field(description=doc("是否为地级市。", "Whether this is a prefecture-level city."))
    def is_city(self) -> bool:
        return self.code.endswith("00")


def region(code: str) -> Region | None:
    """The region of a division code; None for codes outside the published list."""
    labels = REGIONS.get(code)
    return None if labels is None else Region(code=code, name=labels[0], name_en=labels[1])


def region_argument(value: str | None, argument: str = "region") -> str | None:
    """A region filter: a code of the list (province, city or county); else bad input."""
    if value is None:
        return None
    try:
        code = division_code(value, argument)
    except InvalidIdentifier as exc:
        raise BadUserInput(str(exc), field=argument) from None
    if code not in REGIONS:
        raise BadUserInput(
            f"{argument}: {value!r} is not a Jiangsu division code (standards/codes/region.csv)",
            field=argument,
        )
    return code


@strawberry.type(
    description=doc(
        "数据来源：来源系统或机构、来源记录号、接收与核验时间。",
        "Where a record came from: source, record id there, when received and last verified.",
    )
)
class Provenance:
    source: str = strawberry.field(description=doc("来源系统或机构。", "Source system or agency."))
    source_record_id: str = strawberry.field(
        description=doc("来源系统中的记录标识。", "The record's id at the source.")
    )
    received_at: dt.datetime = strawberry.field(
        description=doc("本平台接收时间（UTC）。", "When the hub received it (UTC).")
    )
    last_verified_at: dt.datetime | None = strawberry.field(
        description=doc("最近一次与来源核验的时间。", "When it was last verified at the source.")
    )

    @classmethod
    def of(cls, row: ProvenanceColumns) -> Provenance:
        """The provenance of any row."""
        return cls(
            source=row.source,
            source_record_id=row.source_record_id,
            received_at=row.received_at,
            last_verified_at=row.verified_at,
        )


@strawberry.type(
    description=doc(
        "坐标点（WGS-84 / CGCS2000，非 GCJ-02）。", "A WGS-84 / CGCS2000 point (never GCJ-02)."
    )
)
class GeoPoint:
    latitude: float = strawberry.field(description=doc("纬度（度）。", "Latitude in degrees."))
    longitude: float = strawberry.field(description=doc("经度（度）。", "Longitude in degrees."))


Direction = Annotated[
    SortDirection,
    strawberry.argument(description=doc("排序方向。", "Sort direction.")),
]

FILTER_DESCRIPTION = doc("筛选条件。", "Filter.")
ORDER_DESCRIPTION = doc("排序方式。", "Ordering.")
SEARCH_DESCRIPTION = doc(
    "名称包含该文本（不区分大小写）。", "Name contains this text (case-insensitive)."
)
REGION_DESCRIPTION = doc(
    "行政区划代码：省（320000）、市（如 320100）或县区（如 320102）。",
    "Division code: province (320000), city (e.g. 320100) or county (e.g. 320102).",
)
ORDER_DIRECTION_DESCRIPTION = doc("排序方向，默认升序。", "Sort direction, ascending by default.")


class OrderInput(Protocol):
    """Every ``<Type>Order`` input: a field enum and a direction."""

    @property
    def field(self) -> Enum: ...

    @property
    def direction(self) -> SortDirection: ...


class FilterInput(Protocol):
    """Every ``<Type>FilterInput``: turns itself into the repository's filter."""

    def to_domain(self) -> Any: ...


def order_of(value: OrderInput | None) -> tuple[str | None, bool]:
    """(sort name, descending) of an optional order input; None takes the list's default."""
    if value is None:
        return None, False
    return str(value.field.value), value.direction is SortDirection.DESC


def filter_of(value: FilterInput | None) -> Any:
    """The repository filter of an optional filter input."""
    return None if value is None else value.to_domain()
