"""Who may see the dangerous goods list: everyone (a published reference list, no region)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from hub.readers import Reader


def dangerous_goods_rule(reader: Reader) -> ColumnElement[bool]:
    """Every entry, for every reader: the list is the same everywhere."""
    return true()
