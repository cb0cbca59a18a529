"""The maritime authority's documents about the demo's own vessels.

Besides the simulator's feed, the water legs of the demo's journeys (一单到底): the vessel's
departure from the leg's origin and its arrival at the destination, a little off the plan as
ships are — the hub attaches them to the consignment by the leg's MMSI and time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from adapters.maritime import simulator
from adapters.maritime.mapping import export_port_call
from hub.canonical.codes import PortCallKind, TransportMode
from hub.canonical.records import PortCall
from hub.exchange.protocol import DemoSubjects, Header

WATER = (TransportMode.INLAND_WATER, TransportMode.SEA)
LATE_DEPARTURE = dt.timedelta(minutes=30)
LATE_ARRIVAL = dt.timedelta(minutes=90)


def _journey_calls(subjects: DemoSubjects) -> list[bytes]:
    documents = []
    for journey in subjects.journeys:
        for leg in journey.legs:
            if leg.mode not in WATER or leg.vessel_mmsi is None:
                continue
            key = f"{journey.reference}-{leg.sequence}"
            calls = [
                PortCall(f"PC-{key}-DEP", leg.vessel_mmsi, leg.origin, PortCallKind.DEPARTURE,
                         leg.planned_departure + LATE_DEPARTURE),
                PortCall(f"PC-{key}-ARR", leg.vessel_mmsi, leg.destination, PortCallKind.ARRIVAL,
                         leg.planned_arrival + LATE_ARRIVAL),
            ]  # fmt: skip
            sent = (leg.planned_arrival + LATE_ARRIVAL + dt.timedelta(minutes=5)).isoformat()
            documents.append(
                export_port_call(calls, Header(f"maritime-journey-{key}", "maritime", sent))
            )
    return documents


def documents(subjects: DemoSubjects) -> Mapping[str, Sequence[bytes]]:
    """Registrations, port calls and AIS positions of the demo fleet, exchange listings, and the
    port calls of the demo's journeys."""
    vessels = [simulator.Vessel(mmsi, imo, name) for mmsi, imo, name in subjects.vessels]
    if not vessels:
        return {}
    feed = {
        name: list(items)
        for name, items in simulator.documents(
            count=max(10, len(vessels) // 3), seed=subjects.seed, vessels=vessels
        ).items()
    }
    feed["port-call"] += _journey_calls(subjects)
    return feed
