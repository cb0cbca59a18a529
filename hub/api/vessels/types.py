"""GraphQL types of vessels and their certificates."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from hub.agency_records import repository as records
from hub.agency_records.models import PortCallRow, VesselRegistrationRow
from hub.api.agencies.types import Limit, PortCall, VesselRegistration, capped
from hub.api.bilingual import doc
from hub.api.common import (
    ORDER_DIRECTION_DESCRIPTION,
    REGION_DESCRIPTION,
    Provenance,
    Region,
    region,
    region_argument,
)
from hub.api.context import Context
from hub.api.enums import LicenceStatus, SortDirection, Validity, VesselCertificateKind
from hub.api.lists import connection_field
from hub.api.permissions import OPEN
from hub.api.relay import Connection, Node
from hub.api.text import search_argument
from hub.filters import today, validity_of
from hub.operators.models import Operator as OperatorRow
from hub.vessels.models import Vessel as VesselRow
from hub.vessels.models import VesselCertificate as CertificateRow
from hub.vessels.repository import (
    CERTIFICATES_OF_VESSEL,
    VesselCertificateFilter,
    VesselFilter,
)

if TYPE_CHECKING:
    from hub.api.operators.types import Operator


@strawberry.type(
    description=doc("船舶证书。", "A statutory certificate of a vessel."), directives=[OPEN]
)
class VesselCertificate(Node):
    kind: VesselCertificateKind = strawberry.field(description=doc("证书类别。", "Kind."))
    number: str = strawberry.field(description=doc("证书编号。", "Certificate number."))
    issuing_authority: str = strawberry.field(description=doc("发证机关。", "Issuing authority."))
    valid_from: dt.date = strawberry.field(description=doc("有效期起。", "Valid from."))
    valid_to: dt.date = strawberry.field(
        description=doc("有效期至（含当日）。", "Valid to, inclusive.")
    )
    status: LicenceStatus = strawberry.field(description=doc("证书状态。", "Status."))
    validity: Validity = strawberry.field(description=doc("今日的有效状态。", "Validity today."))
    provenance: Provenance = strawberry.field(description=doc("数据来源。", "Provenance."))
    vessel_id: strawberry.Private[int]

    @strawberry.field(description=doc("所属船舶。", "The vessel it certifies."))
    async def vessel(self, info: Info[Context, None]) -> Vessel | None:
        row = await info.context.by_id(VesselRow).load(self.vessel_id)
        return None if row is None else Vessel.from_row(row)

    @classmethod
    def from_row(cls, row: CertificateRow) -> VesselCertificate:
        """The published certificate of a stored one."""
        return cls(
            pk=row.id,
            kind=row.kind,
            number=row.number,
            issuing_authority=row.issuing_authority,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            status=row.status,
            validity=validity_of(row.valid_to, today()),
            provenance=Provenance.of(row),
            vessel_id=row.vessel_id,
        )


@strawberry.type(description=doc("船舶证书分页列表。", "A paged list of vessel certificates."))
class VesselCertificateConnection(Connection[VesselCertificate]):
    pass


@strawberry.enum(
    description=doc("船舶证书排序字段。", "What vessel certificates can be ordered by.")
)
class VesselCertificateOrderField(Enum):
    VALID_TO = strawberry.enum_value("VALID_TO", description=doc("有效期至。", "Expiry date."))
    NUMBER = strawberry.enum_value("NUMBER", description=doc("证书编号。", "Certificate number."))


@strawberry.input(description=doc("船舶证书排序。", "Vessel certificate ordering."))
class VesselCertificateOrder:
    field: VesselCertificateOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )


@strawberry.input(description=doc("船舶证书筛选条件。", "Vessel certificate filter."))
class VesselCertificateFilterInput:
    kind: VesselCertificateKind | None = strawberry.field(
        default=None, description=doc("证书类别。", "Kind.")
    )
    validity: Validity | None = strawberry.field(
        default=None, description=doc("今日的有效状态。", "Validity today.")
    )

    def to_domain(self) -> VesselCertificateFilter:
        """The repository's filter."""
        return VesselCertificateFilter(kind=self.kind, validity=self.validity)


@strawberry.type(description=doc("船舶。", "A vessel."), directives=[OPEN])
class Vessel(Node):
    name: str = strawberry.field(description=doc("船名。", "Vessel name."))
    mmsi: str = strawberry.field(
        description=doc(
            "海上移动业务识别码（9 位）。", "Maritime mobile service identity (9 digits)."
        )
    )
    imo: str | None = strawberry.field(
        description=doc(
            "国际海事组织船舶识别号（IMO，7 位，如有）。", "IMO ship number (7 digits), if any."
        )
    )
    port_of_registry: str = strawberry.field(description=doc("船籍港。", "Port of registry."))
    gross_tonnage: int = strawberry.field(description=doc("总吨。", "Gross tonnage."))
    region: Region | None = strawberry.field(description=doc("所属行政区划。", "Region."))
    provenance: Provenance = strawberry.field(description=doc("数据来源。", "Provenance."))
    operator_id: strawberry.Private[int]

    @strawberry.field(description=doc("所属业户。", "The operator running it."))
    async def operator(
        self, info: Info[Context, None]
    ) -> Annotated[Operator, strawberry.lazy("hub.api.operators.types")] | None:
        from hub.api.operators.types import Operator

        row = await info.context.by_id(OperatorRow).load(self.operator_id)
        return None if row is None else Operator.from_row(row)

    certificates = connection_field(
        VesselCertificateConnection,
        CERTIFICATES_OF_VESSEL,
        VesselCertificate.from_row,
        VesselCertificateFilterInput,
        VesselCertificateOrder,
        doc("船舶证书。", "Its certificates."),
    )

    @strawberry.field(
        description=doc("海事登记信息（最新收到的）。", "Maritime registration, latest received.")
    )
    async def registration(self, info: Info[Context, None]) -> VesselRegistration | None:
        rows = await info.context.all_by_key(
            "vessel_registrations",
            VesselRegistrationRow,
            records.vessel_registrations_of,
            lambda r: r.mmsi,
        ).load(self.mmsi)
        return VesselRegistration.from_row(rows[0]) if rows else None

    @strawberry.field(description=doc("进出港记录，最新在前。", "Port calls, newest first."))
    async def port_calls(
        self, info: Info[Context, None], limit: Limit = 20
    ) -> list[PortCall] | None:  # null + FORBIDDEN for open data
        rows = await info.context.all_by_key(
            "port_calls", PortCallRow, records.port_calls_of, lambda r: r.mmsi
        ).load(self.mmsi)
        return [PortCall.from_row(row) for row in rows[: capped(limit)]]

    @classmethod
    def from_row(cls, row: VesselRow) -> Vessel:
        """The published vessel of a stored one."""
        return cls(
            pk=row.id,
            name=row.name,
            mmsi=row.mmsi,
            imo=row.imo,
            port_of_registry=row.port_of_registry,
            gross_tonnage=row.gross_tonnage,
            region=region(row.region_code),
            provenance=Provenance.of(row),
            operator_id=row.operator_id,
        )


@strawberry.type(description=doc("船舶分页列表。", "A paged list of vessels."))
class VesselConnection(Connection[Vessel]):
    pass


@strawberry.input(description=doc("船舶筛选条件。", "Vessel filter; all conditions apply."))
class VesselFilterInput:
    region: str | None = strawberry.field(default=None, description=REGION_DESCRIPTION)
    port_of_registry: str | None = strawberry.field(
        default=None, description=doc("船籍港。", "Port of registry.")
    )
    search: str | None = strawberry.field(
        default=None, description=doc("船名包含该文本。", "Name contains this text.")
    )

    def to_domain(self) -> VesselFilter:
        """The repository's filter, with every argument checked."""
        return VesselFilter(
            region=region_argument(self.region, "filter.region"),
            port_of_registry=search_argument(self.port_of_registry, "filter.portOfRegistry"),
            search=search_argument(self.search),
        )


@strawberry.enum(description=doc("船舶排序字段。", "What vessels can be ordered by."))
class VesselOrderField(Enum):
    NAME = strawberry.enum_value("NAME", description=doc("船名。", "Name."))
    MMSI = strawberry.enum_value("MMSI", description=doc("海上移动业务识别码。", "MMSI."))
    GROSS_TONNAGE = strawberry.enum_value(
        "GROSS_TONNAGE", description=doc("总吨。", "Gross tonnage.")
    )


@strawberry.input(description=doc("船舶排序。", "Vessel ordering."))
class VesselOrder:
    field: VesselOrderField = strawberry.field(description=doc("排序字段。", "Field to order by."))
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )
