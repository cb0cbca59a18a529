"""Root queries: lookups by natural key, top-level lists, and Relay's node / nodes."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from hub.agency_records import models as agency_rows
from hub.agency_records.inbox import ExchangeMessage as ExchangeMessageRow
from hub.alerts.models import AlertRow
from hub.api.agencies import types as agencies
from hub.api.alerts.types import Alert
from hub.api.bilingual import doc
from hub.api.cargo.types import (
    DangerousGoods,
    DangerousGoodsConnection,
    DangerousGoodsFilterInput,
    DangerousGoodsOrder,
)
from hub.api.common import FILTER_DESCRIPTION, ORDER_DESCRIPTION
from hub.api.context import Context
from hub.api.enforcement.draws import InspectionDraw
from hub.api.enforcement.types import EnforcementCase, Inspection
from hub.api.enums import PlateColor
from hub.api.inbox.types import ExchangeMessage
from hub.api.lines.types import (
    PassengerLine,
    PassengerLineConnection,
    PassengerLineFilterInput,
    PassengerLineOrder,
)
from hub.api.lists import connection_field
from hub.api.operators.types import (
    Operator,
    OperatorConnection,
    OperatorFilterInput,
    OperatorOrder,
    Permit,
    PermitConnection,
    PermitFilterInput,
    PermitOrder,
)
from hub.api.permissions import personal_argument
from hub.api.practitioners.types import (
    Practitioner,
    PractitionerConnection,
    PractitionerFilterInput,
    PractitionerOrder,
    QualificationCertificate,
)
from hub.api.relay import Node, from_global_id, shown
from hub.api.stations.types import Station, StationConnection, StationFilterInput, StationOrder
from hub.api.text import code_argument, identifier_argument
from hub.api.vehicles.types import Vehicle, VehicleConnection, VehicleFilterInput, VehicleOrder
from hub.api.vessels.types import (
    Vessel,
    VesselCertificate,
    VesselConnection,
    VesselFilterInput,
    VesselOrder,
)
from hub.canonical import identifiers
from hub.cargo.models import DangerousGoods as DangerousGoodsRow
from hub.cargo.repository import DANGEROUS_GOODS, dangerous_goods_by_un_number
from hub.db import Base
from hub.enforcement.models import CaseRow, InspectionDrawRow, InspectionRow
from hub.errors import BadUserInput, Forbidden, NotFound
from hub.lines.models import PassengerLine as LineRow
from hub.lines.repository import PASSENGER_LINES, lines_by_code
from hub.operators.models import Operator as OperatorRow
from hub.operators.models import Permit as PermitRow
from hub.operators.repository import OPERATORS, PERMITS, operators_by_uscc, permits_by_number
from hub.practitioners.models import Practitioner as PractitionerRow
from hub.practitioners.models import QualificationCertificate as QualificationRow
from hub.practitioners.repository import PRACTITIONERS, practitioners_by_id_number
from hub.stations.models import Station as StationRow
from hub.stations.repository import STATIONS, stations_by_code
from hub.vehicles.models import Vehicle as VehicleRow
from hub.vehicles.repository import VEHICLES, vehicles_by_plate
from hub.vessels.models import Vessel as VesselRow
from hub.vessels.models import VesselCertificate as VesselCertificateRow
from hub.vessels.repository import VESSELS, vessels_by_imo, vessels_by_mmsi

R = TypeVar("R")

# Every type that implements Node: its GraphQL name → (stored row, published type).
NODE_TYPES: dict[str, tuple[type[Base], Any]] = {
    "Operator": (OperatorRow, Operator),
    "Permit": (PermitRow, Permit),
    "Vehicle": (VehicleRow, Vehicle),
    "Vessel": (VesselRow, Vessel),
    "VesselCertificate": (VesselCertificateRow, VesselCertificate),
    "Practitioner": (PractitionerRow, Practitioner),
    "QualificationCertificate": (QualificationRow, QualificationCertificate),
    "Station": (StationRow, Station),
    "DangerousGoods": (DangerousGoodsRow, DangerousGoods),
    "PassengerLine": (LineRow, PassengerLine),
    "VehicleRegistration": (agency_rows.VehicleRegistrationRow, agencies.VehicleRegistration),
    "TrafficViolation": (agency_rows.TrafficViolationRow, agencies.TrafficViolation),
    "InsurancePolicy": (agency_rows.InsurancePolicyRow, agencies.InsurancePolicy),
    "Accident": (agency_rows.AccidentRow, agencies.Accident),
    "BusinessRegistration": (agency_rows.BusinessRegistrationRow, agencies.BusinessRegistration),
    "VesselRegistration": (agency_rows.VesselRegistrationRow, agencies.VesselRegistration),
    "PortCall": (agency_rows.PortCallRow, agencies.PortCall),
    "ExchangeMessage": (ExchangeMessageRow, ExchangeMessage),
    "Alert": (AlertRow, Alert),
    "Inspection": (InspectionRow, Inspection),
    "EnforcementCase": (CaseRow, EnforcementCase),
    "InspectionDraw": (InspectionDrawRow, InspectionDraw),
}


def _arg(zh: str, en: str) -> Any:
    return strawberry.argument(description=doc(zh, en))


def _found(row: R | None, what: str) -> R:
    if row is None:
        raise NotFound(f"{what} not found")
    return row


async def _node(info: Info[Context, None], global_id: str, argument: str) -> Node | None:
    type_name, pk = from_global_id(global_id, argument)
    entry = NODE_TYPES.get(type_name)
    if entry is None:
        raise BadUserInput(
            f"{argument}: {shown(global_id)} is not an ID issued by the hub "
            f"(no type {shown(type_name)} has IDs)",
            field=argument,
        )
    model, published = entry
    info.context.policy.check_type(info.context.principal, type_name)
    row = await info.context.by_id(model).load(pk)
    return None if row is None else published.from_row(row)


async def _listed(info: Info[Context, None], global_id: str, argument: str) -> Any:
    """One item of ``nodes``: the object, None, or the Forbidden error of a type the client
    may not read. graphql-core raises an item that is an error at that item's own path
    (null there, FORBIDDEN at ``["nodes", n]``), so one refused ID does not fail the others
    (a forged ID is a bad argument and still refuses the whole field)."""
    try:
        return await _node(info, global_id, argument)
    except Forbidden as refused:
        return refused


Filter = FILTER_DESCRIPTION
Order = ORDER_DESCRIPTION


@strawberry.type
class DataCenterQuery:
    """Root fields over the data center; merged into ``Query`` by ``hub.api.schema``."""

    @strawberry.field(description=doc("按全局标识取对象。", "An object by its global ID."))
    async def node(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, _arg("全局标识。", "Global ID.")],
    ) -> Node | None:
        return _found(await _node(info, id, "id"), f"node {id!r}")

    @strawberry.field(
        description=doc(
            "按全局标识批量取对象，未找到者为 null。", "Objects by global ID; null where none."
        )
    )
    async def nodes(
        self,
        info: Info[Context, None],
        ids: Annotated[
            list[strawberry.ID], _arg("全局标识列表（至多 100 个）。", "Global IDs (at most 100).")
        ],
    ) -> list[Node | None]:
        if len(ids) > info.context.settings.max_page_size:
            limit = info.context.settings.max_page_size
            raise BadUserInput(f"ids: at most {limit} IDs, got {len(ids)}", field="ids")
        return [await _listed(info, global_id, f"ids[{n}]") for n, global_id in enumerate(ids)]

    @strawberry.field(
        description=doc("按统一社会信用代码查业户。", "An operator by its credit code.")
    )
    async def operator(
        self,
        info: Info[Context, None],
        uscc: Annotated[str, _arg("统一社会信用代码。", "Unified social credit code.")],
    ) -> Operator | None:
        code = identifier_argument(identifiers.uscc, uscc, "uscc")
        loader = info.context.by_key(
            "operator_by_uscc", OperatorRow, operators_by_uscc, lambda r: r.uscc
        )
        return Operator.from_row(_found(await loader.load(code), f"operator with uscc {code}"))

    @strawberry.field(description=doc("按许可证号查经营许可证。", "A permit by its number."))
    async def permit(
        self,
        info: Info[Context, None],
        number: Annotated[str, _arg("许可证号。", "Permit number.")],
    ) -> Permit | None:
        code = identifier_argument(identifiers.permit_number, number, "number")
        loader = info.context.by_key(
            "permit_by_number", PermitRow, permits_by_number, lambda r: r.number
        )
        return Permit.from_row(_found(await loader.load(code), f"permit {code}"))

    @strawberry.field(
        description=doc(
            "按车牌号码和车牌颜色查车辆。", "A vehicle by plate number and plate colour."
        )
    )
    async def vehicle(
        self,
        info: Info[Context, None],
        plate: Annotated[str, _arg("车牌号码。", "Plate number.")],
        plate_color: Annotated[PlateColor, _arg("车牌颜色。", "Plate colour.")],
    ) -> Vehicle | None:
        number = identifier_argument(identifiers.plate, plate, "plate")
        loader = info.context.by_key(
            "vehicle_by_plate", VehicleRow, vehicles_by_plate, lambda r: (r.plate, r.plate_color)
        )
        row = await loader.load((number, plate_color))
        return Vehicle.from_row(_found(row, f"vehicle {number} ({plate_color.name.lower()})"))

    @strawberry.field(
        description=doc(
            "按 MMSI 或 IMO 编号查船舶（二选一）。", "A vessel by MMSI or IMO number (one of them)."
        )
    )
    async def vessel(
        self,
        info: Info[Context, None],
        mmsi: Annotated[str | None, _arg("海上移动业务识别码。", "MMSI.")] = None,
        imo: Annotated[str | None, _arg("国际海事组织船舶识别号。", "IMO number.")] = None,
    ) -> Vessel | None:
        if (mmsi is None) == (imo is None):
            raise BadUserInput("mmsi or imo: give exactly one of them", field="mmsi")
        ctx = info.context
        if mmsi is not None:
            code = identifier_argument(identifiers.mmsi, mmsi, "mmsi")
            row = await ctx.by_key(
                "vessel_by_mmsi", VesselRow, vessels_by_mmsi, lambda r: r.mmsi
            ).load(code)
            return Vessel.from_row(_found(row, f"vessel with MMSI {code}"))
        code = identifier_argument(identifiers.imo, imo or "", "imo")
        row = await ctx.by_key("vessel_by_imo", VesselRow, vessels_by_imo, lambda r: r.imo).load(
            code
        )
        return Vessel.from_row(_found(row, f"vessel with IMO {code}"))

    @strawberry.field(
        description=doc("按身份证号查从业人员。", "A practitioner by resident ID number.")
    )
    async def practitioner(
        self,
        info: Info[Context, None],
        id_number: Annotated[
            str, personal_argument("ID_NUMBER", "居民身份证号码。", "Resident ID number.")
        ],
    ) -> Practitioner | None:
        number = identifier_argument(identifiers.resident_id, id_number, "idNumber")
        loader = info.context.by_key(
            "practitioner_by_id_number",
            PractitionerRow,
            practitioners_by_id_number,
            lambda r: r.id_number,
        )
        return Practitioner.from_row(_found(await loader.load(number), "practitioner"))

    @strawberry.field(description=doc("按场站编码查场站。", "A station by its code."))
    async def station(
        self, info: Info[Context, None], code: Annotated[str, _arg("场站编码。", "Station code.")]
    ) -> Station | None:
        key = code_argument(code, "code")
        loader = info.context.by_key(
            "station_by_code", StationRow, stations_by_code, lambda r: r.code
        )
        return Station.from_row(_found(await loader.load(key), f"station {key}"))

    @strawberry.field(description=doc("按联合国编号查危险货物。", "Dangerous goods by UN number."))
    async def dangerous_goods(
        self,
        info: Info[Context, None],
        un_number: Annotated[str, _arg("联合国编号。", "UN number.")],
    ) -> DangerousGoods | None:
        number = identifier_argument(identifiers.un_number, un_number, "unNumber")
        loader = info.context.by_key(
            "dangerous_goods_by_un",
            DangerousGoodsRow,
            dangerous_goods_by_un_number,
            lambda r: r.un_number,
        )
        return DangerousGoods.from_row(_found(await loader.load(number), f"UN{number}"))

    @strawberry.field(description=doc("按班线编码查客运班线。", "A passenger line by its code."))
    async def passenger_line(
        self, info: Info[Context, None], code: Annotated[str, _arg("班线编码。", "Line code.")]
    ) -> PassengerLine | None:
        key = code_argument(code, "code")
        loader = info.context.by_key("line_by_code", LineRow, lines_by_code, lambda r: r.code)
        return PassengerLine.from_row(_found(await loader.load(key), f"passenger line {key}"))

    operators = connection_field(
        OperatorConnection,
        OPERATORS,
        Operator.from_row,
        OperatorFilterInput,
        OperatorOrder,
        doc("业户列表。", "Operators."),
    )

    permits = connection_field(
        PermitConnection,
        PERMITS,
        Permit.from_row,
        PermitFilterInput,
        PermitOrder,
        doc("经营许可证列表。", "Operating permits."),
    )

    vehicles = connection_field(
        VehicleConnection,
        VEHICLES,
        Vehicle.from_row,
        VehicleFilterInput,
        VehicleOrder,
        doc("营运车辆列表。", "Operating vehicles."),
    )

    vessels = connection_field(
        VesselConnection,
        VESSELS,
        Vessel.from_row,
        VesselFilterInput,
        VesselOrder,
        doc("船舶列表。", "Vessels."),
    )

    practitioners = connection_field(
        PractitionerConnection,
        PRACTITIONERS,
        Practitioner.from_row,
        PractitionerFilterInput,
        PractitionerOrder,
        doc("从业人员列表。", "Practitioners."),
        nullable=True,
    )  # null, with FORBIDDEN, for open-data clients

    stations = connection_field(
        StationConnection,
        STATIONS,
        Station.from_row,
        StationFilterInput,
        StationOrder,
        doc("场站列表。", "Stations."),
    )

    dangerous_goods_list = connection_field(
        DangerousGoodsConnection,
        DANGEROUS_GOODS,
        DangerousGoods.from_row,
        DangerousGoodsFilterInput,
        DangerousGoodsOrder,
        doc("危险货物品名表。", "The dangerous goods list."),
    )

    passenger_lines = connection_field(
        PassengerLineConnection,
        PASSENGER_LINES,
        PassengerLine.from_row,
        PassengerLineFilterInput,
        PassengerLineOrder,
        doc("客运班线列表。", "Passenger lines."),
    )


__all__ = ["NODE_TYPES", "DataCenterQuery"]
