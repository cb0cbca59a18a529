"""Joint sanctions, live: changes of the credit lists over graphql-transport-ws.

Each change has a cursor (its number, in the order changes were made). A subscription starts
after ``after`` — or from now — and delivers every later change once, in order: those missed
from the database, then each new one as its notice comes through the shared pub/sub (the notice
only wakes the subscription; the change is read from the database, so none is skipped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from sqlalchemy import func, select
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.credit.types import CreditListEntry
from hub.api.websocket import close_when_behind
from hub.auth.scopes import CREDIT_REVIEW, REGISTRY_READ
from hub.credit.models import ListChangeRow
from hub.credit.service import LIST_CHANNEL, changes_after
from hub.errors import BadUserInput, Forbidden, SubscriptionInterrupted
from hub.pubsub import Limits, SubscriptionEnded

READ_AT_ONCE = 100


@strawberry.type(description=doc("名单变动。", "A change of the credit lists."))
class CreditListChange:
    cursor: str = strawberry.field(description=doc("游标（续传点）。", "Cursor to resume after."))
    change: str = strawberry.field(
        description=doc("变动类别：LISTED（列入）或 REMOVED（移出）。", "Listed or removed.")
    )
    changed_at: dt.datetime = strawberry.field(description=doc("变动时间。", "When."))
    entry: CreditListEntry = strawberry.field(description=doc("名单记录。", "The entry."))


def _cursor(after: str | None) -> int | None:
    if after is None:
        return None
    if not (after.isascii() and after.isdigit() and len(after) <= 18):
        raise BadUserInput(f"after: {after[:40]!r} is not a cursor of this stream", field="after")
    return int(after)


@strawberry.type
class CreditSubscription:
    @strawberry.subscription(
        description=doc(
            "联合惩戒：实时接收信用名单的变动（列入、移出），每个一次、按顺序；给出 after 时先补发"
            "其后错过的变动。",
            "Joint sanctions: changes of the credit lists as they are made, each once, in "
            "order; with `after` (a change's cursor) those missed since come first.",
        )
    )
    async def credit_list_changes(
        self,
        info: Info[Context, None],
        after: Annotated[
            str | None,
            strawberry.argument(
                description=doc("从此游标之后开始；缺省为订阅之时。", "Start after this cursor.")
            ),
        ] = None,
    ) -> AsyncGenerator[CreditListChange, None]:
        ctx = info.context
        if ctx.pubsub is None:
            raise Forbidden("creditListChanges: subscriptions are not available here")
        if not {REGISTRY_READ, CREDIT_REVIEW} & ctx.principal.scopes:
            raise Forbidden(f"creditListChanges: needs scope {REGISTRY_READ} or {CREDIT_REVIEW}")
        start = _cursor(after)
        limits = Limits(ctx.settings.subscriber_queue_events, ctx.settings.subscriber_queue_bytes)
        subscription = await ctx.pubsub.subscribe(
            LIST_CHANNEL, limits, close_when_behind(ctx.request)
        )
        sessions = ctx.read_sessions or ctx.sessions
        if start is None:
            async with sessions() as session:
                start = await session.scalar(select(func.max(ListChangeRow.id))) or 0
        last = start
        try:
            while True:
                async with sessions() as session:
                    rows = await changes_after(session, last, READ_AT_ONCE)
                for change, entry in rows:
                    last = change.id
                    yield CreditListChange(
                        cursor=str(change.id),
                        change=change.change,
                        changed_at=change.changed_at,
                        entry=CreditListEntry.from_row(entry),
                    )
                if len(rows) == READ_AT_ONCE:
                    continue
                async for message in subscription:
                    if int(message) > last:
                        break
                else:
                    return
        except SubscriptionEnded as ended:
            raise SubscriptionInterrupted(
                f'{ended}: subscribe again with after: "{last}" to receive them', after=str(last)
            ) from None
        finally:
            await subscription.aclose()
