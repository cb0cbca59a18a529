"""The insurers' documents about the demo's own vehicles and operators.

Every vehicle gets a compulsory policy and every operator a liability policy, a share of them
lapsed — the vehicles and operators the data-quality checks then find uninsured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from adapters.insurance import mapping, simulator
from hub.exchange.protocol import DemoSubjects, batches


def documents(subjects: DemoSubjects) -> Mapping[str, Sequence[bytes]]:
    """Policies of the demo's vehicles and operators, and claims on some of them."""
    today = dt.date.fromisoformat(subjects.today)
    plates = [(plate, colour) for plate, colour, _vin, _dg, _owner in subjects.vehicles]
    operators = [uscc for uscc, _name in subjects.operators]
    dangerous = {owner for _plate, _colour, _vin, dg, owner in subjects.vehicles if dg}
    policies = simulator.insurance_policies(
        plates, operators, dangerous_goods=dangerous, seed=subjects.seed, today=today, flawed=1
    )
    claims = simulator.insurance_claims(
        policies, count=max(10, len(policies) // 50), seed=subjects.seed, today=today
    )
    return {
        "insurance-policy": batches(
            policies, mapping.export_insurance_policy,
            sender=mapping.AGENCY, message_prefix="insurance-demo-policy",
        ),
        "insurance-claim": batches(
            claims, mapping.export_insurance_claim,
            sender=mapping.AGENCY, message_prefix="insurance-demo-claim",
        ),
    }  # fmt: skip
