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
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical import identifiers
from hub.canonical.codes import ConsignmentEventKind, ConsignmentStatus, TransportMode
from hub.canonical.multimodal import Consignment, ConsignmentEvent, Goods, Leg, Party
from hub.errors import BadUserInput, Forbidden, NotFound
from hub.multimodal.models import (
    ConsignmentContainerRow,
    ConsignmentEventRow,
    ConsignmentLegRow,
    ConsignmentRow,
)

# How far from a leg's planned window an event about its vehicle or vessel still belongs to it.
SLACK = dt.timedelta(days=2)
OPEN = (ConsignmentStatus.BOOKED, ConsignmentStatus.IN_TRANSIT)


@dataclass(frozen=True, slots=True)
class Writer:
    """Who writes: a client, and the organisation (carrier, terminal) it acts for, if any.

    The client that booked a consignment manages it — legs, events, closing. A carrier writes
    only its own legs: the legs whose carrier credit code is the one it acts for.
    """

    client_id: str
    uscc: str | None = None

    def booked(self, row: ConsignmentRow) -> bool:
        """Whether this writer booked the consignment."""
        return row.booked_by == self.client_id

    def carries(self, leg: ConsignmentLegRow) -> bool:
        """Whether this writer is the carrier of the leg."""
        return self.uscc is not None and leg.carrier_uscc == self.uscc

    def concerned(self, row: ConsignmentRow, legs: Sequence[ConsignmentLegRow]) -> bool:
        """Whether it booked the consignment, carries a leg or is named a party of it."""
        named = self.uscc is not None and any(p.get("uscc") == self.uscc for p in row.parties)
        return self.booked(row) or named or any(self.carries(leg) for leg in legs)


ROLES = ("shipper", "consignee", "carrier", "notify")
"""Party roles, as PartyRoleType of standards/multimodal/waybill-1.0.xsd enumerates them."""


def _identifier(check: Any, value: str | None, field: str) -> None:
    if value is None:
        return
    try:
        check(value, field)
    except identifiers.InvalidIdentifier as exc:
        raise BadUserInput(str(exc), field=field) from None


def _check_leg(leg: Leg) -> None:
    where = f"legs[{leg.sequence}]"
    if leg.sequence < 1:
        raise BadUserInput(f"{where}: sequences start at 1", field="legs")
    if leg.planned_arrival <= leg.planned_departure:
        raise BadUserInput(f"{where}: arrival must follow departure", field="legs")
    _identifier(identifiers.uscc, leg.carrier_uscc, f"{where}.carrierUscc")
    _identifier(identifiers.plate, leg.vehicle_plate, f"{where}.vehiclePlate")
    _identifier(identifiers.mmsi, leg.vessel_mmsi, f"{where}.vesselMmsi")
    if (leg.vehicle_plate is None) != (leg.vehicle_plate_color is None):
        raise BadUserInput(
            f"{where}: a vehicle is named by its plate and its plate colour together", field="legs"
        )
    for name in ("carrier_name", "origin", "destination"):
        if not getattr(leg, name).strip():
            raise BadUserInput(f"{where}.{name}: must not be empty", field="legs")


def _check(consignment: Consignment) -> None:
    if not consignment.reference.strip():
        raise BadUserInput("reference: must not be empty", field="reference")
    if consignment.issued_at.tzinfo is None:
        raise BadUserInput("issuedAt: give a time zone", field="issuedAt")
    for index, party in enumerate(consignment.parties):
        if party.role not in ROLES:
            raise BadUserInput(f"parties[{index}].role: one of {', '.join(ROLES)}", field="parties")
        if not party.name.strip():
            raise BadUserInput(f"parties[{index}].name: must not be empty", field="parties")
        _identifier(identifiers.uscc, party.uscc, f"parties[{index}].uscc")
    roles = {party.role for party in consignment.parties}
    if not {"shipper", "consignee"} <= roles:
        raise BadUserInput(
            "parties: a consignment needs a shipper and a consignee", field="parties"
        )
    if not consignment.goods:
        raise BadUserInput("goods: a consignment carries at least one line of goods", field="goods")
    for index, goods in enumerate(consignment.goods):
        if goods.packages < 1 or goods.gross_weight_kg <= 0:
            raise BadUserInput(
                f"goods[{index}]: packages and gross weight must be above zero", field="goods"
            )
        if (goods.un_number is None) != (goods.hazard_class is None):
            raise BadUserInput(
                f"goods[{index}]: dangerous goods give the UN number and the class together",
                field="goods",
            )
        _identifier(identifiers.un_number, goods.un_number, f"goods[{index}].unNumber")
    for number in consignment.containers:
        try:
            identifiers.container_number(number, "containers")
        except identifiers.InvalidIdentifier as exc:
            raise BadUserInput(str(exc), field="containers") from None
    sequences = [leg.sequence for leg in consignment.legs]
    if not sequences or sorted(sequences) != list(range(1, len(sequences) + 1)):
        raise BadUserInput("legs: sequences must run 1, 2, 3… without gaps", field="legs")
    for leg in consignment.legs:
        _check_leg(leg)


async def book(session: AsyncSession, consignment: Consignment, booked_by: str) -> ConsignmentRow:
    """Book a consignment; refuses a reference already booked and any broken rule."""
    _check(consignment)
    goods = tuple(
        dataclasses.replace(line, un_number=identifiers.un_number(line.un_number))
        if line.un_number is not None
        else line
        for line in consignment.goods
    )
    consignment = dataclasses.replace(consignment, goods=goods)
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
    session.add(row)
    await session.flush()
    session.add_all(
        ConsignmentContainerRow(consignment_id=row.id, container_number=number)
        for number in dict.fromkeys(consignment.containers)
    )
    session.add_all(_leg_row(row.id, leg) for leg in consignment.legs)
    await session.flush()
    return row


def _leg_row(consignment_id: int, leg: Leg) -> ConsignmentLegRow:
    values = dataclasses.asdict(leg)
    return ConsignmentLegRow(consignment_id=consignment_id, **values)


async def find(session: AsyncSession, reference: str) -> ConsignmentRow:
    """The consignment with this reference."""
    row = await session.scalar(select(ConsignmentRow).where(ConsignmentRow.reference == reference))
    if row is None:
        raise NotFound(f"consignment {reference} not found")
    return row


async def concerned(session: AsyncSession, event: ConsignmentEvent) -> list[int]:
    """The open consignments an event is about, by the most specific reference it carries."""
    if event.consignment_reference:
        # Named outright, a late event still finds a delivered consignment; a closed one is final.
        found = await session.scalar(
            select(ConsignmentRow.id).where(
                ConsignmentRow.reference == event.consignment_reference,
                ConsignmentRow.status != ConsignmentStatus.CLOSED,
            )
        )
        return [] if found is None else [found]
    is_open = ConsignmentRow.status.in_(OPEN)
    if event.container_number:
        query = (
            select(ConsignmentContainerRow.consignment_id)
            .join(ConsignmentRow, ConsignmentRow.id == ConsignmentContainerRow.consignment_id)
            .where(ConsignmentContainerRow.container_number == event.container_number, is_open)
        )
        return list((await session.scalars(query)).all())
    window = (
        ConsignmentLegRow.planned_departure <= event.occurred_at + SLACK,
        ConsignmentLegRow.planned_arrival >= event.occurred_at - SLACK,
    )
    if event.vehicle_plate:
        match = ConsignmentLegRow.vehicle_plate == event.vehicle_plate
    elif event.vessel_mmsi:
        match = ConsignmentLegRow.vessel_mmsi == event.vessel_mmsi
    else:
        return []
    query = (
        select(ConsignmentLegRow.consignment_id)
        .join(ConsignmentRow, ConsignmentRow.id == ConsignmentLegRow.consignment_id)
        .where(match, is_open, *window)
        .distinct()
    )
    return list((await session.scalars(query)).all())


async def record(
    session: AsyncSession,
    event: ConsignmentEvent,
    received_at: dt.datetime,
    allowed: Callable[[int], Awaitable[bool]] | None = None,
) -> list[int]:
    """Attach an event to every consignment it concerns (and ``allowed``); returns where new."""
    targets = await concerned(session, event)
    if allowed is not None:
        targets = [target for target in targets if await allowed(target)]
    new: list[int] = []
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for consignment_id in targets:
        values = {
            f.name: getattr(event, f.name)
            for f in dataclasses.fields(event)
            if f.name != "consignment_reference"
        }
        statement = (
            insert(ConsignmentEventRow)
            .values(consignment_id=consignment_id, received_at=received_at, **values)
            .on_conflict_do_nothing(index_elements=["consignment_id", "source", "source_event_id"])
            .returning(ConsignmentEventRow.id)
        )
        if await session.scalar(statement) is None:
            continue  # the same event again: nothing changes
        new.append(consignment_id)
        row = await session.get(ConsignmentRow, consignment_id)
        if row is not None and row.status in OPEN:
            delivered = event.kind is ConsignmentEventKind.DELIVERED
            row.status = ConsignmentStatus.DELIVERED if delivered else ConsignmentStatus.IN_TRANSIT
    return new


async def close(session: AsyncSession, reference: str, writer: Writer) -> ConsignmentRow:
    """Close a consignment (its booker only): no more events attach to it."""
    row = await find(session, reference)
    if not writer.booked(row):
        raise Forbidden(f"consignment {reference}: only the client that booked it may close it")
    if row.status is ConsignmentStatus.CLOSED:
        raise BadUserInput(f"consignment {reference} is closed already")
    row.status = ConsignmentStatus.CLOSED
    row.closed_at = dt.datetime.now(dt.UTC)
    return row


async def _open(session: AsyncSession, reference: str) -> ConsignmentRow:
    row = await find(session, reference)
    if row.status not in OPEN:
        raise BadUserInput(f"consignment {reference} is {row.status.value}: its legs are final")
    return row


async def add_leg(
    session: AsyncSession, reference: str, leg: Leg, writer: Writer
) -> ConsignmentRow:
    """Add a leg after the last one (the booker only)."""
    row = await _open(session, reference)
    if not writer.booked(row):
        raise Forbidden(f"consignment {reference}: only the client that booked it adds legs")
    _check_leg(leg)
    legs = await legs_of(session, row.id)
    if leg.sequence != len(legs) + 1:
        raise BadUserInput(
            f"leg.sequence: the next leg of {reference} is {len(legs) + 1}", field="leg.sequence"
        )
    session.add(_leg_row(row.id, leg))
    await session.flush()
    return row


async def change_leg(
    session: AsyncSession, reference: str, leg: Leg, writer: Writer
) -> ConsignmentRow:
    """Replace a leg's plan: its booker may change any leg, a carrier only its own.

    A carrier keeps its leg: handing it to another carrier is the booker's decision.
    """
    row = await _open(session, reference)
    _check_leg(leg)
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


async def writable_leg(
    session: AsyncSession, row: ConsignmentRow, sequence: int | None, writer: Writer
) -> ConsignmentLegRow | None:
    """The leg an event is recorded against, once the writer may record it.

    The booker records anything (a leg is optional); a carrier names one of its own legs.
    """
    leg = None if sequence is None else await session.get(ConsignmentLegRow, (row.id, sequence))
    if sequence is not None and leg is None:
        raise NotFound(f"consignment {row.reference} has no leg {sequence}")
    if writer.booked(row):
        return leg
    if leg is None:
        raise Forbidden(f"consignment {row.reference}: a carrier names the leg it reports on")
    if not writer.carries(leg):
        raise Forbidden(f"consignment {row.reference}: leg {sequence} is not yours to report on")
    return leg


async def legs_of(session: AsyncSession, consignment_id: int) -> list[ConsignmentLegRow]:
    """The legs of a consignment, in order."""
    query = (
        select(ConsignmentLegRow)
        .where(ConsignmentLegRow.consignment_id == consignment_id)
        .order_by(ConsignmentLegRow.sequence)
    )
    return list((await session.scalars(query)).all())


async def timeline(session: AsyncSession, consignment_id: int) -> list[ConsignmentEventRow]:
    """A consignment's events in the order they happened, whatever order they arrived in."""
    query = (
        select(ConsignmentEventRow)
        .where(ConsignmentEventRow.consignment_id == consignment_id)
        .order_by(
            ConsignmentEventRow.occurred_at,
            ConsignmentEventRow.source,
            ConsignmentEventRow.source_event_id,
        )
    )
    return list((await session.scalars(query)).all())


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a consignment is: its current leg (None once delivered) and expected arrival."""

    current_leg: int | None
    eta: dt.datetime | None


_DEPARTING = (ConsignmentEventKind.GATE_OUT, ConsignmentEventKind.LOAD, ConsignmentEventKind.DEPART)
_ARRIVING = (
    ConsignmentEventKind.ARRIVE,
    ConsignmentEventKind.DISCHARGE,
    ConsignmentEventKind.GATE_IN,
)


def progress(legs: Sequence[ConsignmentLegRow], events: Sequence[ConsignmentEventRow]) -> Progress:
    """The current leg and the ETA, derived from the timeline alone.

    A handover moves the consignment to the next leg; an event about a later leg's vehicle or
    vessel moves it to that leg; an event by another mode moves it to the next leg of that
    mode. The ETA is the last leg's planned arrival, shifted by how late the latest event is
    against the plan of its leg.
    """
    if not legs:
        return Progress(None, None)
    index = 0
    for event in events:
        if event.kind is ConsignmentEventKind.DELIVERED:
            return Progress(None, event.occurred_at)
        own = [
            i
            for i in range(index, len(legs))
            if (event.vehicle_plate and legs[i].vehicle_plate == event.vehicle_plate)
            or (event.vessel_mmsi and legs[i].vessel_mmsi == event.vessel_mmsi)
        ]
        if event.kind is ConsignmentEventKind.HANDOVER:
            index = min(index + 1, len(legs) - 1)
        elif own:
            index = own[0]
        elif event.mode is not None and event.mode is not legs[index].mode:
            later = [i for i in range(index + 1, len(legs)) if legs[i].mode is event.mode]
            index = later[0] if later else index
    delay = dt.timedelta(0)
    if events:
        latest, leg = events[-1], legs[index]
        if latest.kind in _DEPARTING:
            delay = latest.occurred_at - leg.planned_departure
        elif latest.kind in _ARRIVING:
            delay = latest.occurred_at - leg.planned_arrival
    return Progress(legs[index].sequence, legs[-1].planned_arrival + max(delay, dt.timedelta(0)))


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


async def published_events(
    session: AsyncSession, attached: Sequence[tuple[int, ConsignmentEvent]]
) -> list[tuple[str, bytes]]:
    """(channel, message) of each newly attached event, to publish once committed."""
    messages = []
    for consignment_id, event in attached:
        row = await session.scalar(
            select(ConsignmentEventRow).where(
                ConsignmentEventRow.consignment_id == consignment_id,
                ConsignmentEventRow.source == event.source,
                ConsignmentEventRow.source_event_id == event.source_event_id,
            )
        )
        reference = await session.scalar(
            select(ConsignmentRow.reference).where(ConsignmentRow.id == consignment_id)
        )
        if row is not None and reference is not None:
            messages.append((channel(reference), event_message(row)))
    return messages


_LEG_FIELDS = [f.name for f in dataclasses.fields(Leg)]
_EVENT_FIELDS = [f.name for f in dataclasses.fields(ConsignmentEvent)]


async def as_record(
    session: AsyncSession, row: ConsignmentRow
) -> tuple[Consignment, list[ConsignmentEvent]]:
    """A stored consignment and its timeline as the canonical records they were built from."""
    legs = await legs_of(session, row.id)
    containers = (
        await session.scalars(
            select(ConsignmentContainerRow.container_number)
            .where(ConsignmentContainerRow.consignment_id == row.id)
            .order_by(ConsignmentContainerRow.container_number)
        )
    ).all()
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
        await record(session, own, received_at)
    return row
