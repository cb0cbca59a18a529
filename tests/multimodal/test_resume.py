"""Resumable consignment streams, on SQLite and PostgreSQL, in-process and on Redis pub/sub:
each event carries a cursor; `after` replays what was missed from the database, then live
events follow — none twice, none lost, in the order they were recorded."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial
from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.app import create_app
from hub.canonical.codes import ConsignmentEventKind, TransportMode
from hub.canonical.multimodal import ConsignmentEvent
from hub.config import Settings
from hub.db import session_factory
from hub.multimodal import service
from tests.conftest import bearer
from tests.multimodal.test_service import T0, journey
from tests.multimodal.test_workers import _listening

REFERENCE = "JS-2026-000001"
FOLLOW = """subscription ($after: String) {
  consignmentEvents(reference: "JS-2026-000001", after: $after) { cursor sourceEventId } }"""


@pytest.fixture
def both(settings: Settings, cache_settings: Settings) -> Settings:
    """Each database with each pub/sub backend."""
    return dataclasses.replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )


def _event(source_event_id: str, hours: int = 1) -> ConsignmentEvent:
    return ConsignmentEvent(
        source="rail", source_event_id=source_event_id, kind=ConsignmentEventKind.LOAD,
        occurred_at=T0 + dt.timedelta(hours=hours), location="连云港东站",
        consignment_reference=REFERENCE, mode=TransportMode.RAIL,
    )  # fmt: skip


async def _book(app: Any) -> None:
    async with session_factory(app.state.engine)() as session, session.begin():
        await service.book(session, journey(), "test")


async def _record(app: Any, *ids: str, publish: bool = True) -> list[tuple[str, bytes]]:
    """Record events as the exchange does (committed, then published); their messages."""
    async with session_factory(app.state.engine)() as session, session.begin():
        attached = []
        for source_event_id in ids:
            event = _event(source_event_id)
            for consignment_id in await service.record(session, event, T0, "rail"):
                attached.append((consignment_id, event))
        messages = await service.published_events(session, attached)
    if publish:
        await service.publish(app.state.pubsub, messages)
    return messages


async def _publish(app: Any, messages: list[tuple[str, bytes]]) -> None:
    await service.publish(app.state.pubsub, messages)


def _received(ws: Any, count: int) -> list[tuple[str, str]]:
    seen = []
    for _ in range(count):
        message = ws.receive_json()
        assert message["type"] == "next", message
        event = message["payload"]["data"]["consignmentEvents"]
        seen.append((event["cursor"], event["sourceEventId"]))
    return seen


def _follow(client: TestClient, settings: Settings, after: str | None, count: int,
            then: Any = None) -> list[tuple[str, str]]:  # fmt: skip
    headers = bearer(client, "registry:read")
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": headers})
        assert ws.receive_json()["type"] == "connection_ack"
        payload = {"query": FOLLOW, "variables": {"after": after}}
        ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        _wait_listening(settings)
        if then is not None:
            then()
        return _received(ws, count)


def _wait_listening(settings: Settings) -> None:
    import time

    deadline = time.monotonic() + 60
    while not _listening(settings, service.channel(REFERENCE)):
        assert time.monotonic() < deadline, "the subscription never started"
        time.sleep(0.02)


def test_a_subscriber_resumes_after_its_cursor_from_the_database_then_live(both: Settings) -> None:
    with TestClient(create_app(both)) as client:
        app = client.app
        client.portal.call(_book, app)  # type: ignore[union-attr]
        client.portal.call(_record, app, "e1", "e2", "e3")  # type: ignore[union-attr]
        seen = _follow(
            client, both, "1", 3,
            then=lambda: client.portal.call(_record, app, "e4", "e4", "e5"),  # type: ignore[union-attr]
        )  # fmt: skip
        from_start = _follow(client, both, "0", 5)

    assert seen == [("2", "e2"), ("3", "e3"), ("4", "e4")], "missed ones first, then live"
    assert from_start == [("1", "e1"), ("2", "e2"), ("3", "e3"), ("4", "e4"), ("5", "e5")]


def test_an_event_that_overtakes_another_brings_it_and_the_late_one_is_dropped(
    both: Settings,
) -> None:
    with TestClient(create_app(both)) as client:
        app = client.app
        portal = client.portal
        portal.call(_book, app)  # type: ignore[union-attr]

        def out_of_order() -> None:
            first, second = portal.call(partial(_record, publish=False), app, "e1", "e2")  # type: ignore[union-attr]
            portal.call(_publish, app, [second])  # type: ignore[union-attr]
            portal.call(_publish, app, [first])  # type: ignore[union-attr]
            portal.call(_record, app, "e3")  # type: ignore[union-attr]

        seen = _follow(client, both, None, 3, then=out_of_order)

    assert seen == [("1", "e1"), ("2", "e2"), ("3", "e3")]


def test_an_event_recorded_while_a_subscription_starts_is_delivered(
    both: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Subscribed "from now", an event published after the subscription began but committed
    before its first read (which then sees it as the newest) still reaches the client."""
    import asyncio

    from hub.pubsub import Subscription

    delivered = asyncio.Event()
    deliver = Subscription.deliver

    def noting(self: Subscription, message: bytes) -> None:
        deliver(self, message)
        delivered.set()

    monkeypatch.setattr(Subscription, "deliver", noting)
    with TestClient(create_app(both)) as client:
        app = client.app
        client.portal.call(_book, app)  # type: ignore[union-attr]
        original = service.find
        recorded: list[str] = []

        async def find_after_an_event(*args: Any, **kwargs: Any) -> Any:
            if not recorded:
                recorded.append("e1")
                await _record(app, "e1")
                # On Redis the worker's reader task hands it over: wait until it has.
                await asyncio.wait_for(delivered.wait(), 30)
            return await original(*args, **kwargs)

        monkeypatch.setattr(service, "find", find_after_an_event)
        seen = _follow(client, both, None, 1)

    assert recorded == ["e1"]
    assert seen == [("1", "e1")]
