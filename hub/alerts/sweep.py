"""The time-based kinds (a terminal gone silent, a review or a maintenance overdue, a violation
left unhandled) and the record-based ones as their records arrive.

Time alone makes these true, so a periodic sweep looks for them (``hub alerts sweep``, and the
app every ``SWEEP_SECONDS``); each is one set-based statement, never a walk over every fix.
Violations and blacklist entries are also judged as the exchange applies them, so a record
that arrives already past its deadline raises its alert at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agency_records.models import BlacklistRow, TrafficViolationRow
from hub.alerts.engine import AlertKey, VehicleKey, facts_cache, facts_of, raise_alerts
from hub.alerts.models import AlertRow
from hub.alerts.rules import BEIJING, Finding, Observed
from hub.alerts.thresholds import Thresholds
from hub.canonical import records
from hub.canonical.codes import AlertKind, AlertStatus, LicenceStatus, PlateColor
from hub.positions.models import LatestPosition
from hub.positions.repository import among
from hub.vehicles.models import Vehicle

SWEEP_SECONDS = 60
"""How often the app sweeps for the time-based kinds."""

Findings = dict[AlertKey, list[Finding]]


def _fix_id(plate: str, color: PlateColor, at: dt.datetime) -> str:
    return Observed(plate, color, at.astimezone(dt.UTC), 0.0, 0.0, 0.0).evidence


def _not_open(kind: AlertKind, plate: Any, color: Any) -> ColumnElement[bool]:
    """No alert of this kind open for the vehicle. A sweep every minute otherwise re-reads every
    overdue vehicle of the province and extends its alert with the evidence it already holds
    (0.8 s of a serving worker's CPU at demo scale 5, 11,000 overdue vehicles): while an alert
    is open, its vehicle's due date or last fix, and so its evidence, is the same."""
    return ~exists().where(
        AlertRow.plate == plate,
        AlertRow.plate_color == color,
        AlertRow.kind == kind,
        AlertRow.status != AlertStatus.CLOSED,
    )


async def _silent(
    session: AsyncSession, limits: Thresholds, now: dt.datetime, found: Findings
) -> None:
    """TERMINAL_OFFLINE: registered, in service (a valid certificate and a fix within the last
    ``in_service_hours``), and no fix for more than ``minutes``."""
    kind = AlertKind.TERMINAL_OFFLINE
    silent_since = now - dt.timedelta(minutes=limits(kind, "minutes"))
    in_service = now - dt.timedelta(hours=limits(kind, "in_service_hours"))
    latest = LatestPosition
    query = (
        select(
            latest.plate, latest.plate_color, latest.observed_at, latest.latitude,
            latest.longitude,
        )
        .join(
            Vehicle,
            (Vehicle.plate == latest.plate) & (Vehicle.plate_color == latest.plate_color),
        )
        .where(
            latest.observed_at < silent_since,
            latest.observed_at >= in_service,
            Vehicle.certificate_status == LicenceStatus.VALID,
            _not_open(kind, latest.plate, latest.plate_color),
        )
    )  # fmt: skip
    for plate, color, at, latitude, longitude in (await session.execute(query)).all():
        evidence = _fix_id(plate, color, at)
        found[(plate, color, kind)].append(Finding(kind, at, latitude, longitude, evidence))


async def _overdue(
    session: AsyncSession, limits: Thresholds, now: dt.datetime, found: Findings
) -> None:
    """ANNUAL_REVIEW_OVERDUE and MAINTENANCE_OVERDUE: the due date (plus grace) is past."""
    today = now.astimezone(BEIJING).date()
    for kind, column, label in (
        (AlertKind.ANNUAL_REVIEW_OVERDUE, Vehicle.next_annual_review, "annual_review"),
        (AlertKind.MAINTENANCE_OVERDUE, Vehicle.next_secondary_maintenance, "maintenance"),
    ):
        if not limits.enabled(kind):
            continue
        due_before = today - dt.timedelta(days=limits(kind, "grace_days"))
        query = select(Vehicle.id, Vehicle.plate, Vehicle.plate_color, column).where(
            column < due_before,
            Vehicle.certificate_status == LicenceStatus.VALID,
            _not_open(kind, Vehicle.plate, Vehicle.plate_color),
        )
        for vehicle_id, plate, color, due in (await session.execute(query)).all():
            at = dt.datetime.combine(due, dt.time(), tzinfo=BEIJING).astimezone(dt.UTC)
            evidence = f"vehicle:{vehicle_id}:{label}:{due.isoformat()}"
            found[(plate, color, kind)].append(Finding(kind, at, None, None, evidence))


async def _unhandled(
    session: AsyncSession,
    limits: Thresholds,
    now: dt.datetime,
    found: Findings,
    plates: Iterable[str] | None = None,
) -> None:
    """VIOLATION_UNHANDLED: a violation not processed ``deadline_days`` after it happened."""
    kind = AlertKind.VIOLATION_UNHANDLED
    deadline = now - dt.timedelta(days=limits(kind, "deadline_days"))
    row = TrafficViolationRow
    conditions: list[ColumnElement[bool] | None] = (
        [None] if plates is None else list(among(session, row.plate, plates))
    )
    for condition in conditions:
        query = select(row.id, row.plate, row.plate_color, row.occurred_at).where(
            row.processed.is_(False), row.occurred_at < deadline
        )
        if condition is not None:
            query = query.where(condition)
        for violation_id, plate, color, at in (await session.execute(query)).all():
            evidence = f"violation:{violation_id}"
            found[(plate, color, kind)].append(Finding(kind, at, None, None, evidence))


async def _raise(
    session: AsyncSession, found: Findings, now: dt.datetime
) -> list[tuple[str, bytes]]:
    if not found:
        return []
    vehicles: set[VehicleKey] = {(plate, color) for plate, color, _ in found}
    facts = await facts_of(session, vehicles)
    return await raise_alerts(session, found, facts, now)


async def sweep(
    session: AsyncSession, limits: Thresholds, now: dt.datetime
) -> list[tuple[str, bytes]]:
    """Raise (or extend) the time-based alerts true at ``now``; the messages of the new ones."""
    found: Findings = defaultdict(list)
    if limits.enabled(AlertKind.TERMINAL_OFFLINE):
        await _silent(session, limits, now, found)
    await _overdue(session, limits, now, found)
    if limits.enabled(AlertKind.VIOLATION_UNHANDLED):
        await _unhandled(session, limits, now, found)
    return await _raise(session, found, now)


async def on_records(
    session: AsyncSession, applied: Sequence[object], limits: Thresholds, now: dt.datetime
) -> list[tuple[str, bytes]]:
    """The alerts the records just applied raise: a violation already past its deadline, a
    vehicle put on the blacklist (where it was last seen)."""
    found: Findings = defaultdict(list)
    violations = {r.plate for r in applied if isinstance(r, records.TrafficViolation)}
    if violations and limits.enabled(AlertKind.VIOLATION_UNHANDLED):
        await _unhandled(session, limits, now, found, violations)
    entries = [r for r in applied if isinstance(r, records.BlacklistEntry)]
    facts_cache(session).forget((r.plate, r.plate_color) for r in entries)  # listed or lifted
    listed = {(r.plate, r.plate_color) for r in entries if r.lifted_on is None}
    if listed and limits.enabled(AlertKind.BLACKLISTED):
        await _listed(session, listed, found)
    return await _raise(session, found, now)


async def _listed(session: AsyncSession, listed: set[VehicleKey], found: Findings) -> None:
    kind = AlertKind.BLACKLISTED
    latest = LatestPosition
    for condition in among(session, latest.plate, {plate for plate, _ in listed}):
        query = select(
            latest.plate, latest.plate_color, latest.observed_at, latest.latitude, latest.longitude
        ).where(condition)
        for plate, color, at, latitude, longitude in (await session.execute(query)).all():
            if (plate, color) in listed:
                evidence = _fix_id(plate, color, at)
                found[(plate, color, kind)].append(Finding(kind, at, latitude, longitude, evidence))
    rows = BlacklistRow
    for condition in among(session, rows.plate, {plate for plate, _ in listed}):
        entries = select(rows.id, rows.plate, rows.plate_color).where(condition)
        for entry_id, plate, color in (await session.execute(entries)).all():
            if (plate, color, kind) in found:
                seen = found[(plate, color, kind)][0]
                found[(plate, color, kind)].append(
                    Finding(kind, seen.at, seen.latitude, seen.longitude, f"blacklist:{entry_id}")
                )
