"""What is published after a commit: every attached event, found in one statement, in each
consignment's order (its subscribers take an event numbered ahead of the last as a gap)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event as sql_event

from hub.canonical.codes import ConsignmentEventKind
from hub.multimodal import service
from tests.multimodal.test_service import T0, event, journey


async def test_a_batch_of_events_is_published_in_each_consignments_order_from_one_statement(
    sessions: Any,
) -> None:
    # Given two consignments and five events about them, attached in one transaction
    async with sessions() as session, session.begin():
        await service.book(session, journey("JS-2026-000001"), "test")
        await service.book(session, journey("JS-2026-000002"), "test")
    statements: list[str] = []
    async with sessions() as session, session.begin():
        attached = []
        for n, reference in enumerate(["000001", "000002", "000001", "000002", "000001"]):
            item = event(
                n, ConsignmentEventKind.LOAD, n + 1, consignment_reference=f"JS-2026-{reference}"
            )
            attached += [(c, item) for c in await service.record(session, item, T0, "rail")]
        connection = (await session.connection()).sync_connection
        assert connection is not None
        sql_event.listen(
            connection, "before_cursor_execute", lambda *args: statements.append(args[2])
        )

        # When their messages are made, handed over in no particular order
        messages = await service.published_events(session, attached[::-1])
        made_by = list(statements)  # the commit flushes the statuses after

    # Then there is one per event, each consignment's in the order of its cursors, found by
    # one statement
    published: dict[str, list[tuple[int, str]]] = {}
    for channel, message in messages:
        decoded = json.loads(message)
        published.setdefault(channel, []).append((decoded["sequence"], decoded["source_event_id"]))
    assert published == {
        "consignment:JS-2026-000001": [(1, "E0"), (2, "E2"), (3, "E4")],
        "consignment:JS-2026-000002": [(1, "E1"), (2, "E3")],
    }
    assert len(made_by) == 1, made_by


async def test_nothing_attached_is_nothing_to_publish(sessions: Any) -> None:
    async with sessions() as session:
        assert await service.published_events(session, []) == []
