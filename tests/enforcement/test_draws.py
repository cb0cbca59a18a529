"""Random inspection draws (双随机): drawn within the rules, reproducible, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from hub.audit.models import AuditEntry, AuditSubject
from hub.enforcement.draws import draw, reproduces
from hub.enforcement.models import InspectionDrawRow
from hub.enforcement.repository import DRAWS
from tests.enforcement.arrange import NANJING, SCOPES, XUZHOU, arrange, checklist

DRAW = """
mutation ($d: InspectionDrawInput!) {
  drawInspections(draw: $d) {
    id seed category operatorCount officersPerOperator operatorCandidates officerCandidates
    reproduced region { code } operators { uscc name officers }
  }
}"""
FREIGHT = "ROAD_GENERAL_FREIGHT_TRANSPORT"


def test_a_draw_is_a_function_of_its_pools_and_seed() -> None:
    operators = [f"U{n:02d}" for n in range(30)]
    officers = [f"B{n:02d}" for n in range(8)]

    once = draw(operators, officers, 5, 2, seed=12345)

    assert once == draw(list(reversed(operators)), officers, 5, 2, seed=12345)
    assert once != draw(operators, officers, 5, 2, seed=12346)
    assert len({entry["uscc"] for entry in once}) == 5
    assert all(len(set(entry["officers"])) == 2 for entry in once)


async def test_a_draw_picks_active_operators_and_officers_of_the_category_and_is_audited(
    anonymous: Any, sessions: Any
) -> None:
    codes = await arrange(sessions)
    officer = await anonymous.as_client(SCOPES, region=XUZHOU)

    answer = await officer(DRAW, {"d": {"region": "320300", "category": FREIGHT,
                                        "operatorCount": 2}})  # fmt: skip

    drawn = answer["data"]["drawInspections"]
    # operator 3 runs buses and operator 5 is closed: only 1 and 2 can be drawn
    assert sorted(o["uscc"] for o in drawn["operators"]) == sorted([codes["op1"], codes["op2"]])
    assert drawn["operatorCandidates"] == 2
    assert drawn["officerCandidates"] == 3
    assert all(set(o["officers"]) <= {"JS0301", "JS0302", "JS0303"} for o in drawn["operators"])
    assert all(len(set(o["officers"])) == 2 for o in drawn["operators"])
    assert drawn["reproduced"] is True
    assert int(drawn["seed"]) >= 0
    fetched = await officer(
        "query ($id: ID!) { inspectionDraw(id: $id) { seed operators { uscc officers } } }",
        {"id": drawn["id"]},
    )
    assert fetched["data"]["inspectionDraw"]["seed"] == drawn["seed"]
    assert fetched["data"]["inspectionDraw"]["operators"] == [
        {"uscc": o["uscc"], "officers": o["officers"]} for o in drawn["operators"]
    ]
    async with sessions() as session:
        row = await session.scalar(select(InspectionDrawRow))
        entry = await session.scalar(
            select(AuditEntry)
            .join(AuditSubject, AuditSubject.seq == AuditEntry.seq)
            .where(AuditSubject.subject == f"InspectionDraw:{row.id}")
        )
    assert entry is not None
    assert entry.operation_name == "drawInspections"
    assert entry.variables["seed"] == drawn["seed"]
    assert reproduces(row)
    row.drawn = list(reversed(row.drawn))
    assert not reproduces(row)

    # an inspection under the draw is a random-draw inspection; of an operator not drawn, refused
    record = """mutation ($i: InspectionInput!) { recordInspection(inspection: $i) {
                  kind draw { id } } }"""
    base = {"inspectedAt": dt.datetime.now(dt.UTC).isoformat(), "items": checklist(),
            "inspectors": drawn["operators"][0]["officers"], "drawId": drawn["id"]}  # fmt: skip
    made = await officer(record, {"i": base | {"operatorUscc": drawn["operators"][0]["uscc"]}})
    assert made["data"]["recordInspection"] == {"kind": "RANDOM_DRAW", "draw": {"id": drawn["id"]}}
    stray = await officer(record, {"i": base | {"operatorUscc": codes["op3"]}})
    assert "was not drawn by that draw" in stray["errors"][0]["message"]


async def test_bad_draws_are_refused_and_leave_no_draw_and_no_audit_entry(
    anonymous: Any, sessions: Any
) -> None:
    await arrange(sessions)
    officer = await anonymous.as_client(SCOPES, region=XUZHOU)
    cases = [
        ({"operatorCount": 3}, "BAD_USER_INPUT", "only 2 active operators"),
        ({"operatorCount": 0}, "BAD_USER_INPUT", "operatorCount: from 1 to 200, got 0"),
        ({"officersPerOperator": 1}, "BAD_USER_INPUT", "officersPerOperator: from 2 to 5"),
        ({"officersPerOperator": 4}, "BAD_USER_INPUT", "only 3 officers"),
        ({"region": NANJING}, "FORBIDDEN", "outside your region"),
        ({"region": "999999"}, "BAD_USER_INPUT", "draw.region"),
    ]
    for overrides, code, message in cases:
        answer = await officer(
            DRAW, {"d": {"region": "320300", "category": FREIGHT, "operatorCount": 1} | overrides}
        )
        assert answer["errors"][0]["extensions"]["code"] == code, (overrides, answer)
        assert message in answer["errors"][0]["message"], (message, answer)

    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DRAWS.model)) == 0
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0
