"""The alert engine as fixes and records arrive, on SQLite and PostgreSQL: alerts raised once
per vehicle and kind, extended by repeated evidence, held to that by the database."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from hub.agency_records.models import TrafficViolationRow
from hub.alerts.engine import CHANNEL
from hub.alerts.hooks import on_fixes
from hub.alerts.models import AlertRow, AlertVehicleState
from hub.alerts.sweep import _overdue, sweep
from hub.alerts.thresholds import standard
from hub.canonical.codes import AlertKind, AlertStatus, PlateColor, VehicleType
from hub.canonical.records import TrafficViolation
from hub.exchange.batches import apply_records
from hub.positions.intake import Format, Intake
from hub.positions.lines import Fix
from hub.positions.models import LatestPosition
from tests.support import operator, vehicle

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
T0 = NOW - dt.timedelta(hours=1)
TANKER = "苏A00001"


def line(
    plate: str, seconds: float, speed: float, lat: float = 32.04, lon: float = 118.78
) -> bytes:
    record = {
        "plate": plate, "color": "2", "time": (T0 + dt.timedelta(seconds=seconds)).isoformat(),
        "lon": lon, "lat": lat, "speed": speed, "direction": 90,
    }  # fmt: skip
    return json.dumps(record, ensure_ascii=False).encode() + b"\n"


async def _once(body: bytes) -> AsyncIterator[bytes]:
    yield body


async def seed(sessions: Any, **tanker: Any) -> None:
    async with sessions() as session, session.begin():
        session.add(operator(1))
        await session.flush()
        session.add(
            vehicle(
                1, 1, plate=TANKER, vehicle_type=VehicleType.HEAVY_TANK_TRUCK,
                dangerous_goods=True, **tanker,
            )
        )  # fmt: skip


async def take(sessions: Any, body: bytes) -> list[tuple[str, bytes]]:
    """Take a stream through the intake with the engine on; the messages it published."""
    published: list[tuple[str, bytes]] = []

    async def publish(messages: list[tuple[str, bytes]]) -> None:
        published.extend(messages)

    intake = Intake(sessions, "test", Format.NDJSON, publish=publish, observe=on_fixes)
    await intake.take(_once(body))
    # The fixes themselves go out too, on the positions channels (vehicleTrack): not alerts.
    return [message for message in published if not message[0].startswith("positions:")]


async def alerts(sessions: Any) -> list[AlertRow]:
    async with sessions() as session:
        return list((await session.scalars(select(AlertRow).order_by(AlertRow.id))).all())


async def test_speeding_raises_one_alert_that_later_evidence_extends(sessions: Any) -> None:
    await seed(sessions)

    first = await take(sessions, b"".join(line(TANKER, s, 85) for s in (0, 20, 40)))
    again = await take(sessions, b"".join(line(TANKER, s, 88) for s in (60, 80)))

    [alert] = await alerts(sessions)
    assert (alert.kind, alert.status, alert.plate, alert.plate_color) == (
        AlertKind.OVER_SPEED, AlertStatus.OPEN, TANKER, PlateColor.YELLOW,
    )  # fmt: skip
    assert (alert.vehicle_id, alert.operator_id, alert.region_code) == (1, 1, "320102")
    assert alert.started_at == T0 + dt.timedelta(seconds=40)
    assert alert.ended_at == T0 + dt.timedelta(seconds=80)
    assert alert.evidence_count == 3
    assert alert.evidence[0] == f"fix:{TANKER}:2:{T0 + dt.timedelta(seconds=40):%Y-%m-%dT%H:%M:%SZ}"
    assert [channel for channel, _ in first] == [CHANNEL], "published once, when raised"
    assert json.loads(first[0][1])["kind"] == "OVER_SPEED"
    assert again == [], "extending an alert publishes nothing"


async def test_the_database_holds_one_open_alert_per_vehicle_and_kind(sessions: Any) -> None:
    await seed(sessions)
    await take(sessions, b"".join(line(TANKER, s, 85) for s in (0, 20, 40)))
    [alert] = await alerts(sessions)
    copy = {c.key: getattr(alert, c.key) for c in AlertRow.__table__.c if c.key != "id"}

    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(AlertRow(**copy))

    async with sessions() as session, session.begin():
        row = await session.get_one(AlertRow, alert.id)
        row.status = AlertStatus.CLOSED
    await take(sessions, b"".join(line(TANKER, s, 85) for s in (60, 80, 100)))
    assert [(a.status, a.kind) for a in await alerts(sessions)] == [
        (AlertStatus.CLOSED, AlertKind.OVER_SPEED),
        (AlertStatus.OPEN, AlertKind.OVER_SPEED),
    ], "once closed, new evidence opens a new alert"


async def test_an_implausible_fix_raises_nothing_and_changes_no_state(sessions: Any) -> None:
    await seed(sessions)
    future = dt.timedelta(days=2).total_seconds()

    await take(sessions, b"".join(line(TANKER, future + s, 120) for s in (0, 20, 40, 60)))

    assert await alerts(sessions) == []
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AlertVehicleState)) == 0


async def test_an_unregistered_out_of_province_tanker_entering_jiangsu(sessions: Any) -> None:
    plate = "鲁Q12345"
    body = line(plate, 0, 70, lat=35.30, lon=118.35) + line(plate, 2400, 70, lat=34.30, lon=118.35)

    await take(sessions, body)

    [alert] = await alerts(sessions)
    assert (alert.kind, alert.vehicle_id, alert.region_code) == (
        AlertKind.OUT_OF_PROVINCE_ENTRY, None, "320000",
    )  # fmt: skip


async def test_the_sweep_raises_the_time_based_kinds_once(sessions: Any) -> None:
    overdue = NOW.date() - dt.timedelta(days=10)
    await seed(sessions, next_annual_review=overdue, next_secondary_maintenance=overdue)
    await take(sessions, line(TANKER, 0, 50))  # an hour ago, silent since
    async with sessions() as session, session.begin():
        session.add(
            TrafficViolationRow(
                plate=TANKER, plate_color=PlateColor.YELLOW,
                occurred_at=NOW - dt.timedelta(days=20), place="G2 京沪高速", code="1352",
                description="超速 20% 以上", fine_yuan=200, points=6, processed=False,
                source="public_security", source_record_id="V1", received_at=NOW,
            )
        )  # fmt: skip

    async with sessions() as session, session.begin():
        raised = await sweep(session, standard(), NOW)
    async with sessions() as session, session.begin():
        again = await sweep(session, standard(), NOW)

    kinds = sorted(alert.kind.value for alert in await alerts(sessions))
    assert kinds == [
        "ANNUAL_REVIEW_OVERDUE", "MAINTENANCE_OVERDUE", "TERMINAL_OFFLINE", "VIOLATION_UNHANDLED",
    ]  # fmt: skip
    assert len(raised) == 4
    assert again == []
    assert all(alert.evidence_count == 1 for alert in await alerts(sessions))


async def test_a_violation_applied_past_its_deadline_raises_at_once(sessions: Any) -> None:
    await seed(sessions)
    violation = TrafficViolation(
        source_record_id="V9", plate=TANKER, plate_color=PlateColor.YELLOW,
        occurred_at=NOW - dt.timedelta(days=30), place="S38", code="1352",
        description="超速", fine_yuan=200, points=6, processed=False,
    )  # fmt: skip
    fresh = TrafficViolation(
        source_record_id="V10", plate="苏A00002", plate_color=PlateColor.YELLOW,
        occurred_at=NOW - dt.timedelta(days=1), place="S38", code="1352",
        description="超速", fine_yuan=200, points=6, processed=False,
    )  # fmt: skip

    async with sessions() as session, session.begin():
        _, messages = await apply_records(session, [("public_security", [violation, fresh], NOW)])

    [alert] = await alerts(sessions)
    assert alert.kind is AlertKind.VIOLATION_UNHANDLED
    assert alert.plate == TANKER
    async with sessions() as session:
        [violation_id] = (await session.scalars(select(TrafficViolationRow.id).where(
            TrafficViolationRow.source_record_id == "V9"))).all()  # fmt: skip
    assert alert.evidence == [f"violation:{violation_id}"]
    assert [channel for channel, _ in messages] == [CHANNEL]


async def test_a_vehicle_put_on_the_blacklist_is_flagged_where_it_was_last_seen(
    sessions: Any,
) -> None:
    from hub.canonical.records import BlacklistEntry

    await seed(sessions)
    await take(sessions, line(TANKER, 0, 50))
    entry = BlacklistEntry(
        source_record_id="B1", plate=TANKER, plate_color=PlateColor.YELLOW, reason="非法营运",
        listed_on=NOW.date(), lifted_on=None,
    )  # fmt: skip

    async with sessions() as session, session.begin():
        await apply_records(session, [("public_security", [entry], NOW)])
    await take(sessions, line(TANKER, 60, 50))

    [alert] = await alerts(sessions)
    assert alert.kind is AlertKind.BLACKLISTED
    assert (alert.latitude, alert.longitude) == (32.04, 118.78)
    assert alert.evidence_count == 3, "the last fix, the list entry, the next fix"
    async with sessions() as session:
        latest = await session.get_one(LatestPosition, (TANKER, PlateColor.YELLOW))
    assert latest.observed_at == T0 + dt.timedelta(seconds=60)


async def test_a_blacklisted_vehicles_alert_is_published_again_where_it_moves_to(
    sessions: Any,
) -> None:
    """Its place is what an officer nearby needs; a speeding alert's new place is not sent."""
    from hub.canonical.records import BlacklistEntry

    await seed(sessions)
    entry = BlacklistEntry(
        source_record_id="B1", plate=TANKER, plate_color=PlateColor.YELLOW, reason="非法营运",
        listed_on=NOW.date(), lifted_on=None,
    )  # fmt: skip
    async with sessions() as session, session.begin():
        await apply_records(session, [("public_security", [entry], NOW)])

    raised = await take(sessions, line(TANKER, 0, 85))
    stayed = await take(sessions, line(TANKER, 30, 85))
    moved = await take(sessions, line(TANKER, 60, 85, lon=118.79) + line(TANKER, 90, 85, lon=118.8))

    def published(messages: list[tuple[str, bytes]]) -> list[tuple[str, Any, Any, Any]]:
        return [
            (m["kind"], m.get("moved", False), m["longitude"], m["evidence_count"])
            for m in (json.loads(body) for _channel, body in messages)
        ]

    assert published(raised) == [("BLACKLISTED", False, 118.78, 1)]
    assert published(stayed) == [], "extended where it was: nothing to tell"
    # Speeding for long enough (85 km/h in a tanker) by the third fix, raised on the batch's
    # two: only its raising is published; the blacklisted alert's move is, once per batch,
    # at the latest fix.
    assert sorted(published(moved)) == [
        ("BLACKLISTED", True, 118.8, 4),
        ("OVER_SPEED", False, 118.8, 2),
    ]


async def test_a_jump_refused_by_the_intake_raises_drift_and_a_lone_bad_fix_raises_nothing(
    sessions: Any,
) -> None:
    await seed(sessions)
    outside = line(TANKER, 10, 40, lat=51.5, lon=-0.12)  # London: wrong by itself
    future = line(TANKER, 60 * 60 * 24, 40)  # a day ahead of the clock
    await take(sessions, line(TANKER, 0, 40) + outside + future)
    assert await alerts(sessions) == [], "a fix wrong by itself raises no alert"

    # Xuzhou ten seconds after Nanjing: a jump no vehicle makes, so a drifting terminal
    messages = await take(sessions, line(TANKER, 20, 40, lat=34.26, lon=117.19))

    [alert] = await alerts(sessions)
    assert alert.kind is AlertKind.POSITION_DRIFT
    assert alert.evidence == [
        f"implausible:{TANKER}:2:{T0 + dt.timedelta(seconds=20):%Y-%m-%dT%H:%M:%SZ}"
    ]
    assert [channel for channel, _ in messages] == [CHANNEL]
    async with sessions() as session:
        latest = (await session.scalars(select(LatestPosition))).one()
    assert (latest.latitude, latest.longitude) == (32.04, 118.78), "the jump is not a position"


async def test_the_sweep_skips_vehicles_whose_alert_is_open_and_raises_again_once_closed(
    sessions: Any,
) -> None:
    overdue = NOW.date() - dt.timedelta(days=10)
    await seed(sessions, next_annual_review=overdue)
    async with sessions() as session, session.begin():
        [raised] = await sweep(session, standard(), NOW)
    async with sessions() as session:
        found: dict[Any, Any] = defaultdict(list)
        await _overdue(session, standard(), NOW, found)
    assert found == {}, "an overdue vehicle with its alert open is not read again"

    async with sessions() as session, session.begin():
        [alert] = (await session.scalars(select(AlertRow))).all()
        alert.status = AlertStatus.CLOSED
    async with sessions() as session, session.begin():
        reopened = await sweep(session, standard(), NOW)

    assert json.loads(raised[1])["kind"] == "ANNUAL_REVIEW_OVERDUE"
    assert [json.loads(message)["kind"] for _, message in reopened] == ["ANNUAL_REVIEW_OVERDUE"]
    assert len(await alerts(sessions)) == 2  # the closed one, and the one raised since


NIGHT = dt.datetime(2026, 11, 1, 17, 50, tzinfo=dt.UTC)  # 01:50 in Beijing
AREA = [[118.4, 31.7], [119.2, 31.7], [119.2, 32.6], [118.4, 32.6]]
"""Nanjing, roughly: the permitted area of the charter bus and the training car."""
SUZHOU = (31.30, 120.58)


def track(
    plate: str, count: int, speed: float, start: tuple[float, float],
    step: tuple[float, float] = (0.0, 0.01), color: PlateColor = PlateColor.YELLOW,
) -> list[Fix]:  # fmt: skip
    """A fix every 4 minutes from 01:50 Beijing time, ``step`` degrees further each time."""
    return [
        Fix(plate, color, NIGHT + dt.timedelta(minutes=4 * n), start[0] + n * step[0],
            start[1] + n * step[1], speed, 90, 0, 0)
        for n in range(count)
    ]  # fmt: skip


async def seed_fleet(sessions: Any) -> list[Fix]:
    """A vehicle for each per-fix rule, and the fixes that break it; in time order."""
    from hub.agency_records.models import BlacklistRow
    from hub.canonical.codes import PermitKind, StationKind
    from hub.lines.models import PassengerLine
    from hub.stations.models import Station
    from tests.support import provenance

    async with sessions() as session, session.begin():
        session.add(operator(1))
        await session.flush()
        for serial, (lat, lon) in enumerate([(32.06, 118.79), (32.39, 119.42)], start=1):
            session.add(
                Station(
                    id=serial, code=f"ST{serial}", name=f"车站{serial}",
                    kind=StationKind.PASSENGER_STATION, level=None, latitude=lat, longitude=lon,
                    address="江苏", region_code="320102", operator_id=1, **provenance("ST"),
                )
            )  # fmt: skip
        await session.flush()
        session.add(
            PassengerLine(
                id=1, code="L1", name="南京—扬州", region_code="320102", operator_id=1,
                permit_id=None, origin_station_id=1, destination_station_id=2,
                route=[[118.79, 32.06], [119.42, 32.39]], distance_km=70.0, daily_trips=8,
                **provenance("LN"),
            )
        )  # fmt: skip
        await session.flush()
        session.add_all([
            vehicle(1, 1, vehicle_type=VehicleType.HEAVY_TANK_TRUCK, dangerous_goods=True),
            vehicle(2, 1, vehicle_type=VehicleType.LARGE_BUS, line_id=1),
            vehicle(3, 1, vehicle_type=VehicleType.MEDIUM_BUS, business_kind=PermitKind.CHARTER,
                    permitted_area=AREA),
            vehicle(4, 1, vehicle_type=VehicleType.LIGHT_TRUCK,
                    business_kind=PermitKind.DRIVING_TRAINING, permitted_area=AREA),
            vehicle(5, 1), vehicle(7, 1), vehicle(8, 1),
        ])  # fmt: skip
        session.add(
            BlacklistRow(
                plate="苏A00005", plate_color=PlateColor.YELLOW, reason="非法营运",
                listed_on=NIGHT.date(), lifted_on=None, **provenance("BL"),
            )
        )  # fmt: skip
    drifting = track("苏A00008", 6, 60, (32.06, 118.79))
    drifting[3] = Fix("苏A00008", PlateColor.YELLOW, drifting[3].observed_at, 34.26, 117.19,
                      60, 90, 0, 0)  # fmt: skip
    fixes = [
        *track("苏A00001", 6, 85, (32.06, 118.79)),  # a tanker over its 80 km/h
        *track("苏A00002", 6, 50, (31.85, 118.79)),  # a line bus 20 km off its line, at night
        *track("苏A00003", 6, 50, SUZHOU),  # a charter bus out of its area
        *track("苏A00004", 6, 50, SUZHOU),  # a training car out of its area
        *track("苏A00005", 3, 50, (32.06, 118.79)),  # blacklisted
        *track("鲁Q12345", 8, 70, (35.30, 118.35), step=(-0.1, 0.0)),  # into Jiangsu
        *track("苏A00007", 64, 60, (32.06, 118.79), step=(0.0, 0.001)),  # 4 h 12 min at the wheel
        *drifting,  # a fix 300 km away 4 minutes on
    ]
    return sorted(fixes, key=lambda fix: fix.observed_at)


async def outcome(sessions: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The alerts (without ids and when raised) and the vehicles' states, in a stable order."""
    async with sessions() as session:
        raised = [
            (a.plate, a.plate_color.value, a.kind.value, a.status.value, a.started_at,
             a.ended_at, a.latitude, a.longitude, a.evidence, a.evidence_count, a.vehicle_id,
             a.region_code)
            for a in await alerts(sessions)
        ]  # fmt: skip
        states = (await session.scalars(select(AlertVehicleState))).all()
        kept = [
            (s.plate, s.plate_color.value, s.observed_at, s.latitude, s.longitude, s.driving_since,
             s.stopped_since, s.speeding_since, s.in_jiangsu)
            for s in states
        ]  # fmt: skip
    return sorted(raised), sorted(kept)


async def test_a_batch_raises_what_its_fixes_raise_one_at_a_time(sessions: Any) -> None:
    # Given a fleet whose fixes break every per-fix rule, taken as one batch in no order
    fixes = await seed_fleet(sessions)
    now = fixes[-1].observed_at + dt.timedelta(hours=1)
    shuffled = fixes[1::2] + fixes[::2]
    async with sessions() as session, session.begin():
        batch_messages = await on_fixes(session, shuffled, now)
    batch = await outcome(sessions)

    # When the same fixes come again one at a time, in time order, from nothing
    async with sessions() as session, session.begin():
        await session.execute(delete(AlertRow))
        await session.execute(delete(AlertVehicleState))
    single_messages = []
    for fix in fixes:
        async with sessions() as session, session.begin():
            single_messages += await on_fixes(session, [fix], now)

    # Then they raised the same alerts with the same evidence, and left the same states
    kinds = {AlertKind(row[2]) for row in batch[0]}
    assert kinds == {
        AlertKind.OVER_SPEED,
        AlertKind.FATIGUE,
        AlertKind.NIGHT_BAN,
        AlertKind.OFF_ROUTE,
        AlertKind.CHARTER_OUT_OF_AREA,
        AlertKind.TRAINING_CAR_OUT_OF_AREA,
        AlertKind.OUT_OF_PROVINCE_ENTRY,
        AlertKind.POSITION_DRIFT,
        AlertKind.BLACKLISTED,
    }, "every per-fix rule fired in the batch"
    assert await outcome(sessions) == batch
    assert len(batch[1]) == 8, "a state per vehicle"
    assert raisings(single_messages) == raisings(batch_messages), "each published once, raised"


def raisings(messages: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    """The alerts whose raising was published (a blacklisted vehicle's moves aside: one a fix
    one by one, one a batch)."""
    published = [json.loads(body) for _channel, body in messages]
    return sorted((m["plate"], m["kind"]) for m in published if not m.get("moved"))


async def test_a_vehicles_state_is_never_replaced_by_an_older_one(sessions: Any) -> None:
    """Two workers' batches of one vehicle may commit out of order: the later state stays."""
    from hub.alerts.engine import _save_states
    from hub.alerts.rules import State

    key = (TANKER, PlateColor.YELLOW)

    async def saved(seconds: int) -> dt.datetime:
        async with sessions() as session, session.begin():
            await _save_states(session, {key: State(T0 + dt.timedelta(seconds=seconds), 32, 118)})
        async with sessions() as session:
            return (await session.get_one(AlertVehicleState, key)).observed_at

    assert await saved(60) == T0 + dt.timedelta(seconds=60)
    assert await saved(30) == T0 + dt.timedelta(seconds=60), "an older one is not taken"
    assert await saved(90) == T0 + dt.timedelta(seconds=90), "a newer one is"
