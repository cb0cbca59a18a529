"""The row rule of every record type the planner reads: which rows a principal may see.

One table, so the rule of a type is written once and every statement the planner builds
(lookups, lists, counts, nested relations) takes it from here. Today every planned type is
region-scoped: a region-bound registry client sees only its region's rows; open data is the
same for everyone (``Principal.row_region``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.sql import FromClause

from hub.auth.principal import Principal
from hub.db import Base
from hub.filters import region_prefix
from hub.lines.models import PassengerLine
from hub.operators.models import Operator, Permit
from hub.practitioners.models import Practitioner
from hub.stations.models import Station
from hub.vehicles.models import Vehicle

REGION_SCOPED: frozenset[type[Base]] = frozenset(
    {Vehicle, Operator, Permit, PassengerLine, Station, Practitioner}
)
"""Record types whose rows carry the region they belong to (``region_code``)."""


def row_rule(
    model: type[Base], table: FromClause, principal: Principal
) -> list[ColumnElement[bool]]:
    """The conditions a row of ``model`` (read through ``table``, an alias) must meet."""
    if model not in REGION_SCOPED:
        raise LookupError(f"no row rule is declared for {model.__name__}")
    region = principal.row_region
    if region is None:
        return []
    column: Any = table.c.region_code
    return [column.startswith(region_prefix(region), autoescape=True)]


def policy_class(principal: Principal) -> tuple[Any, ...]:
    """What of a principal shapes a plan: its scopes, tier, region binding and purpose.

    The region code itself is bound when the plan runs; only whether there is one matters.
    """
    return (
        principal.scopes,
        principal.tier.name,
        principal.row_region is not None,
        principal.may_read_personal_data,
    )
