"""Who may see and write a consignment: one set of rules for GraphQL and the documents.

The client that booked a consignment manages it: legs, any event, closing. A carrier is a
client acting for a credit code; it reports on and changes its own legs only, and reports a
delivery only from the last leg. The parties named by credit code may follow the consignment.
Registry readers see every consignment; dangerous-goods details go to those concerned, and to
enforcement clients while the goods are on the road.

``consignment_rule`` is the one row rule for reading consignments: GraphQL lookups, lists,
subscriptions and the document export all apply it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, false, or_, true

from hub.canonical.codes import ConsignmentEventKind, ConsignmentStatus, TransportMode
from hub.canonical.multimodal import ConsignmentEvent
from hub.errors import BadUserInput, Forbidden, NotFound
from hub.multimodal.models import ConsignmentLegRow, ConsignmentPartyRow, ConsignmentRow
from hub.readers import Reader


@dataclass(frozen=True, slots=True)
class Writer:
    """A client, and the organisation (carrier, terminal, shipper…) it acts for, if any."""

    client_id: str
    uscc: str | None = None

    def booked(self, row: ConsignmentRow) -> bool:
        """Whether this client booked the consignment."""
        return row.booked_by == self.client_id

    def carries(self, leg: ConsignmentLegRow) -> bool:
        """Whether this client is the carrier of the leg."""
        return self.uscc is not None and leg.carrier_uscc == self.uscc

    def concerned(self, row: ConsignmentRow, legs: Sequence[ConsignmentLegRow]) -> bool:
        """Whether it booked the consignment, carries a leg or is a party named by its code."""
        named = self.uscc is not None and any(p.get("uscc") == self.uscc for p in row.parties)
        return self.booked(row) or named or any(self.carries(leg) for leg in legs)

    def sees(self) -> ColumnElement[bool]:
        """``concerned`` in SQL, on consignments: what its lists may hold."""
        booked = ConsignmentRow.booked_by == self.client_id
        if self.uscc is None:
            return booked
        carried = exists().where(
            ConsignmentLegRow.consignment_id == ConsignmentRow.id,
            ConsignmentLegRow.carrier_uscc == self.uscc,
        )
        named = exists().where(
            ConsignmentPartyRow.consignment_id == ConsignmentRow.id,
            ConsignmentPartyRow.uscc == self.uscc,
        )
        return or_(booked, carried, named)


def consignment_rule(reader: Reader) -> ColumnElement[bool]:
    """The consignments a reader may read: every one for registry readers; those it booked,
    carries a leg of or is named in for the others; none for the anonymous caller."""
    if reader.registry:
        return true()
    if reader.client_id is None:
        return false()
    return Writer(reader.client_id, reader.uscc).sees()


def hidden(row: ConsignmentRow) -> NotFound:
    """What a client that may not see a consignment is told: that there is none."""
    return NotFound(f"consignment {row.reference} not found")


def _matches(leg: ConsignmentLegRow, event: ConsignmentEvent) -> bool:
    if event.vehicle_plate is not None:
        return leg.vehicle_plate == event.vehicle_plate
    if event.vessel_mmsi is not None:
        return leg.vessel_mmsi == event.vessel_mmsi
    return event.mode is None or leg.mode is event.mode


def reporting_leg(
    row: ConsignmentRow,
    legs: Sequence[ConsignmentLegRow],
    writer: Writer,
    sequence: int | None,
    event: ConsignmentEvent,
) -> ConsignmentLegRow | None:
    """The leg an event is reported on, once the writer may report it; None for the booker's
    events about no leg in particular."""
    named = None
    if sequence is not None:
        named = next((leg for leg in legs if leg.sequence == sequence), None)
        if named is None:
            raise NotFound(f"consignment {row.reference} has no leg {sequence}")
    if writer.booked(row):
        return named
    carried = [leg for leg in legs if writer.carries(leg)]
    if not carried:
        raise Forbidden(f"consignment {row.reference}: you carry none of its legs")
    if named is None:
        fitting = [leg for leg in carried if _matches(leg, event)]
        if not fitting and event.mode is not None:
            modes = ", ".join(sorted({leg.mode.name for leg in carried}))
            raise BadUserInput(
                f"mode: your legs of {row.reference} go by {modes}, not {event.mode.name}",
                field="mode",
            )
        if len(fitting) != 1:
            raise Forbidden(
                f"consignment {row.reference}: a carrier names the leg it reports on "
                f"(you carry legs {', '.join(str(leg.sequence) for leg in carried)})"
            )
        named = fitting[0]
    elif not writer.carries(named):
        raise Forbidden(f"consignment {row.reference}: leg {sequence} is not yours to report on")
    if event.mode is not None and event.mode is not named.mode:
        raise BadUserInput(
            f"mode: leg {named.sequence} of {row.reference} goes by {named.mode.name}, "
            f"not {event.mode.name}",
            field="mode",
        )
    if event.kind is ConsignmentEventKind.DELIVERED and named is not legs[-1]:
        raise Forbidden(
            f"consignment {row.reference}: the delivery is reported by the last leg's carrier"
        )
    return named


def on_the_road(
    row: ConsignmentRow, legs: Sequence[ConsignmentLegRow], current: int | None, now: dt.datetime
) -> bool:
    """Whether the goods are on a road leg now: under way on one, or due to have left on it."""
    leg = next((leg for leg in legs if leg.sequence == current), None)
    if leg is None or leg.mode is not TransportMode.ROAD:
        return False
    if row.status is ConsignmentStatus.IN_TRANSIT:
        return True
    return row.status is ConsignmentStatus.BOOKED and now >= leg.planned_departure


def dangerous_goods_withheld(
    row: ConsignmentRow,
    legs: Sequence[ConsignmentLegRow],
    current: int | None,
    writer: Writer | None,
    enforcement: bool,
    now: dt.datetime,
) -> str | None:
    """Why this client may not read the consignment's dangerous-goods details; None if it may."""
    if writer is not None and writer.concerned(row, legs):
        return None
    if not enforcement:
        return "only those concerned, or scope enforcement:read while on the road, read it"
    if on_the_road(row, legs, current, now):
        return None
    return "enforcement reads it only while the goods are on the road"
