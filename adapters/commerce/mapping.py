"""Commerce registry (市场监管) documents ↔ canonical records.

One document type, a flat batch of business registrations (see
``hub.exchange.record_xml.Layout``). The credit code is normalised and otherwise kept as
received: a code with a wrong check character is still the registry's record, and the pipeline
turns it into a data-quality finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from hub.canonical.codes import BusinessStatus
from hub.canonical.records import BusinessRegistration, Record
from hub.exchange.protocol import Header, namespace
from hub.exchange.record_xml import Field, Layout, RecordLayout, code, date, identifier, iso

AGENCY = "commerce"


def write_decimal(value: float) -> str:
    """A float as xs:decimal allows it: never an exponent, at most 6 decimals (CapitalType)."""
    return f"{round(value, 6):.6f}".rstrip("0").rstrip(".")


BUSINESS_REGISTRATION = Layout(
    namespace=namespace(AGENCY, "business-registration"),
    root="BusinessRegistrations",
    record=RecordLayout(
        element="BusinessRegistration",
        record_type=BusinessRegistration,
        fields=(
            Field("RecordId", "source_record_id"),
            Field("Uscc", "uscc", identifier),
            Field("Name", "name"),
            Field("Status", "status", BusinessStatus, code),
            Field("LegalRepresentative", "legal_representative"),
            Field("RegisteredCapital", "registered_capital_wan_yuan", float, write_decimal),
            Field("Scope", "scope"),
            Field("RegisteredOn", "registered_on", date, iso),
            Field("Authority", "authority"),
        ),
    ),
)


def parse_business_registration(root: Element) -> tuple[Record, ...]:
    """The BusinessRegistration records of a validated 市场主体登记 document."""
    return BUSINESS_REGISTRATION.parse(root)


def export_business_registration(records: Sequence[Record], header: Header) -> bytes:
    """A 市场主体登记 document of BusinessRegistration records."""
    return BUSINESS_REGISTRATION.export(records, header)
