"""The 12328 hotline adapter: its document type and its simulated feed."""

from __future__ import annotations

from adapters.hotline import demo, mapping, simulator
from hub.canonical.records import HotlineComplaint
from hub.exchange.protocol import STANDARDS_DIR, Adapter, DocumentType

AGENCY = mapping.AGENCY

COMPLAINT = DocumentType(
    name="complaint",
    title=("12328 投诉工单", "12328 complaint ticket"),
    schema=STANDARDS_DIR / AGENCY / "complaint-1.0.xsd",
    namespace=mapping.COMPLAINT.namespace,
    root=mapping.COMPLAINT.root,
    parse=mapping.parse_complaint,
    export=mapping.export_complaint,
    record_types=(HotlineComplaint,),
)

adapter = Adapter(
    name=AGENCY,
    title=("12328 交通运输服务监督电话", "12328 transport service hotline"),
    documents={COMPLAINT.name: COMPLAINT},
    simulator=simulator.app,
    demo=demo.documents,
)
