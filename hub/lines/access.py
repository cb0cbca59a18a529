"""Which passenger lines a reader may see: those of its region, when it is bound to one."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from hub.filters import within
from hub.lines.models import PassengerLine
from hub.readers import Reader


def line_rule(reader: Reader) -> ColumnElement[bool]:
    """Passenger lines licensed in the reader's region."""
    return within(PassengerLine.region_code, reader)
