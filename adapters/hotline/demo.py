"""12328 tickets about the demo's own vehicles and operators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from adapters.hotline import mapping, simulator
from hub.exchange.protocol import DemoSubjects, batches


def documents(subjects: DemoSubjects) -> Mapping[str, Sequence[bytes]]:
    """Tickets about some demo vehicles (and their operators) and demo operators."""
    today = dt.date.fromisoformat(subjects.today)
    plates = [(plate, colour) for plate, colour, _vin, _dg, _owner in subjects.vehicles]
    operator_of = {(plate, colour): owner for plate, colour, _vin, _dg, owner in subjects.vehicles}
    operators = [uscc for uscc, _name in subjects.operators]
    tickets = simulator.complaints(
        plates,
        operators,
        operator_of=operator_of,
        count=max(20, len(operators) // 10),
        seed=subjects.seed,
        today=today,
    )
    return {
        "complaint": batches(
            tickets,
            mapping.export_complaint,
            sender=mapping.AGENCY,
            message_prefix="hotline-demo-complaint",
        ),
    }
