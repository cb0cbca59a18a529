"""Alerts live: every alert raised, acknowledged or closed in a region, over graphql-transport-ws.

The engine and the mutations publish each alert on the ``alerts`` channel once its transaction
commits, from whichever process raised it; each worker listens once and fans the messages out
(``hub.pubsub``), and each subscription keeps those of its kinds and region that the
subscriber's own region rule lets it see (``hub.alerts.access``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from hub.alerts.access import alert_visible
from hub.alerts.engine import CHANNEL
from hub.api.alerts.near import Near, checked
from hub.api.alerts.types import Alert, NearInput, decoded
from hub.api.bilingual import doc
from hub.api.common import region_argument
from hub.api.context import Context
from hub.api.enums import AlertKind
from hub.api.websocket import close_when_behind
from hub.auth.scopes import ENFORCEMENT_READ, ENFORCEMENT_WRITE
from hub.errors import Forbidden, SubscriptionInterrupted
from hub.filters import region_prefix
from hub.pubsub import Limits, Subscription, SubscriptionEnded


@strawberry.type
class AlertSubscription:
    @strawberry.subscription(
        description=doc(
            "实时接收本区划内告警的生成、确认与关闭（可按类型筛选）；连接中断时以 "
            "SUBSCRIPTION_INTERRUPTED 结束，此后请用 alerts 查询补齐。",
            "Alerts of a region as they are raised, acknowledged and closed (of some kinds, if "
            "given). If the stream is cut it ends with SUBSCRIPTION_INTERRUPTED: catch up with "
            "the alerts query.",
        )
    )
    async def alerts(
        self,
        info: Info[Context, None],
        region: Annotated[
            str | None,
            strawberry.argument(
                description=doc(
                    "行政区划代码（省、市或县）；缺省为调用方可见的全部。",
                    "Division code (province, city, county); by default all the caller sees.",
                )
            ),
        ] = None,
        kinds: Annotated[
            list[AlertKind] | None,
            strawberry.argument(description=doc("告警类型（任一）。", "Kinds (any of them).")),
        ] = None,
        near: Annotated[
            NearInput | None,
            strawberry.argument(
                description=doc(
                    "只要最新位置在此点半径内的告警（执法人员附近）：告警在半径内生成、确认、"
                    "关闭时各收到一次；黑名单车辆驶入半径时再收到一次。",
                    "Only alerts whose latest place is within a radius of a point (near the "
                    "officer): each raised, acknowledged or closed there, and a blacklisted "
                    "vehicle's alert again whenever the vehicle comes into the radius.",
                )
            ),
        ] = None,
    ) -> AsyncGenerator[Alert, None]:
        ctx = info.context
        code = region_argument(region, "region")
        around = (
            None if near is None else checked(near.latitude, near.longitude, near.radius_km, "near")
        )
        if ctx.pubsub is None:
            raise Forbidden("alerts: subscriptions are not available here")
        if not {ENFORCEMENT_READ, ENFORCEMENT_WRITE} & ctx.principal.scopes:
            raise Forbidden(f"alerts: needs scope {ENFORCEMENT_READ} or {ENFORCEMENT_WRITE}")
        reader = ctx.principal.reader
        prefix = "" if code is None else region_prefix(code)
        of_kinds = None if not kinds else {kind.value for kind in kinds}
        limits = Limits(ctx.settings.subscriber_queue_events, ctx.settings.subscriber_queue_bytes)
        shown: set[int] = set()  # alerts near the point when last heard of

        # Judged as each message arrives, before it is queued: the limits count what this
        # subscriber is sent, not the province's bursts of alerts it does not follow.
        def wanted(message: bytes) -> bool:
            values = decoded(message)
            if of_kinds is not None and values["kind"] not in of_kinds:
                return False
            if not values["region_code"].startswith(prefix):
                return False
            if not alert_visible(reader, values["region_code"]):
                return False
            if around is None:
                return not values.get("moved")  # a place only matters to those who asked
            return _near_enough(around, values, shown)

        subscription: Subscription = await ctx.pubsub.subscribe(
            CHANNEL, limits, close_when_behind(ctx.request), wanted
        )
        last = ""
        try:
            async for message in subscription:
                values = decoded(message)
                alert = Alert.of(values)
                last = alert.id()
                yield alert
        except SubscriptionEnded as ended:
            raise SubscriptionInterrupted(
                f"{ended}: query alerts to catch up (the last one delivered is in "
                "extensions.after)",
                after=last,
            ) from None
        finally:
            await subscription.aclose()


def _near_enough(around: Near, values: dict[str, Any], shown: set[int]) -> bool:
    """Whether a subscriber near ``around`` gets this message: a status change of an alert
    inside the radius (or that was, so that the subscriber learns how it ended), or an alert
    that moved into it; ``shown`` follows which of them are inside."""
    key = values["id"]
    was_inside = key in shown
    inside = around.contains(values["latitude"], values["longitude"])
    if inside and values["status"] != "CLOSED":
        shown.add(key)
    else:
        shown.discard(key)
    if values.get("moved"):
        return inside and not was_inside
    return inside or was_inside
