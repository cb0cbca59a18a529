"""Gate-in and gate-out events from the fixes of vehicles on consignment road legs.

The rule (shared with the XML positions of the exchange): only vehicles on the road leg of a
followed consignment are looked at. Along a vehicle's stored fixes, a fix in another fence
(or none) than the fix just before it, no more than ``GAP`` earlier, is a crossing: gate-out
of the fence before, gate-in to the fence now. A vehicle first seen inside a fence was not
seen entering it. Events depend on the stored fixes alone, not on the order they came in; a
crossing found already (same source, vehicle, direction and station within ``GAP``) is not
found twice, and an event's id (vehicle, station, direction, time) makes finding it again
harmless.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import ConsignmentEventKind, PlateColor, TransportMode
from hub.canonical.multimodal import ConsignmentEvent
from hub.multimodal.models import ConsignmentEventRow, ConsignmentLegRow, ConsignmentRow
from hub.multimodal.service import FOLLOWED
from hub.positions.fences import Fence
from hub.positions.repository import among

GAP = dt.timedelta(minutes=30)
"""Fixes further apart than this say nothing of where the vehicle went in between."""

Vehicle = tuple[str, PlateColor]


def digest(text: str, size: int) -> bytes:
    """A short stable hash (BLAKE2b) of a text."""
    return hashlib.blake2b(text.encode(), digest_size=size).digest()


async def watched_vehicles(session: AsyncSession, plates: Iterable[str]) -> set[Vehicle]:
    """The vehicles (plate and colour: a plate alone names none) on a road leg being followed."""
    found: set[Vehicle] = set()
    for wanted in among(session, ConsignmentLegRow.vehicle_plate, plates):
        query = (
            select(ConsignmentLegRow.vehicle_plate, ConsignmentLegRow.vehicle_plate_color)
            .join(ConsignmentRow, ConsignmentRow.id == ConsignmentLegRow.consignment_id)
            .where(
                wanted,
                ConsignmentLegRow.mode == TransportMode.ROAD,
                ConsignmentRow.status.in_(FOLLOWED),
            )
            .distinct()
        )
        found |= {
            (plate, color)
            for plate, color in (await session.execute(query)).all()
            if plate is not None and color is not None
        }
    return found


async def serialise(session: AsyncSession, watched: set[Vehicle]) -> None:
    """Hold each watched vehicle's lock until this transaction ends (PostgreSQL).

    Taken before the fixes are stored, so two batches of one vehicle processed at once (two
    workers, two streams, a stream and a document) are handled one after the other, and the
    second sees the first's fixes. SQLite writes one transaction at a time anyway.
    """
    if session.get_bind().dialect.name != "postgresql" or not watched:
        return
    keys = sorted(
        int.from_bytes(digest(f"{plate}:{color.value}", 8), "big") - 2**63
        for plate, color in watched
    )
    # In one statement, in one order (the keys'): no deadlock. A volatile function in the
    # select list runs after the ORDER BY of its subquery, row by row.
    await session.execute(
        text(
            "SELECT count(pg_advisory_xact_lock(key)) FROM "
            "(SELECT key FROM unnest(CAST(:keys AS bigint[])) AS key ORDER BY key) AS ordered"
        ),
        {"keys": keys},
    )


@dataclass(frozen=True, slots=True)
class Crossing:
    """A vehicle leaving or entering a fence at a fix's time."""

    kind: ConsignmentEventKind
    fence: Fence
    at: dt.datetime


def crossings(track: Sequence[tuple[dt.datetime, Fence | None]]) -> list[Crossing]:
    """The crossings along one vehicle's fixes (time order, one per instant) and their fences."""
    found = []
    for (before, where), (at, here) in pairwise(track):
        if here == where or at - before > GAP:
            continue
        if where is not None:
            found.append(Crossing(ConsignmentEventKind.GATE_OUT, where, at))
        if here is not None:
            found.append(Crossing(ConsignmentEventKind.GATE_IN, here, at))
    return found


def event(agency: str, plate: str, color: PlateColor, crossing: Crossing) -> ConsignmentEvent:
    """The consignment event a crossing is, with its id (vehicle, station, direction, time)."""
    at = crossing.at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    direction = "IN" if crossing.kind is ConsignmentEventKind.GATE_IN else "OUT"
    vehicle = digest(f"{plate}:{color.value}:{crossing.fence.code}", 10).hex()
    return ConsignmentEvent(
        source=agency,
        # ASCII, as the status-event standard wants its ids: the plate is not.
        source_event_id=f"GF-{vehicle}-{direction}-{at}",
        kind=crossing.kind,
        occurred_at=crossing.at,
        location=crossing.fence.name,
        vehicle_plate=plate,
        vehicle_plate_color=color,
        mode=TransportMode.ROAD,
    )


KnownCrossing = tuple[str, PlateColor, ConsignmentEventKind, str, dt.datetime]


async def known_crossings(
    session: AsyncSession,
    agency: str,
    vehicles: Iterable[Vehicle],
    start: dt.datetime,
    end: dt.datetime,
) -> list[KnownCrossing]:
    """The gate events of ``agency`` recorded for these vehicles from ``start`` to ``end``."""
    found: list[KnownCrossing] = []
    for wanted in among(session, ConsignmentEventRow.vehicle_plate, (p for p, _ in vehicles)):
        query = select(
            ConsignmentEventRow.vehicle_plate,
            ConsignmentEventRow.vehicle_plate_color,
            ConsignmentEventRow.kind,
            ConsignmentEventRow.location,
            ConsignmentEventRow.occurred_at,
        ).where(
            ConsignmentEventRow.source == agency,
            wanted,
            ConsignmentEventRow.kind.in_(
                (ConsignmentEventKind.GATE_IN, ConsignmentEventKind.GATE_OUT)
            ),
            ConsignmentEventRow.occurred_at.between(start, end),
        )
        found += [tuple(row) for row in (await session.execute(query)).all()]  # type: ignore[misc]
    return found


def is_known(
    known: Iterable[KnownCrossing], plate: str, color: PlateColor, crossing: Crossing
) -> bool:
    """Whether a crossing was recorded already, found from another pair of fixes within GAP.

    A fix that arrives late can show a crossing a little earlier than the one found without
    it; events are never changed, so the first one found stands.
    """
    return any(
        (p, c, k, location) == (plate, color, crossing.kind, crossing.fence.name)
        and abs(at - crossing.at) <= GAP
        for p, c, k, location, at in known
    )
