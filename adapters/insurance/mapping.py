"""Insurers' platform (保险) documents ↔ canonical records.

Two document types: policies — compulsory traffic liability (交强险), carrier liability and
dangerous goods carrier liability — and the claims made on them. Policy, claim and credit
code numbers and plates are normalised and otherwise kept as received; checking them is the
pipeline's work.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from hub.canonical.codes import InsuranceKind, PlateColor
from hub.canonical.records import InsuranceClaim, InsurancePolicy, Record
from hub.exchange.protocol import Header, namespace
from hub.exchange.record_xml import (
    Field,
    Layout,
    RecordLayout,
    boolean,
    code,
    date,
    identifier,
    iso,
    whole,
    write_boolean,
)

AGENCY = "insurance"

_RECORD_ID = Field("RecordId", "source_record_id")
_POLICY_NUMBER = Field("PolicyNumber", "policy_number", identifier)

INSURANCE_POLICY = Layout(
    namespace=namespace(AGENCY, "insurance-policy"),
    root="InsurancePolicies",
    record=RecordLayout(
        element="InsurancePolicy",
        record_type=InsurancePolicy,
        fields=(
            _RECORD_ID,
            _POLICY_NUMBER,
            Field("Kind", "kind", InsuranceKind, code),
            Field("Insurer", "insurer"),
            Field("InsuredUscc", "insured_uscc", identifier, optional=True),
            Field("Plate", "plate", identifier, optional=True),
            Field("PlateColor", "plate_color", PlateColor, code, optional=True),
            Field("CoverYuan", "cover_yuan", whole),
            Field("ValidFrom", "valid_from", date, iso),
            Field("ValidTo", "valid_to", date, iso),
        ),
    ),
)

INSURANCE_CLAIM = Layout(
    namespace=namespace(AGENCY, "insurance-claim"),
    root="InsuranceClaims",
    record=RecordLayout(
        element="InsuranceClaim",
        record_type=InsuranceClaim,
        fields=(
            _RECORD_ID,
            Field("ClaimNumber", "claim_number", identifier),
            _POLICY_NUMBER,
            Field("OccurredOn", "occurred_on", date, iso),
            Field("AmountYuan", "amount_yuan", whole),
            Field("Settled", "settled", boolean, write_boolean),
        ),
    ),
)


def parse_insurance_policy(root: Element) -> tuple[Record, ...]:
    """The InsurancePolicy records of a validated 保单 document."""
    return INSURANCE_POLICY.parse(root)


def export_insurance_policy(records: Sequence[Record], header: Header) -> bytes:
    """A 保单 document of InsurancePolicy records.

    The XSD wants an insured operator, a vehicle or both, and a vehicle's plate with its
    colour, so a record that breaks either is refused here rather than written invalid.
    """
    for record in records:
        if not isinstance(record, InsurancePolicy):
            continue  # the layout names the wrong type
        if (record.plate is None) != (record.plate_color is None):
            raise ValueError(f"policy {record.policy_number}: a plate needs its colour")
        if record.plate is None and record.insured_uscc is None:
            raise ValueError(f"policy {record.policy_number}: insures neither operator nor vehicle")
    return INSURANCE_POLICY.export(records, header)


def parse_insurance_claim(root: Element) -> tuple[Record, ...]:
    """The InsuranceClaim records of a validated 理赔 document."""
    return INSURANCE_CLAIM.parse(root)


def export_insurance_claim(records: Sequence[Record], header: Header) -> bytes:
    """A 理赔 document of InsuranceClaim records."""
    return INSURANCE_CLAIM.export(records, header)
