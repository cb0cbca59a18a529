"""Alerts for the planner's tests, of vehicles of the demo data: of several kinds and statuses,
in Nanjing (320100) and elsewhere, some without a location, one of an unregistered vehicle,
some raised at the same instant (their order is their ids')."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from hub.alerts.models import AlertRow
from hub.canonical.codes import AlertKind, AlertStatus, PlateColor
from hub.vehicles.models import Vehicle

NEAR_OFFICER = (32.0603, 118.7969)
"""Near the point NearbyBlacklisted asks about (Nanjing, Xinjiekou)."""
KINDS = [AlertKind.OVER_SPEED, AlertKind.FATIGUE, AlertKind.BLACKLISTED, AlertKind.TERMINAL_OFFLINE]
STATUSES = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.OPEN, AlertStatus.CLOSED]


def _alert(
    vehicle: Vehicle | None,
    kind: AlertKind,
    status: AlertStatus,
    started: dt.datetime,
    where: tuple[float, float] | None,
) -> AlertRow:
    plate, color = (
        (vehicle.plate, vehicle.plate_color) if vehicle else ("沪A12345", PlateColor.BLUE)
    )
    evidence = [f"fix:{plate}:{color.value}:{started:%Y-%m-%dT%H:%M:%SZ}", "violation:苏-1"]
    return AlertRow(
        kind=kind, status=status, plate=plate, plate_color=color,
        vehicle_id=vehicle and vehicle.id, operator_id=vehicle and vehicle.operator_id,
        region_code=vehicle.region_code if vehicle else "320000", started_at=started,
        ended_at=started + dt.timedelta(minutes=7, microseconds=250), latitude=where and where[0],
        longitude=where and where[1], evidence=evidence, evidence_count=len(evidence) + 3,
        raised_at=started, acknowledged_at=None if status is AlertStatus.OPEN else started,
        acknowledged_by=None if status is AlertStatus.OPEN else "officer-1",
    )  # fmt: skip


async def raise_alerts(sessions: Any, now: dt.datetime) -> None:
    """Alerts of the first vehicles of Nanjing and of elsewhere, and of an unregistered one."""
    async with sessions() as session:
        nanjing = select(Vehicle).where(Vehicle.region_code.startswith("3201"))
        local = (await session.scalars(nanjing.order_by(Vehicle.id).limit(8))).all()
        elsewhere = select(Vehicle).where(Vehicle.region_code.not_like("3201%"))
        others = (await session.scalars(elsewhere.order_by(Vehicle.id).limit(4))).all()
        alerts = []
        for n, vehicle in enumerate([*local, *others]):
            # Every third one raised at the same instant as the one before it.
            started = now - dt.timedelta(hours=n - n % 3 // 2, seconds=n * 0.25)
            where = None if n % 5 == 4 else (NEAR_OFFICER[0] + n * 0.004, NEAR_OFFICER[1])
            for k in range(1 + n % 2):
                kind, status = KINDS[(n + k) % 4], STATUSES[(n + 2 * k) % 4]
                alerts.append(_alert(vehicle, kind, status, started, where))
        alerts.append(
            _alert(None, AlertKind.OUT_OF_PROVINCE_ENTRY, AlertStatus.OPEN, now, NEAR_OFFICER)
        )
        session.add_all(alerts)
        await session.commit()
