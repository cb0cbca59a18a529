"""Enterprise safety inspections as a source of credit events: hazards found count against the
operator, a clean inspection does not, and each event points at its inspection."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from hub.credit.derivation import collect
from tests.conftest import GraphQLClient
from tests.credit.test_graphql import CREDIT
from tests.enforcement.arrange import SCOPES, XUZHOU, arrange, checklist

RECORD = """mutation ($i: InspectionInput!) { recordInspection(inspection: $i) { id result } }"""
BEIJING = dt.timezone(dt.timedelta(hours=8))


async def test_an_inspection_that_found_hazards_counts_against_its_operator(
    anonymous: GraphQLClient, sessions: Any
) -> None:
    codes = await arrange(sessions)
    officer = await anonymous.as_client(SCOPES, region=XUZHOU)
    inspected = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    deadline = (inspected.astimezone(BEIJING).date() + dt.timedelta(days=10)).isoformat()
    found = {"SI06": "二级维护记录缺失"}
    common = {"inspectedAt": inspected.isoformat(), "inspectors": ["JS0301", "JS0302"]}
    hazards = await officer(
        RECORD,
        {"i": {"operatorUscc": codes["op1"], "items": checklist(found),
               "rectificationDeadline": deadline, **common}},
    )  # fmt: skip
    clean = await officer(
        RECORD, {"i": {"operatorUscc": codes["op2"], "items": checklist(), **common}}
    )
    assert hazards["data"]["recordInspection"]["result"] == "HAZARDS_FOUND", hazards
    assert clean["data"]["recordInspection"]["result"] == "PASSED", clean

    async with sessions() as session, session.begin():
        assert await collect(session, dt.datetime.now(dt.UTC)) == 1
        assert await collect(session, dt.datetime.now(dt.UTC)) == 0  # nothing twice

    period = str(inspected.astimezone(BEIJING).year)
    inspected_op = (await anonymous(CREDIT, {"u": codes["op1"], "p": period}))["data"]
    clean_op = (await anonymous(CREDIT, {"u": codes["op2"], "p": period}))["data"]
    [deduction] = inspected_op["operator"]["credit"]["deductions"]
    assert deduction["rule"]["eventKind"] == "INSPECTION_FAILED"
    assert deduction["points"] < 0
    inspection_id = hazards["data"]["recordInspection"]["id"]
    source = deduction["event"]["source"]
    assert source["kind"] == "inspections"
    # the record id names the inspection its global id names
    assert source["recordId"] == base64.b64decode(inspection_id).decode()
    assert source["agency"]  # the client that recorded it
    assert clean_op["operator"]["credit"]["deductions"] == []
