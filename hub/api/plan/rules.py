"""The row rule of every record type the planner reads: which rows a principal may see.

Every statement the planner builds (lookups, lists, counts, nested relations) takes the rule of
its type from here, and here it is the same rule every other path applies (``hub/access.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.util import ClauseAdapter

from hub.access import rule_for
from hub.auth.principal import Principal
from hub.db import Base


def row_rule(
    model: type[Base], table: FromClause, principal: Principal
) -> list[ColumnElement[bool]]:
    """The conditions a row of ``model`` (read through ``table``, an alias) must meet: the
    model's one rule (:func:`hub.access.rule_for`), moved onto the alias."""
    condition = rule_for(model, principal.reader)
    return [ClauseAdapter(table).traverse(condition)]


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
