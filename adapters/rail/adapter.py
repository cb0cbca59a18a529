"""The rail adapter: what the hub knows of the rail freight exchange's documents."""

from __future__ import annotations

from adapters.rail import demo, mapping, simulator
from hub.canonical.records import ContainerEvent, RailWaybill
from hub.exchange.protocol import STANDARDS_DIR, Adapter, DocumentType

RAIL_WAYBILL = DocumentType(
    name="rail-waybill",
    title=("铁路货票", "Rail waybill"),
    schema=STANDARDS_DIR / "rail" / "rail-waybill-1.0.xsd",
    namespace=mapping.WAYBILL_NS,
    root="RailWaybills",
    parse=mapping.parse_rail_waybill,
    export=mapping.export_rail_waybill,
    record_types=(RailWaybill,),
)

CONTAINER_EVENT = DocumentType(
    name="container-event",
    title=("集装箱作业事件", "Container event"),
    schema=STANDARDS_DIR / "rail" / "container-event-1.0.xsd",
    namespace=mapping.EVENT_NS,
    root="ContainerEvents",
    parse=mapping.parse_container_event,
    export=mapping.export_container_event,
    record_types=(ContainerEvent,),
)

adapter = Adapter(
    name="rail",
    title=("铁路货运交易平台", "Rail freight exchange"),
    documents={document.name: document for document in (RAIL_WAYBILL, CONTAINER_EVENT)},
    simulator=simulator.app,
    demo=demo.documents,
)
