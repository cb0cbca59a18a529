"""The commerce registry (市场监管) adapter: its document type and its simulated feed."""

from __future__ import annotations

from adapters.commerce import demo, mapping, simulator
from hub.canonical.records import BusinessRegistration
from hub.exchange.protocol import STANDARDS_DIR, Adapter, DocumentType, namespace

AGENCY = mapping.AGENCY

BUSINESS_REGISTRATION = DocumentType(
    name="business-registration",
    title=("市场主体登记", "Business registration"),
    schema=STANDARDS_DIR / AGENCY / "business-registration-1.0.xsd",
    namespace=namespace(AGENCY, "business-registration"),
    root="BusinessRegistrations",
    parse=mapping.parse_business_registration,
    export=mapping.export_business_registration,
    record_types=(BusinessRegistration,),
)

adapter = Adapter(
    name=AGENCY,
    title=("市场监管", "Market regulation (commerce registry)"),
    documents={BUSINESS_REGISTRATION.name: BUSINESS_REGISTRATION},
    simulator=simulator.app,
    demo=demo.documents,
)
