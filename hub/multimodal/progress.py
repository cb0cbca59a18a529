"""Where a consignment is: its current leg and expected arrival, from its timeline alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hub.canonical.codes import ConsignmentEventKind
from hub.multimodal.models import ConsignmentEventRow, ConsignmentLegRow


@dataclass(frozen=True, slots=True)
class Progress:
    """The current leg (None once delivered) and the expected arrival."""

    current_leg: int | None
    eta: dt.datetime | None


_DEPARTING = (ConsignmentEventKind.GATE_OUT, ConsignmentEventKind.LOAD, ConsignmentEventKind.DEPART)
_ARRIVING = (
    ConsignmentEventKind.ARRIVE,
    ConsignmentEventKind.DISCHARGE,
    ConsignmentEventKind.GATE_IN,
)


HANDOVER_WINDOW = dt.timedelta(hours=6)
"""Handovers naming no leg nor place, this close together, are one handover told twice."""


def _own_leg(legs: Sequence[ConsignmentLegRow], event: ConsignmentEventRow, index: int) -> int:
    """The leg an event is about: the one it names, its vehicle's or vessel's (the first at or
    after the current leg, else an earlier one), else the next of its mode."""
    if event.leg is not None and 1 <= event.leg <= len(legs):
        return event.leg - 1

    def carries(leg: ConsignmentLegRow) -> bool:
        if event.vehicle_plate and leg.vehicle_plate == event.vehicle_plate:
            return event.vehicle_plate_color in (None, leg.vehicle_plate_color)
        return bool(event.vessel_mmsi) and leg.vessel_mmsi == event.vessel_mmsi

    carried = [i for i in range(len(legs)) if carries(legs[i])]
    if carried:
        return next((i for i in carried if i >= index), carried[-1])
    if event.mode is not None and event.mode is not legs[index].mode:
        later = [i for i in range(index + 1, len(legs)) if legs[i].mode is event.mode]
        return later[0] if later else index
    return index


def _handed_over_at(legs: Sequence[ConsignmentLegRow], location: str, index: int) -> int | None:
    """The leg (the current one, or the one before it) that a handover at ``location`` ends."""
    for i in (index - 1, index):
        if 0 <= i < len(legs) - 1:
            leg = legs[i]
            if location in (leg.destination, leg.handover_point, legs[i + 1].origin):
                return i
    return None


def progress(legs: Sequence[ConsignmentLegRow], events: Sequence[ConsignmentEventRow]) -> Progress:
    """The current leg and the ETA; ``events`` in time order.

    An event about a later leg (the leg it names, its vehicle, vessel or mode) moves the
    consignment on to it, never back. A handover ends the leg it names, else the current leg
    (or the one before, if that ends where it happened): both sides reporting one handover
    move the goods once. The ETA is the last leg's planned arrival, shifted by how late the
    latest departure or arrival was against the plan of its leg.
    """
    if not legs:
        return Progress(None, None)
    index, delay = 0, dt.timedelta(0)
    last_blind_handover: dt.datetime | None = None
    for event in events:
        if event.kind is ConsignmentEventKind.DELIVERED:
            return Progress(None, event.occurred_at)
        own = _own_leg(legs, event, index)
        if event.kind is ConsignmentEventKind.HANDOVER:
            ended = own if event.leg is not None else _handed_over_at(legs, event.location, index)
            if ended is None:
                # Neither leg nor place: the current leg ends, unless this repeats the last one.
                repeated = last_blind_handover is not None and (
                    event.occurred_at - last_blind_handover <= HANDOVER_WINDOW
                )
                last_blind_handover = event.occurred_at
                ended = index - 1 if repeated else index
            own = min(ended + 1, len(legs) - 1)
        if own < index:
            continue  # news of a leg already behind: neither where the goods are nor how late
        index = own
        if event.kind in _DEPARTING:
            delay = event.occurred_at - legs[own].planned_departure
        elif event.kind in _ARRIVING:
            delay = event.occurred_at - legs[own].planned_arrival
    eta = legs[-1].planned_arrival + max(delay, dt.timedelta(0))
    return Progress(legs[index].sequence, eta)
