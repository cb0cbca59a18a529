"""The positioning adapter: what the hub knows of the satellite positioning platform's documents."""

from __future__ import annotations

from adapters.positioning import demo, mapping, simulator
from hub.canonical.records import VehiclePosition
from hub.exchange.protocol import STANDARDS_DIR, Adapter, DocumentType

VEHICLE_POSITION = DocumentType(
    name="vehicle-position",
    title=("车辆卫星定位", "Vehicle position"),
    schema=STANDARDS_DIR / "positioning" / "vehicle-position-1.0.xsd",
    namespace=mapping.POSITION_NS,
    root="VehiclePositions",
    parse=mapping.parse_vehicle_position,
    export=mapping.export_vehicle_position,
    record_types=(VehiclePosition,),
)

adapter = Adapter(
    name="positioning",
    title=("道路运输车辆卫星定位监管平台", "Road vehicle satellite positioning platform"),
    documents={VEHICLE_POSITION.name: VEHICLE_POSITION},
    simulator=simulator.app,
    demo=demo.documents,
)
