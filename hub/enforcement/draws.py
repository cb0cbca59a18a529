"""双随机、一公开: operators and officers drawn at random, reproducible from a recorded seed.

The candidates are read from the registry (active operators of a business category in a
region, certified officers of that region for that category), sorted by their keys and kept
with the draw; the seed comes from the operating system's random source, never from the
client (who could otherwise try seeds until the draw suits them). Re-running :func:`draw`
on the recorded pool and seed gives the recorded result, which anyone may check.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import BusinessCategory, OperatorStatus
from hub.enforcement.inspections import MIN_INSPECTORS
from hub.enforcement.models import EnforcementOfficer, InspectionDrawRow
from hub.errors import BadUserInput, Forbidden
from hub.filters import region_condition, region_prefix
from hub.operators.models import Operator
from hub.readers import Reader

MAX_OPERATORS = 200
SEED_BITS = 63


@dataclass(frozen=True, slots=True)
class DrawRequest:
    """What to draw: how many operators of a category in a region, and officers for each."""

    region_code: str
    category: BusinessCategory
    operator_count: int
    officers_per_operator: int = MIN_INSPECTORS


def draw(
    operators: list[str], officers: list[str], count: int, per_operator: int, seed: int
) -> list[dict[str, Any]]:
    """The draw itself: ``count`` operators, each with ``per_operator`` distinct officers.

    Deterministic in its inputs (the pools are sorted first), so a recorded draw reproduces.
    """
    rng = random.Random(seed)
    picked = rng.sample(sorted(operators), count)
    pool = sorted(officers)
    return [{"uscc": uscc, "officers": rng.sample(pool, per_operator)} for uscc in picked]


def reproduces(row: InspectionDrawRow) -> bool:
    """Whether the recorded seed and pool give the recorded result."""
    again = draw(
        row.pool["operators"],
        row.pool["officers"],
        row.operator_count,
        row.officers_per_operator,
        row.seed,
    )
    return again == row.drawn


async def make_draw(
    session: AsyncSession, request: DrawRequest, reader: Reader, client_id: str, now: dt.datetime
) -> InspectionDrawRow:
    """Draw within the reader's region, and record the draw with its seed and candidates."""
    if reader.region is not None and not request.region_code.startswith(
        region_prefix(reader.region)
    ):
        raise Forbidden(
            f"draw.region: {request.region_code} is outside your region {reader.region}"
        )
    if not 1 <= request.operator_count <= MAX_OPERATORS:
        raise BadUserInput(
            f"operatorCount: from 1 to {MAX_OPERATORS}, got {request.operator_count}",
            field="operatorCount",
        )
    if not MIN_INSPECTORS <= request.officers_per_operator <= 5:
        raise BadUserInput(
            f"officersPerOperator: from {MIN_INSPECTORS} to 5, got {request.officers_per_operator}",
            field="officersPerOperator",
        )
    code = request.category.value
    operator_rows = await session.execute(
        select(Operator.uscc, Operator.business_categories).where(
            region_condition(Operator.region_code, request.region_code),
            Operator.status == OperatorStatus.ACTIVE,
        )
    )
    operators = sorted(uscc for uscc, categories in operator_rows.all() if code in categories)
    officer_rows = await session.execute(
        select(EnforcementOfficer.badge_number, EnforcementOfficer.categories).where(
            region_condition(EnforcementOfficer.region_code, request.region_code)
        )
    )
    officers = sorted(badge for badge, categories in officer_rows.all() if code in categories)
    if len(operators) < request.operator_count:
        raise BadUserInput(
            f"operatorCount: {request.operator_count} asked, but only {len(operators)} active "
            f"operators of {request.category.name} are in region {request.region_code}",
            field="operatorCount",
        )
    if len(officers) < request.officers_per_operator:
        raise BadUserInput(
            f"officersPerOperator: {request.officers_per_operator} asked, but only "
            f"{len(officers)} officers for {request.category.name} serve region "
            f"{request.region_code}",
            field="officersPerOperator",
        )
    seed = secrets.randbits(SEED_BITS)
    row = InspectionDrawRow(
        region_code=request.region_code,
        category=code,
        seed=seed,
        operator_count=request.operator_count,
        officers_per_operator=request.officers_per_operator,
        pool={"operators": operators, "officers": officers},
        drawn=draw(
            operators, officers, request.operator_count, request.officers_per_operator, seed
        ),
        drawn_at=now,
        drawn_by=client_id,
    )
    session.add(row)
    await session.flush()
    return row
