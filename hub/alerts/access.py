"""Which alerts a reader may see and handle: those of its region, when it is bound to one."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from hub.alerts.models import AlertRow
from hub.filters import within
from hub.readers import Reader


def alert_rule(reader: Reader) -> ColumnElement[bool]:
    """Alerts of the reader's region (an alert's region is its vehicle's)."""
    return within(AlertRow.region_code, reader)
