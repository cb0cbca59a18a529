"""Which stations a reader may see: those of its region, when it is bound to one."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from hub.filters import within
from hub.readers import Reader
from hub.stations.models import Station


def station_rule(reader: Reader) -> ColumnElement[bool]:
    """Stations in the reader's region."""
    return within(Station.region_code, reader)
