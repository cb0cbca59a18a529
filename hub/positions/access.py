"""Whose positions a reader may see: those of the vehicles it may see (``hub.vehicles.access``).

A position is operational data of its vehicle; it takes the vehicle's region rule. Beyond the
rule, positions need the ``tracking:read`` scope (declared on the GraphQL fields), and following
one vehicle's track is audited with the purpose stated (``hub.api.positions``).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, select, true
from sqlalchemy.sql.util import ClauseAdapter

from hub.positions.models import LatestPosition, PositionFix
from hub.readers import Reader
from hub.vehicles.access import vehicle_rule
from hub.vehicles.models import Vehicle


def _of_visible_vehicle(
    model: type[LatestPosition] | type[PositionFix], reader: Reader
) -> ColumnElement[bool]:
    if reader.region is None:
        return true()
    # An alias: a statement that joins the vehicles too must not correlate this with them.
    vehicles = Vehicle.__table__.alias("position_vehicle")
    rule = ClauseAdapter(vehicles).traverse(vehicle_rule(reader))
    same = and_(vehicles.c.plate == model.plate, vehicles.c.plate_color == model.plate_color)
    return exists(select(vehicles.c.id).where(same, rule))


def latest_position_rule(reader: Reader) -> ColumnElement[bool]:
    """Latest positions of the vehicles the reader may see."""
    return _of_visible_vehicle(LatestPosition, reader)


def position_fix_rule(reader: Reader) -> ColumnElement[bool]:
    """Stored fixes of the vehicles the reader may see."""
    return _of_visible_vehicle(PositionFix, reader)
