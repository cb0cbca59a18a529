"""``myUsage``: the caller's requests and estimated cost today, and its tier's limits; and the
extension that counts them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator

import strawberry
from starlette.requests import HTTPConnection
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.context import Context
from hub.auth import usage
from hub.auth.principal import Principal
from hub.cache import Cache
from hub.errors import ServiceUnavailable
from hub.filters import today

log = logging.getLogger("hub.usage")


def _caller_key(principal: Principal, request: HTTPConnection | None) -> str:
    address = request.client.host if request is not None and request.client else None
    return usage.caller_key(principal, address)


def _caller(context: Context) -> str:
    return _caller_key(context.principal, context.request)


async def count_usage(
    cache: Cache, principal: Principal, request: HTTPConnection | None, cost: int
) -> None:
    """Count one request of the caller with its estimated cost, for ``myUsage``."""
    try:
        await usage.record(cache, _caller_key(principal, request), today(), cost)
    except ServiceUnavailable as exc:
        # Open data is served while Redis is down (see the README's outage table);
        # its usage then goes uncounted rather than failing the answer.
        log.warning("usage not counted: %s", exc.message)


class CountUsage(SchemaExtension):
    """Counts every query and mutation over HTTP, with its estimated cost, for ``myUsage``."""

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if isinstance(context, Context) and context.response is not None:
            await count_usage(context.cache, context.principal, context.request, context.cost)


@strawberry.type(description=doc("所属层级的限额。", "The limits of the caller's tier."))
class TierLimitsInfo:
    tier: str = strawberry.field(description=doc("层级。", "Tier: open, partner or internal."))
    max_depth: int = strawberry.field(description=doc("最大嵌套深度。", "Deepest nesting."))
    max_cost: int = strawberry.field(
        description=doc("单次请求最大估算成本。", "Largest estimated cost of one request.")
    )
    max_page_size: int = strawberry.field(description=doc("最大分页大小。", "Largest page."))
    requests_per_second: float = strawberry.field(
        description=doc("持续请求速率（次/秒）。", "Sustained requests per second.")
    )
    burst: int = strawberry.field(
        description=doc("可瞬时发出的请求数。", "Requests allowed at once.")
    )
    requests_per_day: int = strawberry.field(
        description=doc(
            "每日请求上限（速率×86400+突发）。", "Requests a day: rate × 86,400 + burst."
        )
    )


@strawberry.type(description=doc("调用方当日用量。", "The caller's use of the hub today."))
class MyUsage:
    day: dt.date = strawberry.field(description=doc("日期（北京时间）。", "Day, China time."))
    requests: int = strawberry.field(
        description=doc("当日请求数（含本次）。", "Requests today, this one included.")
    )
    cost_spent: int = strawberry.field(
        description=doc(
            "当日已执行请求的估算成本之和。", "Estimated cost of today's requests already run."
        )
    )
    limits: TierLimitsInfo = strawberry.field(description=doc("限额。", "Limits."))


@strawberry.type
class UsageQuery:
    """``myUsage``; merged into ``Query`` by ``hub.api.schema``."""

    @strawberry.field(
        description=doc(
            "调用方（客户端，或匿名调用方的来源地址）当日的请求数、已用成本和所属层级的限额。",
            "The caller's (client's, or an anonymous caller's address's) requests and cost "
            "spent today, and the limits of its tier.",
        )
    )
    async def my_usage(self, info: Info[Context, None]) -> MyUsage:
        context = info.context
        day = today()
        counted = await usage.of(context.cache, _caller(context), day)
        tier = context.principal.tier
        return MyUsage(
            day=day,
            # This request is counted once it has run: count it now as well.
            requests=counted.requests + 1,
            cost_spent=counted.cost,
            limits=TierLimitsInfo(
                tier=tier.name,
                max_depth=tier.max_depth,
                max_cost=tier.max_cost,
                max_page_size=tier.max_page_size,
                requests_per_second=tier.rate,
                burst=tier.burst,
                requests_per_day=int(tier.rate * 86_400) + tier.burst,
            ),
        )
