"""Lines read a block at a time in columns give, line for line, what the line reader gives."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select

from hub.positions import columns
from hub.positions.intake import Format, Intake
from hub.positions.lines import BadLine, CsvLines, Fix, from_json
from hub.positions.models import PositionDeadLetter, PositionFix
from tests.positions.test_intake import BAD_LINES, fix

# Lines the line reader takes but the column path may leave to it, and lines it refuses.
ODD_LINES = [
    json.dumps(fix(lat="32.1")).encode(),  # a number as a string: taken by the line reader
    json.dumps(fix(lat=True)).encode(),  # a JSON true is not the number 1
    b'{"plate": "\\u82cfA00009", "color": "2", "time": "2026-11-25T08:00:00", "lon": 118.7, '
    b'"lat": 32.0, "speed": 1, "direction": 1, "lat": 33.0}',  # a key twice: the last one
    json.dumps(fix()).encode() + b" " + json.dumps(fix(minute=1)).encode(),  # two on a line
    json.dumps(fix(lat=float("nan"))).encode(),
    b"\xef\xbb\xbf" + json.dumps(fix(plate="苏A00011")).encode(),  # a BOM inside the stream
    json.dumps(fix(plate="苏A00012")).encode() + b"\r",
    json.dumps(fix(plate="苏A00013", alarm=2**32)).encode(),
    json.dumps(fix(plate="苏A00014", altitude=None, alarm=None)).encode(),
    json.dumps(fix(plate="苏A00015", speed=1e300)).encode(),
    b'{"plate": "\xe8\x8b\x8fA00016"' + b"\xff" + b'"}',
    b"   ",
]


def _good(n: int) -> dict[str, Any]:
    """Varied good records: plates to normalise, colours, times with and without an offset,
    whole numbers and fractions, optional fields left out or null, fields not read."""
    record = fix(plate=f"苏ａ {n:05d}" if n % 7 == 0 else f"苏A{n:05d}", minute=n % 50)
    record["color"] = "1259"[n % 4]
    if n % 5 == 0:
        record["time"] = record["time"][:19]  # Beijing time, as JT/T 809 sends it
    record["lat"] = 32 if n % 6 == 0 else 32.0 + n / 7919
    record["direction"] = float(n % 360) if n % 9 == 0 else n % 360
    if n % 4 == 0:
        del record["altitude"]
    if n % 8 == 0:
        record["alarm"] = None
    if n % 3 == 0:
        record["extra"] = {"nested": [n]}
    return record


def _line_reader(text: bytes) -> Fix | None:
    try:
        return from_json(text.decode())
    except (BadLine, UnicodeDecodeError):
        return None


def _same(read: Fix | None, alone: Fix | None) -> bool:
    if read is None:
        return True  # left to the line reader
    return alone is not None and [(v, type(v)) for v in read] == [(v, type(v)) for v in alone]


def test_a_block_of_ndjson_gives_each_line_its_own_fix_or_leaves_it_to_the_line_reader() -> None:
    odd = ODD_LINES + [text for _, text, _ in BAD_LINES]
    lines: list[bytes] = []
    good: list[int] = []
    for n in range(1500):
        if n % 61 == 5:
            lines.append(odd[(n // 61) % len(odd)])
        else:
            good.append(len(lines))
            lines.append(json.dumps(_good(n), ensure_ascii=n % 2 == 0).encode())

    read = columns.read_json(lines)

    assert len(read) == len(lines)
    for text, fix_read in zip(lines, read, strict=True):
        assert _same(fix_read, _line_reader(text)), text
    # Bad lines are split away: good lines far from them are read in columns.
    assert sum(read[i] is not None for i in good) > len(good) * 0.7


def test_a_block_of_csv_rows_gives_each_row_its_own_fix_or_leaves_it_to_the_line_reader() -> None:
    names = ["time", "plate", "color", "lat", "lon", "speed", "direction", "alarm"]
    header = CsvLines(",".join(names))
    rows: list[bytes] = []
    for n in range(300):
        record = _good(n)
        values = [record.get(name) for name in names]
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(["" if v is None else v for v in values])
        rows.append(out.getvalue().encode())
    odd = [
        "1,2,3", "nan,nan,nan,nan,nan,nan,nan,nan", ",,,,,,,", '"unterminated,1,2,3,4,5,6,7',
        "2026-11-25T08:00:00,苏A00001,2,NULL,118.7,1,1,0",
        "2026-11-25T08:00:00,苏A00001,2, 32.1,118.7,1,1,0",
        '2026-11-25T08:00:00,"苏A00001\r",2,32.1,118.7,1,1,0',
        "2026-11-25T08:00:00,苏A00001,2,32.1,118.7,1,1,1_0",
    ]  # fmt: skip
    for k, text in enumerate(odd):
        rows.insert(17 + 31 * k, text.encode())

    read = columns.csv_reader(names)(rows)

    for text, fix_read in zip(rows, read, strict=True):
        try:
            alone: Fix | None = header.fix(text.decode().rstrip("\r"))
        except (BadLine, csv.Error, UnicodeDecodeError):
            alone = None
        assert _same(fix_read, alone), text
    assert sum(f is not None for f in read) > 200  # of 300 good rows


async def test_a_long_stream_with_bad_lines_takes_the_rest_and_names_the_bad_ones(
    sessions: Any,
) -> None:
    lines = [json.dumps(_good(n)).encode() for n in range(500)]
    bad = {40: b"not json", 41: json.dumps(fix(lat=91)).encode(), 300: b"[1]", 499: b"{"}
    for line, text in bad.items():
        lines[line - 1] = text

    async def body() -> AsyncIterator[bytes]:
        yield b"\n".join(lines) + b"\n"

    summary = await Intake(sessions, "test", Format.NDJSON, batch_size=128).take(body())

    assert (summary.accepted, summary.rejected) == (496, 4)
    assert [r.line for r in summary.rejections] == sorted(bad)
    assert summary.rejections[1].reason == "lat: 91 is outside -90 to 90"
    async with sessions() as session:
        letters = (await session.scalars(select(PositionDeadLetter.line))).all()
        stored = (await session.scalars(select(PositionFix.plate))).all()
    assert sorted(letters) == sorted(bad)
    assert len(stored) == 496


def test_a_block_in_a_form_the_columns_do_not_read_is_left_whole_to_the_line_reader() -> None:
    lines = [json.dumps(_good(n) | {"color": 2}).encode() for n in range(200)]

    read = columns.read_json(lines)

    assert read == [None] * 200
    assert all(_line_reader(text) is not None for text in lines)  # colours as numbers: taken
