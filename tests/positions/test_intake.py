"""``POST /positions``: NDJSON and CSV streams, idempotent, bad lines dead-lettered, auth."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from sqlalchemy import func, select

from hub.canonical.codes import PlateColor
from hub.config import Settings
from hub.db import session_factory
from hub.positions.intake import Format, Intake
from hub.positions.models import LatestPosition, PositionDeadLetter, PositionFix
from tests.conftest import fetch_token, register_client, running

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
NDJSON = {"Content-Type": "application/x-ndjson"}
CSV = {"Content-Type": "text/csv"}


def fix(plate: str = "苏A00001", minute: int = 0, **overrides: Any) -> dict[str, Any]:
    """One location record as a positioning platform sends it."""
    values = {
        "plate": plate, "color": "2", "time": (T0 + dt.timedelta(minutes=minute)).isoformat(),
        "lon": 118.78 + minute / 1000, "lat": 32.04, "speed": 60.5, "direction": 90,
        "altitude": 12, "alarm": 0,
    }  # fmt: skip
    return values | overrides


def ndjson(*records: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


async def chunked(body: bytes, size: int = 37) -> AsyncIterator[bytes]:
    """The body in small pieces that cut lines (and characters) anywhere: sent chunked."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def headers(http: httpx.AsyncClient, scopes: str = "exchange:positioning:write") -> Any:
    client_id, secret = await register_client(http, scopes, agency="positioning")
    return {"Authorization": f"Bearer {await fetch_token(http, client_id, secret)}"}


async def stored(http: httpx.AsyncClient) -> list[tuple[Any, ...]]:
    sessions = session_factory(http.app.state.engine)  # type: ignore[attr-defined]
    async with sessions() as session:
        query = select(PositionFix.plate, PositionFix.plate_color, PositionFix.observed_at)
        rows = await session.execute(query.order_by(*query.selected_columns))
        return [tuple(row) for row in rows.all()]


async def test_an_ndjson_stream_sent_chunked_is_stored_and_summed_up(settings: Settings) -> None:
    async with running(settings) as http:
        body = ndjson(*(fix(f"苏A{n:05d}", minute) for n in range(1, 4) for minute in range(5)))

        answer = await http.post(
            "/positions", content=chunked(body), headers=NDJSON | await headers(http)
        )

        assert answer.status_code == 200, answer.text
        summary = answer.json()
        assert (summary["accepted"], summary["duplicates"], summary["rejected"]) == (15, 0, 0)
        assert (summary["rejections"], summary["events"]) == ([], 0)
        rows = await stored(http)
        assert len(rows) == 15
        assert rows[0] == ("苏A00001", PlateColor.YELLOW, T0.astimezone(dt.UTC))


async def test_a_csv_stream_names_its_columns_in_any_order_and_plates_are_normalised(
    settings: Settings,
) -> None:
    async with running(settings) as http:
        body = (
            "\ufefftime,plate,color,lat,lon,speed,direction\r\n"
            "2026-11-25T08:00:00,苏ａ 00001,2,32.04,118.78,0,0\r\n"
            "2026-11-25T00:01:00Z,苏a00001,2,32.05,118.79,30,180\r\n"
        ).encode()

        auth = CSV | await headers(http)
        answer = await http.post("/positions", content=chunked(body), headers=auth)

        assert answer.status_code == 200, answer.text
        assert (answer.json()["accepted"], answer.json()["rejected"]) == (2, 0)
        # No offset: Beijing time, as JT/T 809 sends it; both are the same vehicle.
        assert await stored(http) == [
            ("苏A00001", PlateColor.YELLOW, dt.datetime(2026, 11, 25, 0, 0, tzinfo=dt.UTC)),
            ("苏A00001", PlateColor.YELLOW, dt.datetime(2026, 11, 25, 0, 1, tzinfo=dt.UTC)),
        ]


async def test_a_stream_sent_again_stores_nothing_twice(settings: Settings) -> None:
    async with running(settings) as http:
        auth = NDJSON | await headers(http)
        body = ndjson(fix(minute=0), fix(minute=1), fix(minute=1, speed=0))

        first = (await http.post("/positions", content=body, headers=auth)).json()
        again = (await http.post("/positions", content=chunked(body), headers=auth)).json()

        # The second line for 08:01 is the same vehicle and instant: a duplicate, not a change.
        assert (first["accepted"], first["duplicates"]) == (2, 1)
        assert (again["accepted"], again["duplicates"]) == (0, 3)
        assert len(await stored(http)) == 2


BAD_LINES = [
    (2, b'{"plate": "A00001"', "not JSON: "),
    (3, json.dumps(fix(plate="京O12345")).encode(),
     "plate: '京O12345' issuing-authority letter must be A-Z except I and O (GA 36)"),
    (4, json.dumps(fix(color="7")).encode(),
     "color: '7' is not a plate colour code (1, 2, 3, 4, 5, 6, 9)"),
    (5, json.dumps(fix(lat=91)).encode(), "lat: 91 is outside -90 to 90"),
    (6, json.dumps(fix(time="25/11/2026 08:00")).encode(),
     "time: '25/11/2026 08:00' is not an ISO 8601 date-time"),
    (7, json.dumps({k: v for k, v in fix().items() if k != "speed"}).encode(), "speed: missing"),
    (8, json.dumps(fix(direction=90.5)).encode(), "direction: 90.5 is not a whole number"),
    (10, b"[1, 2]", "not a JSON object"),
    (11, b"\xff\xfe", "not UTF-8 (byte 1)"),
    (12, b'{"plate": "' + b"x" * 5000 + b'"}', "longer than 4096 bytes"),
]  # fmt: skip


async def test_bad_lines_are_dead_lettered_with_line_and_reason_and_the_rest_taken(
    settings: Settings,
) -> None:
    lines = {1: ndjson(fix(minute=0)).strip(), 9: b"", 13: ndjson(fix(minute=2)).strip()}
    lines |= {line: text for line, text, _ in BAD_LINES}
    body = b"\n".join(lines[n] for n in sorted(lines))
    async with running(settings) as http:
        answer = await http.post(
            "/positions", content=chunked(body, 1000), headers=NDJSON | await headers(http)
        )

        summary = answer.json()
        assert answer.status_code == 200, answer.text
        assert (summary["accepted"], summary["duplicates"], summary["rejected"]) == (2, 0, 10)
        named = [(r["line"], r["reason"]) for r in summary["rejections"]]
        assert [line for line, _ in named] == [line for line, _, _ in BAD_LINES]
        for (_, reason), (_, _, expected) in zip(named, BAD_LINES, strict=True):
            assert reason.startswith(expected), reason
        sessions = session_factory(http.app.state.engine)  # type: ignore[attr-defined]
        async with sessions() as session:
            letters = (await session.scalars(select(PositionDeadLetter))).all()
        assert sorted((d.line, d.reason, d.intake) for d in letters) == [
            (line, reason, summary["intake"]) for line, reason in named
        ]
        assert {d.text for d in letters if d.line == 4} == {lines[4].decode()}


async def test_a_csv_stream_without_the_columns_is_refused_whole(settings: Settings) -> None:
    async with running(settings) as http:
        body = b"plate,colour,time,lon,lat\n\xe8\x8b\x8fA00001,2,2026-11-25T08:00:00,118,32\n"

        answer = await http.post("/positions", content=body, headers=CSV | await headers(http))

        assert answer.status_code == 400
        assert answer.json() == {
            "error": "bad_header",
            "message": "line 1: header: needs the columns plate, color, time, lon, lat, speed, "
            "direction (optional: altitude, alarm), each once; unknown: colour; "
            "missing: color, speed, direction",
        }
        assert await stored(http) == []


async def test_the_intake_needs_a_token_with_the_positioning_scope(settings: Settings) -> None:
    async with running(settings) as http:
        body = ndjson(fix())
        anonymous = await http.post("/positions", content=body, headers=NDJSON)
        reader = await http.post(
            "/positions", content=body, headers=NDJSON | await headers(http, "registry:read")
        )
        forged = await http.post(
            "/positions", content=body, headers=NDJSON | {"Authorization": "Bearer not-a-token"}
        )
        other = await http.post(
            "/positions", content=body,
            headers={"Content-Type": "application/xml"} | await headers(http),
        )  # fmt: skip

        assert anonymous.status_code == 401
        assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="hub"'
        assert reader.status_code == 403
        assert reader.json()["message"] == "this needs scope exchange:positioning:write"
        assert forged.status_code == 401
        assert other.status_code == 415
        assert other.json()["message"].startswith("Content-Type: one of application/x-ndjson")
        assert await stored(http) == []


async def test_the_latest_position_is_each_vehicles_newest_fix_whatever_the_order(
    settings: Settings,
) -> None:
    async with running(settings) as http:
        auth = NDJSON | await headers(http)
        await http.post("/positions", content=ndjson(fix(minute=5, lat=32.05)), headers=auth)
        await http.post(
            "/positions", content=ndjson(fix(minute=1), fix(minute=3), fix("苏A00002", 2, alarm=5)),
            headers=auth,
        )  # fmt: skip

        sessions = session_factory(http.app.state.engine)  # type: ignore[attr-defined]
        async with sessions() as session:
            rows = (await session.scalars(select(LatestPosition).order_by("plate"))).all()
            count = await session.scalar(select(func.count()).select_from(PositionFix))
        assert count == 4
        assert [(r.plate, r.observed_at, r.latitude, r.alarm_flags) for r in rows] == [
            ("苏A00001", (T0 + dt.timedelta(minutes=5)).astimezone(dt.UTC), 32.05, 0),
            ("苏A00002", (T0 + dt.timedelta(minutes=2)).astimezone(dt.UTC), 32.04, 5),
        ]


async def test_refused_lines_are_stored_batch_by_batch_too(sessions: Any) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"not json\n" * 5 + ndjson(fix())

    summary = await Intake(sessions, "test", Format.NDJSON, batch_size=2).take(body())

    assert (summary.accepted, summary.rejected) == (1, 5)
    async with sessions() as session:
        lines = (await session.scalars(select(PositionDeadLetter.line))).all()
    assert sorted(lines) == [1, 2, 3, 4, 5]
