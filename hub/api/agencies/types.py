"""The other agencies' records as the hub shares them back out, each with its provenance.

Every type here needs ``registry:read``: these are partner agencies' registers, not open data.
Owners' names and ID numbers are personal data like the data center's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from hub.agency_records import repository as records
from hub.agency_records.models import (
    AccidentRow,
    BusinessRegistrationRow,
    InsurancePolicyRow,
    PortCallRow,
    TrafficViolationRow,
    VehicleRegistrationRow,
    VesselRegistrationCertificateRow,
    VesselRegistrationRow,
)
from hub.api.bilingual import doc
from hub.api.common import Provenance
from hub.api.context import Context
from hub.api.enums import (
    BusinessStatus,
    InsuranceKind,
    PlateColor,
    PortCallKind,
    RegistrationStatus,
    VesselCertificateKind,
)
from hub.api.permissions import REGISTRY, personal
from hub.api.relay import Node


def _f(zh: str, en: str) -> Any:
    return strawberry.field(description=doc(zh, en))


Limit = Annotated[
    int,
    strawberry.argument(
        description=doc("最多返回条数（至多 100）。", "At most this many (100 max).")
    ),
]


@strawberry.type(
    description=doc(
        "机动车登记信息（公安交管）。", "Motor vehicle registration (public security)."
    ),
    directives=[REGISTRY],
)
class VehicleRegistration(Node):
    plate: str = _f("号牌号码。", "Plate number.")
    plate_color: PlateColor = _f("号牌颜色。", "Plate colour.")
    vin: str = _f("车辆识别代号（按来源登记）。", "VIN as registered by the source.")
    vehicle_type: str = _f("车辆类型代码（GA 802）。", "Vehicle type code (GA 802).")
    owner_name: str | None = personal("NAME", "所有人名称。", "Owner's name.")
    owner_id: str | None = personal("ID_NUMBER", "所有人证件号码。", "Owner's credit code or ID.")
    registered_on: dt.date = _f("初次登记日期。", "First registered on.")
    status: RegistrationStatus = _f("机动车状态。", "Registration status.")
    provenance: Provenance = _f("数据来源。", "Provenance.")

    @classmethod
    def from_row(cls, row: VehicleRegistrationRow) -> VehicleRegistration:
        """The published registration of a stored one."""
        return cls(
            pk=row.id, plate=row.plate, plate_color=row.plate_color, vin=row.vin,
            vehicle_type=row.vehicle_type, owner_name=row.owner_name, owner_id=row.owner_id,
            registered_on=row.registered_on, status=row.status, provenance=Provenance.of(row),
        )  # fmt: skip


@strawberry.type(
    description=doc("交通违法记录（公安交管）。", "Traffic violation (public security)."),
    directives=[REGISTRY],
)
class TrafficViolation(Node):
    occurred_at: dt.datetime = _f("违法时间。", "When it happened.")
    place: str = _f("违法地点。", "Where.")
    code: str = _f("违法代码。", "Violation code.")
    description: str = _f("违法行为。", "What was done.")
    fine_yuan: int = _f("罚款金额（元）。", "Fine in yuan.")
    points: int = _f("记分。", "Penalty points.")
    processed: bool = _f("是否已处理。", "Whether it was dealt with.")
    provenance: Provenance = _f("数据来源。", "Provenance.")

    @classmethod
    def from_row(cls, row: TrafficViolationRow) -> TrafficViolation:
        """The published violation of a stored one."""
        return cls(
            pk=row.id, occurred_at=row.occurred_at, place=row.place, code=row.code,
            description=row.description, fine_yuan=row.fine_yuan, points=row.points,
            processed=row.processed, provenance=Provenance.of(row),
        )  # fmt: skip


@strawberry.type(
    description=doc("保险保单（保险机构）。", "Insurance policy (insurers)."), directives=[REGISTRY]
)
class InsurancePolicy(Node):
    policy_number: str = _f("保单号。", "Policy number.")
    kind: InsuranceKind = _f("险种。", "Kind of insurance.")
    insurer: str = _f("保险公司。", "Insurer.")
    insured_uscc: str | None = _f("被保险业户统一社会信用代码。", "Insured operator's credit code.")
    plate: str | None = _f("被保险车辆号牌。", "Insured vehicle's plate.")
    plate_color: PlateColor | None = _f("被保险车辆号牌颜色。", "Insured vehicle's plate colour.")
    cover_yuan: int = _f("保额（元）。", "Cover in yuan.")
    valid_from: dt.date = _f("保险起期。", "Cover starts.")
    valid_to: dt.date = _f("保险止期。", "Cover ends.")
    provenance: Provenance = _f("数据来源。", "Provenance.")

    @classmethod
    def from_row(cls, row: InsurancePolicyRow) -> InsurancePolicy:
        """The published policy of a stored one."""
        return cls(
            pk=row.id, policy_number=row.policy_number, kind=row.kind, insurer=row.insurer,
            insured_uscc=row.insured_uscc, plate=row.plate, plate_color=row.plate_color,
            cover_yuan=row.cover_yuan, valid_from=row.valid_from, valid_to=row.valid_to,
            provenance=Provenance.of(row),
        )  # fmt: skip


@strawberry.type(
    description=doc("道路运输事故（应急管理）。", "Road transport accident (work safety)."),
    directives=[REGISTRY],
)
class Accident(Node):
    occurred_at: dt.datetime = _f("发生时间。", "When it happened.")
    place: str = _f("发生地点。", "Where.")
    region_code: str = _f("行政区划代码。", "Division code.")
    deaths: int = _f("死亡人数。", "Deaths.")
    injuries: int = _f("受伤人数。", "Injuries.")
    operator_uscc: str | None = _f("涉事业户统一社会信用代码。", "Operator's credit code.")
    summary: str = _f("事故概况。", "Summary.")
    provenance: Provenance = _f("数据来源。", "Provenance.")

    @classmethod
    def from_row(cls, row: AccidentRow) -> Accident:
        """The published accident of a stored one."""
        return cls(
            pk=row.id, occurred_at=row.occurred_at, place=row.place, region_code=row.region_code,
            deaths=row.deaths, injuries=row.injuries, operator_uscc=row.operator_uscc,
            summary=row.summary, provenance=Provenance.of(row),
        )  # fmt: skip


@strawberry.type(
    description=doc("市场主体登记信息（市场监管）。", "Business registration (commerce registry)."),
    directives=[REGISTRY],
)
class BusinessRegistration(Node):
    uscc: str = _f("统一社会信用代码。", "Unified social credit code.")
    name: str = _f("名称。", "Registered name.")
    status: BusinessStatus = _f("登记状态。", "Registration status.")
    legal_representative: str | None = personal("NAME", "法定代表人。", "Legal representative.")
    registered_capital_wan_yuan: float = _f("注册资本（万元）。", "Registered capital, 10k yuan.")
    scope: str = _f("经营范围。", "Scope of business.")
    registered_on: dt.date = _f("成立日期。", "Registered on.")
    authority: str = _f("登记机关。", "Registration authority.")
    provenance: Provenance = _f("数据来源。", "Provenance.")

    @classmethod
    def from_row(cls, row: BusinessRegistrationRow) -> BusinessRegistration:
        """The published registration of a stored one."""
        return cls(
            pk=row.id, uscc=row.uscc, name=row.name, status=row.status,
            legal_representative=row.legal_representative,
            registered_capital_wan_yuan=row.registered_capital_wan_yuan, scope=row.scope,
            registered_on=row.registered_on, authority=row.authority,
            provenance=Provenance.of(row),
        )  # fmt: skip


@strawberry.type(description=doc("船舶登记所载证书。", "A certificate on a vessel registration."))
class RegisteredVesselCertificate:
    kind: VesselCertificateKind = _f("证书类别。", "Kind.")
    number: str = _f("证书编号。", "Number.")
    valid_from: dt.date = _f("有效期起。", "Valid from.")
    valid_to: dt.date = _f("有效期至。", "Valid to.")
    issuing_authority: str = _f("发证机关。", "Issuing authority.")


@strawberry.type(
    description=doc("船舶登记信息（海事）。", "Vessel registration (maritime)."),
    directives=[REGISTRY],
)
class VesselRegistration(Node):
    mmsi: str = _f("海上移动业务识别码。", "MMSI.")
    imo: str | None = _f("国际海事组织船舶识别号。", "IMO number.")
    name: str = _f("船名。", "Name.")
    port_of_registry: str = _f("船籍港。", "Port of registry.")
    gross_tonnage: int = _f("总吨。", "Gross tonnage.")
    owner_uscc: str | None = _f("船舶所有人统一社会信用代码。", "Owner's credit code.")
    provenance: Provenance = _f("数据来源。", "Provenance.")

    @strawberry.field(description=doc("登记所载证书。", "Certificates on the registration."))
    async def certificates(self, info: Info[Context, None]) -> list[RegisteredVesselCertificate]:
        rows = await info.context.all_by_key(
            "vessel_registration_certificates",
            VesselRegistrationRow,
            records.certificates_of_registrations,
            lambda row: row.registration_id,
        ).load(self.pk)
        return [_certificate(row) for row in rows]

    @classmethod
    def from_row(cls, row: VesselRegistrationRow) -> VesselRegistration:
        """The published registration of a stored one."""
        return cls(
            pk=row.id, mmsi=row.mmsi, imo=row.imo, name=row.name,
            port_of_registry=row.port_of_registry, gross_tonnage=row.gross_tonnage,
            owner_uscc=row.owner_uscc, provenance=Provenance.of(row),
        )  # fmt: skip


def _certificate(row: VesselRegistrationCertificateRow) -> RegisteredVesselCertificate:
    return RegisteredVesselCertificate(
        kind=row.kind, number=row.number, valid_from=row.valid_from, valid_to=row.valid_to,
        issuing_authority=row.issuing_authority,
    )  # fmt: skip


@strawberry.type(
    description=doc("船舶进出港记录（海事）。", "Port call (maritime)."), directives=[REGISTRY]
)
class PortCall(Node):
    port: str = _f("港口。", "Port.")
    kind: PortCallKind = _f("进港或离港。", "Arrival or departure.")
    occurred_at: dt.datetime = _f("时间。", "When.")
    provenance: Provenance = _f("数据来源。", "Provenance.")

    @classmethod
    def from_row(cls, row: PortCallRow) -> PortCall:
        """The published port call of a stored one."""
        return cls(pk=row.id, port=row.port, kind=row.kind, occurred_at=row.occurred_at,
                   provenance=Provenance.of(row))  # fmt: skip


def capped(limit: int) -> int:
    """A list size argument within 0..100."""
    return max(0, min(limit, records.LIMIT))
