"""GraphQL types of operators and their operating permits."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from hub.agency_records import repository as records
from hub.agency_records.models import AccidentRow, BusinessRegistrationRow, InsurancePolicyRow
from hub.api.agencies.types import Accident, BusinessRegistration, InsurancePolicy
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
from hub.api.credit.types import (
    PERIOD_DESCRIPTION,
    CreditGrade,
    CreditSanction,
    credit_grade,
    sanctions_of,
)
from hub.api.enforcement.types import Inspection as InspectionType
from hub.api.enforcement.types import (
    InspectionConnection,
    InspectionFilterInput,
    InspectionOrder,
)
from hub.api.enums import (
    BusinessCategory,
    LicenceStatus,
    OperatorStatus,
    PermitKind,
    SortDirection,
    Validity,
)
from hub.api.lines.types import (
    PassengerLine,
    PassengerLineConnection,
    PassengerLineFilterInput,
    PassengerLineOrder,
)
from hub.api.lists import connection_field
from hub.api.permissions import OPEN, personal
from hub.api.practitioners.types import (
    Practitioner,
    PractitionerConnection,
    PractitionerFilterInput,
    PractitionerOrder,
)
from hub.api.relay import Connection, Node
from hub.api.stations.types import Station, StationConnection, StationFilterInput, StationOrder
from hub.api.text import search_argument
from hub.api.vehicles.types import Vehicle, VehicleConnection, VehicleFilterInput, VehicleOrder
from hub.api.vessels.types import Vessel, VesselConnection, VesselFilterInput, VesselOrder
from hub.canonical.codes import CreditSubjectKind
from hub.credit.service import active_entries
from hub.enforcement.repository import INSPECTIONS_OF_OPERATOR
from hub.filters import today, validity_of
from hub.lines.repository import LINES_OF_OPERATOR, LINES_OF_PERMIT
from hub.operators.models import Operator as OperatorRow
from hub.operators.models import Permit as PermitRow
from hub.operators.repository import PERMITS_OF_OPERATOR, OperatorFilter, PermitFilter
from hub.practitioners.repository import PRACTITIONERS_OF_EMPLOYER
from hub.stations.repository import STATIONS_OF_OPERATOR
from hub.vehicles.repository import VEHICLES_OF_OPERATOR
from hub.vessels.repository import VESSELS_OF_OPERATOR


@strawberry.type(
    description=doc("经营许可证。", "Operating permit (经营许可证)."), directives=[OPEN]
)
class Permit(Node):
    number: str = strawberry.field(description=doc("许可证号。", "Permit number."))
    kind: PermitKind = strawberry.field(description=doc("许可类别。", "Kind of permit."))
    scope: str = strawberry.field(description=doc("经营范围。", "Permitted scope of business."))
    issuing_authority: str = strawberry.field(description=doc("发证机关。", "Issuing authority."))
    valid_from: dt.date = strawberry.field(description=doc("有效期起。", "Valid from."))
    valid_to: dt.date = strawberry.field(
        description=doc("有效期至（含当日）。", "Valid to, inclusive.")
    )
    status: LicenceStatus = strawberry.field(description=doc("许可证状态。", "Permit status."))
    validity: Validity = strawberry.field(description=doc("今日的有效状态。", "Validity today."))
    provenance: Provenance = strawberry.field(description=doc("数据来源。", "Provenance."))
    operator_id: strawberry.Private[int]

    @strawberry.field(description=doc("持证业户。", "The operator holding it."))
    async def operator(self, info: Info[Context, None]) -> Operator | None:
        row = await info.context.by_id(OperatorRow).load(self.operator_id)
        return None if row is None else Operator.from_row(row)

    passenger_lines = connection_field(
        PassengerLineConnection,
        LINES_OF_PERMIT,
        PassengerLine.from_row,
        PassengerLineFilterInput,
        PassengerLineOrder,
        doc("依本许可经营的客运班线。", "Passenger lines run under it."),
    )

    @classmethod
    def from_row(cls, row: PermitRow) -> Permit:
        """The published permit of a stored one."""
        return cls(
            pk=row.id,
            number=row.number,
            kind=row.kind,
            scope=row.scope,
            issuing_authority=row.issuing_authority,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            status=row.status,
            validity=validity_of(row.valid_to, today()),
            provenance=Provenance.of(row),
            operator_id=row.operator_id,
        )


@strawberry.type(description=doc("经营许可证分页列表。", "A paged list of permits."))
class PermitConnection(Connection[Permit]):
    pass


@strawberry.input(description=doc("许可证筛选条件。", "Permit filter; all conditions apply."))
class PermitFilterInput:
    kind: PermitKind | None = strawberry.field(default=None, description=doc("许可类别。", "Kind."))
    status: LicenceStatus | None = strawberry.field(
        default=None, description=doc("许可证状态。", "Status.")
    )
    validity: Validity | None = strawberry.field(
        default=None, description=doc("今日的有效状态。", "Validity today.")
    )

    def to_domain(self) -> PermitFilter:
        """The repository's filter."""
        return PermitFilter(kind=self.kind, status=self.status, validity=self.validity)


@strawberry.enum(description=doc("许可证排序字段。", "What permits can be ordered by."))
class PermitOrderField(Enum):
    NUMBER = strawberry.enum_value("NUMBER", description=doc("许可证号。", "Permit number."))
    VALID_TO = strawberry.enum_value("VALID_TO", description=doc("有效期至。", "Expiry date."))


@strawberry.input(description=doc("许可证排序。", "Permit ordering."))
class PermitOrder:
    field: PermitOrderField = strawberry.field(description=doc("排序字段。", "Field to order by."))
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )


@strawberry.type(
    description=doc("业户：道路或水路运输经营者。", "An operator: a licensed transport business."),
    directives=[OPEN],
)
class Operator(Node):
    uscc: str = strawberry.field(
        description=doc("统一社会信用代码（GB 32100）。", "Unified social credit code (GB 32100).")
    )
    name: str = strawberry.field(description=doc("业户名称。", "Registered name."))
    legal_representative: str | None = personal(
        "NAME", "法定代表人（自然人姓名，属个人信息）。", "Legal representative (a person's name)."
    )
    region: Region | None = strawberry.field(description=doc("所在行政区划。", "Region."))
    business_categories: list[BusinessCategory] = strawberry.field(
        description=doc("经营范围类别。", "Categories of business.")
    )
    status: OperatorStatus = strawberry.field(description=doc("经营状态。", "Operating status."))
    provenance: Provenance = strawberry.field(description=doc("数据来源。", "Provenance."))

    permits = connection_field(
        PermitConnection,
        PERMITS_OF_OPERATOR,
        Permit.from_row,
        PermitFilterInput,
        PermitOrder,
        doc("持有的经营许可证。", "Its operating permits."),
    )

    vehicles = connection_field(
        VehicleConnection,
        VEHICLES_OF_OPERATOR,
        Vehicle.from_row,
        VehicleFilterInput,
        VehicleOrder,
        doc("营运车辆。", "Its operating vehicles."),
    )

    vessels = connection_field(
        VesselConnection,
        VESSELS_OF_OPERATOR,
        Vessel.from_row,
        VesselFilterInput,
        VesselOrder,
        doc("船舶。", "Its vessels."),
    )

    employees = connection_field(
        PractitionerConnection,
        PRACTITIONERS_OF_EMPLOYER,
        Practitioner.from_row,
        PractitionerFilterInput,
        PractitionerOrder,
        doc("聘用的从业人员。", "Practitioners it employs."),
        nullable=True,
    )  # null, with FORBIDDEN, for open-data clients

    stations = connection_field(
        StationConnection,
        STATIONS_OF_OPERATOR,
        Station.from_row,
        StationFilterInput,
        StationOrder,
        doc("经营的场站。", "Stations it runs."),
    )

    passenger_lines = connection_field(
        PassengerLineConnection,
        LINES_OF_OPERATOR,
        PassengerLine.from_row,
        PassengerLineFilterInput,
        PassengerLineOrder,
        doc("经营的客运班线。", "Passenger lines it runs."),
    )

    inspections = connection_field(
        InspectionConnection,
        INSPECTIONS_OF_OPERATOR,
        InspectionType.from_row,
        InspectionFilterInput,
        InspectionOrder,
        doc(
            "对本业户的企业安全检查（须 enforcement:read）。",
            "Safety inspections of it (needs enforcement:read).",
        ),
        nullable=True,
    )  # null, with FORBIDDEN, for clients without enforcement:read

    @strawberry.field(
        description=doc("市场监管登记信息（最新）。", "Business registration, latest.")
    )
    async def business_registration(self, info: Info[Context, None]) -> BusinessRegistration | None:
        rows = await info.context.all_by_key(
            "business_registrations",
            BusinessRegistrationRow,
            records.business_registrations_of,
            lambda r: r.uscc,
        ).load(self.uscc)
        return BusinessRegistration.from_row(rows[0]) if rows else None

    @strawberry.field(description=doc("本业户的事故，最新在前。", "Its accidents, newest first."))
    async def accidents(
        self, info: Info[Context, None]
    ) -> list[Accident] | None:  # null + FORBIDDEN for open data
        rows = await info.context.all_by_key(
            "operator_accidents",
            AccidentRow,
            records.accidents_of_operators,
            lambda r: r.operator_uscc,
        ).load(self.uscc)
        return [Accident.from_row(row) for row in rows[: records.LIMIT]]

    @strawberry.field(
        description=doc("本业户为被保险人的保单。", "Policies insuring it, latest expiry first.")
    )
    async def insurance_policies(
        self, info: Info[Context, None]
    ) -> list[InsurancePolicy] | None:  # null + FORBIDDEN for open data
        rows = await info.context.all_by_key(
            "operator_policies",
            InsurancePolicyRow,
            records.policies_of_operators,
            lambda r: r.insured_uscc,
        ).load(self.uscc)
        return [InsurancePolicy.from_row(row) for row in rows[: records.LIMIT]]

    @strawberry.field(
        description=doc(
            "信用等级及其依据（按事件逐项说明）。", "Credit grade for a period, with its evidence."
        )
    )
    async def credit(
        self,
        info: Info[Context, None],
        period: Annotated[str, strawberry.argument(description=PERIOD_DESCRIPTION)],
    ) -> CreditGrade:
        return await credit_grade(info, CreditSubjectKind.OPERATOR, self.uscc, period)

    @strawberry.field(
        description=doc(
            "现行的联合惩戒措施（如失信名单上的业户其许可申请被标记）。",
            "Joint sanctions in force (a blacklisted operator's permit applications flagged).",
        )
    )
    async def credit_sanctions(self, info: Info[Context, None]) -> list[CreditSanction]:
        async with info.context.database() as session:
            entries = await active_entries(
                session,
                CreditSubjectKind.OPERATOR,
                [self.uscc],
                today(),
                info.context.principal.reader,
            )
        return sanctions_of(entries)

    @classmethod
    def from_row(cls, row: OperatorRow) -> Operator:
        """The published operator of a stored one."""
        return cls(
            pk=row.id,
            uscc=row.uscc,
            name=row.name,
            legal_representative=row.legal_representative,
            region=region(row.region_code),
            business_categories=[BusinessCategory(code) for code in row.business_categories],
            status=row.status,
            provenance=Provenance.of(row),
        )


@strawberry.type(description=doc("业户分页列表。", "A paged list of operators."))
class OperatorConnection(Connection[Operator]):
    pass


@strawberry.input(description=doc("业户筛选条件。", "Operator filter; all conditions apply."))
class OperatorFilterInput:
    region: str | None = strawberry.field(default=None, description=REGION_DESCRIPTION)
    status: OperatorStatus | None = strawberry.field(
        default=None, description=doc("经营状态。", "Operating status.")
    )
    search: str | None = strawberry.field(
        default=None, description=doc("名称包含该文本。", "Name contains this text.")
    )

    def to_domain(self) -> OperatorFilter:
        """The repository's filter, with every argument checked."""
        return OperatorFilter(
            region=region_argument(self.region, "filter.region"),
            status=self.status,
            search=search_argument(self.search),
        )


@strawberry.enum(description=doc("业户排序字段。", "What operators can be ordered by."))
class OperatorOrderField(Enum):
    NAME = strawberry.enum_value("NAME", description=doc("名称。", "Name."))
    USCC = strawberry.enum_value("USCC", description=doc("统一社会信用代码。", "Credit code."))
    REGION = strawberry.enum_value("REGION", description=doc("行政区划代码。", "Region code."))


@strawberry.input(description=doc("业户排序。", "Operator ordering."))
class OperatorOrder:
    field: OperatorOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )
