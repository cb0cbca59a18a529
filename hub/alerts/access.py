"""Which alerts a reader may see and handle: those of its region, when it is bound to one."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from hub.alerts.models import AlertRow
from hub.filters import region_prefix, within
from hub.readers import Reader


def alert_rule(reader: Reader) -> ColumnElement[bool]:
    """Alerts of the reader's region (an alert's region is its vehicle's)."""
    return within(AlertRow.region_code, reader)


def alert_visible(reader: Reader, region_code: str) -> bool:
    """The same rule on one alert's region, for alerts that arrive by pub/sub (a subscription
    sees what ``alert_rule`` would find)."""
    return reader.region is None or region_code.startswith(region_prefix(reader.region))
