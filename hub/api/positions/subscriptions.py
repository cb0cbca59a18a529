"""锁定跟踪: every new fix of one vehicle, live over graphql-transport-ws, via pub/sub.

The same rules as the vehicle's track: scope ``tracking:read``, the vehicle visible to the
client (its region rule), a stated purpose of use; each subscription is entered in the audit
log as it starts (refusals too). The first point is the vehicle's latest stored position, if
it has one; then each fix the intake stores (``hub.positions.live``), once, in time order —
a fix older than one already delivered (a late line of a platform) is not sent.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from graphql import print_ast
from strawberry.types import Info

from hub.api.access_log import record_access
from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.enums import PlateColor
from hub.api.permissions import TRACKING, FollowsVehicle, stated_purpose_missing
from hub.api.positions.types import TrackPoint
from hub.api.relay import to_global_id
from hub.api.text import identifier_argument
from hub.api.websocket import close_when_behind
from hub.auth.scopes import TRACKING_READ
from hub.canonical import identifiers
from hub.errors import Forbidden, NotFound, SubscriptionInterrupted
from hub.positions import live
from hub.positions import repository as positions
from hub.positions.models import LatestPosition
from hub.pubsub import Limits, Subscription, SubscriptionEnded
from hub.vehicles.models import Vehicle as VehicleRow
from hub.vehicles.repository import vehicles_by_plate


@strawberry.type
class PositionSubscription:
    @strawberry.subscription(
        description=doc(
            "锁定跟踪：实时接收一辆车的每个新定位（先发最新位置），按时间顺序各一次；"
            "须 tracking:read 并声明使用目的，每次订阅均留痕。连接中断时以 "
            "SUBSCRIPTION_INTERRUPTED 结束，重新订阅即可。",
            "Lock-on tracking: every new fix of one vehicle as it is stored (its latest "
            "position first), each once, in time order; needs tracking:read and a stated "
            "purpose of use, and every subscription is audited. If the stream is cut, it ends "
            "with SUBSCRIPTION_INTERRUPTED: subscribe again.",
        ),
        directives=[TRACKING, FollowsVehicle()],
    )
    async def vehicle_track(
        self,
        info: Info[Context, None],
        plate: Annotated[str, strawberry.argument(description=doc("车牌号码。", "Plate number."))],
        plate_color: Annotated[
            PlateColor, strawberry.argument(description=doc("车牌颜色。", "Plate colour."))
        ],
    ) -> AsyncGenerator[TrackPoint, None]:
        ctx = info.context
        number = identifier_argument(identifiers.plate, plate, "plate")
        if ctx.pubsub is None:
            raise Forbidden("vehicleTrack: subscriptions are not available here")
        if not ctx.principal.has(TRACKING_READ):
            raise Forbidden(f"vehicleTrack: needs scope {TRACKING_READ}")
        async with (ctx.read_sessions or ctx.sessions)() as session:
            found = await vehicles_by_plate(session, [(number, plate_color)], ctx.rule(VehicleRow))
            if not found:
                raise NotFound(f"vehicle {number} ({plate_color.name.lower()}) not found")
            latest = await positions.latest_of(
                session, [(number, plate_color)], ctx.rule(LatestPosition)
            )
        subject = to_global_id("Vehicle", found[0].id)
        missing = stated_purpose_missing(ctx.principal)
        document = print_ast(info.operation)
        variables = {"plate": number, "plateColor": plate_color.name}  # as looked up
        operation = info.operation.name.value if info.operation.name else None
        outcome = "ok" if missing is None else "denied"
        await record_access(ctx, operation, document, variables, {subject}, outcome)
        if missing is not None:
            raise Forbidden(f"vehicleTrack: following a vehicle needs {missing}")
        limits = Limits(ctx.settings.subscriber_queue_events, ctx.settings.subscriber_queue_bytes)
        # Subscribed before the latest position is sent: nothing stored meanwhile slips by.
        subscription: Subscription = await ctx.pubsub.subscribe(
            live.channel(number, plate_color), limits, close_when_behind(ctx.request)
        )
        last = None
        try:
            if latest:
                last = latest[0].observed_at
                yield TrackPoint(
                    observed_at=latest[0].observed_at,
                    latitude=latest[0].latitude,
                    longitude=latest[0].longitude,
                    speed_kmh=latest[0].speed_kmh,
                )
            async for message in subscription:
                for fix in live.fixes_in(message).get((number, plate_color), ()):
                    if last is not None and fix.observed_at <= last:
                        continue  # sent already, or older than what was sent
                    last = fix.observed_at
                    yield TrackPoint(
                        observed_at=fix.observed_at,
                        latitude=fix.latitude,
                        longitude=fix.longitude,
                        speed_kmh=fix.speed_kmh,
                    )
        except SubscriptionEnded as ended:
            raise SubscriptionInterrupted(
                f"{ended}: subscribe again to follow on",
                after="" if last is None else last.isoformat(),
            ) from None
        finally:
            await subscription.aclose()
