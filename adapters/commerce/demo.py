"""The commerce registry's documents about the demo's operators, with disagreements planted.

A few operators come back revoked or deregistered, and a few credit codes with a wrong check
character — what the hub's data-quality checks are there to find.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from adapters.commerce import mapping, simulator
from hub.canonical.codes import BusinessStatus
from hub.exchange.protocol import DemoSubjects, batches

PLANT_EVERY = 200
"""One operator in this many is reported revoked, another deregistered."""


def documents(subjects: DemoSubjects) -> Mapping[str, Sequence[bytes]]:
    """The business registration of every demo operator."""
    registrations = [
        dataclasses.replace(record, status=_planted(index))
        for index, record in enumerate(
            simulator.business_registrations(
                list(subjects.operators),
                seed=subjects.seed,
                today=dt.date.fromisoformat(subjects.today),
                flawed=max(1, len(subjects.operators) // 1000),
            )
        )
    ]
    return {
        "business-registration": batches(
            registrations,
            mapping.export_business_registration,
            sender=mapping.AGENCY,
            message_prefix="commerce-demo-registration",
        )
    }


def _planted(index: int) -> BusinessStatus:
    if index % PLANT_EVERY == 11:
        return BusinessStatus.REVOKED
    if index % PLANT_EVERY == 97:
        return BusinessStatus.DEREGISTERED
    return BusinessStatus.ACTIVE
