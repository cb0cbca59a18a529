"""Consignment rules: booking, attaching events from any source, progress along the legs.

Events arrive from every source, in any order, and more than once. Each is attached to the
consignments it concerns — by waybill reference, container number, or the vehicle or vessel of
a leg — once per (source, source event id); the timeline is always read in time order, so a
late event simply takes its place. The service never commits: its caller's unit of work does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    Insert,
    Row,
    Select,
    Table,
    and_,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from hub.canonical import identifiers
from hub.canonical.codes import (
    ConsignmentEventKind,
    ConsignmentStatus,
    DangerousGoodsClass,
    TransportMode,
)
from hub.canonical.multimodal import (
    EARLIEST,
    LATEST,
    RAIL_WAYBILL_NUMBER,
    REFERENCE,
    REMARKS_MAX,
    SOURCE,
    SOURCE_EVENT_ID,
    TEXT,
    TEXT_MAX,
    UNEXCHANGEABLE,
    WEIGHT_MAX_KG,
    Consignment,
    ConsignmentEvent,
    Goods,
    Leg,
    Party,
)
from hub.errors import BadUserInput, Forbidden, NotFound
from hub.multimodal.access import Writer, consignment_rule, hidden, reporting_leg
from hub.multimodal.models import (
    ConsignmentContainerRow,
    ConsignmentEventRow,
    ConsignmentLegRow,
    ConsignmentPartyRow,
    ConsignmentRow,
)
from hub.multimodal.progress import Progress, progress
from hub.outages import outage_of
from hub.pubsub import PubSub
from hub.readers import EVERYONE, Reader

__all__ = ["Progress", "Writer", "progress"]  # re-exported: callers know the service only

log = logging.getLogger("hub.multimodal")

# How far from a leg's planned window (or a consignment's, for a container) an event about its
# vehicle, vessel or container still belongs to it; when a truck or box has several jobs within
# reach, the event goes to the one whose window is nearest.
SLACK = dt.timedelta(days=3)
OPEN = (ConsignmentStatus.BOOKED, ConsignmentStatus.IN_TRANSIT)
# Events found by container, vehicle or vessel still reach a delivered consignment: a late one
# takes its place in the timeline. A closed consignment takes none.
FOLLOWED = (*OPEN, ConsignmentStatus.DELIVERED)


CLASSES = frozenset(item.value for item in DangerousGoodsClass)
ROLES = ("shipper", "consignee", "carrier", "notify")
"""Party roles, as PartyRoleType of standards/multimodal/waybill-1.0.xsd enumerates them."""


def _identifier(check: Any, value: str | None, field: str) -> Any:
    """The value in its rule's normalised form (what is stored and compared), or bad input."""
    if value is None:
        return None
    try:
        return check(value, field)
    except identifiers.InvalidIdentifier as exc:
        raise BadUserInput(str(exc), field=field) from None


def _text(value: str | None, field: str, most: int = TEXT_MAX, pattern: str = TEXT) -> None:
    """TextType of the standard: 1 to ``most`` characters XML carries, on one line, no space at
    either end (remarks may run over lines)."""
    if value is None:
        return
    if re.search(UNEXCHANGEABLE, value):
        raise BadUserInput(f"{field}: holds a character XML cannot carry", field=field)
    if not 1 <= len(value) <= most or not re.fullmatch(pattern, value):
        raise BadUserInput(
            f"{field}: 1-{most} characters on one line, without leading or trailing spaces",
            field=field,
        )


def plausible(at: dt.datetime) -> bool:
    """Whether a time is one a consignment can carry (this century, with its offset)."""
    try:
        return at.utcoffset() is not None and EARLIEST <= at <= LATEST
    except OverflowError:  # so far from now that it cannot even be put in UTC
        return False


def _time(at: dt.datetime, field: str) -> None:
    if at.utcoffset() is None:
        raise BadUserInput(f"{field}: give a time zone", field=field)
    if not plausible(at):
        raise BadUserInput(
            f"{field}: {at.isoformat()} is not between {EARLIEST:%Y} and {LATEST:%Y}", field=field
        )


def _pattern(value: str | None, pattern: str, field: str) -> None:
    if value is not None and not re.fullmatch(pattern, value):
        raise BadUserInput(f"{field}: {value!r} does not match {pattern}", field=field)


def _checked_event(event: ConsignmentEvent) -> ConsignmentEvent:
    """A reported event holds to the status-event standard, so it can be sent on as one;
    returned with its identifiers normalised."""
    _pattern(event.source, SOURCE, "source")
    _pattern(event.source_event_id, SOURCE_EVENT_ID, "sourceEventId")
    _text(event.location, "location")
    _text(event.remarks, "remarks", REMARKS_MAX, r"(?s:.+)")
    _time(event.occurred_at, "occurredAt")
    return dataclasses.replace(
        event,
        consignment_reference=_identifier(
            identifiers.waybill_reference, event.consignment_reference, "reference"
        ),
        container_number=_identifier(
            identifiers.container_number, event.container_number, "containerNumber"
        ),
    )


def _checked_leg(leg: Leg) -> Leg:
    """A leg that keeps every rule, with its identifiers normalised."""
    where = f"legs[{leg.sequence}]"
    if leg.sequence < 1:
        raise BadUserInput(f"{where}: sequences start at 1", field="legs")
    _time(leg.planned_departure, f"{where}.plannedDeparture")
    _time(leg.planned_arrival, f"{where}.plannedArrival")
    if leg.planned_arrival <= leg.planned_departure:
        raise BadUserInput(f"{where}: arrival must follow departure", field="legs")
    if (leg.vehicle_plate is None) != (leg.vehicle_plate_color is None):
        raise BadUserInput(
            f"{where}: a vehicle is named by its plate and its plate colour together", field="legs"
        )
    for name in ("carrier_name", "origin", "destination", "handover_point"):
        _text(getattr(leg, name), f"{where}.{name}")
    _pattern(leg.rail_waybill_number, RAIL_WAYBILL_NUMBER, f"{where}.railWaybillNumber")
    return dataclasses.replace(
        leg,
        carrier_uscc=_identifier(identifiers.uscc, leg.carrier_uscc, f"{where}.carrierUscc"),
        vehicle_plate=_identifier(identifiers.plate, leg.vehicle_plate, f"{where}.vehiclePlate"),
        vessel_mmsi=_identifier(identifiers.mmsi, leg.vessel_mmsi, f"{where}.vesselMmsi"),
    )


def _checked(consignment: Consignment) -> Consignment:
    """A consignment that keeps every rule of the waybill standard, its identifiers normalised
    (so an event naming ``CSQU3054383`` finds a box booked as ``csqu 305438 3``)."""
    reference = _identifier(identifiers.waybill_reference, consignment.reference, "reference")
    _time(consignment.issued_at, "issuedAt")
    parties = []
    for index, party in enumerate(consignment.parties):
        if party.role not in ROLES:
            raise BadUserInput(f"parties[{index}].role: one of {', '.join(ROLES)}", field="parties")
        _text(party.name, f"parties[{index}].name")
        uscc = _identifier(identifiers.uscc, party.uscc, f"parties[{index}].uscc")
        parties.append(dataclasses.replace(party, uscc=uscc))
    roles = {party.role for party in consignment.parties}
    if not {"shipper", "consignee"} <= roles:
        raise BadUserInput(
            "parties: a consignment needs a shipper and a consignee", field="parties"
        )
    if not consignment.goods:
        raise BadUserInput("goods: a consignment carries at least one line of goods", field="goods")
    lines = []
    for index, goods in enumerate(consignment.goods):
        if goods.packages < 1 or not 0 < goods.gross_weight_kg < WEIGHT_MAX_KG:
            raise BadUserInput(
                f"goods[{index}]: packages above zero, gross weight above zero and below "
                f"{WEIGHT_MAX_KG:,} kg",
                field="goods",
            )
        _text(goods.description, f"goods[{index}].description")
        _text(goods.packaging, f"goods[{index}].packaging")
        if (goods.un_number is None) != (goods.hazard_class is None):
            raise BadUserInput(
                f"goods[{index}]: dangerous goods give the UN number and the class together",
                field="goods",
            )
        un_number = _identifier(identifiers.un_number, goods.un_number, f"goods[{index}].unNumber")
        if goods.hazard_class is not None and goods.hazard_class not in CLASSES:
            raise BadUserInput(
                f"goods[{index}].hazardClass: {goods.hazard_class!r} is not a class of GB 6944",
                field="goods",
            )
        lines.append(dataclasses.replace(goods, un_number=un_number))
    containers = [
        _identifier(identifiers.container_number, number, "containers")
        for number in consignment.containers
    ]
    sequences = [leg.sequence for leg in consignment.legs]
    if not sequences or sorted(sequences) != list(range(1, len(sequences) + 1)):
        raise BadUserInput("legs: sequences must run 1, 2, 3… without gaps", field="legs")
    return dataclasses.replace(
        consignment,
        reference=reference,
        parties=tuple(parties),
        goods=tuple(lines),
        containers=tuple(containers),
        legs=tuple(_checked_leg(leg) for leg in consignment.legs),
    )


async def book(session: AsyncSession, consignment: Consignment, booked_by: str) -> ConsignmentRow:
    """Book a consignment; refuses a reference already booked and any broken rule."""
    consignment = _checked(consignment)
    taken = await session.scalar(
        select(ConsignmentRow.id).where(ConsignmentRow.reference == consignment.reference)
    )
    if taken is not None:
        raise BadUserInput(
            f"reference: {consignment.reference} is booked already", field="reference"
        )
    shipper = next(p.name for p in consignment.parties if p.role == "shipper")
    row = ConsignmentRow(
        reference=consignment.reference,
        issued_at=consignment.issued_at,
        status=ConsignmentStatus.BOOKED,
        shipper_name=shipper,
        parties=[dataclasses.asdict(party) for party in consignment.parties],
        goods=[dataclasses.asdict(goods) for goods in consignment.goods],
        dangerous_goods=any(goods.un_number for goods in consignment.goods),
        booked_by=booked_by,
    )
    try:
        async with session.begin_nested():  # two bookings of one reference at once
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise BadUserInput(
            f"reference: {consignment.reference} is booked already", field="reference"
        ) from None
    session.add_all(
        ConsignmentContainerRow(consignment_id=row.id, container_number=number)
        for number in dict.fromkeys(consignment.containers)
    )
    session.add_all(
        ConsignmentPartyRow(consignment_id=row.id, uscc=uscc)
        for uscc in dict.fromkeys(p.uscc for p in consignment.parties if p.uscc)
    )
    session.add_all(_leg_row(row.id, leg) for leg in consignment.legs)
    await session.flush()
    return row


def _leg_row(consignment_id: int, leg: Leg) -> ConsignmentLegRow:
    values = dataclasses.asdict(leg)
    return ConsignmentLegRow(consignment_id=consignment_id, **values)


@lru_cache(maxsize=256)
def _by_reference(reader: Reader) -> Select[ConsignmentRow]:
    """The look-up of a consignment by reference under ``reader``'s rule, built once per
    reader: every event recorded starts with it, and building a statement and its cache key
    costs more CPU than PostgreSQL spends running it."""
    return select(ConsignmentRow).where(
        ConsignmentRow.reference == bindparam("reference"), consignment_rule(reader)
    )


async def find(session: AsyncSession, reference: str, reader: Reader = EVERYONE) -> ConsignmentRow:
    """The consignment with this reference, if ``reader`` may read it (to it, there is none)."""
    found = None
    if _could_be(reference):
        found = await session.scalar(_by_reference(reader), {"reference": reference})
    if found is None:
        raise NotFound(f"consignment {reference} not found")
    return found


def _could_be(reference: str) -> bool:
    # A reference no consignment can have is not looked up at all (NUL and the like included).
    return re.fullmatch(REFERENCE, reference) is not None


_WITH_LEGS = (
    _by_reference(EVERYONE)
    .add_columns(ConsignmentLegRow)
    .outerjoin(ConsignmentLegRow, ConsignmentLegRow.consignment_id == ConsignmentRow.id)
    .order_by(ConsignmentLegRow.sequence)
)
"""A consignment and its legs in one statement (a row per leg): what every write reads first."""


async def concerning(
    session: AsyncSession, reference: str, writer: Writer
) -> tuple[ConsignmentRow, list[ConsignmentLegRow]]:
    """The consignment and its legs, if it concerns the writer; else, to it, there is none."""
    found: Sequence[Row[ConsignmentRow, ConsignmentLegRow | None]] = ()
    if _could_be(reference):
        found = (await session.execute(_WITH_LEGS, {"reference": reference})).all()
    if not found:
        raise NotFound(f"consignment {reference} not found")
    row = found[0][0]
    legs = [leg for _row, leg in found if leg is not None]
    if not writer.concerned(row, legs):
        raise hidden(row)
    return row, legs


def _distance(at: dt.datetime, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """How far ``at`` lies outside [start, end]; zero inside."""
    return max(start - at, at - end, dt.timedelta(0))


def _nearest(
    candidates: Sequence[tuple[int, dt.datetime, dt.datetime]], at: dt.datetime
) -> list[int]:
    """The consignments whose window is nearest ``at`` (and within ``SLACK``): a vehicle or a
    box on two jobs belongs to the one it is on, not to the one before or after it."""
    distances: dict[int, dt.timedelta] = {}
    for consignment_id, start, end in candidates:
        distance = _distance(at, start, end)
        if distance <= SLACK:
            distances[consignment_id] = min(distance, distances.get(consignment_id, distance))
    if not distances:
        return []
    best = min(distances.values())
    return sorted(c for c, distance in distances.items() if distance == best)


async def concerned(session: AsyncSession, event: ConsignmentEvent) -> list[int]:
    """The consignments an event is about, by the most specific reference it carries."""
    if event.consignment_reference:
        # Named outright, a late event still finds a delivered consignment; a closed one is final.
        found = await session.scalar(
            select(ConsignmentRow.id).where(
                ConsignmentRow.reference == event.consignment_reference,
                ConsignmentRow.status != ConsignmentStatus.CLOSED,
            )
        )
        return [] if found is None else [found]
    followed = ConsignmentRow.status.in_(FOLLOWED)
    legs = ConsignmentLegRow
    if event.container_number:
        query = (
            select(
                legs.consignment_id,
                func.min(legs.planned_departure),
                func.max(legs.planned_arrival),
            )
            .join(ConsignmentRow, ConsignmentRow.id == legs.consignment_id)
            .join(
                ConsignmentContainerRow,
                ConsignmentContainerRow.consignment_id == legs.consignment_id,
            )
            .where(ConsignmentContainerRow.container_number == event.container_number, followed)
            .group_by(legs.consignment_id)
        )
    elif event.vehicle_plate or event.vessel_mmsi:
        if event.vehicle_plate:
            match = [legs.vehicle_plate == event.vehicle_plate]
            if event.vehicle_plate_color is not None:
                match.append(legs.vehicle_plate_color == event.vehicle_plate_color)
        else:
            match = [legs.vessel_mmsi == event.vessel_mmsi]
        query = (
            select(legs.consignment_id, legs.planned_departure, legs.planned_arrival)
            .join(ConsignmentRow, ConsignmentRow.id == legs.consignment_id)
            .where(*match, followed)
        )
    else:
        return []
    rows = (await session.execute(query)).all()
    return _nearest([(c, start, end) for c, start, end in rows], event.occurred_at)


async def may_concern(
    session: AsyncSession, events: Sequence[ConsignmentEvent]
) -> list[ConsignmentEvent]:
    """The events that may concern a consignment (``concerned`` decides): one query per kind of
    reference for a whole batch, so that the many events about no consignment cost nothing."""
    references = {e.consignment_reference for e in events if e.consignment_reference}
    containers = {e.container_number for e in events if e.container_number}
    plates = {e.vehicle_plate for e in events if e.vehicle_plate}
    mmsis = {e.vessel_mmsi for e in events if e.vessel_mmsi}
    followed = ConsignmentRow.status.in_(FOLLOWED)
    legs = ConsignmentLegRow
    known: dict[str, set[Any]] = {}
    for name, values, query in (
        (
            "reference",
            references,
            select(ConsignmentRow.reference).where(
                ConsignmentRow.reference.in_(references),
                ConsignmentRow.status != ConsignmentStatus.CLOSED,
            ),
        ),
        (
            "container",
            containers,
            select(ConsignmentContainerRow.container_number)
            .join(ConsignmentRow, ConsignmentRow.id == ConsignmentContainerRow.consignment_id)
            .where(ConsignmentContainerRow.container_number.in_(containers), followed),
        ),
        (
            "plate",
            plates,
            select(legs.vehicle_plate)
            .join(ConsignmentRow, ConsignmentRow.id == legs.consignment_id)
            .where(legs.vehicle_plate.in_(plates), followed),
        ),
        (
            "mmsi",
            mmsis,
            select(legs.vessel_mmsi)
            .join(ConsignmentRow, ConsignmentRow.id == legs.consignment_id)
            .where(legs.vessel_mmsi.in_(mmsis), followed),
        ),
    ):
        known[name] = set((await session.scalars(query)).all()) if values else set()

    def may(event: ConsignmentEvent) -> bool:
        # The most specific reference an event carries is the one ``concerned`` follows.
        if event.consignment_reference:
            return event.consignment_reference in known["reference"]
        if event.container_number:
            return event.container_number in known["container"]
        if event.vehicle_plate:
            return event.vehicle_plate in known["plate"]
        return bool(event.vessel_mmsi) and event.vessel_mmsi in known["mmsi"]

    return [event for event in events if may(event)]


async def record(
    session: AsyncSession,
    event: ConsignmentEvent,
    received_at: dt.datetime,
    reported_by: str,
) -> list[int]:
    """Attach an event to every consignment it concerns; returns where it was new.

    ``reported_by`` is who delivered it to the hub: an agency's feed, or a client.
    """
    if not plausible(event.occurred_at):
        return []  # a feed's typing error: kept in its agency record, on no timeline
    new: list[int] = []
    for consignment_id in await concerned(session, event):
        if await attach(session, consignment_id, event, received_at, reported_by) is not None:
            new.append(consignment_id)
    return new


async def attach(
    session: AsyncSession,
    consignment_id: int,
    event: ConsignmentEvent,
    received_at: dt.datetime,
    reported_by: str,
) -> ConsignmentEventRow | None:
    """Attach an event to one consignment (still open to events); the stored event (as the
    insert returned it, not loaded into the session), or None if the consignment had it
    already. Two statements for a new event: the consignment's
    counter moved on, the event inserted and returned whole (what is published); a third only
    when the event changes the consignment's status."""
    values = {
        f.name: getattr(event, f.name)
        for f in dataclasses.fields(event)
        if f.name != "consignment_reference"
    }
    # Taking the next number locks the consignment's row until commit (PostgreSQL; SQLite
    # has one writer), so its events commit in the order of their numbers.
    sequence, status = await _step_sequence(session, consignment_id, +1)
    inserted = (
        await session.execute(
            _insert_event(session.get_bind().dialect.name),
            {
                "consignment_id": consignment_id,
                "sequence": sequence,
                "received_at": received_at,
                "reported_by": reported_by,
                **values,
            },
        )
    ).one_or_none()
    if inserted is None:
        await _step_sequence(session, consignment_id, -1)  # still ours: no gap is left
        return None  # the same event again: nothing changes
    stored = ConsignmentEventRow(**inserted._asdict())
    delivered = event.kind is ConsignmentEventKind.DELIVERED
    moved = ConsignmentStatus.DELIVERED if delivered else ConsignmentStatus.IN_TRANSIT
    if status in OPEN and status != moved:
        await session.execute(_MOVE_STATUS, {"cid": consignment_id, "moved": moved})
        _refresh(session, consignment_id, status=moved)
    return stored


_consignments = cast(Table, ConsignmentRow.__table__)
# Built once (Core, on the table): recording an event runs them every time, and building an
# ORM statement, its cache key and its identity-map synchronisation cost more CPU than
# PostgreSQL spends running it. ``_refresh`` keeps a row already loaded in step instead.
_STEP_SEQUENCE = (
    update(_consignments)
    .where(_consignments.c.id == bindparam("cid"))
    .values(last_event_sequence=_consignments.c.last_event_sequence + bindparam("step"))
    .returning(_consignments.c.last_event_sequence, _consignments.c.status)
)
_events = cast(Table, ConsignmentEventRow.__table__)


@lru_cache(maxsize=2)
def _insert_event(dialect: str) -> Insert:
    """The insert of a new event (its values the parameters), returning it whole; a
    duplicate (source, source event id) on the consignment inserts nothing. Built once per
    dialect, on the table: the ORM's insert, built with each event's values, cost more CPU
    than the rest of recording an event."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(_events)
        .on_conflict_do_nothing(index_elements=["consignment_id", "source", "source_event_id"])
        .returning(*_events.columns)
    )


_MOVE_STATUS = (
    update(_consignments)
    .where(_consignments.c.id == bindparam("cid"))
    .values(status=bindparam("moved"))
)


def _refresh(session: AsyncSession, consignment_id: int, **values: Any) -> None:
    """Give a consignment row this session has loaded the values just written to it."""
    row = session.identity_map.get(identity_key(ConsignmentRow, consignment_id))
    for name, value in values.items() if row is not None else ():
        set_committed_value(row, name, value)


async def _step_sequence(
    session: AsyncSession, consignment_id: int, step: int
) -> tuple[int, ConsignmentStatus]:
    """Move a consignment's event counter by ``step``; its new value and the status."""
    found = (
        await session.execute(_STEP_SEQUENCE, {"cid": consignment_id, "step": step})
    ).one_or_none()
    assert found is not None, "the consignment was found moments ago in this transaction"
    sequence, status = int(found[0]), ConsignmentStatus(found[1])
    _refresh(session, consignment_id, last_event_sequence=sequence)
    return sequence, status


async def events_after(
    session: AsyncSession, consignment_id: int, after: int, before: int | None = None
) -> list[ConsignmentEventRow]:
    """A consignment's events recorded after the one numbered ``after`` (and before
    ``before``), in the order they were recorded: what a resuming subscriber missed."""
    events = ConsignmentEventRow
    query = select(events).where(events.consignment_id == consignment_id, events.sequence > after)
    if before is not None:
        query = query.where(events.sequence < before)
    return list((await session.scalars(query.order_by(events.sequence))).all())


async def report(
    session: AsyncSession,
    event: ConsignmentEvent,
    writer: Writer,
    leg: int | None,
    received_at: dt.datetime,
) -> tuple[ConsignmentRow, ConsignmentEventRow | None]:
    """A client's report of an event on a consignment it names: checked as input (the same
    rules as the status-event standard) and against what the client may report. Returns the
    consignment and the event as stored (its leg's vehicle, vessel and mode filled in), or
    None if the consignment had it already."""
    event = _checked_event(event)
    if event.source != writer.client_id and not event.source.startswith(f"{writer.client_id}/"):
        raise Forbidden(f"source: {event.source!r}: a client reports under its own client id")
    row, legs = await concerning(session, event.consignment_reference or "", writer)
    if row.status is ConsignmentStatus.CLOSED:
        raise BadUserInput(f"consignment {row.reference} is closed: it takes no events")
    own = reporting_leg(row, legs, writer, leg if leg is not None else event.leg, event)
    if own is not None:
        event = dataclasses.replace(
            event,
            leg=own.sequence,
            mode=own.mode,
            vehicle_plate=own.vehicle_plate,
            vehicle_plate_color=own.vehicle_plate_color,
            vessel_mmsi=own.vessel_mmsi,
        )
    return row, await attach(session, row.id, event, received_at, writer.client_id)


async def close(session: AsyncSession, reference: str, writer: Writer) -> ConsignmentRow:
    """Close a consignment (its booker only): no more events attach to it."""
    row, _ = await concerning(session, reference, writer)
    if not writer.booked(row):
        raise Forbidden(f"consignment {reference}: only the client that booked it may close it")
    if row.status is ConsignmentStatus.CLOSED:
        raise BadUserInput(f"consignment {reference} is closed already")
    row.status = ConsignmentStatus.CLOSED
    row.closed_at = dt.datetime.now(dt.UTC)
    return row


async def _open(session: AsyncSession, reference: str, writer: Writer) -> ConsignmentRow:
    row, _ = await concerning(session, reference, writer)
    if row.status not in OPEN:
        raise BadUserInput(f"consignment {reference} is {row.status.value}: its legs are final")
    return row


async def add_leg(
    session: AsyncSession, reference: str, leg: Leg, writer: Writer
) -> ConsignmentRow:
    """Add a leg after the last one (the booker only)."""
    row = await _open(session, reference, writer)
    if not writer.booked(row):
        raise Forbidden(f"consignment {reference}: only the client that booked it adds legs")
    leg = _checked_leg(leg)
    legs = await legs_of(session, row.id)
    if leg.sequence != len(legs) + 1:
        raise BadUserInput(
            f"leg.sequence: the next leg of {reference} is {len(legs) + 1}", field="leg.sequence"
        )
    try:
        async with session.begin_nested():  # two clients adding the same next leg at once
            session.add(_leg_row(row.id, leg))
            await session.flush()
    except IntegrityError:
        raise BadUserInput(
            f"leg.sequence: leg {leg.sequence} of {reference} was added meanwhile",
            field="leg.sequence",
        ) from None
    return row


async def change_leg(
    session: AsyncSession, reference: str, leg: Leg, writer: Writer
) -> ConsignmentRow:
    """Replace a leg's plan: its booker may change any leg, a carrier only its own.

    A carrier keeps its leg: handing it to another carrier is the booker's decision.
    """
    row = await _open(session, reference, writer)
    leg = _checked_leg(leg)
    stored = await session.get(ConsignmentLegRow, (row.id, leg.sequence))
    if stored is None:
        raise NotFound(f"consignment {reference} has no leg {leg.sequence}")
    if not writer.booked(row):
        if not writer.carries(stored):
            raise Forbidden(f"consignment {reference}: leg {leg.sequence} is not yours to change")
        if leg.carrier_uscc != stored.carrier_uscc:
            raise Forbidden(
                f"consignment {reference}: only its booker may give leg {leg.sequence} to "
                "another carrier"
            )
    for name, value in dataclasses.asdict(leg).items():
        setattr(stored, name, value)
    await session.flush()
    return row


def _of_consignments(model: Any, *order: Any) -> Select[Any]:
    """Rows of ``model`` for the consignments of the ``ids`` parameter, in ``order``: built
    once, as its look-ups run on every event recorded and every page read."""
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    return select(model).where(model.consignment_id.in_(ids)).order_by(*order)


_LEGS = _of_consignments(ConsignmentLegRow, ConsignmentLegRow.sequence)
_TIMELINES = _of_consignments(
    ConsignmentEventRow,
    ConsignmentEventRow.occurred_at,
    ConsignmentEventRow.source,
    ConsignmentEventRow.source_event_id,
)
_CONTAINERS = _of_consignments(ConsignmentContainerRow, ConsignmentContainerRow.container_number)


async def _by_consignment(
    session: AsyncSession, query: Select[Any], ids: Sequence[int]
) -> dict[int, list[Any]]:
    """The rows ``query`` reads for each of the consignments: one statement for all."""
    grouped: dict[int, list[Any]] = {consignment_id: [] for consignment_id in ids}
    for row in (await session.scalars(query, {"ids": list(ids)})).all():
        grouped[row.consignment_id].append(row)
    return grouped


async def legs_by_consignment(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, list[ConsignmentLegRow]]:
    """The legs of each consignment, in order."""
    return await _by_consignment(session, _LEGS, ids)


async def timelines(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, list[ConsignmentEventRow]]:
    """Each consignment's events in the order they happened, whatever order they arrived in."""
    return await _by_consignment(session, _TIMELINES, ids)


async def containers_by_consignment(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, list[str]]:
    """The container numbers of each consignment, sorted."""
    rows = await _by_consignment(session, _CONTAINERS, ids)
    return {c: [row.container_number for row in found] for c, found in rows.items()}


async def legs_of(session: AsyncSession, consignment_id: int) -> list[ConsignmentLegRow]:
    """The legs of a consignment, in order."""
    return (await legs_by_consignment(session, [consignment_id]))[consignment_id]


async def timeline(session: AsyncSession, consignment_id: int) -> list[ConsignmentEventRow]:
    """A consignment's events in the order they happened, whatever order they arrived in."""
    return (await timelines(session, [consignment_id]))[consignment_id]


def from_agency_record(agency: str, record: object) -> ConsignmentEvent | None:
    """The consignment event an agency record means, if any (rail container events, port calls)."""
    from hub.canonical.records import ContainerEvent, PortCall

    if isinstance(record, ContainerEvent):
        return ConsignmentEvent(
            source=agency,
            source_event_id=record.source_record_id,
            kind=ConsignmentEventKind(record.kind.value),
            occurred_at=record.occurred_at,
            location=record.station,
            container_number=record.container_number,
            mode=TransportMode.RAIL,
        )
    if isinstance(record, PortCall):
        kind = (
            ConsignmentEventKind.ARRIVE
            if record.kind.value == "ARR"
            else ConsignmentEventKind.DEPART
        )
        return ConsignmentEvent(
            source=agency,
            source_event_id=record.source_record_id,
            kind=kind,
            occurred_at=record.occurred_at,
            location=record.port,
            vessel_mmsi=record.mmsi,
        )
    return None


def channel(reference: str) -> str:
    """The pub/sub channel of a consignment's new events."""
    return f"consignment:{reference}"


def event_message(row: ConsignmentEventRow) -> bytes:
    """An event as published to subscribers: JSON, codes and ISO 8601 times."""
    values = {}
    for column in ConsignmentEventRow.__table__.columns:
        value = getattr(row, column.key)
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        values[column.key] = value
    return json.dumps(values, ensure_ascii=False).encode()


def published(reference: str, row: ConsignmentEventRow) -> tuple[str, bytes]:
    """(channel, message) of an event just stored on the consignment ``reference``."""
    return channel(reference), event_message(row)


PUBLISHED_PER_STATEMENT = 500
"""Events looked up per statement for publishing (three parameters each, well within both
databases' limits)."""


async def published_events(
    session: AsyncSession, attached: Sequence[tuple[int, ConsignmentEvent]]
) -> list[tuple[str, bytes]]:
    """(channel, message) of each newly attached event, to publish once committed: one
    statement per 500 events, in each consignment's order (its subscribers expect that)."""
    events = ConsignmentEventRow
    found: list[tuple[ConsignmentEventRow, str]] = []
    for start in range(0, len(attached), PUBLISHED_PER_STATEMENT):
        chunk = attached[start : start + PUBLISHED_PER_STATEMENT]
        matches = [
            and_(
                events.consignment_id == consignment_id,
                events.source == event.source,
                events.source_event_id == event.source_event_id,
            )
            for consignment_id, event in chunk
        ]
        rows = await session.execute(
            select(events, ConsignmentRow.reference)
            .join(ConsignmentRow, ConsignmentRow.id == events.consignment_id)
            .where(or_(*matches))
        )
        found += [(row, reference) for row, reference in rows.all()]
    found.sort(key=lambda item: (item[0].consignment_id, item[0].sequence))
    return [(channel(reference), event_message(row)) for row, reference in found]


async def publish(pubsub: PubSub | None, messages: Sequence[tuple[str, bytes]]) -> None:
    """Publish events once their transaction has committed.

    The events are stored whatever happens here: if the broker (Redis) is down, live
    subscribers miss them (a warning is logged) and read them in the timeline, rather than
    the committed write being reported as failed.
    """
    if pubsub is None:
        return
    for channel_name, message in messages:
        try:
            await pubsub.publish(channel_name, message)
        except Exception as exc:
            outage = outage_of(exc)
            if outage is None:
                raise
            log.warning(
                "%s unavailable: events on %s were not published", outage.dependency, channel_name
            )
            return


_LEG_FIELDS = [f.name for f in dataclasses.fields(Leg)]
_EVENT_FIELDS = [f.name for f in dataclasses.fields(ConsignmentEvent)]


async def as_record(
    session: AsyncSession, row: ConsignmentRow
) -> tuple[Consignment, list[ConsignmentEvent]]:
    """A stored consignment and its timeline as the canonical records they were built from."""
    legs = await legs_of(session, row.id)
    containers = (await containers_by_consignment(session, [row.id]))[row.id]
    consignment = Consignment(
        reference=row.reference,
        issued_at=row.issued_at,
        parties=tuple(Party(**party) for party in row.parties),
        goods=tuple(Goods(**goods) for goods in row.goods),
        containers=tuple(containers),
        legs=tuple(Leg(**{name: getattr(leg, name) for name in _LEG_FIELDS}) for leg in legs),
    )
    events = []
    for event in await timeline(session, row.id):
        values: dict[str, Any] = {name: getattr(event, name, None) for name in _EVENT_FIELDS}
        events.append(ConsignmentEvent(**{**values, "consignment_reference": row.reference}))
    return consignment, events


async def import_record(
    session: AsyncSession,
    consignment: Consignment,
    events: Sequence[ConsignmentEvent],
    booked_by: str,
    received_at: dt.datetime,
) -> ConsignmentRow:
    """Book a consignment exported elsewhere and replay its events onto it, in time order.

    Every event is attached to this consignment, whatever else it names: the document says
    whose timeline it is.
    """
    row = await book(session, consignment, booked_by)
    for event in sorted(events, key=lambda e: e.occurred_at):
        own = dataclasses.replace(event, consignment_reference=row.reference)
        await record(session, own, received_at, booked_by)
    return row
