"""The maritime authority's documents about the demo's own vessels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.maritime import simulator
from hub.exchange.protocol import DemoSubjects


def documents(subjects: DemoSubjects) -> Mapping[str, Sequence[bytes]]:
    """Registrations, port calls and AIS positions of the demo fleet, and exchange listings."""
    vessels = [simulator.Vessel(mmsi, imo, name) for mmsi, imo, name in subjects.vessels]
    if not vessels:
        return {}
    return simulator.documents(
        count=max(10, len(vessels) // 3), seed=subjects.seed, vessels=vessels
    )
