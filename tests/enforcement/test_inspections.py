"""Enterprise safety inspections through GraphQL: the checklist, hazards, follow-ups, the rules
of bad input, and the region rule on every path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from hub.enforcement.models import InspectionItemRow, InspectionRow
from tests.enforcement.arrange import NANJING, SCOPES, XUZHOU, arrange, checklist

RECORD = """
mutation ($i: InspectionInput!) {
  recordInspection(inspection: $i) {
    id kind result rectificationDeadline rectification
    operator { uscc }
    hazards { code name nameEn result hazard }
    items { code result }
  }
}"""
FOLLOW_UP = """
mutation ($f: FollowUpInput!) {
  recordFollowUp(followUp: $f) {
    id kind result rectification
    followUpOf { id rectification hazards { code rectifiedAt rectifiedBy } }
  }
}"""
TODAY = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()


def moment(days_ago: int) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)).isoformat()


def inspection(uscc: str, **overrides: Any) -> dict[str, Any]:
    return {
        "operatorUscc": uscc,
        "inspectedAt": moment(3),
        "inspectors": ["JS0301", "js0302"],
        "items": checklist(),
        **overrides,
    }


async def _count(sessions: Any, model: Any) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_an_inspection_with_hazards_is_closed_by_its_follow_up(
    anonymous: Any, sessions: Any
) -> None:
    codes = await arrange(sessions)
    officer = await anonymous.as_client(SCOPES, region=XUZHOU)
    deadline = (TODAY + dt.timedelta(days=10)).isoformat()
    found = {"SI06": "二级维护记录缺失", "SI07": "3 辆车未接入动态监控"}

    answer = await officer(
        RECORD,
        {"i": inspection(codes["op1"], items=checklist(found), rectificationDeadline=deadline)},
    )

    recorded = answer["data"]["recordInspection"]
    assert recorded["kind"] == "ROUTINE"
    assert recorded["result"] == "HAZARDS_FOUND"
    assert recorded["rectification"] == "OPEN"
    assert recorded["operator"] == {"uscc": codes["op1"]}
    assert [h["code"] for h in recorded["hazards"]] == ["SI06", "SI07"]
    assert recorded["hazards"][0]["name"] == "车辆技术管理和二级维护"
    assert recorded["hazards"][0]["hazard"] == "二级维护记录缺失"
    assert len(recorded["items"]) == 12

    # the first follow-up finds one hazard rectified, the other not: a new deadline
    later = (TODAY + dt.timedelta(days=20)).isoformat()
    first = await officer(
        FOLLOW_UP,
        {"f": {"inspectionId": recorded["id"], "inspectedAt": moment(2),
               "inspectors": ["JS0301", "JS0303"], "rectificationDeadline": later,
               "items": [{"code": "SI06", "result": "PASS"},
                         {"code": "SI07", "result": "FAIL", "hazard": "仍有 1 辆未接入"}]}},
    )  # fmt: skip
    follow_up = first["data"]["recordFollowUp"]
    assert follow_up["kind"] == "FOLLOW_UP"
    assert follow_up["result"] == "HAZARDS_FOUND"
    assert follow_up["rectification"] == "NONE_NEEDED"
    hazards = follow_up["followUpOf"]["hazards"]
    assert hazards[0]["rectifiedBy"] == follow_up["id"]
    assert hazards[1]["rectifiedAt"] is None
    assert follow_up["followUpOf"]["rectification"] == "OPEN"

    # the second closes the last one, by the deadline
    second = await officer(
        FOLLOW_UP,
        {"f": {"inspectionId": recorded["id"], "inspectedAt": moment(1),
               "inspectors": ["JS0302", "JS0303"],
               "items": [{"code": "SI07", "result": "PASS"}]}},
    )  # fmt: skip
    closed = second["data"]["recordFollowUp"]
    assert closed["result"] == "PASSED"
    assert closed["followUpOf"]["rectification"] == "RECTIFIED"

    # nothing is left to follow up
    again = await officer(
        FOLLOW_UP,
        {"f": {"inspectionId": recorded["id"], "inspectedAt": moment(0),
               "inspectors": ["JS0302", "JS0303"],
               "items": [{"code": "SI07", "result": "PASS"}]}},
    )  # fmt: skip
    assert again["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "has no open hazard to follow up" in again["errors"][0]["message"]

    listed = await officer(
        """query ($u: String!) { operator(uscc: $u) {
             inspections(filter: {kind: ROUTINE}) { totalCount edges { node { id } } }
             open: inspections(filter: {openHazards: true}) { totalCount } } }""",
        {"u": codes["op1"]},
    )
    assert listed["data"]["operator"]["inspections"]["totalCount"] == 1
    assert listed["data"]["operator"]["open"]["totalCount"] == 0


async def test_a_clean_inspection_passes_and_needs_no_rectification(
    anonymous: Any, sessions: Any
) -> None:
    codes = await arrange(sessions)
    officer = await anonymous.as_client(SCOPES, region=XUZHOU)
    items = checklist()
    items[7] = {"code": "SI08", "result": "NOT_APPLICABLE"}

    answer = await officer(RECORD, {"i": inspection(codes["op2"], items=items)})

    recorded = answer["data"]["recordInspection"]
    assert recorded["result"] == "PASSED"
    assert recorded["rectification"] == "NONE_NEEDED"
    assert recorded["hazards"] == []
    fetched = await officer(
        "query ($id: ID!) { inspection(id: $id) { id result items { code result } } }",
        {"id": recorded["id"]},
    )
    assert fetched["data"]["inspection"]["items"][7] == {"code": "SI08", "result": "NOT_APPLICABLE"}


PASS_1 = {"code": "SI01", "result": "PASS"}
BAD = [
    ({"items": checklist()[:-1]}, "items: the checklist lacks SI12 (every item is answered)"),
    ({"items": [*checklist(), PASS_1]}, "items[12].code: SI01 is given twice"),
    (
        {"items": [{"code": "XX99", "result": "PASS"}, *checklist()[1:]]},
        "items[0].code: 'XX99' is not an inspection item",
    ),
    ({"items": checklist({"SI03": " "})}, "items[2].hazard: a failed item names the hazard found"),
    (
        {"items": [PASS_1 | {"hazard": "x"}, *checklist()[1:]]},
        "items[0].hazard: only a failed item has a hazard",
    ),
    ({"items": checklist({"SI03": "费用未提取"})}, "rectificationDeadline: hazards were found"),
    ({"rectificationDeadline": "2030-01-01"}, "rectificationDeadline: no hazard was found"),
    ({"inspectors": ["JS0301"]}, "inspectors: at least 2 officers inspect, 1 named"),
    ({"inspectors": ["JS0301", "JS0301"]}, "inspectors: an officer is named twice"),
    ({"inspectors": ["JS0301", "NOBODY"]}, "inspectors: no officer holds badge NOBODY"),
    ({"inspectedAt": "2026-01-01T08:00:00"}, "inspectedAt: give a time zone"),
    ({"inspectedAt": "2099-01-01T08:00:00+08:00"}, "lies in the future"),
    ({"operatorUscc": "123"}, "inspection.operatorUscc"),
]


async def test_bad_inspections_are_refused_naming_the_problem_and_leave_nothing(
    anonymous: Any, sessions: Any
) -> None:
    codes = await arrange(sessions)
    officer = await anonymous.as_client(SCOPES, region=XUZHOU)

    for overrides, message in BAD:
        answer = await officer(RECORD, {"i": inspection(codes["op1"], **overrides)})
        assert answer["data"] is None, overrides
        error = answer["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert message in error["message"], (message, error["message"])

    assert await _count(sessions, InspectionRow) == 0
    assert await _count(sessions, InspectionItemRow) == 0


async def test_the_region_rule_holds_for_writes_reads_and_scopes(
    anonymous: Any, sessions: Any
) -> None:
    codes = await arrange(sessions)
    xuzhou = await anonymous.as_client(SCOPES, region=XUZHOU)
    nanjing = await anonymous.as_client(SCOPES, region=NANJING)
    reader = await anonymous.as_client("registry:read")

    # a Nanjing officer cannot inspect a Xuzhou operator: there is none for it
    refused = await nanjing(RECORD, {"i": inspection(codes["op1"])})
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    mine = (await xuzhou(RECORD, {"i": inspection(codes["op1"])}))["data"]["recordInspection"]

    hidden = await nanjing("query ($id: ID!) { inspection(id: $id) { id } }", {"id": mine["id"]})
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    node = await nanjing("query ($id: ID!) { node(id: $id) { id } }", {"id": mine["id"]})
    assert node["data"]["node"] is None
    listed = await nanjing("{ inspections { totalCount } }")
    assert listed["data"]["inspections"]["totalCount"] == 0
    assert (await xuzhou("{ inspections { totalCount } }"))["data"]["inspections"][
        "totalCount"
    ] == 1

    # without enforcement:read: FORBIDDEN, on the root list and under an operator
    forbidden = await reader("{ inspections { totalCount } }")
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    nested = await reader(
        "query ($u: String!) { operator(uscc: $u) { name inspections { totalCount } } }",
        {"u": codes["op1"]},
    )
    assert nested["data"]["operator"]["inspections"] is None
    assert "enforcement:read" in nested["errors"][0]["message"]
    # and writing needs enforcement:write
    denied = await reader(RECORD, {"i": inspection(codes["op1"])})
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "enforcement:write" in denied["errors"][0]["message"]
