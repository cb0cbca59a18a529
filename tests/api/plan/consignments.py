"""Consignments for the planner's differential tests: one on its way (handed over from road to
rail), one of dangerous goods not yet reported on, one delivered."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hub.canonical.codes import ConsignmentEventKind
from hub.canonical.multimodal import Goods
from hub.multimodal import service
from tests.multimodal.test_service import T0, event, journey, road_and_rail_events

TRAVELLING = "JS-2026-000001"
DANGEROUS = "JS-2026-000002"
DELIVERED = "JS-2026-000003"


async def book_journeys(sessions: Any) -> list[str]:
    """Books the three consignments (booked by client ``test``) and records their events;
    returns their references."""
    dangerous = dataclasses.replace(
        journey(DANGEROUS),
        goods=(
            Goods("液化石油气", 12, "钢瓶", 1_234.5, "1075", "2.1"),
            Goods("机床配件", 3, "木箱", 900.0, None, None),
        ),
    )
    async with sessions() as session, session.begin():
        for booked in (journey(TRAVELLING), dangerous, journey(DELIVERED)):
            await service.book(session, booked, "test")
    received = T0 + dt.timedelta(days=2)
    delivered = event(9, ConsignmentEventKind.DELIVERED, 31, location="徐州北站")
    # Each event names its consignment: the three share their containers and truck.
    async with sessions() as session, session.begin():
        for reference, events in (
            (TRAVELLING, road_and_rail_events()),
            (DELIVERED, [*road_and_rail_events(), delivered]),
        ):
            for item in events:
                named = dataclasses.replace(item, consignment_reference=reference)
                await service.record(session, named, received, "test")
    return [TRAVELLING, DANGEROUS, DELIVERED]
