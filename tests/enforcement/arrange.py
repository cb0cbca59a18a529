"""Operators and officers the enforcement tests inspect, draw and file cases about."""

from __future__ import annotations

from typing import Any

from hub.canonical.codes import INSPECTION_ITEMS, OperatorStatus
from hub.enforcement.models import EnforcementOfficer
from tests.support import operator

XUZHOU = "320300"
NANJING = "320100"
OFFICERS = {
    "JS0301": (XUZHOU, ["RF", "RD"]),
    "JS0302": (XUZHOU, ["RF"]),
    "JS0303": (XUZHOU, ["RF", "RP"]),
    "JS0101": (NANJING, ["RF"]),
    "JS0102": (NANJING, ["RF"]),
}
SCOPES = "registry:read enforcement:read enforcement:write"


async def arrange(sessions: Any) -> dict[str, str]:
    """Operators 1-3 in Xuzhou (two of them freight, one of them closed), 4 in Nanjing;
    officers of both cities. Returns the credit codes by name."""
    rows = [
        operator(1, "320302"),
        operator(2, "320311"),
        operator(3, "320302", business_categories=["RP"]),
        operator(4, "320102"),
        operator(5, "320302", status=OperatorStatus.CLOSED),
    ]
    async with sessions() as session, session.begin():
        session.add_all(rows)
        await session.flush()
        session.add_all(
            EnforcementOfficer(badge_number=badge, name=f"执法员{badge}", region_code=region,
                               categories=categories)
            for badge, (region, categories) in OFFICERS.items()
        )  # fmt: skip
    return {f"op{row.id}": row.uscc for row in rows}


def checklist(fail: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every item of the list answered: PASS, or FAIL with the hazard given."""
    fail = fail or {}
    return [
        {"code": code, "result": "FAIL", "hazard": fail[code]}
        if code in fail
        else {"code": code, "result": "PASS"}
        for code in INSPECTION_ITEMS
    ]
