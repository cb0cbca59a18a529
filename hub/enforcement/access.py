"""Which enforcement records a reader may see: those of its region, when it is bound to one.

Types and fields additionally need scope enforcement:read (declared in the schema); these
are the row rules every path applies (``hub.access``). On-site records, their evidence and a
case's inspections are reached through their case or inspection, under its rule.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from hub.enforcement.models import CaseRow, InspectionDrawRow, InspectionRow
from hub.filters import within
from hub.readers import Reader


def inspection_rule(reader: Reader) -> ColumnElement[bool]:
    """Inspections of operators in the reader's region."""
    return within(InspectionRow.region_code, reader)


def case_rule(reader: Reader) -> ColumnElement[bool]:
    """Cases opened in the reader's region."""
    return within(CaseRow.region_code, reader)


def draw_rule(reader: Reader) -> ColumnElement[bool]:
    """Draws made over the reader's region."""
    return within(InspectionDrawRow.region_code, reader)
