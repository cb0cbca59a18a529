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


def _own_leg(legs: Sequence[ConsignmentLegRow], event: ConsignmentEventRow, index: int) -> int:
    """The leg an event is about: its vehicle's or vessel's, else the next of its mode."""
    for i in range(index, len(legs)):
        leg = legs[i]
        same_color = event.vehicle_plate_color in (None, leg.vehicle_plate_color)
        if event.vehicle_plate and leg.vehicle_plate == event.vehicle_plate and same_color:
            return i
        if event.vessel_mmsi and leg.vessel_mmsi == event.vessel_mmsi:
            return i
    if event.mode is not None and event.mode is not legs[index].mode:
        later = [i for i in range(index + 1, len(legs)) if legs[i].mode is event.mode]
        return later[0] if later else index
    return index


def _handed_over_from(legs: Sequence[ConsignmentLegRow], location: str) -> int | None:
    """The leg a handover at ``location`` ends: where its goods are handed on."""
    for i, leg in enumerate(legs[:-1]):
        if location in (leg.destination, leg.handover_point, legs[i + 1].origin):
            return i
    return None


def progress(legs: Sequence[ConsignmentLegRow], events: Sequence[ConsignmentEventRow]) -> Progress:
    """The current leg and the ETA; ``events`` in time order.

    An event about a later leg (its vehicle, vessel or mode) moves the consignment on to it,
    never back. A handover moves it past the leg that ends where the handover happens, so both
    sides reporting one handover move it once. The ETA is the last leg's planned arrival,
    shifted by how late the latest departure or arrival was against the plan of its leg.
    """
    if not legs:
        return Progress(None, None)
    index, delay = 0, dt.timedelta(0)
    for event in events:
        if event.kind is ConsignmentEventKind.DELIVERED:
            return Progress(None, event.occurred_at)
        own = _own_leg(legs, event, index)
        if event.kind is ConsignmentEventKind.HANDOVER:
            ended = _handed_over_from(legs, event.location)
            own = min((own if ended is None else ended) + 1, len(legs) - 1)
        index = max(index, own)
        if event.kind in _DEPARTING:
            delay = event.occurred_at - legs[own].planned_departure
        elif event.kind in _ARRIVING:
            delay = event.occurred_at - legs[own].planned_arrival
    eta = legs[-1].planned_arrival + max(delay, dt.timedelta(0))
    return Progress(legs[index].sequence, eta)
