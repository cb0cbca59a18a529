"""The work-safety supervision (应急管理) adapter: its document types and its simulated feed."""

from __future__ import annotations

from adapters.safety import demo, mapping, simulator
from hub.canonical.records import Accident, SafetyInspection
from hub.exchange.protocol import STANDARDS_DIR, Adapter, DocumentType

AGENCY = mapping.AGENCY

ACCIDENT = DocumentType(
    name="accident",
    title=("道路运输事故", "Road transport accident"),
    schema=STANDARDS_DIR / AGENCY / "accident-1.0.xsd",
    namespace=mapping.ACCIDENT.namespace,
    root=mapping.ACCIDENT.root,
    parse=mapping.parse_accident,
    export=mapping.export_accident,
    # AccidentVehicle travels inside Accident; it is never a record of its own.
    record_types=(Accident,),
)
SAFETY_INSPECTION = DocumentType(
    name="safety-inspection",
    title=("安全检查与隐患整改", "Safety inspection and hazard rectification"),
    schema=STANDARDS_DIR / AGENCY / "safety-inspection-1.0.xsd",
    namespace=mapping.SAFETY_INSPECTION.namespace,
    root=mapping.SAFETY_INSPECTION.root,
    parse=mapping.parse_safety_inspection,
    export=mapping.export_safety_inspection,
    record_types=(SafetyInspection,),
)

adapter = Adapter(
    name=AGENCY,
    title=("应急管理（安全生产监管）", "Emergency management (work-safety supervision)"),
    documents={document.name: document for document in (ACCIDENT, SAFETY_INSPECTION)},
    simulator=simulator.app,
    demo=demo.documents,
)
