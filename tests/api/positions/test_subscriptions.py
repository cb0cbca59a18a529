"""锁定跟踪: vehicleTrack over graphql-transport-ws, fixes posted to one worker reaching the
subscriber of another, through the in-process pub/sub and through Redis; audited, with the
tracking scope and a stated purpose."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import time
from functools import partial
from pathlib import Path
from typing import Any

from redis import Redis
from sqlalchemy import select
from starlette.testclient import TestClient

from hub.api.relay import to_global_id
from hub.app import create_app
from hub.audit.log import reads_of
from hub.config import Settings
from hub.db import session_factory
from hub.demo.generator import generate
from hub.demo.loader import load
from hub.filters import today
from hub.positions import live
from hub.pubsub.memory import _CHANNELS
from hub.vehicles.models import Vehicle
from tests.api.positions.fleet import SMALL
from tests.conftest import PURPOSE, REDIS_URL, bearer, register_client

SUBSCRIBE = """
subscription Follow($plate: String!, $plateColor: PlateColor!) {
  vehicleTrack(plate: $plate, plateColor: $plateColor) { observedAt latitude longitude speedKmh }
}
"""
T0 = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=30)


def _listening(settings: Settings, channel: str) -> bool:
    if not settings.redis_url:
        return bool(_CHANNELS.get(channel))
    with Redis.from_url(REDIS_URL) as redis:
        counts = dict(redis.pubsub_numsub(f"{settings.cache_prefix}events:{channel}"))
    return any(counts.values())


async def _vehicles(app: Any) -> list[Vehicle]:
    sessions = session_factory(app.state.engine)
    await load(sessions, generate(SMALL, seed=7, today=today()))
    async with sessions() as session:
        return list((await session.scalars(select(Vehicle).order_by(Vehicle.plate))).all())


async def _audited(app: Any, subject: str) -> list[tuple[str, str | None]]:
    async with session_factory(app.state.engine)() as session:
        return [(e.outcome, e.purpose) for e in await reads_of(session, subject)]


def _fix(vehicle: Vehicle, minute: int, lat: float = 32.04) -> dict[str, Any]:
    return {"plate": vehicle.plate, "color": vehicle.plate_color.value,
            "time": (T0 + dt.timedelta(minutes=minute)).isoformat(), "lon": 118.78,
            "lat": lat, "speed": 30, "direction": 0}  # fmt: skip


def _positioning(client: TestClient) -> dict[str, str]:
    client_id, secret = client.portal.call(  # type: ignore[union-attr]
        partial(register_client, agency="positioning"), client, "exchange:positioning:write"
    )
    token = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}


def _post(client: TestClient, headers: dict[str, str], *fixes: dict[str, Any]) -> None:
    body = "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in fixes)
    answer = client.post("/positions", content=body.encode(), headers=headers)
    assert answer.status_code == 200, answer.text


def test_every_new_fix_of_the_followed_vehicle_reaches_its_subscriber_once_in_order(
    cache_settings: Settings, sqlite_template: Path, tmp_path: Path
) -> None:
    shutil.copy(sqlite_template, tmp_path / "hub.sqlite3")
    settings = dataclasses.replace(
        cache_settings,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
        data_dir=tmp_path,
    )
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as other:
        followed, bystander = one.portal.call(_vehicles, one.app)[:2]  # type: ignore[union-attr]
        platform = _positioning(one)
        _post(one, platform, _fix(followed, 0))
        tracker = bearer(other, "registry:read tracking:read") | {"X-Purpose-Of-Use": PURPOSE}
        variables = {"plate": followed.plate, "plateColor": followed.plate_color.name}
        with other.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": tracker})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe",
                          "payload": {"query": SUBSCRIBE, "variables": variables}})  # fmt: skip
            first = ws.receive_json()  # the latest stored position comes first
            deadline = time.monotonic() + 60
            while not _listening(settings, live.channel(followed.plate, followed.plate_color)):
                assert time.monotonic() < deadline, "the subscription never started"
                time.sleep(0.02)
            _post(one, platform, _fix(followed, 2, 32.05), _fix(bystander, 2), _fix(followed, 1))
            # 1 again, older than 2 which was sent: dropped.
            _post(one, platform, _fix(followed, 1), _fix(followed, 3, 32.06))
            seen = [first, ws.receive_json(), ws.receive_json(), ws.receive_json()]
        subject = to_global_id("Vehicle", followed.id)
        audited = other.portal.call(_audited, other.app, subject)  # type: ignore[union-attr]

    points = [m["payload"]["data"]["vehicleTrack"] for m in seen]
    assert [(p["observedAt"], p["latitude"]) for p in points] == [
        ((T0 + dt.timedelta(minutes=m)).isoformat(), lat)
        for m, lat in ((0, 32.04), (1, 32.04), (2, 32.05), (3, 32.06))
    ]
    assert audited == [("ok", PURPOSE)]


def test_following_needs_the_scope_and_a_purpose_and_a_refusal_is_audited(
    settings: Settings,
) -> None:
    if not settings.database_url.startswith("sqlite"):
        return  # the rules are the same on both databases; the socket test runs once
    with TestClient(create_app(settings)) as client:
        vehicle = client.portal.call(_vehicles, client.app)[0]  # type: ignore[union-attr]
        variables = {"plate": vehicle.plate, "plateColor": vehicle.plate_color.name}
        no_scope = bearer(client, "registry:read") | {"X-Purpose-Of-Use": PURPOSE}
        no_purpose = bearer(client, "registry:read tracking:read")
        answers = []
        for params in (no_scope, no_purpose):
            with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
                ws.send_json({"type": "connection_init", "payload": params})
                assert ws.receive_json()["type"] == "connection_ack"
                ws.send_json({"id": "1", "type": "subscribe",
                              "payload": {"query": SUBSCRIBE, "variables": variables}})  # fmt: skip
                answers.append(ws.receive_json())
        subject = to_global_id("Vehicle", vehicle.id)
        audited = client.portal.call(_audited, client.app, subject)  # type: ignore[union-attr]

    assert [a["type"] for a in answers] == ["error", "error"]
    errors = [a["payload"][0] for a in answers]
    assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN", "FORBIDDEN"]
    assert errors[0]["message"] == "vehicleTrack: needs scope tracking:read"
    assert errors[1]["message"] == (
        "vehicleTrack: following a vehicle needs a stated purpose of use "
        "(the X-Purpose-Of-Use header)"
    )
    assert audited == [("denied", None)]
