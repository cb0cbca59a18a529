"""Plants one alert of each kind in the demo: fixes through the position intake, records as
the exchange applies them, then a sweep — the same paths live data takes.

A speeding dangerous-goods tanker, a driver four hours at the wheel, a bus moving at 03:00, a
bus off its line, a charter bus and a training car outside their areas, an out-of-province
tanker crossing into Jiangsu, a silent terminal, a drifting fix, a blacklisted truck, a review
and a maintenance overdue, a violation left unhandled.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.agency_records.store import store_many
from hub.alerts import hooks
from hub.alerts.geometry import route_distance_km
from hub.alerts.models import AlertRow
from hub.alerts.rules import BEIJING
from hub.alerts.sweeper import sweep_once
from hub.canonical.codes import AlertKind, LicenceStatus, PermitKind, PlateColor, VehicleType
from hub.canonical.records import BlacklistEntry, TrafficViolation
from hub.demo.generator import city_area
from hub.lines.models import PassengerLine
from hub.positions.intake import Format, Intake
from hub.vehicles.models import Vehicle

TRAINING_PLATE = "苏A0001学"
ENTERING_PLATE = "鲁Q0E001"
SUZHOU, XUZHOU, NANJING = (31.3114, 120.6181), (34.2618, 117.1848), (32.0603, 118.7969)
SHANDONG, XINYI = (35.30, 118.35), (34.30, 118.35)

Line = dict[str, Any]


def _line(plate: str, color: PlateColor, at: dt.datetime, where: tuple[float, float],
          speed: float) -> Line:  # fmt: skip
    return {
        "plate": plate, "color": color.value, "time": at.isoformat(), "lat": where[0],
        "lon": where[1], "speed": speed, "direction": 90,
    }  # fmt: skip


def _last_three_oclock(now: dt.datetime) -> dt.datetime:
    """03:00 Beijing time, the last one before ``now``."""
    local = now.astimezone(BEIJING)
    three = local.replace(hour=3, minute=0, second=0, microsecond=0)
    if three > local:
        three -= dt.timedelta(days=1)
    return three.astimezone(dt.UTC)


async def _pick(session: AsyncSession, *conditions: Any, skip: set[int]) -> Vehicle:
    query = select(Vehicle).where(
        *conditions, Vehicle.certificate_status == LicenceStatus.VALID, Vehicle.id.not_in(skip)
    )
    row = (await session.scalars(query.order_by(Vehicle.id).limit(1))).first()
    if row is None:
        raise LookupError("the demo data lacks a vehicle to plant an alert on")
    skip.add(row.id)
    return row


async def _fleet(session: AsyncSession, now: dt.datetime) -> dict[AlertKind, Vehicle]:
    """A vehicle of the demo for each kind planted on one (a training car is added)."""
    used: set[int] = set()
    bus = Vehicle.vehicle_type.in_((VehicleType.LARGE_BUS, VehicleType.MEDIUM_BUS))
    truck = (Vehicle.vehicle_type == VehicleType.HEAVY_TRUCK, Vehicle.dangerous_goods.is_(False))
    chosen = {
        AlertKind.OVER_SPEED: await _pick(session, Vehicle.dangerous_goods.is_(True), skip=used),
        AlertKind.NIGHT_BAN: await _pick(session, Vehicle.line_id.is_not(None), bus, skip=used),
        AlertKind.OFF_ROUTE: await _pick(session, Vehicle.line_id.is_not(None), bus, skip=used),
        AlertKind.CHARTER_OUT_OF_AREA: await _pick(
            session, Vehicle.business_kind == PermitKind.CHARTER, skip=used
        ),
    }
    for kind in (
        AlertKind.FATIGUE, AlertKind.TERMINAL_OFFLINE, AlertKind.POSITION_DRIFT,
        AlertKind.BLACKLISTED, AlertKind.VIOLATION_UNHANDLED, AlertKind.ANNUAL_REVIEW_OVERDUE,
    ):  # fmt: skip
        chosen[kind] = await _pick(session, *truck, skip=used)
    overdue = now.astimezone(BEIJING).date() - dt.timedelta(days=10)
    await session.execute(
        update(Vehicle)
        .where(Vehicle.id == chosen[AlertKind.ANNUAL_REVIEW_OVERDUE].id)
        .values(next_annual_review=overdue, next_secondary_maintenance=overdue)
    )
    trainer = await session.scalar(select(Vehicle).where(Vehicle.plate == TRAINING_PLATE))
    if trainer is None:
        model = chosen[AlertKind.OVER_SPEED]
        columns = {c.key: getattr(model, c.key) for c in Vehicle.__table__.c if c.key != "id"}
        trainer = Vehicle(
            **columns
            | {
                "plate": TRAINING_PLATE, "plate_color": PlateColor.YELLOW,
                "vin": "LDEMO" + model.vin[5:], "vehicle_type": VehicleType.SMALL_BUS,
                "seats": 10, "tonnage": None, "dangerous_goods": False, "region_code": "320102",
                "line_id": None, "certificate_number": "320102900001",
                "business_kind": PermitKind.DRIVING_TRAINING,
                "permitted_area": city_area("320100"), "source_record_id": "DEMO-TRAINING-1",
            }
        )  # fmt: skip
        session.add(trainer)
        await session.flush()
    chosen[AlertKind.TRAINING_CAR_OUT_OF_AREA] = trainer
    return chosen


async def _fixes(
    session: AsyncSession, fleet: dict[AlertKind, Vehicle], now: dt.datetime
) -> list[Line]:
    lines: list[Line] = []

    def minutes(n: float) -> dt.datetime:
        return now - dt.timedelta(minutes=n)

    def add(kind: AlertKind, at: dt.datetime, where: tuple[float, float], speed: float) -> None:
        vehicle = fleet[kind]
        lines.append(_line(vehicle.plate, vehicle.plate_color, at, where, speed))

    for seconds in (0, 20, 40, 60):  # 95 km/h for a minute: over the tanker's 80
        add(AlertKind.OVER_SPEED, minutes(5) + dt.timedelta(seconds=seconds), NANJING, 95)
    east = (NANJING[0], NANJING[1] + 0.1)
    for step in range(27):  # four and a half hours at the wheel, to and fro, no rest
        add(AlertKind.FATIGUE, minutes(265 - 10 * step), east if step % 2 else NANJING, 55)
    routes = {
        kind: await session.scalar(
            select(PassengerLine.route).where(PassengerLine.id == fleet[kind].line_id)
        )
        for kind in (AlertKind.NIGHT_BAN, AlertKind.OFF_ROUTE)
    }
    lon, lat = routes[AlertKind.NIGHT_BAN][0]  # type: ignore[index]
    add(AlertKind.NIGHT_BAN, _last_three_oclock(now), (lat, lon), 60)
    route = routes[AlertKind.OFF_ROUTE] or []
    lon, lat = route[0]
    off = next(  # 0.3° (~30 km) off the start, on a side the route does not go
        (lat + dy, lon + dx)
        for dy, dx in ((0.3, 0), (-0.3, 0), (0, 0.3), (0, -0.3))
        if route_distance_km(lat + dy, lon + dx, route) > 10
    )
    add(AlertKind.OFF_ROUTE, minutes(10), off, 60)
    area = fleet[AlertKind.CHARTER_OUT_OF_AREA].permitted_area or []
    far = XUZHOU if area and area[0][1] < 33 else NANJING
    add(AlertKind.CHARTER_OUT_OF_AREA, minutes(10), far, 70)
    add(AlertKind.TRAINING_CAR_OUT_OF_AREA, minutes(10), SUZHOU, 30)
    add(AlertKind.TERMINAL_OFFLINE, minutes(120), NANJING, 40)
    add(AlertKind.POSITION_DRIFT, minutes(3), NANJING, 40)
    add(AlertKind.POSITION_DRIFT, minutes(3) + dt.timedelta(seconds=10), XUZHOU, 40)
    lines.append(_line(ENTERING_PLATE, PlateColor.YELLOW, minutes(50), SHANDONG, 75))
    lines.append(_line(ENTERING_PLATE, PlateColor.YELLOW, minutes(10), XINYI, 75))
    return lines


async def _body(lines: list[Line]) -> AsyncIterator[bytes]:
    yield b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines)


async def plant(sessions: async_sessionmaker[AsyncSession], now: dt.datetime) -> dict[str, int]:
    """Plant one alert of each kind; returns how many alerts of each kind there are then."""
    async with sessions() as session, session.begin():
        fleet = await _fleet(session, now)
        lines = await _fixes(session, fleet, now)
        listed, late = fleet[AlertKind.BLACKLISTED], fleet[AlertKind.VIOLATION_UNHANDLED]
        records: list[Any] = [
            BlacklistEntry(
                source_record_id="DEMO-BL-1", plate=listed.plate, plate_color=listed.plate_color,
                reason="非法营运", listed_on=now.date(), lifted_on=None,
            ),
            TrafficViolation(
                source_record_id="DEMO-V-1", plate=late.plate, plate_color=late.plate_color,
                occurred_at=now - dt.timedelta(days=30), place="G2 京沪高速", code="1352",
                description="超速 20% 以上未满 50%", fine_yuan=200, points=6, processed=False,
            ),
        ]  # fmt: skip
        await store_many(session, [("public_security", records, now)])
        await hooks.on_records(session, records, now)
    listed_fix = _line(listed.plate, listed.plate_color, now - dt.timedelta(minutes=2), NANJING, 50)
    intake = Intake(sessions, "demo", Format.NDJSON, observe=hooks.on_fixes, clock=lambda: now)
    await intake.take(_body([*lines, listed_fix]))
    await sweep_once(sessions, None, now)
    async with sessions() as session:
        kinds = (await session.scalars(select(AlertRow.kind))).all()
    return {kind.value: kinds.count(kind) for kind in AlertKind}
