"""Joint sanctions: list changes live (subscription, in-process and on Redis pub/sub) and pulled
as an XSD-valid exchange document with a cursor; a driver's credit is personal data; 12328
tickets closed as substantiated count against the operator."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from lxml import etree
from starlette.testclient import TestClient

from hub.agency_records.models import HotlineComplaintRow
from hub.app import create_app
from hub.canonical.codes import (
    CreditListKind,
    CreditSubjectKind,
    LicenceStatus,
    PlateColor,
    QualificationKind,
)
from hub.config import Settings
from hub.credit.derivation import collect
from hub.credit.models import PenaltyRow
from hub.credit.service import publish_changes, put_on_list
from hub.db import session_factory
from hub.exchange.credit_routes import SCHEMA
from hub.practitioners.models import Practitioner, QualificationCertificate
from tests.conftest import GraphQLClient, bearer
from tests.support import NOW, operator, provenance, vehicle

YEAR = str(dt.date.today().year)
DAY = dt.date.today().replace(month=1, day=10)
ID_NUMBER = "32010219900307001X"

FOLLOW = """subscription ($after: String) { creditListChanges(after: $after) {
  cursor change entry { list subjectName reason } } }"""


@pytest.fixture
def both(settings: Settings, cache_settings: Settings) -> Settings:
    """Each database with each pub/sub backend."""
    return dataclasses.replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )


async def _list(app: Any, uscc: str, name: str, kind: CreditListKind) -> int:
    async with session_factory(app.state.engine)() as session, session.begin():
        change = await put_on_list(
            session,
            kind,
            CreditSubjectKind.OPERATOR,
            uscc,
            name,
            "年度考核 B",
            "operator-road",
            NOW,
            months=12,
        )
    assert change is not None
    await publish_changes(app.state.pubsub, [change])
    return change


async def _operators(app: Any) -> list[tuple[str, str]]:
    made = [operator(1), operator(2), operator(3)]
    async with session_factory(app.state.engine)() as session, session.begin():
        session.add_all(made)
    return [(o.uscc, o.name) for o in made]


def test_list_changes_arrive_live_after_the_missed_ones_and_pull_with_a_cursor(
    both: Settings,
) -> None:
    app = create_app(both)
    with TestClient(app) as client:
        (one, one_name), (two, two_name), (three, three_name) = client.portal.call(_operators, app)  # type: ignore[union-attr]
        first = client.portal.call(_list, app, one, one_name, CreditListKind.BLACK)  # type: ignore[union-attr]
        reader = bearer(client, "registry:read")
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": reader})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": FOLLOW, "variables": {"after": "0"}},
                }
            )
            missed = ws.receive_json()["payload"]["data"]["creditListChanges"]
            assert (missed["cursor"], missed["change"]) == (str(first), "LISTED")
            assert missed["entry"]["subjectName"] == one_name
            client.portal.call(_list, app, two, two_name, CreditListKind.WATCH)  # type: ignore[union-attr]
            live = ws.receive_json()["payload"]["data"]["creditListChanges"]
            assert live["entry"]["list"] == "WATCH"
            assert int(live["cursor"]) > first
        client.portal.call(_list, app, three, three_name, CreditListKind.BLACK)  # type: ignore[union-attr]

        page = client.get(
            "/exchange/credit/list-changes", params={"after": first, "limit": 1}, headers=reader
        )
        refused = client.get("/exchange/credit/list-changes", params={"limit": "x"}, headers=reader)
        anonymous = client.get("/exchange/credit/list-changes")

    assert page.status_code == 200, page.text
    document = etree.fromstring(page.content)
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(document)
    ns = {"c": "urn:js-transport-hub:credit:list-change:1.0"}
    assert document.xpath("//c:Change/c:SubjectUscc/text()", namespaces=ns) == [two]
    assert page.headers["X-Next-After"] == live["cursor"]
    assert refused.status_code == 400
    assert "after and limit must be whole numbers" in refused.text
    assert anonymous.status_code == 401


async def test_a_drivers_credit_needs_personal_data_access_and_is_audited(
    sessions: Any, graphql: GraphQLClient, anonymous: GraphQLClient
) -> None:
    async with sessions() as session, session.begin():
        session.add(operator(1))
        person = Practitioner(
            id_number=ID_NUMBER,
            name="王小明",
            phone=None,
            address=None,
            region_code="320102",
            employer_id=1,
            **provenance("PR"),
        )
        session.add(person)
        await session.flush()
        session.add(
            QualificationCertificate(
                practitioner_id=person.id,
                region_code="320102",
                kind=next(iter(QualificationKind)),
                number="320102199003070010",
                valid_from=dt.date(2024, 1, 1),
                valid_to=dt.date(2030, 1, 1),
                status=LicenceStatus.VALID,
                **provenance("QC"),
            )
        )
        session.add(
            PenaltyRow(
                decision_number="苏交罚〔2026〕9号",
                subject_kind=CreditSubjectKind.PRACTITIONER,
                subject_key=ID_NUMBER,
                authority="南京市交通运输综合行政执法监督局",
                decided_on=DAY,
                provision="《道路运输条例》",
                facts="未随车携带从业资格证",
                fine_yuan=200,
                **provenance("PN"),
            )
        )
        assert await collect(session, NOW) == 1
    query = """query ($p: String!) { practitioners(first: 1) { edges { node {
      credit(period: $p) { grade score deductions { points event { kind } } } } } } }"""
    partner = await anonymous.as_client("registry:read", purpose=None)

    allowed = await graphql(query, {"p": YEAR})
    refused = await partner(query, {"p": YEAR})
    search = await partner('{ creditSearch(query: "320102199003070010") { name } }')
    found = await graphql('{ creditSearch(query: "320102199003070010") { name grade { score } } }')

    credit = allowed["data"]["practitioners"]["edges"][0]["node"]["credit"]
    assert (credit["score"], credit["grade"]) == (14, "AA")
    assert credit["deductions"] == [{"points": -6, "event": {"kind": "PENALTY"}}]
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "a person's credit record needs scope pii:read" in refused["errors"][0]["message"]
    assert search["data"]["creditSearch"] == []  # no personal-data access: no people found
    assert found["data"]["creditSearch"] == [{"name": "王**", "grade": {"score": 14}}]


async def test_a_substantiated_12328_ticket_counts_against_the_vehicles_operator(
    sessions: Any,
) -> None:
    owner, truck = operator(1), vehicle(1, operator_id=1)
    filed = dt.datetime.combine(DAY, dt.time(9), tzinfo=dt.UTC)
    ticket = {
        "filed_at": filed,
        "operator_uscc": None,
        "plate": truck.plate,
        "plate_color": PlateColor.YELLOW,
        "category": "服务质量",
        "content": "拒载",
        "handled_by": "南京市交通运输综合行政执法支队",
        "closed_on": DAY,
    }
    async with sessions() as session, session.begin():
        session.add(owner)
        await session.flush()
        session.add(truck)
        session.add(HotlineComplaintRow(**ticket, substantiated=True, **provenance("HL")))
        session.add(HotlineComplaintRow(**ticket, substantiated=False, **provenance("HL")))
        open_ticket = ticket | {"closed_on": None}
        session.add(HotlineComplaintRow(**open_ticket, substantiated=None, **provenance("HL")))

        assert await collect(session, NOW, ["hotline_complaints"]) == 1
