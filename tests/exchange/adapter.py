"""A test agency with one document type, so the pipeline's tests need no real adapter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from xml.etree.ElementTree import Element

from hub.canonical.codes import PlateColor, RegistrationStatus
from hub.canonical.records import Record, VehicleRegistration
from hub.exchange.protocol import HEADER_NAMESPACE, Adapter, DocumentType, Header, feed_app

NS = "urn:js-transport-hub:test_police:registration:1.0"
SCHEMA = Path(__file__).parent / "fixtures" / "registration-1.0.xsd"


def parse(root: Element) -> tuple[Record, ...]:
    records: list[Record] = []
    for item in root.iter(f"{{{NS}}}Registration"):

        def text(name: str, item: Element = item) -> str:
            return (item.findtext(f"{{{NS}}}{name}") or "").strip()

        records.append(
            VehicleRegistration(
                source_record_id=text("RecordId"),
                plate=text("Plate"),
                plate_color=PlateColor(text("PlateColor")),
                vin=text("Vin"),
                vehicle_type="H11",
                owner_name="某某物流有限公司",
                owner_id="91320102000000001M",
                registered_on=dt.date(2020, 1, 1),
                status=RegistrationStatus(text("Status")),
            )
        )
    return tuple(records)


def document(message_id: str, rows: Sequence[tuple[str, str, str, str, str]]) -> bytes:
    """A registration document: rows of (record id, plate, colour code, vin, status code)."""
    items = "".join(
        f"<Registration><RecordId>{r}</RecordId><Plate>{p}</Plate><PlateColor>{c}</PlateColor>"
        f"<Vin>{v}</Vin><Status>{s}</Status></Registration>"
        for r, p, c, v, s in rows
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Registrations xmlns="{NS}" '
        f'xmlns:h="{HEADER_NAMESPACE}"><h:Header><h:MessageId>{message_id}</h:MessageId>'
        f"<h:Sender>test_police</h:Sender><h:SentAt>2026-11-25T08:00:00+08:00</h:SentAt>"
        f"</h:Header>{items}</Registrations>"
    ).encode()


def export(records: Sequence[Record], header: Header) -> bytes:
    rows = [
        (r.source_record_id, r.plate, r.plate_color.value, r.vin, r.status.value)
        for r in records
        if isinstance(r, VehicleRegistration)
    ]
    return document(header.message_id, rows)


REGISTRATION = DocumentType(
    name="registration",
    title=("机动车登记（测试）", "Registration (test)"),
    schema=SCHEMA,
    namespace=NS,
    root="Registrations",
    parse=parse,
    export=export,
    record_types=(VehicleRegistration,),
)


def feed_documents(count: int) -> dict[str, list[bytes]]:
    return {
        "registration": [
            document(f"feed-{n}", [(f"R{n}", f"苏A{n:05d}", "2", "LZYTA0012N0000001", "A")])
            for n in range(count)
        ]
    }


ADAPTER = Adapter(
    name="test_police",
    title=("测试公安", "Test police"),
    documents={"registration": REGISTRATION},
    simulator=lambda: feed_app(feed_documents(12), fail_every=3),
)
