"""The row rule of every record type, by its stored model: one place to find them all.

Each rule lives in its domain (``hub/<domain>/access.py``) and takes a
:class:`hub.readers.Reader`; this module only collects them, so every path that returns rows —
GraphQL lookups, lists, ``node``/``nodes``, nested relations, counts, document exports, the read
planner's statements — asks for the same condition with :func:`rule_for`. A model without a
rule is refused, not served: a new record type cannot leak by being forgotten here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement

from hub.agency_records.access import RULES as AGENCY_RULES
from hub.alerts.access import alert_rule
from hub.alerts.models import AlertRow
from hub.cargo.access import dangerous_goods_rule
from hub.cargo.models import DangerousGoods
from hub.credit.access import RULES as CREDIT_RULES
from hub.db import Base
from hub.enforcement.access import case_rule, draw_rule, inspection_rule
from hub.enforcement.models import CaseRow, InspectionDrawRow, InspectionRow
from hub.lines.access import line_rule
from hub.lines.models import PassengerLine
from hub.multimodal.access import consignment_rule
from hub.multimodal.models import ConsignmentRow
from hub.operators.access import operator_rule, permit_rule
from hub.operators.models import Operator, Permit
from hub.positions.access import latest_position_rule, position_fix_rule
from hub.positions.models import LatestPosition, PositionFix
from hub.practitioners.access import practitioner_rule, qualification_rule
from hub.practitioners.models import Practitioner, QualificationCertificate
from hub.readers import Reader
from hub.stations.access import station_rule
from hub.stations.models import Station
from hub.vehicles.access import vehicle_rule
from hub.vehicles.models import Vehicle
from hub.vessels.access import vessel_certificate_rule, vessel_rule
from hub.vessels.models import Vessel, VesselCertificate

Rule = Callable[[Reader], ColumnElement[bool]]

RULES: dict[type[Base], Rule] = {
    Operator: operator_rule,
    Permit: permit_rule,
    Vehicle: vehicle_rule,
    Vessel: vessel_rule,
    VesselCertificate: vessel_certificate_rule,
    Practitioner: practitioner_rule,
    QualificationCertificate: qualification_rule,
    Station: station_rule,
    PassengerLine: line_rule,
    DangerousGoods: dangerous_goods_rule,
    ConsignmentRow: consignment_rule,
    LatestPosition: latest_position_rule,
    PositionFix: position_fix_rule,
    AlertRow: alert_rule,
    InspectionRow: inspection_rule,
    CaseRow: case_rule,
    InspectionDrawRow: draw_rule,
    **AGENCY_RULES,
    **CREDIT_RULES,
}


class NoRule(LookupError):
    """A model no rule was declared for: nothing of it is served until one is."""


def rule_for(model: type[Any], reader: Reader) -> ColumnElement[bool]:
    """The condition on ``model``'s rows that ``reader`` may see."""
    rule = RULES.get(model)
    if rule is None:
        raise NoRule(f"{model.__name__}: no access rule is declared (hub/access.py)")
    return rule(reader)
