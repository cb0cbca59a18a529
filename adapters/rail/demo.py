"""Rail's documents for the demo: waybills and the container events that follow them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.rail import simulator
from hub.exchange.protocol import DemoSubjects


def documents(subjects: DemoSubjects) -> Mapping[str, Sequence[bytes]]:
    """The simulator's rail feed: rail moves containers, not the data center's subjects."""
    return simulator.documents(count=20, seed=subjects.seed)
