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

import asyncio
import datetime as dt
import json
import time
import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, select, type_coerce, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agency_records import bulk
from hub.agency_records.models import BlacklistRow
from hub.alerts.models import NOT_CLOSED, AlertRow, AlertVehicleState
from hub.alerts.rules import Facts, Finding, Limits, State, evaluate_track, evidence, plausible
from hub.alerts.thresholds import Thresholds
from hub.canonical.codes import AlertKind, AlertStatus, PermitKind, PlateColor
from hub.db import driver_connection
from hub.lines.models import PassengerLine
from hub.positions.lines import Fix
from hub.positions.repository import among
from hub.vehicles.models import Vehicle

CHANNEL = "alerts"
"""The pub/sub channel of raised and handled alerts: subscribers filter by region and kind."""
FOLLOWED_BY_PLACE = frozenset({AlertKind.BLACKLISTED})
"""Kinds whose open alert is published again each time its vehicle is seen elsewhere: a
blacklisted vehicle matters to an officer when it comes near, long after it was first seen."""
EVIDENCE_KEPT = 20
"""Evidence ids kept on an alert (the first ones); ``evidence_count`` counts them all."""
PROVINCE = "320000"
"""The region of an alert on a vehicle the registry does not know (an out-of-province one)."""

VEHICLES_PER_TURN = 1_000
"""Vehicles judged between two turns of the event loop: a stream's batch of 10,000 fixes is
50-90 ms of CPU, which a request beside it in the worker (an alert's fix) waited out whole."""

UNKNOWN = Facts()
"""The facts of a vehicle the registry does not know (an out-of-province one, mostly)."""

VehicleKey = tuple[str, PlateColor]
_COLORS = {color.value: color for color in PlateColor}
AlertKey = tuple[str, PlateColor, AlertKind]


async def facts_of(
    session: AsyncSession, vehicles: Iterable[VehicleKey]
) -> dict[VehicleKey, Facts]:
    """The registry's facts of these vehicles (those it does not know get the defaults)."""
    wanted = set(vehicles)
    core = await session.connection()  # rows as tuples: no ORM loading of thousands a batch
    found: dict[VehicleKey, Facts] = {}
    blacklisted: set[VehicleKey] = set()
    lines: dict[int, list[list[float]]] = {}
    plates = {plate for plate, _ in wanted}
    if session.get_bind().dialect.name == "postgresql":
        driver = await driver_connection(session)
        asked = sorted(plates)
        for plate, color, *values in await driver.fetch(_FACTS_SQL, asked):
            if (key := (plate, _COLORS[color])) in wanted:
                found[key] = _facts(*values)
        blacklisted = {
            key
            for plate, color in await driver.fetch(_BLACKLISTED_SQL, asked)
            if (key := (plate, _COLORS[color])) in wanted
        }
    else:
        vehicle_type = type_coerce(Vehicle.vehicle_type, String())  # codes, as PostgreSQL's
        business_kind = type_coerce(Vehicle.business_kind, String())
        for condition in among(session, Vehicle.plate, plates):
            query = select(
                Vehicle.plate, Vehicle.plate_color, Vehicle.id, Vehicle.operator_id,
                Vehicle.region_code, vehicle_type, Vehicle.dangerous_goods, business_kind,
                Vehicle.permitted_area, Vehicle.line_id,
            ).where(condition)  # fmt: skip
            for plate, color, *values in (await core.execute(query)).all():
                if (plate, color) in wanted:
                    found[(plate, color)] = _facts(*values)
        for condition in among(session, BlacklistRow.plate, plates):
            listed = select(BlacklistRow.plate, BlacklistRow.plate_color).where(
                condition, BlacklistRow.lifted_on.is_(None)
            )
            blacklisted |= {(plate, color) for plate, color in (await core.execute(listed)).all()}
    # Each line's route once, however many of its buses report in the batch.
    line_ids = {facts.line_id for facts in found.values() if facts.line_id is not None}
    if line_ids:
        routes = select(PassengerLine.id, PassengerLine.route).where(
            PassengerLine.id.in_(sorted(line_ids))
        )
        lines = {line_id: route for line_id, route in (await core.execute(routes)).all()}
    result = {}
    for key in wanted:
        facts = found.get(key, UNKNOWN)
        route = None if facts.line_id is None else lines.get(facts.line_id)
        if route is not None or key in blacklisted:
            facts = facts._replace(route=route, blacklisted=key in blacklisted)
        result[key] = facts
    return result


_FACTS_SQL = (
    "SELECT plate, plate_color, id, operator_id, region_code, vehicle_type, dangerous_goods, "
    # Most vehicles have no area: stored as JSON null, decoded in Python for nothing.
    "business_kind, NULLIF(permitted_area::text, 'null')::json, line_id FROM vehicles "
    "WHERE plate = ANY($1::text[])"
)
_BLACKLISTED_SQL = (
    "SELECT plate, plate_color FROM vehicle_blacklist "
    "WHERE plate = ANY($1::text[]) AND lifted_on IS NULL"
)
_PERMITS = {kind.value: kind for kind in PermitKind}


def _facts(
    vehicle_id: int, operator_id: int | None, region_code: str, vehicle_type: str,
    dangerous_goods: bool, business_kind: str | None, permitted_area: list[list[float]] | None,
    line_id: int | None,
) -> Facts:  # fmt: skip
    return Facts(
        vehicle_id=vehicle_id, operator_id=operator_id, region_code=region_code,
        vehicle_type=vehicle_type, dangerous_goods=dangerous_goods,
        business_kind=None if business_kind is None else _PERMITS[business_kind],
        permitted_area=permitted_area, line_id=line_id,
    )  # fmt: skip


_STATES_SQL = (
    "SELECT plate, plate_color, observed_at, latitude, longitude, driving_since, stopped_since, "
    "speeding_since, in_jiangsu FROM alert_vehicle_states WHERE plate = ANY($1::text[])"
)


async def _states(session: AsyncSession, vehicles: set[VehicleKey]) -> dict[VehicleKey, State]:
    found: dict[VehicleKey, State] = {}
    plates = {plate for plate, _ in vehicles}
    if session.get_bind().dialect.name == "postgresql":  # a row per vehicle of every batch
        driver = await driver_connection(session)
        for plate, color, *values in await driver.fetch(_STATES_SQL, sorted(plates)):
            if (key := (plate, _COLORS[color])) in vehicles:
                found[key] = State(*values)
        return found
    core = await session.connection()
    table = AlertVehicleState
    columns = (
        table.plate, type_coerce(table.plate_color, String()),  # the code: no enum per row
        table.observed_at, table.latitude, table.longitude, table.driving_since,
        table.stopped_since, table.speeding_since, table.in_jiangsu,
    )  # fmt: skip
    for condition in among(session, table.plate, plates):
        for row in (await core.execute(select(*columns).where(condition))).all():
            key = (row[0], _COLORS[row[1]])
            if key in vehicles:
                found[key] = State(*row[2:])
    return found


FACTS_SECONDS = 60.0
"""How long a worker trusts the registry facts it read of a vehicle (type, line, area,
blacklist): a vehicle reporting every 30 s is looked up twice a minute, not once a fix. A
blacklist entry applied by this worker is seen at once; one applied by another, within this."""
_FACTS_KEPT = 1_000_000


class FactsCache:
    """The facts of the vehicles a worker has seen, each for ``FACTS_SECONDS``."""

    def __init__(self, seconds: float = FACTS_SECONDS) -> None:
        self.seconds = seconds
        self._kept: dict[VehicleKey, tuple[float, Facts]] = {}

    async def __call__(
        self, session: AsyncSession, vehicles: set[VehicleKey]
    ) -> dict[VehicleKey, Facts]:
        now = time.monotonic()
        kept = self._kept
        missing = {key for key in vehicles if (entry := kept.get(key)) is None or entry[0] < now}
        if missing:
            if len(kept) > _FACTS_KEPT:  # a bound on memory whatever the fleet
                kept.clear()
            until = now + self.seconds
            for key, facts in (await facts_of(session, missing)).items():
                kept[key] = (until, facts)
        return {key: kept[key][1] for key in vehicles}

    def forget(self, vehicles: Iterable[VehicleKey]) -> None:
        """Read these vehicles' facts again next time (they changed here)."""
        for key in vehicles:
            self._kept.pop(key, None)


_caches: weakref.WeakKeyDictionary[Any, FactsCache] = weakref.WeakKeyDictionary()


def facts_cache(session: AsyncSession) -> FactsCache:
    """The facts cache of the database this session works on (one per engine: per worker)."""
    bind = session.get_bind()
    cache = _caches.get(bind)
    if cache is None:
        cache = _caches[bind] = FactsCache()
    return cache


_STATE_COLUMNS = ("plate", "plate_color", *State._fields)


_STATES_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS alert_states_staging (LIKE alert_vehicle_states) "
    "ON COMMIT DELETE ROWS"
)
_STATES_UPSERT = (
    f"INSERT INTO alert_vehicle_states ({', '.join(_STATE_COLUMNS)}) "
    f"SELECT {', '.join(_STATE_COLUMNS)} FROM alert_states_staging ORDER BY plate, plate_color "
    "ON CONFLICT (plate, plate_color) DO UPDATE SET "
    f"{', '.join(f'{name} = excluded.{name}' for name in _STATE_COLUMNS[2:])} "
    "WHERE alert_vehicle_states.observed_at < excluded.observed_at"
)


async def _save_states(session: AsyncSession, states: dict[VehicleKey, State]) -> None:
    """Upsert the states, in the vehicles' order (a stored state newer than the one given stays).

    On PostgreSQL by COPY into a staging table, as the fixes are stored: a row per vehicle of
    every batch, encoded in C, where rows bound as arrays cost the hub twice as much (asyncpg
    checks each array element for a nested array; 5.1 -> 2.2 us a row, measured).
    """
    if not states:
        return
    table = cast(Table, AlertVehicleState.__table__)
    if session.get_bind().dialect.name == "postgresql":
        driver = await bulk.driver(session, table)
        await driver.execute(_STATES_STAGING)
        await driver.copy_records_to_table(
            "alert_states_staging",
            records=[(plate, color.value, *state) for (plate, color), state in states.items()],
            columns=_STATE_COLUMNS,
        )
        await driver.execute(_STATES_UPSERT)
        await driver.execute("TRUNCATE alert_states_staging")  # a second batch in this transaction
        return
    rows = [(*key, *state) for key, state in sorted(states.items(), key=lambda item: item[0][0])]
    statement = sqlite.insert(table)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["plate", "plate_color"],
            set_={name: statement.excluded[name] for name in _STATE_COLUMNS[2:]},
            where=table.c.observed_at < statement.excluded.observed_at,
        ),
        [dict(zip(_STATE_COLUMNS, row, strict=True)) for row in rows],
    )


async def on_fixes(
    session: AsyncSession,
    fixes: Sequence[Fix],
    limits: Thresholds,
    now: dt.datetime,
    drifted: Sequence[Fix] = (),
) -> list[tuple[str, bytes]]:
    """Every rule on every fix of a batch just stored; the messages of the alerts raised.

    ``drifted`` are fixes the intake refused as jumps from their vehicle's previous fix
    (``hub.positions.plausibility``): each is evidence of POSITION_DRIFT, and judges nothing
    else, as the fix is not where the vehicle is.

    A fix that cannot be taken at its word (before 2000, in the future, outside China) raises
    nothing and changes no state; it stays stored as received.

    Each vehicle's fixes are judged together, in time order (``rules.evaluate_track``): its
    facts, state and which rules can apply to it are looked at once per batch, not per fix.
    """
    tracks: dict[VehicleKey, list[Fix]] = {}
    track: list[Fix] = []
    for fix in fixes:
        if plausible(fix, now) is not None:
            continue
        # The intake hands each vehicle's fixes together: a look-up per vehicle, not per fix.
        if not (track and track[-1].plate == fix.plate and track[-1].color is fix.color):
            track = tracks.setdefault((fix.plate, fix.color), [])
        track.append(fix)
    jumped = list(drifted) if limits.enabled(AlertKind.POSITION_DRIFT) else []
    if not tracks and not jumped:
        return []
    vehicles = {*tracks, *((fix.plate, fix.color) for fix in jumped)}
    facts = await facts_cache(session)(session, vehicles)
    states = await _states(session, vehicles)
    rules = Limits.of(limits)
    changed: dict[VehicleKey, State] = {}
    findings: dict[AlertKey, list[Finding]] = defaultdict(list)
    for count, (key, track) in enumerate(tracks.items(), 1):
        track.sort(key=_at)  # stable: fixes of one instant stay in the order they came
        before = states.get(key)
        found, after = evaluate_track(track, facts[key], before, rules)
        if after is not before and after is not None:
            changed[key] = after
        for finding in found:
            findings[(*key, finding.kind)].append(finding)
        if count % VEHICLES_PER_TURN == 0:
            await asyncio.sleep(0)
    for fix in sorted(jumped, key=_at):
        drift = Finding(
            AlertKind.POSITION_DRIFT, fix.observed_at, fix.latitude, fix.longitude,
            f"implausible:{evidence(fix.plate, fix.color, fix.observed_at).removeprefix('fix:')}",
        )  # fmt: skip
        findings[(fix.plate, fix.color, AlertKind.POSITION_DRIFT)].append(drift)
    await _save_states(session, changed)
    return await raise_alerts(session, findings, facts, now)


def _at(fix: Fix) -> dt.datetime:
    return fix.observed_at


async def raise_alerts(
    session: AsyncSession,
    findings: dict[AlertKey, list[Finding]],
    facts: dict[VehicleKey, Facts],
    now: dt.datetime,
) -> list[tuple[str, bytes]]:
    """Open an alert per (vehicle, kind) found, or extend the open one; the messages of the
    new ones, and of those of ``FOLLOWED_BY_PLACE`` that moved.

    A few statements per batch whatever it found: the open alerts of its vehicles read (and
    locked, on PostgreSQL), the new ones inserted together, the extended ones updated
    together (on PostgreSQL one statement each, the rows bound as arrays). Evidence already on
    the open alert is not counted twice (a sweep finds the same overdue review each time it
    runs).
    """
    if not findings:
        return []
    keys = sorted(findings, key=lambda k: (k[0], k[1].value, k[2].value))
    opened = await _open_alerts(session, {(plate, color) for plate, color, _ in findings})
    fresh = [key for key in keys if key not in opened]
    raised: list[dict[str, Any]] = []
    table = cast(Table, AlertRow.__table__)
    if fresh:
        values = [_new(key, findings[key], facts.get(key[:2], UNKNOWN), now) for key in fresh]
        made = await _inserted(session, table, values)
        raised = [
            {"id": made[key], **value}
            for key, value in zip(fresh, values, strict=True)
            if key in made
        ]
        lost = [key for key in fresh if key not in made]  # another worker's, opened just now
        if lost:
            opened |= await _open_alerts(session, {key[:2] for key in lost})
    extended = [
        (key, change)
        for key in keys
        if key in opened and (change := _extended(opened[key], findings[key])) is not None
    ]
    changes = [change for _key, change in extended]
    if changes and session.get_bind().dialect.name == "postgresql":
        await bulk.update_by_id(session, table, _EXTENDED, changes)
    elif changes:
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("alert_id"))
            .values({name: bindparam(f"new_{name}") for name in _EXTENDED}),
            [
                dict(zip(("alert_id", *(f"new_{name}" for name in _EXTENDED)), change, strict=True))
                for change in changes
            ],
        )
    messages = [(CHANNEL, message(row)) for row in raised]
    moved = [
        alert_id
        for key, (alert_id, *_, latitude, longitude) in extended
        if key[2] in FOLLOWED_BY_PLACE
        and (latitude, longitude) != (opened[key]["latitude"], opened[key]["longitude"])
    ]
    if moved:
        rows = await session.execute(select(*table.c).where(table.c.id.in_(moved)))
        messages += [(CHANNEL, message(dict(row._mapping), moved=True)) for row in rows]
    return messages


_EXTENDED = ("evidence", "evidence_count", "started_at", "ended_at", "latitude", "longitude")
"""The columns of an open alert that new evidence changes."""


async def _inserted(
    session: AsyncSession, table: Table, values: list[dict[str, Any]]
) -> dict[AlertKey, int]:
    """Insert new open alerts, but those the vehicle has open already; the ids of those made."""
    if session.get_bind().dialect.name == "postgresql":
        names = tuple(values[0])
        returned = await bulk.insert(
            session, table, names, [[value[name] for name in names] for value in values],
            conflict=("plate", "plate_color", "kind"), conflict_where=NOT_CLOSED.text,
            returning=("id", "plate", "plate_color", "kind"),
        )  # fmt: skip
        return {
            (plate, _COLORS[color], AlertKind(kind)): alert_id
            for alert_id, plate, color, kind in returned
        }
    statement = (
        sqlite.insert(table)
        .on_conflict_do_nothing(
            index_elements=["plate", "plate_color", "kind"], index_where=NOT_CLOSED
        )
        .returning(table.c.id, table.c.plate, table.c.plate_color, table.c.kind)
    )
    rows = (await session.execute(statement, values)).all()
    return {(plate, color, kind): alert_id for alert_id, plate, color, kind in rows}


_OPEN = (
    AlertRow.id, AlertRow.plate, AlertRow.plate_color, AlertRow.kind, AlertRow.evidence,
    AlertRow.evidence_count, AlertRow.started_at, AlertRow.ended_at, AlertRow.latitude,
    AlertRow.longitude,
)  # fmt: skip
_OPEN_NAMES = tuple(column.key for column in _OPEN)
_OPEN_SQL = (
    f"SELECT {', '.join(_OPEN_NAMES)} FROM alerts "
    "WHERE plate = ANY($1::text[]) AND status <> 'CLOSED' FOR UPDATE"
)
_KINDS = {kind.value: kind for kind in AlertKind}


async def _open_alerts(
    session: AsyncSession, vehicles: set[VehicleKey]
) -> dict[AlertKey, dict[str, Any]]:
    """The open alerts of these vehicles by (vehicle, kind); locked on PostgreSQL, where a
    concurrent batch waits for this one to extend them."""
    found: dict[AlertKey, dict[str, Any]] = {}
    plates = {plate for plate, _ in vehicles}
    if session.get_bind().dialect.name == "postgresql":
        driver = await driver_connection(session)
        for row in await driver.fetch(_OPEN_SQL, sorted(plates)):
            key = (row[1], _COLORS[row[2]], _KINDS[row[3]])
            if key[:2] in vehicles:
                alert = dict(zip(_OPEN_NAMES, row, strict=True))
                alert["plate_color"], alert["kind"] = key[1:]
                found[key] = alert
        return found
    core = await session.connection()
    for condition in among(session, AlertRow.plate, plates):
        query = select(*_OPEN).where(condition, AlertRow.status != AlertStatus.CLOSED)
        for row in (await core.execute(query)).all():
            if (row.plate, row.plate_color) in vehicles:
                found[(row.plate, row.plate_color, row.kind)] = dict(row._mapping)
    return found


def _new(key: AlertKey, found: list[Finding], facts: Facts, now: dt.datetime) -> dict[str, Any]:
    """The columns of a new open alert."""
    plate, color, kind = key
    found = sorted(found, key=lambda f: f.at)
    evidence = list(dict.fromkeys(f.evidence for f in found))
    last = found[-1]
    return {
        "kind": kind, "status": AlertStatus.OPEN, "plate": plate, "plate_color": color,
        "vehicle_id": facts.vehicle_id, "operator_id": facts.operator_id,
        "region_code": facts.region_code, "started_at": found[0].at, "ended_at": last.at,
        "latitude": last.latitude, "longitude": last.longitude,
        "evidence": evidence[:EVIDENCE_KEPT], "evidence_count": len(evidence), "raised_at": now,
        "acknowledged_at": None, "acknowledged_by": None, "closed_at": None, "closed_by": None,
        "disposition": None,
    }  # fmt: skip


def _extended(row: dict[str, Any], found: list[Finding]) -> tuple[Any, ...] | None:
    """(id, then the ``_EXTENDED`` columns) of an open alert extended by new evidence; None if
    none is new."""
    kept = set(row["evidence"])
    new = sorted((f for f in found if f.evidence not in kept), key=lambda f: f.at)
    if not new:
        return None
    fresh = list(dict.fromkeys(f.evidence for f in new))
    last = new[-1]
    later = last.at >= row["ended_at"]
    return (
        row["id"],
        (row["evidence"] + fresh)[:EVIDENCE_KEPT],
        row["evidence_count"] + len(fresh),
        min(row["started_at"], new[0].at),
        last.at if later else row["ended_at"],
        last.latitude if later else row["latitude"],
        last.longitude if later else row["longitude"],
    )


def columns_of(row: AlertRow) -> dict[str, Any]:
    """A stored alert's columns by name."""
    return {column.key: getattr(row, column.key) for column in AlertRow.__table__.columns}


def message(values: dict[str, Any], *, moved: bool = False) -> bytes:
    """An alert as published: its columns as JSON (times ISO 8601, codes as codes); ``moved``
    marks an open alert's new place (its vehicle's latest evidence), which only subscribers
    that asked for alerts near a point receive."""

    def value(raw: Any) -> Any:
        if isinstance(raw, dt.datetime):  # in UTC, as the database gives it back
            return raw.astimezone(dt.UTC).isoformat()
        return getattr(raw, "value", raw)

    names = [column.key for column in AlertRow.__table__.columns]
    published = {name: value(values[name]) for name in names}
    if moved:
        published["moved"] = True
    return json.dumps(published, ensure_ascii=False).encode()
