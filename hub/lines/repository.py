"""Every query of passenger lines and their stops."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.filters import region_condition, text_condition
from hub.lines.models import LineStop, PassengerLine
from hub.paging import Listing, Relation


@dataclass(frozen=True, slots=True)
class PassengerLineFilter:
    """Which passenger lines a list shows."""

    region: str | None = None
    search: str | None = None


def line_conditions(f: PassengerLineFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.region:
        conditions.append(region_condition(PassengerLine.region_code, f.region))
    if f.search:
        conditions.append(text_condition(PassengerLine.name, f.search))
    return conditions


PASSENGER_LINES: Listing[PassengerLine, PassengerLineFilter] = Listing(
    model=PassengerLine,
    sorts={"CODE": PassengerLine.code, "NAME": PassengerLine.name},
    default_sort="CODE",
    conditions=line_conditions,
)


def _through_stops(stmt: Select[tuple[PassengerLine]]) -> Select[tuple[PassengerLine]]:
    return stmt.join(LineStop, LineStop.line_id == PassengerLine.id)


LINES_OF_OPERATOR = Relation(PASSENGER_LINES, PassengerLine.operator_id)
LINES_OF_PERMIT = Relation(PASSENGER_LINES, PassengerLine.permit_id)
LINES_CALLING_AT = Relation(PASSENGER_LINES, LineStop.station_id, through=_through_stops)
"""The lines with a stop at each station (origin and destination are stops too)."""


async def lines_by_code(
    session: AsyncSession, codes: Sequence[str], rule: ColumnElement[bool]
) -> list[PassengerLine]:
    """Lines with these codes that ``rule`` allows."""
    stmt = select(PassengerLine).where(PassengerLine.code.in_(codes), rule)
    return list((await session.scalars(stmt)).all())


async def stops_of_lines(session: AsyncSession, line_ids: Sequence[int]) -> list[LineStop]:
    """The stops of these lines, each line's in order."""
    stmt = (
        select(LineStop)
        .where(LineStop.line_id.in_(line_ids))
        .order_by(LineStop.line_id, LineStop.sequence)
    )
    return list((await session.scalars(stmt)).all())
