"""Every query of the position tables: batches stored, day partitions, tracks, latest, prune.

PostgreSQL takes a batch by COPY (asyncpg ``copy_records_to_table``) into a temporary staging
table, then one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` into the day partitions and one
upsert of the latest positions from the same staging rows. SQLite takes multi-row inserts.
Either way a fix already stored for that vehicle and instant is a duplicate and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    any_,
    delete,
    func,
    literal,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from hub.canonical.codes import PlateColor
from hub.db import driver_connection, note_written
from hub.filters import region_condition, region_prefix
from hub.positions.lines import Fix
from hub.positions.models import (
    LatestPosition,
    PositionDeadLetter,
    PositionFinding,
    PositionFix,
)
from hub.positions.plausibility import Flagged, Previous, drifted, screen
from hub.positions.tracks import TrackFix as Fixed
from hub.vehicles.models import Vehicle

COLUMNS = (
    "plate", "plate_color", "observed_at", "latitude", "longitude", "speed_kmh", "direction",
    "altitude_m", "alarm_flags", "received_at",
)  # fmt: skip
_LOCATION = COLUMNS[2:]
PARTITION = re.compile(r"position_fixes_p(\d{8})")
_PARTITIONS_LOCK = 0x706F736974696F6E  # "position": one creator of day partitions at a time
_CHUNK = 1000  # identifiers per IN (...) list
_SQLITE_ROWS = 500  # rows per multi-row INSERT: 10 columns each, under SQLite's 32,766 variables


SEPARATOR = "\x01"
"""Between the values of a list sent as one text and split by PostgreSQL (``string_to_array``):
an array parameter of a batch's 10,000 plates costs asyncpg about half a microsecond a value
to encode, one text next to nothing. No plate holds it (the plate rule refuses control
characters, and XML 1.0 cannot carry them); a list whose values do would go as an array."""


def among(
    session: AsyncSession, column: InstrumentedAttribute[Any], values: Iterable[str]
) -> list[ColumnElement[bool]]:
    """Conditions that together find the rows whose ``column`` is one of ``values``.

    PostgreSQL gets one parameter (``= ANY``): a list of thousands of bound values costs
    more to compile than to run. SQLite gets lists of ``_CHUNK``, under its variable limit.
    """
    wanted = set(values)
    if session.get_bind().dialect.name == "postgresql":
        joined = SEPARATOR.join(wanted)
        if joined.count(SEPARATOR) == len(wanted) - 1:
            split = func.string_to_array(literal(joined, String), func.chr(1), type_=ARRAY(String))
            return [column == any_(split)]
        return [column == any_(literal(sorted(wanted), ARRAY(String)))]
    ordered = sorted(wanted)
    return [column.in_(ordered[start : start + _CHUNK]) for start in range(0, len(ordered), _CHUNK)]


def partition_name(day: dt.date) -> str:
    """The name of the partition holding the fixes of one UTC day."""
    return f"position_fixes_p{day:%Y%m%d}"


async def ensure_partitions(session: AsyncSession, days: Iterable[dt.date]) -> list[str]:
    """Create the day partitions these days lack (PostgreSQL); returns those it created.

    Run in a transaction of its own, before the batch's: creating a partition locks the whole
    table briefly, and a batch must not hold that lock while it writes.
    """
    if session.get_bind().dialect.name != "postgresql":
        return []
    wanted = {partition_name(day): day for day in set(days)}
    query = text("SELECT relname FROM pg_class WHERE relname = ANY(:names)")
    present = set((await session.scalars(query, {"names": list(wanted)})).all())
    if present >= wanted.keys():
        return []
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PARTITIONS_LOCK})
    created = []
    for name, day in sorted(wanted.items()):
        if name in present:
            continue
        start, end = day.isoformat(), (day + dt.timedelta(days=1)).isoformat()
        await session.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF position_fixes "
                f"FOR VALUES FROM ('{start} 00:00+00') TO ('{end} 00:00+00')"
            )
        )
        created.append(name)
    return created


_ahead: weakref.WeakKeyDictionary[Any, dt.date] = weakref.WeakKeyDictionary()
"""Per database (engine) of this process, the day whose partitions it last made ahead."""


async def ensure_partitions_ahead(
    sessions: async_sessionmaker[AsyncSession], today: dt.date
) -> None:
    """Make today's and tomorrow's partitions if this process has not made sure of them today.

    Called once a batch is out (committed, published): the first fixes of a day then find
    their partition made the day before, and never wait for ``CREATE TABLE … PARTITION OF``,
    which locks the whole table, in their own path (measured: 0.9-1.2 s at stream start on the
    busy machine, an alert's whole budget). A batch still makes any partition it lacks itself.
    """
    async with sessions() as session:
        bind = session.get_bind()
        if bind.dialect.name != "postgresql" or _ahead.get(bind) == today:
            return
        async with session.begin():
            await ensure_partitions(session, {today, today + dt.timedelta(days=1)})
    _ahead[bind] = today


def _row(fix: Fix, received_at: dt.datetime) -> tuple[object, ...]:
    return (
        fix.plate, fix.color._value_, fix.observed_at, fix.latitude, fix.longitude, fix.speed_kmh,
        fix.direction, fix.altitude_m, fix.alarm_flags, received_at,
    )  # fmt: skip


async def store(session: AsyncSession, fixes: Sequence[Fix], received_at: dt.datetime) -> int:
    """Store fixes (one per vehicle and instant) and keep the latest positions current.

    Returns how many were new; the rest were stored already.
    """
    # One comprehension over the named tuples, the colour's code read as the member's own
    # attribute (``.value`` and a dict keyed by the member both run Python code per fix).
    rows = [
        (plate, color._value_, at, latitude, longitude, speed, direction, altitude, alarm,
         received_at)
        for plate, color, at, latitude, longitude, speed, direction, altitude, alarm in fixes
    ]  # fmt: skip
    return await _store_rows(session, rows)


async def store_received(session: AsyncSession, fixes: Sequence[tuple[Fix, dt.datetime]]) -> int:
    """``store`` for fixes received at different times (the documents of a batch)."""
    return await _store_rows(session, [_row(fix, at) for fix, at in fixes])


async def _store_rows(session: AsyncSession, rows: Sequence[tuple[object, ...]]) -> int:
    if not rows:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        return await _store_postgres(session, rows)
    return await _store_sqlite(session, rows)


_COLUMN_LIST = ", ".join(COLUMNS)
_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS position_staging (plate text, plate_color text, "
    "observed_at timestamptz, latitude float8, longitude float8, speed_kmh float8, "
    "direction int, altitude_m int, alarm_flags bigint, received_at timestamptz) "
    "ON COMMIT DELETE ROWS"
)
_STORE_SQL = (
    # Both writes in one statement: the fixes (a vehicle and instant stored already changes
    # nothing) and each vehicle's newest fix of the batch as its latest position, if newer.
    f"WITH new AS (INSERT INTO position_fixes ({_COLUMN_LIST}) "
    f"SELECT {_COLUMN_LIST} FROM position_staging ON CONFLICT DO NOTHING RETURNING 1), "
    f"latest AS (INSERT INTO position_latest ({_COLUMN_LIST}) "
    f"SELECT DISTINCT ON (plate, plate_color) {_COLUMN_LIST} FROM position_staging "
    "ORDER BY plate, plate_color, observed_at DESC "
    "ON CONFLICT (plate, plate_color) DO UPDATE SET "
    + ", ".join(f"{column} = excluded.{column}" for column in _LOCATION)
    + " WHERE position_latest.observed_at < excluded.observed_at) "
    "SELECT count(*) FROM new"
)


async def _store_postgres(session: AsyncSession, rows: Sequence[tuple[object, ...]]) -> int:
    # Sent to the driver as they are: a batch is three statements, none worth SQLAlchemy's
    # compiling, and the rows go by COPY (binary) into a staging table.
    driver = await driver_connection(session)
    note_written(session, "position_fixes")
    await driver.execute(_STAGING)
    await driver.copy_records_to_table("position_staging", records=rows, columns=COLUMNS)
    new = await driver.fetchval(_STORE_SQL)
    # Emptied now, not only at commit: a transaction may store more than one batch.
    await driver.execute("TRUNCATE position_staging")
    return int(new or 0)


async def _store_sqlite(session: AsyncSession, stored: Sequence[tuple[object, ...]]) -> int:
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in stored]
    before = await session.scalar(text("SELECT total_changes()"))
    for start in range(0, len(rows), _SQLITE_ROWS):
        await session.execute(
            sqlite.insert(PositionFix).values(rows[start : start + _SQLITE_ROWS])
            .on_conflict_do_nothing()
        )  # fmt: skip
    after = await session.scalar(text("SELECT total_changes()"))
    latest: dict[tuple[str, str], dict[str, object]] = {}
    for row in rows:
        key = (str(row["plate"]), str(row["plate_color"]))
        if key not in latest or row["observed_at"] > latest[key]["observed_at"]:  # type: ignore[operator]
            latest[key] = row
    values = list(latest.values())
    for start in range(0, len(values), _SQLITE_ROWS):
        statement = sqlite.insert(LatestPosition).values(values[start : start + _SQLITE_ROWS])
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["plate", "plate_color"],
                set_={column: statement.excluded[column] for column in _LOCATION},
                where=LatestPosition.observed_at < statement.excluded.observed_at,
            )
        )
    return int((after or 0) - (before or 0))


TrackFix = tuple[dt.datetime, float, float]
"""(time, latitude, longitude) of one stored fix."""


async def tracks(
    session: AsyncSession,
    vehicles: Iterable[tuple[str, PlateColor]],
    start: dt.datetime,
    end: dt.datetime,
) -> dict[tuple[str, PlateColor], list[TrackFix]]:
    """The stored fixes of these vehicles from ``start`` to ``end``, in time order."""
    wanted = set(vehicles)
    found: dict[tuple[str, PlateColor], list[TrackFix]] = {vehicle: [] for vehicle in wanted}
    for plates in among(session, PositionFix.plate, (plate for plate, _ in wanted)):
        query = (
            select(
                PositionFix.plate, PositionFix.plate_color, PositionFix.observed_at,
                PositionFix.latitude, PositionFix.longitude,
            )
            .where(
                plates,
                PositionFix.observed_at.between(start, end),
            )
            .order_by(PositionFix.observed_at)
        )  # fmt: skip
        for plate, color, at, latitude, longitude in (await session.execute(query)).all():
            if (plate, color) in found:
                found[(plate, color)].append((at, latitude, longitude))
    return found


async def latest_of(
    session: AsyncSession, keys: Sequence[tuple[str, PlateColor]], rule: ColumnElement[bool]
) -> list[LatestPosition]:
    """The latest positions of these vehicles (plate, colour) that ``rule`` allows."""
    wanted = [(plate, color.value) for plate, color in keys]
    query = select(LatestPosition).where(
        tuple_(LatestPosition.plate, LatestPosition.plate_color).in_(wanted), rule
    )
    return list((await session.scalars(query)).all())


MAX_TRACK_FIXES = 100_000
"""Fixes read for one track at most: a week of a fix every 10 s is 60,480."""


async def track_of(
    session: AsyncSession,
    plate: str,
    color: PlateColor,
    start: dt.datetime,
    end: dt.datetime,
    rule: ColumnElement[bool],
) -> list[Fixed]:
    """One vehicle's stored fixes from ``start`` to ``end`` inclusive, in time order."""
    query = (
        select(PositionFix.observed_at, PositionFix.latitude, PositionFix.longitude,
               PositionFix.speed_kmh)
        .where(PositionFix.plate == plate, PositionFix.plate_color == color,
               PositionFix.observed_at.between(start, end), rule)
        .order_by(PositionFix.observed_at)
        .limit(MAX_TRACK_FIXES)
    )  # fmt: skip
    return [Fixed(*row) for row in (await session.execute(query)).all()]


def latest_in_region(region: str) -> Select[Any]:
    """The latest positions of the vehicles registered in a region (a division code)."""
    return (
        select(*(getattr(LatestPosition, column) for column in COLUMNS[:-1]))
        .join(
            Vehicle,
            (Vehicle.plate == LatestPosition.plate)
            & (Vehicle.plate_color == LatestPosition.plate_color),
        )
        .where(region_condition(Vehicle.region_code, region))
    )


class Latest(NamedTuple):
    """A vehicle's latest position."""

    plate: str
    plate_color: PlateColor
    observed_at: dt.datetime
    latitude: float
    longitude: float
    speed_kmh: float
    direction: int
    altitude_m: int
    alarm_flags: int


_COLORS = {color.value: color for color in PlateColor}
_LATEST_SQL = (
    f"SELECT {', '.join(f'l.{column}' for column in COLUMNS[:-1])} "
    "FROM position_latest AS l JOIN vehicles AS v "
    "ON v.plate = l.plate AND v.plate_color = l.plate_color "
    "WHERE starts_with(v.region_code, $1)"
)


async def latest(session: AsyncSession, region: str) -> list[Latest]:
    """The latest position of every vehicle of a region that has reported one.

    Plain tuples, not ORM objects nor SQLAlchemy rows: a region has tens of thousands of
    vehicles. On PostgreSQL the query goes to the driver as it is, its rows made into tuples
    without SQLAlchemy's per-value result processing (most of what the query cost the hub:
    about 9 µs per vehicle, measured).
    """
    if session.get_bind().dialect.name == "postgresql":
        connection = await session.connection()
        driver: Any = (await connection.get_raw_connection()).driver_connection
        records = await driver.fetch(_LATEST_SQL, region_prefix(region))
        return [
            Latest(plate, _COLORS[color], *location)
            for plate, color, *location in map(tuple, records)
        ]
    rows = (await session.execute(latest_in_region(region))).all()
    return [Latest(*row) for row in rows]


_PREVIOUS_SQL = (
    "SELECT plate, plate_color, observed_at, latitude, longitude FROM position_latest "
    "WHERE plate = ANY(string_to_array($1, chr(1)))"  # the plates as one text: SEPARATOR
)


async def previous(
    session: AsyncSession, plates: Iterable[str]
) -> dict[tuple[str, PlateColor], Previous]:
    """The stored latest fix (time, latitude, longitude) of each vehicle under these plates."""
    found: dict[tuple[str, PlateColor], Previous] = {}
    if session.get_bind().dialect.name == "postgresql":  # a row per vehicle of every batch
        driver = await driver_connection(session)
        colors = _COLORS
        for plate, color, at, latitude, longitude in await driver.fetch(
            _PREVIOUS_SQL, SEPARATOR.join(set(plates))
        ):
            found[(plate, colors[color])] = (at, latitude, longitude)
        return found
    for wanted in among(session, LatestPosition.plate, plates):
        query = select(
            LatestPosition.plate, LatestPosition.plate_color, LatestPosition.observed_at,
            LatestPosition.latitude, LatestPosition.longitude,
        ).where(wanted)  # fmt: skip
        for plate, color, at, latitude, longitude in (await session.execute(query)).all():
            found[(plate, color)] = (at, latitude, longitude)
    return found


async def record_findings(
    session: AsyncSession, source: str, flagged: Sequence[Flagged], received_at: dt.datetime
) -> None:
    """Keep the fixes that cannot be true, as received, with why."""
    session.add_all(
        PositionFinding(
            plate=f.fix.plate, plate_color=f.fix.color, observed_at=f.fix.observed_at,
            latitude=f.fix.latitude, longitude=f.fix.longitude, speed_kmh=f.fix.speed_kmh,
            reason=f.reason.value, detail=f.detail[:300], source=source[:64],
            received_at=received_at,
        )
        for f in flagged
    )  # fmt: skip


async def store_plausible(
    session: AsyncSession, source: str, fixes: Sequence[tuple[Fix, dt.datetime]]
) -> tuple[list[tuple[Fix, dt.datetime]], list[Fix]]:
    """``store_received`` for the fixes that can be true; those that cannot are kept as
    findings of ``source`` instead (``hub.positions.plausibility``). Returns, for the alert
    rules, the fixes taken (with when each was received) and those refused as jumps."""
    if not fixes:
        return [], []
    now = max(at for _, at in fixes)
    received = {(f.plate, f.color, f.observed_at): at for f, at in fixes}
    previous_fixes = await previous(session, {f.plate for f, _ in fixes})
    accepted, flagged = screen([f for f, _ in fixes], previous_fixes, now)
    await record_findings(session, source, flagged, now)
    taken = [(f, received[(f.plate, f.color, f.observed_at)]) for f in accepted]
    await store_received(session, taken)
    return taken, drifted(flagged)


async def dead_letter(
    session: AsyncSession,
    intake: str,
    source: str,
    rejected: Sequence[tuple[int, str, str]],
    received_at: dt.datetime,
) -> None:
    """Keep the refused lines (line number, reason, text) of an intake."""
    if rejected:
        session.add_all(
            PositionDeadLetter(
                intake=intake, source=source, line=line, reason=reason[:500],
                text=line_text[:600], received_at=received_at,
            )
            for line, reason, line_text in rejected
        )  # fmt: skip


async def dead_letters(session: AsyncSession, intake: str) -> list[PositionDeadLetter]:
    """The refused lines of one intake, by line number."""
    query = select(PositionDeadLetter).where(PositionDeadLetter.intake == intake)
    return list((await session.scalars(query.order_by(PositionDeadLetter.line))).all())


async def prune(session: AsyncSession, before: dt.date) -> int:
    """Remove the fixes of the UTC days before ``before``; returns how many days had some.

    The lines dead-lettered and the findings recorded before then go too.

    On PostgreSQL each such day's partition is dropped whole; on SQLite the rows are deleted.
    The latest positions stay: a vehicle that stopped reporting is still where it was last seen.
    """
    cutoff = dt.datetime.combine(before, dt.time(), tzinfo=dt.UTC)
    await session.execute(delete(PositionDeadLetter).where(PositionDeadLetter.received_at < cutoff))
    await session.execute(delete(PositionFinding).where(PositionFinding.received_at < cutoff))
    if session.get_bind().dialect.name == "postgresql":
        query = text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'position_fixes'::regclass"
        )
        names = (await session.scalars(query)).all()
        old = sorted(
            name for name in names
            if (match := PARTITION.fullmatch(name))
            and dt.datetime.strptime(match[1], "%Y%m%d").date() < before
        )  # fmt: skip
        emptied = 0
        for name in old:
            emptied += bool(await session.scalar(text(f"SELECT EXISTS (SELECT FROM {name})")))
            await session.execute(text(f"DROP TABLE {name}"))
        return emptied
    day = func.date(PositionFix.observed_at)
    days = await session.scalar(
        select(func.count(day.distinct())).where(PositionFix.observed_at < cutoff)
    )
    await session.execute(delete(PositionFix).where(PositionFix.observed_at < cutoff))
    return int(days or 0)
