"""A document type is accepted in more than one namespace version: a breaking change of an XSD
is a new version, and the earlier one stays accepted until its announced retirement date.

The test agency's registration has a 2.0 (``fixtures/registration-2.0.xsd``: ``Vin`` renamed
``VehicleIdentificationNumber``) besides its 1.0: each document is validated against, and
mapped by, the version it declares.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from sqlalchemy import func, select

from hub.agency_records.inbox import PROCESSED, ExchangeMessage
from hub.agency_records.models import VehicleRegistrationRow
from hub.canonical.records import Record
from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.exchange.pipeline import Exchange
from hub.exchange.protocol import Adapter, EarlierVersion
from hub.exchange.registry import AdapterRegistry
from hub.exchange.validation import InvalidDocument, parse, validate
from hub.filters import today
from tests.exchange import adapter as version_1

NS_2 = "urn:js-transport-hub:test_police:registration:2.0"
SCHEMA_2 = Path(__file__).parent / "fixtures" / "registration-2.0.xsd"
VIN_1, VIN_2 = "LZYTA0012N0000001", "LZYTA0012N0000002"


def parse_2(root: Element) -> tuple[Record, ...]:
    """Version 2.0 read as 1.0 was, but for the renamed element."""
    records = []
    for item in root.iter(f"{{{NS_2}}}Registration"):
        renamed = Element(f"{{{version_1.NS}}}Registration")
        for child in item:
            name = child.tag.partition("}")[2]
            moved = Element(
                f"{{{version_1.NS}}}{'Vin' if name == 'VehicleIdentificationNumber' else name}"
            )
            moved.text = child.text
            renamed.append(moved)
        holder = Element(f"{{{version_1.NS}}}Registrations")
        holder.append(renamed)
        records += version_1.parse(holder)
    return tuple(records)


def document_2(message_id: str, rows: Sequence[tuple[str, str, str, str, str]]) -> bytes:
    """A 2.0 registration document: rows of (record id, plate, colour code, vin, status)."""
    return (
        version_1.document(message_id, rows)
        .replace(version_1.NS.encode(), NS_2.encode())
        .replace(b"<Vin>", b"<VehicleIdentificationNumber>")
        .replace(b"</Vin>", b"</VehicleIdentificationNumber>")
    )


def versioned(accepted_until: dt.date) -> Adapter:
    """The test agency with registration 2.0 current and 1.0 accepted until ``accepted_until``."""
    registration = dataclasses.replace(
        version_1.REGISTRATION,
        schema=SCHEMA_2,
        namespace=NS_2,
        parse=parse_2,
        earlier=(EarlierVersion(version_1.NS, version_1.SCHEMA, version_1.parse, accepted_until),),
    )
    return dataclasses.replace(version_1.ADAPTER, documents={"registration": registration})


@pytest.fixture
async def sessions(settings: Settings) -> AsyncIterator[Any]:
    engine = create_engine(settings)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def stored(sessions: Any) -> list[tuple[str, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(VehicleRegistrationRow.source_record_id, VehicleRegistrationRow.vin).order_by(
                VehicleRegistrationRow.source_record_id
            )
        )
        return [(record, vin) for record, vin in rows.all()]


async def test_a_document_type_is_taken_in_its_current_and_its_earlier_version(
    sessions: Any,
) -> None:
    exchange = Exchange(AdapterRegistry([versioned(today() + dt.timedelta(days=180))]), sessions)
    earlier = version_1.document("m-1", [("R1", "苏A00001", "2", VIN_1, "A")])
    current = document_2("m-2", [("R2", "苏A00002", "2", VIN_2, "A")])

    receipts = [await exchange.receive("test_police", data, "push") for data in (earlier, current)]
    statuses = [await exchange.process(receipt.id) for receipt in receipts]

    assert statuses == [PROCESSED, PROCESSED]
    assert await stored(sessions) == [("R1", VIN_1), ("R2", VIN_2)]


def test_each_version_is_held_to_its_own_xsd() -> None:
    registration = versioned(today()).documents["registration"]
    # 2.0's element in a document that declares 1.0, and the other way round:
    mixed_1 = version_1.document("m-1", [("R1", "苏A00001", "2", VIN_1, "A")]).replace(
        b"Vin>", b"VehicleIdentificationNumber>"
    )
    mixed_2 = document_2("m-2", [("R2", "苏A00002", "2", VIN_2, "A")]).replace(
        b"VehicleIdentificationNumber>", b"Vin>"
    )

    for mixed, unexpected in ((mixed_1, "VehicleIdentificationNumber"), (mixed_2, "Vin")):
        with pytest.raises(InvalidDocument) as refused:
            validate(registration, parse(mixed))
        assert unexpected in refused.value.reason


async def test_an_earlier_version_past_its_retirement_is_refused_naming_the_current(
    sessions: Any,
) -> None:
    retired_on = today() - dt.timedelta(days=1)
    exchange = Exchange(AdapterRegistry([versioned(retired_on)]), sessions)
    earlier = version_1.document("m-1", [("R1", "苏A00001", "2", VIN_1, "A")])
    unknown = document_2("m-3", []).replace(NS_2.encode(), NS_2.replace("2.0", "3.0").encode())

    with pytest.raises(InvalidDocument) as retired:
        await exchange.receive("test_police", earlier, "push")
    with pytest.raises(InvalidDocument) as unheard_of:
        await exchange.receive("test_police", unknown, "push")
    current = await exchange.receive("test_police", document_2("m-2", []), "push")

    assert retired.value.reason == (
        f"{{{version_1.NS}}}Registrations was accepted until {retired_on}: send it in {NS_2}"
    )
    assert unheard_of.value.reason == (
        f"test_police sends no document {{{NS_2.replace('2.0', '3.0')}}}Registrations"
    )
    async with sessions() as session:
        kept = await session.scalar(select(func.count()).select_from(ExchangeMessage))
    assert kept == 1  # only the current one: nothing of a refused document is stored
    assert current.duplicate is False
