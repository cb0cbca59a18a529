"""Identifiers in agency records: normalised when they keep their rule, flagged when they don't."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from hub.agency_records import models as m
from hub.agency_records.store import store
from hub.canonical.codes import ContainerEventKind, DrivingLicenceStatus
from hub.canonical.records import ContainerEvent, DrivingLicence, RailWaybill, VesselRegistration
from hub.quality.checks import FindingKind, report
from hub.readers import EVERYONE
from tests.support import NOW

TODAY = dt.date(2026, 11, 25)


def licence(serial: int, id_number: str) -> DrivingLicence:
    return DrivingLicence(
        source_record_id=f"DL{serial}", id_number=id_number, name="王某", licence_class="A2",
        status=DrivingLicenceStatus.VALID, points=0, valid_to=dt.date(2030, 1, 1),
    )  # fmt: skip


def vessel(serial: int, mmsi: str, imo: str | None) -> VesselRegistration:
    return VesselRegistration(
        source_record_id=f"VS{serial}", mmsi=mmsi, imo=imo, name="苏运货1", port_of_registry="南京",
        gross_tonnage=1200, owner_uscc=None, certificates=(),
    )  # fmt: skip


def box_event(serial: int, number: str) -> ContainerEvent:
    return ContainerEvent(
        source_record_id=f"CE{serial}", container_number=number, waybill_number=None,
        kind=ContainerEventKind.LOADED, station="连云港东", occurred_at=NOW,
    )  # fmt: skip


def waybill(serial: int, *containers: str) -> RailWaybill:
    return RailWaybill(
        source_record_id=f"RW{serial}", waybill_number=f"RW{serial}", shipper="甲",
        consignee="乙", origin_station="连云港东", destination_station="徐州北", goods="钢材",
        weight_kg=20_000, containers=containers,
    )  # fmt: skip


async def stored(sessions: Any, column: Any) -> list[str]:
    async with sessions() as session:
        return list((await session.scalars(select(column).order_by(column))).all())


async def invalid(sessions: Any) -> list[tuple[str, str, str]]:
    async with sessions() as session:
        found = await report(session, TODAY, EVERYONE, [FindingKind.INVALID_IDENTIFIER])
    return [(finding.subject, finding.detail, finding.source) for finding in found]


async def test_identifiers_that_keep_their_rule_are_stored_normalised(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        await store(session, "public_security", [licence(1, "110105 19491231 002x")], NOW)
        await store(session, "maritime", [vessel(1, "413 000 000", "imo９０７４７２９")], NOW)
        await store(session, "rail", [box_event(1, "csqu 305438 3")], NOW)
        await store(session, "rail", [waybill(1, "ｍｓｋｕ９０７０３２３")], NOW)

    assert await stored(sessions, m.DrivingLicenceRow.id_number) == ["11010519491231002X"]
    assert await stored(sessions, m.VesselRegistrationRow.mmsi) == ["413000000"]
    assert await stored(sessions, m.VesselRegistrationRow.imo) == ["9074729"]
    assert await stored(sessions, m.ContainerEventRow.container_number) == ["CSQU3054383"]
    assert await stored(sessions, m.WaybillContainerRow.container_number) == ["MSKU9070323"]
    assert await invalid(sessions) == []


async def test_identifiers_that_break_their_rule_are_kept_as_sent_and_named(
    sessions: Any,
) -> None:
    async with sessions() as session, session.begin():
        await store(session, "public_security", [
            licence(1, "36042619910102009X"),  # check character
            licence(2, "360426199113010079"),  # a 13th month
            licence(3, "990426199112010074"),  # no such province
        ], NOW)  # fmt: skip
        await store(session, "maritime", [vessel(1, "413000000", "8814274")], NOW)
        await store(session, "rail", [box_event(1, "CSQU3054384")], NOW)
        await store(session, "rail", [waybill(1, "CSQU3054383", "MSKU9070324")], NOW)

    assert await stored(sessions, m.DrivingLicenceRow.id_number) == [
        "36042619910102009X", "360426199113010079", "990426199112010074",
    ]  # fmt: skip
    assert await stored(sessions, m.VesselRegistrationRow.imo) == ["8814274"]
    found = await invalid(sessions)
    assert found == [
        ("DL1", "idNumber check character is wrong, expected '3' (GB 11643)", "public_security"),
        ("DL2", "idNumber birth date (digits 7-14) does not exist (GB 11643)", "public_security"),
        ("DL3", "idNumber region (digits 1-6) is in no province of GB/T 2260 (GB 11643)",
         "public_security"),
        ("MSKU9070324", "containerNumber: 'MSKU9070324' check digit is wrong, expected '3' "
         "(ISO 6346)", "rail"),
        ("CSQU3054384", "containerNumber: 'CSQU3054384' check digit is wrong, expected '3' "
         "(ISO 6346)", "rail"),
        ("413000000", "imo: '8814274' check digit is wrong, expected '5' (IMO A.1117)", "maritime"),
    ]  # fmt: skip
    # An ID number is personal data: its findings name the record, never the number.
    assert not any("3604" in detail or "9904" in detail for _, detail, _ in found)
