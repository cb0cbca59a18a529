"""``hub ingest`` and ``hub exchange failed``: one line per document, whatever it holds;
``--batch``: documents per transaction."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hub.agency_records.inbox import FAILED, ExchangeMessage
from hub.cli import main
from hub.config import Settings
from hub.db import create_engine, session_factory
from hub.exchange.pipeline import Exchange

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "adapters/public_security/samples/valid/vehicle-registration-suzhou-nanjing.xml"
MESSAGE_ID = b"<h:MessageId>public-security-vehicle-registration-sample-1</h:MessageId>"


def with_message_id(message_id: str) -> bytes:
    return SAMPLE.read_bytes().replace(
        MESSAGE_ID, f"<h:MessageId>{message_id}</h:MessageId>".encode()
    )


async def _stored(settings: Settings) -> list[tuple[str, str]]:
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(
                select(ExchangeMessage.message_id, ExchangeMessage.status).order_by(
                    ExchangeMessage.id
                )
            )
            return [(message_id, status) for message_id, status in rows.all()]
    finally:
        await engine.dispose()


def test_ingest_reports_each_refused_file_and_takes_in_the_rest(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a directory of files, all but one breaking a rule of the door
    files = {
        "1-id-over-64.xml": with_message_id("m" * 65),
        "2-id-with-tab.xml": with_message_id("m\t1"),
        "3-xinclude.xml": SAMPLE.read_bytes().replace(
            b"<VehicleRegistration>",
            b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd"/>'
            b"<VehicleRegistration>",
            1,
        ),
        "4-not-xml.xml": b"hello",
        "5-good.xml": SAMPLE.read_bytes(),
        "6-other-sender.xml": with_message_id("m-6").replace(
            b">public_security</h:Sender>", b">rail</h:Sender>"
        ),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    monkeypatch.setenv("HUB_DATABASE_URL", settings.database_url)

    # When they are ingested
    code = main(["ingest", "public_security", str(tmp_path)])

    # Then each refusal is reported with its rule, the good file is taken in, and the command
    # ends (status 1: something was refused) rather than crashing
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == (
        "hub: accepted 1, duplicates 0, processed 1, failed 0 (dead letters), "
        "refused 5 (not stored)"
    )
    refused = {line.split(": ", 1)[0].rsplit("/", 1)[1]: line.split(": ", 1)[1] for line in out[1:]}
    assert refused == {
        "1-id-over-64.xml": f"Header/MessageId {'m' * 65!r} (65 characters) does not match the "
        r"exchange header standard's pattern [A-Za-z0-9._:\-]{1,64} (header-1.0.xsd)",
        "2-id-with-tab.xml": r"Header/MessageId 'm\t1' (3 characters) does not match the "
        r"exchange header standard's pattern [A-Za-z0-9._:\-]{1,64} (header-1.0.xsd)",
        "3-xinclude.xml": "XInclude is refused: VehicleRegistrations holds an "
        "{http://www.w3.org/2001/XInclude}include element; send the document whole",
        "4-not-xml.xml": "refused: invalid XML syntax: syntax error: line 1, column 0",
        "6-other-sender.xml": "Header/Sender 'rail' is not 'public_security', its agency: "
        "an agency sends only its own documents",
    }
    assert asyncio.run(_stored(settings)) == [
        ("public-security-vehicle-registration-sample-1", "processed")
    ]


async def _letters(settings: Settings, letters: list[tuple[str, str]]) -> None:
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session, session.begin():
            for message_id, error in letters:
                session.add(
                    ExchangeMessage(
                        agency="public_security",
                        document_type="vehicle-registration",
                        message_id=message_id,
                        received_via="push",
                        received_at=dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
                        sha256="0" * 64,
                        body=b"<r/>",
                        status=FAILED,
                        error=error,
                        attempts=1,
                        records=0,
                    )
                )
        async with session_factory(engine)() as session:
            assert await session.scalar(select(func.count()).select_from(ExchangeMessage)) == 2
    finally:
        await engine.dispose()


def test_dead_letters_are_listed_one_line_each_whatever_they_hold(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given dead letters stored before the header rules, with a tab and a line break in their
    # message ids, and a reason quoting a document over two lines
    asyncio.run(
        _letters(
            settings,
            [
                ("m\t1", "/Registrations (line 2): bad\nvalue"),
                ("m\n2\\", "attempt 1 of 5 failed: 苏A"),
            ],
        )
    )
    monkeypatch.setenv("HUB_DATABASE_URL", settings.database_url)

    # When they are listed
    code = main(["exchange", "failed"])

    # Then each is one line of five tab-separated fields, the control characters escaped
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert code == 0
    assert [line.split("\t")[1:] for line in lines] == [
        [
            "public_security",
            "vehicle-registration",
            r"m\t1",
            r"/Registrations (line 2): bad\nvalue",
        ],
        ["public_security", "vehicle-registration", "m\\n2\\\\", "attempt 1 of 5 failed: 苏A"],
    ]
    assert captured.err.endswith("hub: 2 dead letters\n"), captured.err


def test_ingest_takes_as_many_documents_per_transaction_as_batch_says(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given five documents, and the batches the pipeline is handed watched
    for number in range(5):
        (tmp_path / f"{number}.xml").write_bytes(with_message_id(f"batch-{number}"))
    monkeypatch.setenv("HUB_DATABASE_URL", settings.database_url)
    sizes: list[int] = []
    taken = Exchange.receive_and_process_many

    async def watched(self: Exchange, documents: Any) -> Any:
        sizes.append(len(documents))
        return await taken(self, documents)

    monkeypatch.setattr(Exchange, "receive_and_process_many", watched)

    # When they are ingested two per transaction
    code = main(["ingest", "--batch", "2", "public_security", str(tmp_path)])

    # Then they go in batches of two, and every one is processed
    assert code == 0, capsys.readouterr()
    assert sizes == [2, 2, 1]
    assert capsys.readouterr().out.splitlines()[0] == (
        "hub: accepted 5, duplicates 0, processed 5, failed 0 (dead letters), "
        "refused 0 (not stored)"
    )
    assert [status for _, status in asyncio.run(_stored(settings))] == ["processed"] * 5


@pytest.mark.parametrize(
    "command",
    [["ingest", "public_security", "x.xml"], ["exchange", "pull", "rail"], ["exchange", "work"]],
)
@pytest.mark.parametrize("value", ["0", "1001", "many"])
def test_a_batch_outside_1_to_1000_is_refused_naming_the_option(
    command: list[str], value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # When a command is given a batch size it cannot take
    with pytest.raises(SystemExit) as stopped:
        main([*command, "--batch", value])

    # Then nothing runs: argparse's usage error names the option and the range
    assert stopped.value.code == 2
    assert (
        f"argument --batch: {value!r} is not a whole number from 1 to 1000"
        in capsys.readouterr().err
    )
