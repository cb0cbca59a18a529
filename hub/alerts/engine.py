"""The alert engine: the rules run on each batch of fixes and records as it is stored.

Called inside the batch's transaction (the position intake, the exchange's record
application, the sweep), so an alert commits with the evidence that raised it, or not at all.
For a batch it reads the facts of the batch's vehicles (registry, line route, blacklist) and
their states in a few statements, runs every rule on every fix in Python, then writes the
changed states and the alerts: a new one per (vehicle, kind) without an open one, the open one
extended otherwise. The database's partial unique index holds "one open alert per vehicle and
kind" when two workers raise the same alert at once: the second finds the first and extends it.

Returns the (channel, message) of every alert raised, to publish once the batch commits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agency_records.models import BlacklistRow
from hub.alerts.models import NOT_CLOSED, AlertRow, AlertVehicleState
from hub.alerts.rules import Facts, Finding, Observed, State, evaluate, plausible
from hub.alerts.thresholds import Thresholds
from hub.canonical.codes import AlertKind, AlertStatus, PlateColor
from hub.lines.models import PassengerLine
from hub.positions.lines import Fix
from hub.positions.repository import among
from hub.vehicles.models import Vehicle

CHANNEL = "alerts"
"""The pub/sub channel of raised and handled alerts: subscribers filter by region and kind."""
EVIDENCE_KEPT = 20
"""Evidence ids kept on an alert (the first ones); ``evidence_count`` counts them all."""
PROVINCE = "320000"
"""The region of an alert on a vehicle the registry does not know (an out-of-province one)."""
_ROWS = 500  # rows per multi-row statement, under SQLite's variable limit

VehicleKey = tuple[str, PlateColor]
AlertKey = tuple[str, PlateColor, AlertKind]


def observed(fix: Fix) -> Observed:
    """A stored fix as the rules read it."""
    return Observed(
        fix.plate, fix.color, fix.observed_at, fix.latitude, fix.longitude, fix.speed_kmh
    )


async def facts_of(
    session: AsyncSession, vehicles: Iterable[VehicleKey]
) -> dict[VehicleKey, Facts]:
    """The registry's facts of these vehicles (those it does not know get the defaults)."""
    wanted = set(vehicles)
    found: dict[VehicleKey, Facts] = {}
    blacklisted: set[VehicleKey] = set()
    plates = {plate for plate, _ in wanted}
    for condition in among(session, Vehicle.plate, plates):
        query = select(
            Vehicle.plate, Vehicle.plate_color, Vehicle.id, Vehicle.operator_id,
            Vehicle.region_code, Vehicle.vehicle_type, Vehicle.dangerous_goods,
            Vehicle.business_kind, Vehicle.permitted_area, PassengerLine.route,
        ).outerjoin(PassengerLine, PassengerLine.id == Vehicle.line_id)  # fmt: skip
        query = query.where(condition)
        for row in (await session.execute(query)).all():
            key = (row.plate, row.plate_color)
            if key in wanted:
                found[key] = Facts(
                    vehicle_id=row.id, operator_id=row.operator_id, region_code=row.region_code,
                    vehicle_type=row.vehicle_type.value, dangerous_goods=row.dangerous_goods,
                    business_kind=row.business_kind, route=row.route,
                    permitted_area=row.permitted_area,
                )  # fmt: skip
    for condition in among(session, BlacklistRow.plate, plates):
        listed = select(BlacklistRow.plate, BlacklistRow.plate_color).where(
            condition, BlacklistRow.lifted_on.is_(None)
        )
        blacklisted |= {(plate, color) for plate, color in (await session.execute(listed)).all()}
    result = {}
    for key in wanted:
        facts = found.get(key, Facts())
        if key in blacklisted:
            facts = Facts(**{**_fields(facts), "blacklisted": True})
        result[key] = facts
    return result


def _fields(facts: Facts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in Facts.__slots__}


async def _states(session: AsyncSession, vehicles: set[VehicleKey]) -> dict[VehicleKey, State]:
    found: dict[VehicleKey, State] = {}
    table = AlertVehicleState
    for condition in among(session, table.plate, {plate for plate, _ in vehicles}):
        for row in (await session.scalars(select(table).where(condition))).all():
            key = (row.plate, row.plate_color)
            if key in vehicles:
                found[key] = State(
                    row.observed_at, row.latitude, row.longitude, row.driving_since,
                    row.stopped_since, row.speeding_since, row.in_jiangsu,
                )  # fmt: skip
    return found


def _insert(session: AsyncSession, table: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def _save_states(session: AsyncSession, states: dict[VehicleKey, State]) -> None:
    rows = [
        {
            "plate": plate, "plate_color": color, "observed_at": s.observed_at,
            "latitude": s.latitude, "longitude": s.longitude, "driving_since": s.driving_since,
            "stopped_since": s.stopped_since, "speeding_since": s.speeding_since,
            "in_jiangsu": s.in_jiangsu,
        }
        for (plate, color), s in sorted(states.items(), key=lambda item: item[0][0])
    ]  # fmt: skip
    for start in range(0, len(rows), _ROWS):
        statement = _insert(session, AlertVehicleState).values(rows[start : start + _ROWS])
        changed = {name: statement.excluded[name] for name in list(rows[0])[2:]}
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["plate", "plate_color"],
                set_=changed,
                where=AlertVehicleState.observed_at < statement.excluded.observed_at,
            )
        )


async def on_fixes(
    session: AsyncSession, fixes: Sequence[Fix], limits: Thresholds, now: dt.datetime
) -> list[tuple[str, bytes]]:
    """Every rule on every fix of a batch just stored; the messages of the alerts raised.

    A fix that cannot be taken at its word (before 2000, in the future, outside China) raises
    nothing and changes no state: the intake's quality report is where it shows.
    """
    taken = sorted(
        (observed(fix) for fix in fixes if plausible(observed(fix), now) is None),
        key=lambda fix: fix.observed_at,
    )
    if not taken:
        return []
    vehicles = {(fix.plate, fix.color) for fix in taken}
    facts = await facts_of(session, vehicles)
    states = await _states(session, vehicles)
    changed: dict[VehicleKey, State] = {}
    findings: dict[AlertKey, list[Finding]] = defaultdict(list)
    for fix in taken:
        key = (fix.plate, fix.color)
        before = states.get(key)
        found, after = evaluate(fix, facts[key], before, limits)
        if after is not before:
            states[key] = changed[key] = after
        for finding in found:
            findings[(fix.plate, fix.color, finding.kind)].append(finding)
    await _save_states(session, changed)
    return await raise_alerts(session, findings, facts, now)


async def raise_alerts(
    session: AsyncSession,
    findings: dict[AlertKey, list[Finding]],
    facts: dict[VehicleKey, Facts],
    now: dt.datetime,
) -> list[tuple[str, bytes]]:
    """Open an alert per (vehicle, kind) found, or extend the open one; messages of the new.

    Evidence already on the open alert is not counted twice (a sweep finds the same overdue
    review each time it runs).
    """
    if not findings:
        return []
    opened = await _open_alerts(session, {(plate, color) for plate, color, _ in findings})
    raised: list[AlertRow] = []
    for key in sorted(findings, key=lambda k: (k[0], k[1].value, k[2].value)):
        found = sorted(findings[key], key=lambda f: f.at)
        row = opened.get(key)
        if row is None:
            row = await _open(session, key, found, facts.get(key[:2], Facts()), now)
            if row is not None:
                raised.append(row)
                continue
            row = (await _open_alerts(session, {key[:2]})).get(key)  # another worker's, just now
            if row is None:
                continue
        _extend(row, found)
    await session.flush()
    return [(CHANNEL, message(row)) for row in raised]


async def _open_alerts(
    session: AsyncSession, vehicles: set[VehicleKey]
) -> dict[AlertKey, AlertRow]:
    found: dict[AlertKey, AlertRow] = {}
    for condition in among(session, AlertRow.plate, {plate for plate, _ in vehicles}):
        query = select(AlertRow).where(condition, AlertRow.status != AlertStatus.CLOSED)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        for row in (await session.scalars(query)).all():
            if (row.plate, row.plate_color) in vehicles:
                found[(row.plate, row.plate_color, row.kind)] = row
    return found


async def _open(
    session: AsyncSession, key: AlertKey, found: list[Finding], facts: Facts, now: dt.datetime
) -> AlertRow | None:
    """Insert a new open alert; None when another transaction opened one meanwhile."""
    plate, color, kind = key
    evidence = list(dict.fromkeys(f.evidence for f in found))
    last = found[-1]
    values = {
        "kind": kind, "status": AlertStatus.OPEN, "plate": plate, "plate_color": color,
        "vehicle_id": facts.vehicle_id, "operator_id": facts.operator_id,
        "region_code": facts.region_code, "started_at": found[0].at, "ended_at": last.at,
        "latitude": last.latitude, "longitude": last.longitude,
        "evidence": evidence[:EVIDENCE_KEPT], "evidence_count": len(evidence), "raised_at": now,
    }  # fmt: skip
    statement = (
        _insert(session, AlertRow)
        .values(values)
        .on_conflict_do_nothing(
            index_elements=["plate", "plate_color", "kind"], index_where=NOT_CLOSED
        )
        .returning(AlertRow.id)
    )
    new_id = await session.scalar(statement)
    if new_id is None:
        return None
    return await session.get_one(AlertRow, new_id)


def _extend(row: AlertRow, found: list[Finding]) -> None:
    kept = set(row.evidence)
    new = [f for f in found if f.evidence not in kept]
    if not new:
        return
    fresh = list(dict.fromkeys(f.evidence for f in new))
    row.evidence = (row.evidence + fresh)[:EVIDENCE_KEPT]
    row.evidence_count += len(fresh)
    last = new[-1]
    if last.at >= row.ended_at:
        row.ended_at, row.latitude, row.longitude = last.at, last.latitude, last.longitude
    row.started_at = min(row.started_at, new[0].at)


def message(row: AlertRow) -> bytes:
    """An alert as published: its columns as JSON (times ISO 8601)."""

    def value(name: str) -> Any:
        raw = getattr(row, name)
        if isinstance(raw, dt.datetime):
            return raw.isoformat()
        return getattr(raw, "value", raw)

    names = [column.key for column in AlertRow.__table__.columns]
    return json.dumps({name: value(name) for name in names}, ensure_ascii=False).encode()
