"""Subscriptions across workers: an event recorded through one worker reaches the websocket
clients of another, through the shared pub/sub (Redis in production)."""

from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path
from typing import Any

from redis import Redis
from starlette.testclient import TestClient

from hub.app import create_app
from hub.config import Settings
from hub.db import session_factory
from hub.multimodal import service
from hub.pubsub.memory import _CHANNELS
from tests.conftest import REDIS_URL, bearer
from tests.multimodal.test_graphql import RECORD, SUBSCRIBE, event
from tests.multimodal.test_service import RAIL_CARRIER, journey


def _listening(settings: Settings, channel: str) -> bool:
    if not settings.redis_url:
        return bool(_CHANNELS.get(channel))
    with Redis.from_url(REDIS_URL) as redis:
        counts = dict(redis.pubsub_numsub(f"{settings.cache_prefix}events:{channel}"))
    return any(counts.values())


async def _book(app: Any) -> None:
    async with session_factory(app.state.engine)() as session, session.begin():
        await service.book(session, journey(), "test")


def test_an_event_recorded_by_one_worker_reaches_the_subscribers_of_another(
    cache_settings: Settings, sqlite_template: Path, tmp_path: Path
) -> None:
    shutil.copy(sqlite_template, tmp_path / "hub.sqlite3")
    settings = dataclasses.replace(
        cache_settings,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
        data_dir=tmp_path,
    )
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as other:
        one.portal.call(_book, one.app)  # type: ignore[union-attr]
        reader = bearer(other, "registry:read")
        carrier = bearer(one, "consignment:write", RAIL_CARRIER)
        with other.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": reader})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
            deadline = time.monotonic() + 60
            while not _listening(settings, "consignment:JS-2026-000001"):
                assert time.monotonic() < deadline, "the subscription never started"
                time.sleep(0.02)
            for item in (event("LOAD", 3, "w1"), event("LOAD", 3, "w1"), event("DEPART", 4, "w2")):
                answer = one.post(
                    "/graphql", json={"query": RECORD, "variables": {"e": item}}, headers=carrier
                ).json()
                assert "errors" not in answer, answer
            seen = [ws.receive_json(), ws.receive_json()]

    assert [m["payload"]["data"]["consignmentEvents"]["kind"] for m in seen] == ["LOAD", "DEPART"]
