"""Work-safety supervision's documents about the demo's own vehicles and operators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from adapters.safety import mapping, simulator
from hub.exchange.protocol import DemoSubjects, batches


def documents(subjects: DemoSubjects) -> Mapping[str, Sequence[bytes]]:
    """Accidents of some demo vehicles and inspections of the demo operators."""
    today = dt.date.fromisoformat(subjects.today)
    plates = [(plate, colour) for plate, colour, _vin, _dg, _owner in subjects.vehicles]
    operator_of = {(plate, colour): owner for plate, colour, _vin, _dg, owner in subjects.vehicles}
    operators = [uscc for uscc, _name in subjects.operators]
    accidents = simulator.accidents(
        plates, operators, operator_of=operator_of, count=max(10, len(plates) // 200),
        seed=subjects.seed, today=today,
    )  # fmt: skip
    inspections = simulator.safety_inspections(
        operators, count=len(operators), seed=subjects.seed, today=today, flawed=1
    )
    return {
        "accident": batches(
            accidents, mapping.export_accident,
            sender=mapping.AGENCY, message_prefix="safety-demo-accident",
        ),
        "safety-inspection": batches(
            inspections, mapping.export_safety_inspection,
            sender=mapping.AGENCY, message_prefix="safety-demo-inspection",
        ),
    }  # fmt: skip
