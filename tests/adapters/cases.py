"""What every agency adapter is held to, one row an adapter, and the helpers its tests share.

``test_every_adapter.py`` runs the shared checks over ``AGENCIES``; each ``test_<agency>.py``
keeps what only that agency has: its samples' exact records, its simulator's rules, its refusals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pytest

import adapters
import adapters.commerce.client
import adapters.commerce.simulator
import adapters.hotline.client
import adapters.hotline.simulator
import adapters.insurance.client
import adapters.insurance.simulator
import adapters.maritime.client
import adapters.maritime.simulator
import adapters.positioning.client
import adapters.positioning.simulator
import adapters.public_security.client
import adapters.public_security.simulator
import adapters.rail.client
import adapters.rail.simulator
import adapters.safety.client
import adapters.safety.simulator
from hub.canonical.records import (
    Accident,
    AisPosition,
    BlacklistEntry,
    BusinessRegistration,
    ContainerEvent,
    DrivingLicence,
    HotlineComplaint,
    InsuranceClaim,
    InsurancePolicy,
    PortCall,
    RailWaybill,
    Record,
    SafetyInspection,
    ShippingListing,
    TrafficViolation,
    VehiclePosition,
    VehicleRegistration,
    VesselRegistration,
)
from hub.exchange.protocol import Adapter, AgencyClient, DocumentType
from hub.exchange.validation import parse, validate

ADAPTERS_DIR = Path(adapters.__file__).parent
EXPECT = re.compile(r"<!-- expect: (.+) -->")
"""Line 2 of an invalid sample: a fragment of the reason it is refused with."""


@dataclass(frozen=True)
class AgencyCase:
    """One agency adapter and what the shared checks expect of it."""

    agency: str
    """The adapter's name, its entry point and the prefix of its message ids."""
    adapter: Adapter
    simulator: ModuleType
    client: Callable[..., AgencyClient]
    documents: Mapping[str, type[Record]]
    """Its document types, in the order declared, and the one record type each carries."""
    code_lists: Mapping[str, str]
    """XSD simple type → the code list (``standards/codes/<name>.csv``) it enumerates."""
    records_per_document: tuple[int, int] = (1, 5)
    """The fewest and most records the simulator puts in one document."""
    invalid_samples: tuple[str, ...] = ()
    """Invalid samples it must have beyond the ones every document type needs: ``bad-plate``."""
    message_prefix: str | None = None
    """What its simulator's message ids start with, when not its agency's name."""

    def __str__(self) -> str:
        return self.agency

    def message_id(self, document: str, number: int) -> str:
        """The id of the simulator's ``number``-th message of a document type, from 1."""
        return f"{self.message_prefix or self.agency}-{document}-{number:06d}"

    def valid(self) -> list[Path]:
        """Its hand-written valid samples: ``adapters/<agency>/samples/valid/*.xml``."""
        return sorted((ADAPTERS_DIR / self.agency / "samples" / "valid").glob("*.xml"))

    def invalid(self) -> list[Path]:
        """Its invalid samples, each with ``<!-- expect: reason -->`` on line 2."""
        return sorted((ADAPTERS_DIR / self.agency / "samples" / "invalid").glob("*.xml"))


AGENCIES = (
    AgencyCase(
        agency="hotline",
        adapter=adapters.hotline.adapter,
        simulator=adapters.hotline.simulator,
        client=adapters.hotline.client.client,
        documents={"complaint": HotlineComplaint},
        code_lists={"PlateColorCode": "plate_color"},
        invalid_samples=("bad-plate", "bad-plate-color", "no-time-zone"),
    ),
    AgencyCase(
        agency="commerce",
        adapter=adapters.commerce.adapter,
        simulator=adapters.commerce.simulator,
        client=adapters.commerce.client.client,
        documents={"business-registration": BusinessRegistration},
        code_lists={"BusinessStatusCode": "business_status"},
        invalid_samples=("bad-status", "bad-uscc"),
    ),
    AgencyCase(
        agency="insurance",
        adapter=adapters.insurance.adapter,
        simulator=adapters.insurance.simulator,
        client=adapters.insurance.client.client,
        documents={"insurance-policy": InsurancePolicy, "insurance-claim": InsuranceClaim},
        code_lists={"InsuranceKindCode": "insurance_kind", "PlateColorCode": "plate_color"},
    ),
    AgencyCase(
        agency="maritime",
        adapter=adapters.maritime.adapter,
        simulator=adapters.maritime.simulator,
        client=adapters.maritime.client.client,
        documents={
            "vessel-registration": VesselRegistration,
            "port-call": PortCall,
            "ais-position": AisPosition,
            "shipping-listing": ShippingListing,
        },
        code_lists={
            "VesselCertificateKindType": "vessel_certificate_kind",
            "PortCallKindType": "port_call_kind",
            "ListingKindType": "listing_kind",
        },
    ),
    AgencyCase(
        agency="positioning",
        adapter=adapters.positioning.adapter,
        simulator=adapters.positioning.simulator,
        client=adapters.positioning.client.client,
        documents={"vehicle-position": VehiclePosition},
        code_lists={"PlateColorCode": "plate_color"},
        records_per_document=(5, 30),
        invalid_samples=("bad-latitude", "bad-plate-color", "no-time-zone"),
    ),
    AgencyCase(
        agency="public_security",
        adapter=adapters.public_security.adapter,
        simulator=adapters.public_security.simulator,
        client=adapters.public_security.client.client,
        documents={
            "vehicle-registration": VehicleRegistration,
            "driving-licence": DrivingLicence,
            "traffic-violation": TrafficViolation,
            "vehicle-blacklist": BlacklistEntry,
        },
        code_lists={
            "PlateColorCode": "plate_color",
            "RegistrationStatusCode": "registration_status",
            "DrivingLicenceStatusCode": "driving_licence_status",
        },
        message_prefix="public-security",
    ),
    AgencyCase(
        agency="rail",
        adapter=adapters.rail.adapter,
        simulator=adapters.rail.simulator,
        client=adapters.rail.client.client,
        documents={"rail-waybill": RailWaybill, "container-event": ContainerEvent},
        code_lists={"ContainerEventKindType": "container_event_kind"},
    ),
    AgencyCase(
        agency="safety",
        adapter=adapters.safety.adapter,
        simulator=adapters.safety.simulator,
        client=adapters.safety.client.client,
        documents={"accident": Accident, "safety-inspection": SafetyInspection},
        code_lists={
            "RegionCode": "region",
            "PlateColorCode": "plate_color",
            "AccidentResponsibilityCode": "accident_responsibility",
        },
    ),
)


def each_document() -> list[Any]:
    """(agency, document type name) pairs, as pytest parameters named ``agency/document``."""
    return [
        pytest.param(case, name, id=f"{case}/{name}")
        for case in AGENCIES
        for name in case.documents
    ]


def each_sample(kind: Literal["valid", "invalid"]) -> list[Any]:
    """(agency, sample path) pairs of the ``valid`` or ``invalid`` samples: ``agency/file``."""
    return [
        pytest.param(case, path, id=f"{case}/{path.name}")
        for case in AGENCIES
        for path in (case.valid() if kind == "valid" else case.invalid())
    ]


def document_of(adapter: Adapter, sample: Path) -> DocumentType:
    """The one document type a sample is named after: ``<document>-<what>.xml``."""
    names = [name for name in adapter.documents if sample.name.startswith(f"{name}-")]
    assert len(names) == 1, f"{sample.name} names no single document type of {adapter.name}"
    return adapter.documents[names[0]]


def read_sample(adapter: Adapter, sample: Path) -> tuple[Record, ...]:
    """The records of a sample, validated against and parsed by the document type it names."""
    document = document_of(adapter, sample)
    return document.parse(validate(document, parse(sample.read_bytes())))


def valid_sample(adapter: Adapter, file_name: str) -> tuple[Record, ...]:
    """The records of one of the adapter's valid samples (``adapters/<name>/samples/valid/``)."""
    return read_sample(adapter, ADAPTERS_DIR / adapter.name / "samples" / "valid" / file_name)
