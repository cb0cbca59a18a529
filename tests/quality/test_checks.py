"""Each cross-source check finds its disagreement, and only it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from hub.agency_records.store import store
from hub.canonical.codes import (
    BusinessStatus,
    InsuranceKind,
    PlateColor,
    RegistrationStatus,
)
from hub.canonical.records import BusinessRegistration, InsurancePolicy, VehicleRegistration
from hub.quality.checks import FindingKind, report
from hub.readers import EVERYONE, Reader
from tests.support import NOW, operator, uscc_for, vehicle, vin_for

TODAY = dt.date(2026, 11, 25)
OPERATOR_2 = uscc_for("320102", 2)


def registration(
    serial: int, status: RegistrationStatus, vin: str | None = None
) -> VehicleRegistration:
    return VehicleRegistration(
        source_record_id=f"VR{serial}", plate=f"苏A{serial:05d}", plate_color=PlateColor.YELLOW,
        vin=vin or vin_for(serial), vehicle_type="H11", owner_name="某运输公司",
        owner_id=uscc_for("320102", 1), registered_on=dt.date(2020, 1, 1), status=status,
    )  # fmt: skip


def policy(serial: int, kind: InsuranceKind, valid_to: dt.date, *, plate: int | None = None,
           uscc: str | None = None) -> InsurancePolicy:  # fmt: skip
    return InsurancePolicy(
        source_record_id=f"P{serial}", policy_number=f"P{serial}", kind=kind, insurer="人保",
        insured_uscc=uscc, plate=None if plate is None else f"苏A{plate:05d}",
        plate_color=None if plate is None else PlateColor.YELLOW, cover_yuan=200_000,
        valid_from=dt.date(2026, 1, 1), valid_to=valid_to,
    )  # fmt: skip


async def seed(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        session.add_all([operator(1), operator(2)])
        await session.flush()
        session.add_all([vehicle(n, 1) for n in range(1, 6)])
        session.add(vehicle(6, 2, dangerous_goods=True))
        await store(session, "public_security", [
            registration(1, RegistrationStatus.NORMAL),
            registration(2, RegistrationStatus.STOLEN),
            registration(3, RegistrationStatus.SCRAPPED),
            # Another VIN than the data center's, with a wrong check digit as well:
            registration(4, RegistrationStatus.NORMAL, vin="LZYTA0012N0000009"),
        ], NOW)  # fmt: skip
        await store(session, "commerce", [
            BusinessRegistration(
                source_record_id="B1", uscc=uscc_for("320102", 2), name="测试运输有限公司2",
                status=BusinessStatus.DEREGISTERED, legal_representative="李四",
                registered_capital_wan_yuan=100, scope="道路货物运输",
                registered_on=dt.date(2010, 1, 1), authority="南京市市场监督管理局",
            ),
        ], NOW)  # fmt: skip
        await store(session, "insurance", [
            policy(1, InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY, dt.date(2027, 1, 1), plate=1),
            # expired:
            policy(2, InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY, dt.date(2026, 6, 1), plate=5),
            policy(3, InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY, dt.date(2027, 1, 1), plate=6),
            policy(4, InsuranceKind.CARRIER_LIABILITY, dt.date(2026, 3, 1), uscc=OPERATOR_2),
        ], NOW)  # fmt: skip


async def findings(sessions: Any, reader: Reader = EVERYONE) -> dict[FindingKind, list[str]]:
    async with sessions() as session:
        found = await report(session, TODAY, reader)
    grouped: dict[FindingKind, list[str]] = {}
    for finding in found:
        grouped.setdefault(finding.kind, []).append(finding.subject)
    return grouped


async def test_each_disagreement_is_found(sessions: Any) -> None:
    await seed(sessions)

    found = await findings(sessions)

    assert found[FindingKind.VEHICLE_OFF_THE_ROAD] == ["苏A00002 (yellow)", "苏A00003 (yellow)"]
    assert found[FindingKind.OPERATOR_NOT_REGISTERED] == [uscc_for("320102", 2)]
    assert found[FindingKind.VEHICLE_WITHOUT_COMPULSORY_INSURANCE] == ["苏A00005 (yellow)"]
    assert found[FindingKind.OPERATOR_WITHOUT_CARRIER_LIABILITY] == [uscc_for("320102", 2)]
    assert found[FindingKind.DANGEROUS_GOODS_WITHOUT_LIABILITY] == ["苏A00006 (yellow)"]
    assert found[FindingKind.IDENTIFIER_MISMATCH] == ["苏A00004 (yellow)"]
    assert found[FindingKind.INVALID_IDENTIFIER] == ["苏A00004"]


async def test_agreeing_sources_give_no_findings(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        session.add(operator(1))
        await session.flush()
        session.add(vehicle(1, 1))
        await store(session, "public_security", [registration(1, RegistrationStatus.NORMAL)], NOW)
        await store(session, "insurance", [
            policy(1, InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY, dt.date(2027, 1, 1), plate=1),
        ], NOW)  # fmt: skip

    assert await findings(sessions) == {}


async def test_the_quality_report_finds_what_the_demo_planted(sessions: Any) -> None:
    from hub.demo.generator import DemoScale, generate, subjects
    from hub.demo.loader import load
    from hub.exchange.inbound import feed_demo
    from hub.exchange.pipeline import Exchange
    from hub.exchange.protocol import DemoSubjects
    from hub.exchange.registry import AdapterRegistry

    data = generate(DemoScale.times(0.05), today=TODAY)
    await load(sessions, data)
    summary = await feed_demo(
        Exchange(AdapterRegistry.discover(), sessions),
        DemoSubjects(**subjects(data), today=TODAY.isoformat()),
    )
    found = await findings(sessions)

    assert summary.failed == []
    assert summary.refused == []
    assert found.get(FindingKind.VEHICLE_OFF_THE_ROAD), (
        "the demo plants stolen and scrapped vehicles"
    )
    assert found.get(FindingKind.OPERATOR_NOT_REGISTERED), "the demo plants revoked operators"
    assert found.get(FindingKind.INVALID_IDENTIFIER), "the demo plants broken identifiers"


SUZHOU_PLATE = "苏E00007"


async def seed_suzhou(sessions: Any) -> None:
    """Beside the Nanjing findings of :func:`seed`, a stolen vehicle of a Suzhou operator."""
    async with sessions() as session, session.begin():
        session.add(operator(3, region="320505"))
        await session.flush()
        session.add(vehicle(7, 3, plate=SUZHOU_PLATE, region_code="320505"))
        stolen = replace(registration(7, RegistrationStatus.STOLEN), plate=SUZHOU_PLATE)
        await store(session, "public_security", [stolen], NOW)


async def test_a_region_bound_reader_gets_the_findings_of_its_region_only(sessions: Any) -> None:
    await seed(sessions)
    await seed_suzhou(sessions)

    suzhou = await findings(sessions, Reader(region="320500", registry=True))
    nanjing = await findings(sessions, Reader(region="320100", registry=True))
    everyone = await findings(sessions)

    assert suzhou == {FindingKind.VEHICLE_OFF_THE_ROAD: ["苏E00007 (yellow)"]}
    assert nanjing[FindingKind.VEHICLE_OFF_THE_ROAD] == ["苏A00002 (yellow)", "苏A00003 (yellow)"]
    assert nanjing[FindingKind.INVALID_IDENTIFIER] == ["苏A00004"]
    assert len(nanjing) == 7
    assert everyone[FindingKind.VEHICLE_OFF_THE_ROAD] == [
        "苏A00002 (yellow)", "苏A00003 (yellow)", "苏E00007 (yellow)"
    ]  # fmt: skip


async def test_a_region_bound_client_lists_its_regions_findings_in_graphql(
    anonymous: Any, sessions: Any
) -> None:
    await seed(sessions)
    await seed_suzhou(sessions)
    suzhou = await anonymous.as_client("registry:read", region="320500")
    unbound = await anonymous.as_client("registry:read")
    query = "{ qualityFindings(first: 50) { totalCount edges { node { kind subject } } } }"

    mine = await suzhou(query)
    every = await unbound(query)

    assert "errors" not in mine, mine  # once FORBIDDEN: region-bound clients got no findings
    assert mine["data"]["qualityFindings"] == {
        "totalCount": 1,
        "edges": [{"node": {"kind": "VEHICLE_OFF_THE_ROAD", "subject": "苏E00007 (yellow)"}}],
    }
    assert every["data"]["qualityFindings"]["totalCount"] == 9
