"""Which vehicles a reader may see: those of its region, when it is bound to one."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from hub.filters import within
from hub.readers import Reader
from hub.vehicles.models import Vehicle


def vehicle_rule(reader: Reader) -> ColumnElement[bool]:
    """Vehicles registered in the reader's region."""
    return within(Vehicle.region_code, reader)
