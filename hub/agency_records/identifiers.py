"""Which columns of the agency records hold identifiers, and the one rule each is held to.

Lenient at ingest: a value that keeps its rule is stored in the rule's normalised form (upper
case, half-width, no spaces), so lookups and joins compare like with like; a value that breaks
it is stored as the agency sent it, and the quality report names the rule it breaks. Both read
this one table, so nothing is normalised that is not also checked, nor the reverse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from hub.agency_records import models as m
from hub.canonical import identifiers
from hub.db import Base

Rule = Callable[[str, str], str]
"""An identifier rule of hub.canonical.identifiers: (value, field name) -> normalised value."""


@dataclass(frozen=True, slots=True)
class IdentifierColumn:
    """A column of an agency record table that holds an identifier."""

    model: type[Base]
    column: str
    rule: Rule
    field: str
    """The name the quality report gives the field (the exchange documents' camelCase)."""
    subject: str | None = None
    """The column that names the record in a finding; None: the value itself."""
    personal: bool = False
    """Personal data: a finding names the record, never quotes the value."""


COLUMNS: tuple[IdentifierColumn, ...] = (
    IdentifierColumn(m.VehicleRegistrationRow, "plate", identifiers.plate, "plate"),
    IdentifierColumn(m.VehicleRegistrationRow, "vin", identifiers.vin, "vin", subject="plate"),
    IdentifierColumn(
        m.VehicleRegistrationRow, "owner_id", identifiers.party_id, "ownerId",
        subject="plate", personal=True,
    ),
    IdentifierColumn(
        m.DrivingLicenceRow, "id_number", identifiers.resident_id, "idNumber",
        subject="source_record_id", personal=True,
    ),
    IdentifierColumn(m.TrafficViolationRow, "plate", identifiers.plate, "plate"),
    IdentifierColumn(m.BlacklistRow, "plate", identifiers.plate, "plate"),
    IdentifierColumn(m.AccidentRow, "region_code", identifiers.division_code, "regionCode",
                     subject="source_record_id"),
    IdentifierColumn(m.AccidentRow, "operator_uscc", identifiers.uscc, "operatorUscc"),
    IdentifierColumn(m.AccidentVehicleRow, "plate", identifiers.plate, "plate"),
    IdentifierColumn(m.SafetyInspectionRow, "operator_uscc", identifiers.uscc, "operatorUscc"),
    IdentifierColumn(m.BusinessRegistrationRow, "uscc", identifiers.uscc, "uscc"),
    IdentifierColumn(m.InsurancePolicyRow, "insured_uscc", identifiers.uscc, "insuredUscc"),
    IdentifierColumn(m.InsurancePolicyRow, "plate", identifiers.plate, "plate"),
    IdentifierColumn(
        m.WaybillContainerRow, "container_number", identifiers.container_number, "containerNumber"
    ),
    IdentifierColumn(
        m.ContainerEventRow, "container_number", identifiers.container_number, "containerNumber"
    ),
    IdentifierColumn(m.VesselRegistrationRow, "mmsi", identifiers.mmsi, "mmsi"),
    IdentifierColumn(m.VesselRegistrationRow, "imo", identifiers.imo, "imo", subject="mmsi"),
    IdentifierColumn(m.VesselRegistrationRow, "owner_uscc", identifiers.uscc, "ownerUscc"),
    IdentifierColumn(m.PortCallRow, "mmsi", identifiers.mmsi, "mmsi"),
    IdentifierColumn(m.AisPositionRow, "mmsi", identifiers.mmsi, "mmsi"),
    IdentifierColumn(m.VehiclePositionRow, "plate", identifiers.plate, "plate"),
    IdentifierColumn(m.HotlineComplaintRow, "operator_uscc", identifiers.uscc, "operatorUscc"),
    IdentifierColumn(m.HotlineComplaintRow, "plate", identifiers.plate, "plate"),
)  # fmt: skip

_BY_MODEL: dict[type[Base], tuple[IdentifierColumn, ...]] = {}
for _column in COLUMNS:
    _BY_MODEL[_column.model] = (*_BY_MODEL.get(_column.model, ()), _column)


def normalise_values(model: type[Base], names: tuple[str, ...], values: list[Any]) -> list[Any]:
    """A row's ``values`` (in ``names`` order) with each identifier that keeps its rule in
    normalised form; in place."""
    for index, column in _positions(model, names):
        value = values[index]
        if isinstance(value, str):
            normalised = _normalised(column.rule, value, column.field)
            # A value that breaks its rule is kept as received: the quality report names it.
            if normalised is not None:
                values[index] = normalised
    return values


@cache
def _positions(
    model: type[Base], names: tuple[str, ...]
) -> tuple[tuple[int, IdentifierColumn], ...]:
    """Where the identifier columns of ``model`` are among ``names``: found once per shape."""
    return tuple(
        (names.index(column.column), column)
        for column in _BY_MODEL.get(model, ())
        if column.column in names
    )


@lru_cache(maxsize=65_536)
def _normalised(rule: Rule, value: str, field: str) -> str | None:
    # The rules are pure, and the same plates, codes and vessels come back in document after
    # document (registrations, violations, policies, positions): checked once, not each time.
    try:
        return rule(value, field)
    except identifiers.InvalidIdentifier:
        return None
