"""GraphQL types of practitioners and their qualification certificates."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

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
    PERSONAL_RECORD,
    CreditGrade,
    credit_grade,
    personal_record,
)
from hub.api.enums import LicenceStatus, QualificationKind, SortDirection, Validity
from hub.api.lists import connection_field
from hub.api.permissions import REGISTRY, personal, personal_input
from hub.api.relay import Connection, Node
from hub.api.text import search_argument
from hub.canonical.codes import CreditSubjectKind
from hub.filters import today, validity_of
from hub.operators.models import Operator as OperatorRow
from hub.practitioners.models import Practitioner as PractitionerRow
from hub.practitioners.models import QualificationCertificate as QualificationRow
from hub.practitioners.repository import (
    QUALIFICATIONS_OF_PRACTITIONER,
    PractitionerFilter,
    QualificationFilter,
)

if TYPE_CHECKING:
    from hub.api.operators.types import Operator


@strawberry.type(
    description=doc("从业资格证。", "Qualification certificate (从业资格证)."),
    directives=[REGISTRY],
)
class QualificationCertificate(Node):
    kind: QualificationKind = strawberry.field(description=doc("资格类别。", "Qualification kind."))
    number: str = strawberry.field(description=doc("证件号。", "Certificate number."))
    valid_from: dt.date = strawberry.field(description=doc("有效期起。", "Valid from."))
    valid_to: dt.date = strawberry.field(
        description=doc("有效期至（含当日）。", "Valid to, inclusive.")
    )
    status: LicenceStatus = strawberry.field(description=doc("证件状态。", "Status."))
    validity: Validity = strawberry.field(description=doc("今日的有效状态。", "Validity today."))
    provenance: Provenance = strawberry.field(description=doc("数据来源。", "Provenance."))
    practitioner_id: strawberry.Private[int]

    @strawberry.field(description=doc("持证人。", "The holder."))
    async def holder(self, info: Info[Context, None]) -> Practitioner | None:
        row = await info.context.by_id(PractitionerRow).load(self.practitioner_id)
        return None if row is None else Practitioner.from_row(row)

    @classmethod
    def from_row(cls, row: QualificationRow) -> QualificationCertificate:
        """The published certificate of a stored one."""
        return cls(
            pk=row.id,
            kind=row.kind,
            number=row.number,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            status=row.status,
            validity=validity_of(row.valid_to, today()),
            provenance=Provenance.of(row),
            practitioner_id=row.practitioner_id,
        )


@strawberry.type(
    description=doc("从业资格证分页列表。", "A paged list of qualification certificates.")
)
class QualificationCertificateConnection(Connection[QualificationCertificate]):
    pass


@strawberry.enum(description=doc("从业资格证排序字段。", "What qualifications can be ordered by."))
class QualificationOrderField(Enum):
    VALID_TO = strawberry.enum_value("VALID_TO", description=doc("有效期至。", "Expiry date."))


@strawberry.input(description=doc("从业资格证排序。", "Qualification certificate ordering."))
class QualificationOrder:
    field: QualificationOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )


@strawberry.input(description=doc("从业资格证筛选条件。", "Qualification certificate filter."))
class QualificationFilterInput:
    kind: QualificationKind | None = strawberry.field(
        default=None, description=doc("资格类别。", "Qualification kind.")
    )
    validity: Validity | None = strawberry.field(
        default=None, description=doc("今日的有效状态。", "Validity today.")
    )

    def to_domain(self) -> QualificationFilter:
        """The repository's filter."""
        return QualificationFilter(kind=self.kind, validity=self.validity)


@strawberry.type(
    description=doc(
        "从业人员（自然人；身份证号、姓名、电话、住址属个人信息）。",
        "A practitioner: a natural person (ID number, name, phone, address are personal data).",
    ),
    directives=[REGISTRY],
)
class Practitioner(Node):
    id_number: str | None = personal(
        "ID_NUMBER", "居民身份证号码（GB 11643）。", "Resident ID number (GB 11643)."
    )
    name: str | None = personal("NAME", "姓名。", "Name.")
    phone: str | None = personal("PHONE", "联系电话。", "Phone number.")
    address: str | None = personal("ADDRESS", "住址。", "Home address.")
    region: Region | None = strawberry.field(description=doc("所属行政区划。", "Region."))
    provenance: Provenance = strawberry.field(description=doc("数据来源。", "Provenance."))
    employer_id: strawberry.Private[int | None]

    @strawberry.field(description=doc("聘用业户。", "The operator employing them."))
    async def employer(
        self, info: Info[Context, None]
    ) -> Annotated[Operator, strawberry.lazy("hub.api.operators.types")] | None:
        from hub.api.operators.types import Operator

        if self.employer_id is None:
            return None
        row = await info.context.by_id(OperatorRow).load(self.employer_id)
        return None if row is None else Operator.from_row(row)

    qualifications = connection_field(
        QualificationCertificateConnection,
        QUALIFICATIONS_OF_PRACTITIONER,
        QualificationCertificate.from_row,
        QualificationFilterInput,
        QualificationOrder,
        doc("从业资格证。", "Qualification certificates."),
    )

    @strawberry.field(
        description=doc(
            "诚信考核等级及其依据；属个人信息：须 pii:read 并声明使用目的，留痕。",
            "Integrity grade for a period with its evidence; personal data: pii:read and a "
            "stated purpose, audited.",
        ),
        directives=PERSONAL_RECORD,
        extensions=[personal_record()],
    )
    async def credit(
        self,
        info: Info[Context, None],
        period: Annotated[str, strawberry.argument(description=PERIOD_DESCRIPTION)],
    ) -> CreditGrade | None:
        return await credit_grade(
            info, CreditSubjectKind.PRACTITIONER, self.id_number or "", period
        )

    @classmethod
    def from_row(cls, row: PractitionerRow) -> Practitioner:
        """The published practitioner of a stored one."""
        return cls(
            pk=row.id,
            id_number=row.id_number,
            name=row.name,
            phone=row.phone,
            address=row.address,
            region=region(row.region_code),
            provenance=Provenance.of(row),
            employer_id=row.employer_id,
        )


@strawberry.type(description=doc("从业人员分页列表。", "A paged list of practitioners."))
class PractitionerConnection(Connection[Practitioner]):
    pass


@strawberry.input(
    description=doc("从业人员筛选条件。", "Practitioner filter; all conditions apply.")
)
class PractitionerFilterInput:
    region: str | None = strawberry.field(default=None, description=REGION_DESCRIPTION)
    qualification: QualificationKind | None = strawberry.field(
        default=None, description=doc("持有该类资格。", "Holds a qualification of this kind.")
    )
    search: str | None = personal_input("NAME", "姓名包含该文本。", "Name contains this text.")

    def to_domain(self) -> PractitionerFilter:
        """The repository's filter, with every argument checked."""
        return PractitionerFilter(
            region=region_argument(self.region, "filter.region"),
            qualification=self.qualification,
            search=search_argument(self.search),
        )


@strawberry.enum(description=doc("从业人员排序字段。", "What practitioners can be ordered by."))
class PractitionerOrderField(Enum):
    NAME = strawberry.enum_value("NAME", description=doc("姓名。", "Name."))


@strawberry.input(description=doc("从业人员排序。", "Practitioner ordering."))
class PractitionerOrder:
    field: PractitionerOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description=ORDER_DIRECTION_DESCRIPTION
    )
