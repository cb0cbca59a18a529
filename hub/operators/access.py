"""Which operators and permits a reader may see: those of its region, when it is bound to one."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from hub.filters import within
from hub.operators.models import Operator, Permit
from hub.readers import Reader


def operator_rule(reader: Reader) -> ColumnElement[bool]:
    """Operators registered in the reader's region."""
    return within(Operator.region_code, reader)


def permit_rule(reader: Reader) -> ColumnElement[bool]:
    """Permits issued in the reader's region."""
    return within(Permit.region_code, reader)
