"""Following a consignment live: its new events over graphql-transport-ws, via pub/sub.

Each event carries a cursor (its sequence within the consignment, in the order events were
recorded). A subscription starts from ``after`` — or from the newest event when it is
subscribed — and delivers every later event once, in that order: first those it missed,
from the database, then live ones. An event that overtakes another on the way (they commit
in order but are published concurrently) brings the one it overtook from the database first,
and the late one is dropped when it comes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import weakref
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.consignments.types import ConsignmentEvent
from hub.api.context import Context
from hub.api.enums import ConsignmentEventKind, PlateColor, TransportMode
from hub.api.text import identifier_argument
from hub.api.websocket import close_when_behind
from hub.auth.scopes import CONSIGNMENT_WRITE, REGISTRY_READ
from hub.canonical import identifiers
from hub.errors import BadUserInput, Forbidden, SubscriptionInterrupted
from hub.multimodal import service
from hub.pubsub import Limits, Subscription, SubscriptionEnded

EVENT_FIELDS = {
    "kind", "occurred_at", "location", "source", "source_event_id", "leg", "container_number",
    "vehicle_plate", "vehicle_plate_color", "vessel_mmsi", "mode", "remarks", "received_at",
    "reported_by",
}  # fmt: skip


@lru_cache(maxsize=1024)
def _event_of(message: bytes) -> tuple[int, ConsignmentEvent]:
    """The sequence and event of a published message, decoded once per process however many
    subscribers it goes to (every subscriber is handed the same ``bytes``)."""
    decoded: dict[str, Any] = json.loads(message)
    values = {name: value for name, value in decoded.items() if name in EVENT_FIELDS}
    for name in ("occurred_at", "received_at"):
        values[name] = dt.datetime.fromisoformat(values[name])
    values["kind"] = ConsignmentEventKind(values["kind"])
    values["mode"] = None if values["mode"] is None else TransportMode(values["mode"])
    color = values["vehicle_plate_color"]
    values["vehicle_plate_color"] = None if color is None else PlateColor(color)
    sequence = int(decoded["sequence"])
    return sequence, ConsignmentEvent(**values, cursor=str(sequence))


def _cursor(after: str | None) -> int | None:
    if after is None:
        return None
    if not (after.isascii() and after.isdigit() and len(after) <= 18):
        raise BadUserInput(
            f"after: {after[:40]!r} is not a cursor: give the cursor of an event of this stream",
            field="after",
        )
    return int(after)


READS_AT_ONCE = 4
"""Database reads that a worker's subscriptions make at once (a consignment looked up, missed
events read); the others wait their turn. Thousands of clients subscribing together — after a
restart, say — then take at most this many of the pool's connections (20 per worker on
PostgreSQL), and recording events is not starved of connections by them."""

_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


@asynccontextmanager
async def _reading(ctx: Context) -> AsyncIterator[AsyncSession]:
    """A session for a subscription's read, when its turn comes (see ``READS_AT_ONCE``)."""
    loop = asyncio.get_running_loop()  # one app per loop: a semaphore belongs to its loop
    turn = _turns.get(loop)
    if turn is None:
        turn = _turns[loop] = asyncio.Semaphore(READS_AT_ONCE)
    async with turn, (ctx.read_sessions or ctx.sessions)() as session:
        yield session


async def _missed(
    ctx: Context, consignment_id: int, after: int, before: int | None = None
) -> list[ConsignmentEvent]:
    async with _reading(ctx) as session:
        rows = await service.events_after(session, consignment_id, after, before)
    return [ConsignmentEvent.from_row(row) for row in rows]


@strawberry.type
class ConsignmentSubscription:
    @strawberry.subscription(
        description=doc(
            "实时接收运单的新事件，每个一次、按记录顺序；给出 after（某事件的 cursor）时"
            "先补发其后错过的事件。连接中断时以 SUBSCRIPTION_INTERRUPTED 结束，"
            "其 extensions.after 即续传点。",
            "New events of a consignment as they are recorded, each once, in the order recorded; "
            "with `after` (an event's cursor) those missed since it come first. If the stream is "
            "cut, it ends with SUBSCRIPTION_INTERRUPTED, whose extensions.after is where to "
            "resume.",
        )
    )
    async def consignment_events(
        self,
        info: Info[Context, None],
        reference: Annotated[str, strawberry.argument(description=doc("运单号。", "Reference."))],
        after: Annotated[
            str | None,
            strawberry.argument(
                description=doc(
                    "从此游标之后开始（含错过的事件）；缺省为订阅之时。",
                    "Start after this cursor (missed events included); by default, from now.",
                )
            ),
        ] = None,
    ) -> AsyncGenerator[ConsignmentEvent, None]:
        ctx = info.context
        reference = identifier_argument(identifiers.waybill_reference, reference, "reference")
        if ctx.pubsub is None:
            raise Forbidden("consignmentEvents: subscriptions are not available here")
        if not {REGISTRY_READ, CONSIGNMENT_WRITE} & ctx.principal.scopes:
            raise Forbidden(
                f"consignmentEvents: needs scope {REGISTRY_READ} or {CONSIGNMENT_WRITE}"
            )
        start = _cursor(after)
        limits = Limits(ctx.settings.subscriber_queue_events, ctx.settings.subscriber_queue_bytes)
        # Subscribed before the database is read, so nothing recorded meanwhile slips between;
        # then one read, in one session closed at once (the subscription lives on and holds no
        # connection while it waits): the consignment, and the events missed since ``after``.
        subscription: Subscription = await ctx.pubsub.subscribe(
            service.channel(reference), limits, close_when_behind(ctx.request)
        )
        last = 0
        try:
            async with _reading(ctx) as session:
                # Hidden from this client: not found.
                row = await service.find(session, reference, ctx.principal.reader)
                if start is not None and start > row.last_event_sequence:
                    raise BadUserInput(
                        f"after: consignment {row.reference} has no event {start} yet (its "
                        f"newest is {row.last_event_sequence})",
                        field="after",
                    )
                last = row.last_event_sequence if start is None else start
                consignment_id = row.id
                missed = await service.events_after(session, consignment_id, last)
            waiting = subscription.oldest()
            if start is None and waiting is not None:
                # Published since the subscription began, so new to this client, even when
                # it committed before the read above saw it as the newest.
                last = min(last, _event_of(waiting)[0] - 1)
            for event in map(ConsignmentEvent.from_row, missed):
                last = int(event.cursor)
                yield event
            async for message in subscription:
                sequence, event = _event_of(message)
                if sequence <= last:
                    continue  # delivered already, from the database
                if sequence > last + 1:  # it overtook others: they are committed, read them
                    for missed_event in await _missed(ctx, consignment_id, last, sequence):
                        last = int(missed_event.cursor)
                        yield missed_event
                last = sequence
                yield event
        except SubscriptionEnded as ended:
            raise SubscriptionInterrupted(
                f'{ended}: subscribe again with after: "{last}" to receive them',
                after=str(last),
            ) from None
        finally:
            await subscription.aclose()
