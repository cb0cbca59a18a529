"""Which agency records and exchange documents a reader may see.

An agency record is seen by a region-bound reader when it is about something of that region in
the data center: a vehicle (plate and colour), an operator (credit code), a vessel (MMSI), a
practitioner (ID number), or when it carries the region itself (an accident). Records about
nothing of the data center (rail waybills, container events, shipping listings) are
province-wide: a region-bound reader sees none of them. Exchange documents are an agency's
own: a client sees its agency's, the authority's unbound internal clients every agency's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, true
from sqlalchemy.orm import InstrumentedAttribute

from hub.agency_records import models as m
from hub.agency_records.inbox import ExchangeMessage
from hub.db import Base
from hub.filters import within
from hub.operators.access import operator_rule
from hub.operators.models import Operator
from hub.practitioners.access import practitioner_rule
from hub.practitioners.models import Practitioner
from hub.readers import Reader
from hub.vehicles.access import vehicle_rule
from hub.vehicles.models import Vehicle
from hub.vessels.access import vessel_rule
from hub.vessels.models import Vessel

Rule = Callable[[Reader], ColumnElement[bool]]


def _of_vehicle(plate: InstrumentedAttribute[Any], color: InstrumentedAttribute[Any]) -> Rule:
    def rule(reader: Reader) -> ColumnElement[bool]:
        if reader.region is None:
            return true()
        return exists().where(
            Vehicle.plate == plate, Vehicle.plate_color == color, vehicle_rule(reader)
        )

    return rule


def _of_operator(uscc: InstrumentedAttribute[Any]) -> Rule:
    def rule(reader: Reader) -> ColumnElement[bool]:
        if reader.region is None:
            return true()
        return exists().where(Operator.uscc == uscc, operator_rule(reader))

    return rule


def _of_vessel(mmsi: InstrumentedAttribute[Any]) -> Rule:
    def rule(reader: Reader) -> ColumnElement[bool]:
        if reader.region is None:
            return true()
        return exists().where(Vessel.mmsi == mmsi, vessel_rule(reader))

    return rule


def _province_wide(reader: Reader) -> ColumnElement[bool]:
    return true() if reader.region is None else false()


def driving_licence_rule(reader: Reader) -> ColumnElement[bool]:
    """Licences of the practitioners the reader may see."""
    if reader.region is None:
        return true()
    return exists().where(
        Practitioner.id_number == m.DrivingLicenceRow.id_number, practitioner_rule(reader)
    )


def accident_rule(reader: Reader) -> ColumnElement[bool]:
    """Accidents that happened in the reader's region."""
    return within(m.AccidentRow.region_code, reader)


policy_of_vehicle = _of_vehicle(m.InsurancePolicyRow.plate, m.InsurancePolicyRow.plate_color)
policy_of_operator = _of_operator(m.InsurancePolicyRow.insured_uscc)


def insurance_policy_rule(reader: Reader) -> ColumnElement[bool]:
    """Policies insuring a vehicle or an operator the reader may see."""
    if reader.region is None:
        return true()
    return or_(policy_of_vehicle(reader), policy_of_operator(reader))


def insurance_claim_rule(reader: Reader) -> ColumnElement[bool]:
    """Claims on the policies the reader may see."""
    if reader.region is None:
        return true()
    return exists().where(
        and_(
            m.InsurancePolicyRow.policy_number == m.InsuranceClaimRow.policy_number,
            insurance_policy_rule(reader),
        )
    )


complaint_of_vehicle = _of_vehicle(m.HotlineComplaintRow.plate, m.HotlineComplaintRow.plate_color)
complaint_of_operator = _of_operator(m.HotlineComplaintRow.operator_uscc)


def hotline_complaint_rule(reader: Reader) -> ColumnElement[bool]:
    """Complaints about a vehicle or an operator the reader may see."""
    if reader.region is None:
        return true()
    return or_(complaint_of_vehicle(reader), complaint_of_operator(reader))


def exchange_message_rule(reader: Reader) -> ColumnElement[bool]:
    """Its own agency's documents; every agency's for the authority's unbound clients."""
    if reader.every_agency:
        return true()
    return ExchangeMessage.agency == (reader.agency or "")


RULES: dict[type[Base], Rule] = {
    m.VehicleRegistrationRow: _of_vehicle(
        m.VehicleRegistrationRow.plate, m.VehicleRegistrationRow.plate_color
    ),
    m.DrivingLicenceRow: driving_licence_rule,
    m.TrafficViolationRow: _of_vehicle(
        m.TrafficViolationRow.plate, m.TrafficViolationRow.plate_color
    ),
    m.BlacklistRow: _of_vehicle(m.BlacklistRow.plate, m.BlacklistRow.plate_color),
    m.AccidentRow: accident_rule,
    m.SafetyInspectionRow: _of_operator(m.SafetyInspectionRow.operator_uscc),
    m.BusinessRegistrationRow: _of_operator(m.BusinessRegistrationRow.uscc),
    m.InsurancePolicyRow: insurance_policy_rule,
    m.InsuranceClaimRow: insurance_claim_rule,
    m.RailWaybillRow: _province_wide,
    m.ContainerEventRow: _province_wide,
    m.VesselRegistrationRow: _of_vessel(m.VesselRegistrationRow.mmsi),
    m.PortCallRow: _of_vessel(m.PortCallRow.mmsi),
    m.AisPositionRow: _of_vessel(m.AisPositionRow.mmsi),
    m.VehiclePositionRow: _of_vehicle(m.VehiclePositionRow.plate, m.VehiclePositionRow.plate_color),
    m.ShippingListingRow: _province_wide,
    m.HotlineComplaintRow: hotline_complaint_rule,
    ExchangeMessage: exchange_message_rule,
}
"""The row rule of every record type this package stores."""
