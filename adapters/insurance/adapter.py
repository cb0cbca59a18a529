"""The insurers' platform (保险) adapter: its document types and its simulated feed."""

from __future__ import annotations

from adapters.insurance import demo, mapping, simulator
from hub.canonical.records import InsuranceClaim, InsurancePolicy
from hub.exchange.protocol import STANDARDS_DIR, Adapter, DocumentType

AGENCY = mapping.AGENCY

INSURANCE_POLICY = DocumentType(
    name="insurance-policy",
    title=("保单", "Insurance policy"),
    schema=STANDARDS_DIR / AGENCY / "insurance-policy-1.0.xsd",
    namespace=mapping.INSURANCE_POLICY.namespace,
    root=mapping.INSURANCE_POLICY.root,
    parse=mapping.parse_insurance_policy,
    export=mapping.export_insurance_policy,
    record_types=(InsurancePolicy,),
)
INSURANCE_CLAIM = DocumentType(
    name="insurance-claim",
    title=("理赔", "Insurance claim"),
    schema=STANDARDS_DIR / AGENCY / "insurance-claim-1.0.xsd",
    namespace=mapping.INSURANCE_CLAIM.namespace,
    root=mapping.INSURANCE_CLAIM.root,
    parse=mapping.parse_insurance_claim,
    export=mapping.export_insurance_claim,
    record_types=(InsuranceClaim,),
)

adapter = Adapter(
    name=AGENCY,
    title=("保险行业平台", "Insurers' platform"),
    documents={document.name: document for document in (INSURANCE_POLICY, INSURANCE_CLAIM)},
    simulator=simulator.app,
    demo=demo.documents,
)
