"""Handling alerts: acknowledge, close (scope enforcement:write, the alert's region rule).

Each is one unit of work: refused (an alert of another region is not found; one already in
the status asked for is refused naming it), it changes nothing. Once committed, the alert's
new status is published to the subscribers of ``alerts``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from hub.alerts import service
from hub.api.alerts.queries import alert_pk
from hub.api.alerts.types import Alert
from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.permissions import RequiresScopes
from hub.auth.scopes import ENFORCEMENT_WRITE
from hub.multimodal.service import publish

HANDLERS = RequiresScopes(any_of=[ENFORCEMENT_WRITE])

AlertId = Annotated[
    strawberry.ID, strawberry.argument(description=doc("告警的全局标识。", "The alert's ID."))
]


def _actor(info: Info[Context, None]) -> str:
    return info.context.principal.client_id or "anonymous"


@strawberry.type
class AlertMutation:
    @strawberry.mutation(
        description=doc(
            "确认告警（仅 OPEN 状态可确认）。", "Acknowledge an alert (an OPEN one only)."
        ),
        directives=[HANDLERS],
    )
    async def acknowledge_alert(self, info: Info[Context, None], id: AlertId) -> Alert:
        ctx = info.context
        pk = alert_pk(id)
        async with ctx.sessions() as session, session.begin():
            row, message = await service.acknowledge(
                session, pk, ctx.principal.reader, _actor(info), dt.datetime.now(dt.UTC)
            )
            alert = Alert.from_row(row)
        await publish(ctx.pubsub, [message])
        return alert

    @strawberry.mutation(
        description=doc(
            "关闭告警并填写处置结果（已关闭者拒绝，并指明当前状态）。",
            "Close an alert with its disposition (a closed one is refused, naming its status).",
        ),
        directives=[HANDLERS],
    )
    async def close_alert(
        self,
        info: Info[Context, None],
        id: AlertId,
        disposition: Annotated[
            str,
            strawberry.argument(
                description=doc("处置结果（1–500 字）。", "How it was handled (1-500 characters).")
            ),
        ],
    ) -> Alert:
        ctx = info.context
        pk = alert_pk(id)
        async with ctx.sessions() as session, session.begin():
            row, message = await service.close(
                session, pk, ctx.principal.reader, _actor(info), disposition,
                dt.datetime.now(dt.UTC),
            )  # fmt: skip
            alert = Alert.from_row(row)
        await publish(ctx.pubsub, [message])
        return alert
