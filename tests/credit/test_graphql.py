"""Credit in GraphQL on both backends: evidence collected, graded and explained; complaints;
objections; lists and sanctions; the one-stop search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.agency_records.models import AccidentRow, AccidentVehicleRow, TrafficViolationRow
from hub.canonical.codes import AccidentResponsibility, CreditSubjectKind, PlateColor
from hub.credit.derivation import collect
from hub.credit.grading import Period
from hub.credit.models import PenaltyRow
from hub.credit.rules import load
from hub.credit.service import grade_all
from tests.conftest import GraphQLClient, fetch_token, register_client
from tests.support import NOW, operator, provenance, vehicle

YEAR = str(dt.date.today().year)
DAY = dt.date.today().replace(month=1, day=10)
AT = dt.datetime.combine(DAY, dt.time(9), tzinfo=dt.UTC)

CREDIT = """query ($u: String!, $p: String!) { operator(uscc: $u) { name
  credit(period: $p) { grade score gradedAt ruleSet { id version digest }
    deductions { points capped rule { eventKind points cap }
      event { id kind validFrom validUntil retracted source { kind recordId agency } } } }
  creditSanctions { measure entry { list reason } } } }"""
SUBMIT = """mutation ($c: ComplaintInput!) { submitComplaint(complaint: $c) {
  reference status assignDue answerDue overdue } }"""


async def _arrange(sessions: Any) -> tuple[str, str]:
    """Two operators: one with a violation, an accident (main responsibility) and three
    penalties; one clean. Returns their credit codes."""
    bad, good = operator(1), operator(2)
    truck = vehicle(1, operator_id=1)
    async with sessions() as session, session.begin():
        session.add_all([bad, good])
        await session.flush()
        session.add(truck)
        await session.flush()
        session.add(
            TrafficViolationRow(
                plate=truck.plate,
                plate_color=PlateColor.YELLOW,
                occurred_at=AT,
                place="G2",
                code="1352",
                description="超速",
                fine_yuan=200,
                points=3,
                processed=True,
                **provenance("TV"),
            )
        )
        accident = AccidentRow(
            occurred_at=AT,
            place="S38",
            region_code="320102",
            latitude=None,
            longitude=None,
            deaths=0,
            injuries=2,
            operator_uscc=None,
            summary="追尾",
            **provenance("AC"),
        )
        session.add(accident)
        await session.flush()
        session.add(
            AccidentVehicleRow(
                accident_id=accident.id,
                position=1,
                plate=truck.plate,
                plate_color=PlateColor.YELLOW,
                responsibility=AccidentResponsibility.MAIN,
            )
        )
        for n in range(3):
            session.add(
                PenaltyRow(
                    decision_number=f"苏交罚〔{YEAR}〕{n + 1}号",
                    subject_kind=CreditSubjectKind.OPERATOR,
                    subject_key=bad.uscc,
                    authority="南京市交通运输综合行政执法监督局",
                    decided_on=DAY,
                    provision="《道路运输条例》第六十八条",
                    facts="超限运输",
                    fine_yuan=5000,
                    **provenance("PN"),
                )
            )
        assert await collect(session, NOW) == 5
        assert await collect(session, NOW) == 0  # idempotent: nothing twice
    return bad.uscc, good.uscc


async def test_an_operators_grade_is_computed_from_its_events_and_explained(
    sessions: Any, graphql: GraphQLClient, anonymous: GraphQLClient
) -> None:
    bad, good = await _arrange(sessions)

    answer = await anonymous(CREDIT, {"u": bad, "p": YEAR})

    assert "errors" not in answer, answer
    credit = answer["data"]["operator"]["credit"]
    assert (credit["score"], credit["grade"], credit["gradedAt"]) == (54, "B", None)
    assert credit["ruleSet"]["id"] == "operator-road"
    assert len(credit["ruleSet"]["digest"]) == 64
    kinds = sorted((d["rule"]["eventKind"], d["points"]) for d in credit["deductions"])
    assert kinds == [
        ("ACCIDENT_MAIN", -15),
        ("PENALTY", -10),
        ("PENALTY", -10),
        ("PENALTY", -10),
        ("TRAFFIC_VIOLATION", -1),
    ]
    sources = {d["event"]["source"]["kind"] for d in credit["deductions"]}
    assert sources == {"accidents", "penalties", "traffic_violations"}
    clean = await anonymous(CREDIT, {"u": good, "p": YEAR})
    assert clean["data"]["operator"]["credit"]["grade"] == "AAA"
    bad_period = await anonymous(CREDIT, {"u": bad, "p": "this year"})
    assert bad_period["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "period: 'this year' is not an assessment period" in bad_period["errors"][0]["message"]


async def test_a_grading_run_lists_the_low_and_the_registry_shows_sanctions(
    sessions: Any, anonymous: GraphQLClient
) -> None:
    bad, good = await _arrange(sessions)
    async with sessions() as session, session.begin():
        summary, changes = await grade_all(session, load(), Period.parse(YEAR), NOW)
    assert summary.graded == 2
    assert summary.listed == 1
    assert len(changes) == 1

    answer = await anonymous(CREDIT, {"u": bad, "p": YEAR})

    operator_ = answer["data"]["operator"]
    assert operator_["credit"]["gradedAt"] is not None
    assert operator_["credit"]["score"] == 54
    measures = [s["measure"] for s in operator_["creditSanctions"]]
    assert measures == ["PERMIT_APPLICATION_FLAGGED", "NO_COMMENDATION"]
    assert operator_["creditSanctions"][0]["entry"]["list"] == "BLACK"
    search = await anonymous(
        "query ($q: String!) { creditSearch(query: $q) { subjectKind name creditCode "
        "grade { grade } lists { list } evidence { kind source { kind } } } }",
        {"q": "测试运输有限公司"},
    )
    found = {r["creditCode"]: r for r in search["data"]["creditSearch"]}
    assert set(found) == {bad, good}
    assert found[bad]["grade"]["grade"] == "B"
    assert found[bad]["lists"] == [{"list": "BLACK"}]
    assert len(found[bad]["evidence"]) == 5
    assert found[good]["evidence"] == []


async def test_a_complaint_is_handled_and_counts_only_when_substantiated(
    sessions: Any, graphql: GraphQLClient, anonymous: GraphQLClient
) -> None:
    _bad, good = await _arrange(sessions)
    reviewer = await anonymous.as_client("credit:review registry:read")
    complaint = {
        "against": {"operatorUscc": good},
        "content": "司机拒载并辱骂乘客",
        "occurredOn": DAY.isoformat(),
    }

    submitted = await anonymous(SUBMIT, {"c": complaint})

    made = submitted["data"]["submitComplaint"]
    assert made["status"] == "ACCEPTED"
    assert made["overdue"] is False
    reference = made["reference"]
    steps = [
        ('assignComplaint(reference: $r, handler: "南京市运管处")', "ASSIGNED"),
        ('answerComplaint(reference: $r, answer: "经查属实", substantiated: true)', "ANSWERED"),
        ("closeComplaint(reference: $r)", "CLOSED"),
    ]
    for call, status in steps:
        answer = await reviewer(
            f"mutation ($r: String!) {{ {call} {{ status }} }}", {"r": reference}
        )
        assert answer["data"], answer
        assert next(iter(answer["data"].values()))["status"] == status
    again = await reviewer(f'mutation {{ closeComplaint(reference: "{reference}") {{ status }} }}')
    assert "is CLOSED: only a complaint ANSWERED can become CLOSED" in again["errors"][0]["message"]
    credit = await anonymous(CREDIT, {"u": good, "p": YEAR})
    deductions = credit["data"]["operator"]["credit"]["deductions"]
    assert [(d["rule"]["eventKind"], d["event"]["source"]["recordId"]) for d in deductions] == [
        ("COMPLAINT_SUBSTANTIATED", reference)
    ]
    anonymous_handling = await anonymous(f'{{ complaint(reference: "{reference}") {{ status }} }}')
    assert anonymous_handling["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_bad_complaints_are_400_and_a_flood_is_429_with_the_reason(
    sessions: Any, anonymous: GraphQLClient
) -> None:
    _bad, good = await _arrange(sessions)
    base = {"against": {"operatorUscc": good}, "occurredOn": DAY.isoformat()}

    empty = await anonymous.post(SUBMIT, {"c": {**base, "content": "   "}})
    long = await anonymous.post(SUBMIT, {"c": {**base, "content": "长" * 2001}})
    nobody = await anonymous.post(SUBMIT, {"c": {**base, "against": {}, "content": "x"}})

    assert empty.status_code == 400
    assert "content: must not be empty" in empty.text
    assert long.status_code == 400
    assert "content: 2001 characters, at most 2000 are accepted" in long.text
    assert nobody.status_code == 400
    assert "name exactly one of operatorUscc" in nobody.text
    codes = []  # the three refused ones count against the quota of 5 too
    for _ in range(3):
        response = await anonymous.post(SUBMIT, {"c": {**base, "content": "车辆脏乱"}})
        codes.append(response.status_code)
    assert codes == [200, 200, 429]
    assert "too many complaints from one source: retry after" in response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_an_objection_to_someone_elses_record_is_not_found_and_upheld_repairs(
    sessions: Any, anonymous: GraphQLClient
) -> None:
    bad, good = await _arrange(sessions)
    async with sessions() as session, session.begin():
        await grade_all(session, load(), Period.parse(YEAR), NOW)
    before = await anonymous(CREDIT, {"u": bad, "p": YEAR})
    penalty = next(
        d["event"]["id"]
        for d in before["data"]["operator"]["credit"]["deductions"]
        if d["rule"]["eventKind"] == "PENALTY"
    )

    async def acting_for(uscc: str) -> GraphQLClient:
        client_id, secret = await register_client(anonymous.http, "credit:object", uscc=uscc)
        token = await fetch_token(anonymous.http, client_id, secret)
        return GraphQLClient(anonymous.http, {"Authorization": f"Bearer {token}"})

    other, own = await acting_for(good), await acting_for(bad)
    reviewer = await anonymous.as_client("credit:review registry:read")
    objection = (
        'mutation ($e: Int) { fileCreditObjection(eventId: $e, reason: "处罚已撤销") '
        "{ id status } }"
    )

    refused = await other(objection, {"e": penalty})
    filed = await own(objection, {"e": penalty})

    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert refused["errors"][0]["message"] == f"eventId: no credit event {penalty} of yours"
    assert filed["data"]["fileCreditObjection"]["status"] == "PENDING"
    decided = await reviewer(
        'mutation ($i: Int!) { decideCreditObjection(id: $i, upheld: true, note: "复议撤销") '
        "{ status } }",
        {"i": filed["data"]["fileCreditObjection"]["id"]},
    )
    assert decided["data"]["decideCreditObjection"]["status"] == "UPHELD"
    async with sessions() as session, session.begin():
        await grade_all(session, load(), Period.parse(YEAR), NOW + dt.timedelta(hours=1))
    after = await anonymous(CREDIT, {"u": bad, "p": YEAR})
    assert after["data"]["operator"]["credit"]["score"] == 64  # one penalty fewer
    penalties = [
        d
        for d in after["data"]["operator"]["credit"]["deductions"]
        if d["rule"]["eventKind"] == "PENALTY"
    ]
    assert len(penalties) == 2
    assert penalty not in {d["event"]["id"] for d in penalties}
