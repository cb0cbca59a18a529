"""Public security's documents about the demo's own vehicles, with disagreements planted.

A few operating vehicles come back stolen or scrapped, and a few VINs with a wrong check
digit — what the hub's data-quality checks are there to find.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from adapters.public_security import mapping, simulator
from hub.canonical.codes import RegistrationStatus
from hub.exchange.protocol import DemoSubjects, batches

PLANT_EVERY = 250
"""One vehicle in this many is reported stolen, another scrapped."""


def documents(subjects: DemoSubjects) -> Mapping[str, Sequence[bytes]]:
    """Registrations of every demo vehicle, some violations, and the blacklist."""
    today = dt.date.fromisoformat(subjects.today)
    vehicles = [(plate, colour, vin) for plate, colour, vin, _dg, _owner in subjects.vehicles]
    registrations = [
        dataclasses.replace(record, status=_planted(index))
        for index, record in enumerate(
            simulator.vehicle_registrations(
                vehicles,
                owners=list(subjects.operators),
                seed=subjects.seed,
                today=today,
                flawed=max(1, len(vehicles) // 5000),
            )
        )
    ]
    plates = [(plate, colour) for plate, colour, _vin in vehicles]
    stolen = [
        (r.plate, r.plate_color.value)
        for r in registrations
        if r.status is RegistrationStatus.STOLEN
    ]
    violations = simulator.traffic_violations(
        plates[:: max(1, len(plates) // 2000)], count=2000, seed=subjects.seed, today=today
    )
    blacklist = simulator.vehicle_blacklist(
        plates, count=len(stolen), stolen=stolen, seed=subjects.seed, today=today
    )
    prefix = "public-security-demo"
    return {
        "vehicle-registration": batches(
            registrations, mapping.export_vehicle_registration,
            sender=mapping.AGENCY, message_prefix=f"{prefix}-registration",
        ),
        "traffic-violation": batches(
            violations, mapping.export_traffic_violation,
            sender=mapping.AGENCY, message_prefix=f"{prefix}-violation",
        ),
        "vehicle-blacklist": batches(
            blacklist, mapping.export_vehicle_blacklist,
            sender=mapping.AGENCY, message_prefix=f"{prefix}-blacklist",
        ),
    }  # fmt: skip


def _planted(index: int) -> RegistrationStatus:
    if index % PLANT_EVERY == 7:
        return RegistrationStatus.STOLEN
    if index % PLANT_EVERY == 131:
        return RegistrationStatus.SCRAPPED
    return RegistrationStatus.NORMAL
