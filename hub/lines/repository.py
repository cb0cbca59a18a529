"""Every query of passenger lines and their stops."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.filters import region_condition, text_condition
from hub.lines.models import LineStop, PassengerLine
from hub.paging import Listing


@dataclass(frozen=True, slots=True)
class PassengerLineFilter:
    """Which passenger lines a list shows."""

    region: str | None = None
    station_id: int | None = None
    search: str | None = None


def line_conditions(f: PassengerLineFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.region:
        conditions.append(region_condition(PassengerLine.region_code, f.region))
    if f.station_id is not None:
        calling = select(LineStop.line_id).where(LineStop.station_id == f.station_id)
        conditions.append(PassengerLine.id.in_(calling))
    if f.search:
        conditions.append(text_condition(PassengerLine.name, f.search))
    return conditions


PASSENGER_LINES: Listing[PassengerLine, PassengerLineFilter] = Listing(
    model=PassengerLine,
    sorts={"CODE": PassengerLine.code, "NAME": PassengerLine.name},
    default_sort="CODE",
    conditions=line_conditions,
)


async def lines_by_code(session: AsyncSession, codes: Sequence[str]) -> list[PassengerLine]:
    """Lines with these codes."""
    stmt = select(PassengerLine).where(PassengerLine.code.in_(codes))
    return list((await session.scalars(stmt)).all())


async def stops_of_lines(session: AsyncSession, line_ids: Sequence[int]) -> list[LineStop]:
    """The stops of these lines, each line's in order."""
    stmt = (
        select(LineStop)
        .where(LineStop.line_id.in_(line_ids))
        .order_by(LineStop.line_id, LineStop.sequence)
    )
    return list((await session.scalars(stmt)).all())
