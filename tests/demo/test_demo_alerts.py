"""The demo plants one alert of each kind, through the intake, the records and the sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from hub.alerts.models import AlertRow
from hub.canonical.codes import AlertKind
from hub.demo.alerts import ENTERING_PLATE, TRAINING_PLATE, plant
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.filters import today

SMALL = DemoScale(operators=26, vehicles=120, vessels=2, practitioners=10, stations=13)


async def test_every_alert_kind_is_planted(sessions: Any) -> None:
    await load(sessions, generate(SMALL, seed=7, today=today()))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    counts = await plant(sessions, now)

    missing = [kind.value for kind in AlertKind if not counts[kind.value]]
    assert missing == [], counts
    async with sessions() as session:
        rows = (await session.scalars(select(AlertRow))).all()
    by_kind = {row.kind: row for row in rows}
    assert by_kind[AlertKind.TRAINING_CAR_OUT_OF_AREA].plate == TRAINING_PLATE
    assert by_kind[AlertKind.OUT_OF_PROVINCE_ENTRY].plate == ENTERING_PLATE
    assert by_kind[AlertKind.OVER_SPEED].region_code.startswith("32")
