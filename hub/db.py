"""The database: declarative base, portable column types, engine and sessions.

One code path serves both backends: SQLite (embedded default, through aiosqlite) and
PostgreSQL (through asyncpg). Only the connection set-up differs.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    DateTime,
    MetaData,
    String,
    TextClause,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import DBAPIError, InvalidatePoolError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
)
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator
from sqlalchemy.util import await_only

from hub.config import Settings
from hub.errors import ServiceUnavailable

# Alembic and both backends see the same constraint names only if they are named by rule.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every ORM row of the hub."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


E = TypeVar("E", bound=Enum)


class Code(TypeDecorator[E]):
    """A code-list value stored as its code string, read back as the enum member."""

    impl = String
    cache_ok = True

    def __init__(self, enum_type: type[E]) -> None:
        super().__init__(length=max(len(str(member.value)) for member in enum_type))
        self.enum_type = enum_type

    def process_bind_param(self, value: E | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if type(value) is self.enum_type:  # a member, as nearly always: no look-up by value
            return str(value._value_)
        return str(self.enum_type(value).value)

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_type(value)

    def __repr__(self) -> str:
        return f"Code({self.enum_type.__name__})"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC, also on SQLite (which drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: give a timezone")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stored: dt.datetime = value
        return stored.replace(tzinfo=dt.UTC) if stored.tzinfo is None else stored.astimezone(dt.UTC)


class Provenance:
    """Where a record came from: every record of the data center carries it.

    (source, source record id) is unique per table, so a record received twice is recognised.
    """

    source: Mapped[str] = mapped_column(
        String(64), comment="来源系统或机构 / source system or agency"
    )
    source_record_id: Mapped[str] = mapped_column(
        String(128), comment="来源记录标识 / record id at the source"
    )
    received_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), comment="接收时间 / when the hub received it"
    )
    verified_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), comment="最近核验时间 / when it was last verified against the source"
    )

    __constraints__: tuple[Any, ...] = ()
    """A model's own table constraints, added beside the provenance one."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (UniqueConstraint("source", "source_record_id"), *cls.__constraints__)


CONNECT_TIMEOUT_SECONDS = 5
"""How long a new PostgreSQL connection may take before the server counts as unreachable."""


def create_engine(settings: Settings) -> AsyncEngine:
    """The engine for the configured database; SQLite gets its data directory and pragmas."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return sqlite_engine(url)
    # The connect timeout: a server that accepts but does not answer is an outage within
    # seconds.
    engine = create_async_engine(
        url,
        pool_size=10,
        max_overflow=10,
        connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
        # An error message must never quote the values a statement carried (ID numbers,
        # names), as it may end up in a log.
        hide_parameters=True,
    )
    ping_after_idle(engine, IDLE_BEFORE_PING_SECONDS)
    return engine


IDLE_BEFORE_PING_SECONDS = 1.0
"""A pooled PostgreSQL connection unused for this long is checked before it is handed out."""


def ping_after_idle(engine: AsyncEngine, idle: float) -> None:
    """Check a pooled connection that sat ``idle`` seconds or more before handing it out; if
    it died (an outage, a restarted server), it and every older one are replaced.

    SQLAlchemy's ``pool_pre_ping`` does the same before *every* checkout, which on asyncpg
    is three round trips per request (begin, an empty statement, rollback): a tenth of the
    CPU of recording an event. A connection handed back moments ago was alive then; one that
    dies between two uses less than ``idle`` apart fails its statement, which SQLAlchemy
    reports as a disconnect (answered 503) and which replaces the pool all the same.
    """
    dialect = engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        since = record.info.get("checked_in")
        if since is None or time.monotonic() - since < idle:
            return  # new, or in use moments ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise InvalidatePoolError() from exc
            raise


def sqlite_engine(url: URL, *, foreign_keys: bool = True) -> AsyncEngine:
    """An SQLite engine whose transactions really are transactions, DDL included.

    The sqlite3 module opens transactions only before INSERT/UPDATE/DELETE, so a failed
    migration would keep the tables it had created. Turning its own handling off and emitting
    BEGIN ourselves (the recipe in SQLAlchemy's SQLite notes) makes every unit of work atomic.
    """
    engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # Foreign keys are off by default in SQLite; WAL lets readers run beside one writer.
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    def on_begin(connection: Any) -> None:
        # A deferred transaction that later writes fails at once ("database is locked") when
        # another connection wrote meanwhile; taking the write lock up front waits instead.
        # Read-only sessions (GraphQL requests) say so, and stay deferred: readers never wait.
        reads_only = connection.get_execution_options().get(READS_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

    event.listen(engine.sync_engine, "connect", on_connect)
    event.listen(engine.sync_engine, "begin", on_begin)
    return engine


READS_ONLY = "hub_reads_only"
"""Execution option of sessions that never write (lets SQLite keep them deferred)."""


def session_factory(
    engine: AsyncEngine,
    *,
    reads_only: bool = False,
    written: Callable[[], Awaitable[None]] | None = None,
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded rows usable after commit (GraphQL reads them afterwards).

    With ``written``, it is awaited after each commit of a session that wrote to a table of
    the data center (see :data:`UNVERSIONED_TABLES`): ``hub.dataversion`` moves the data
    version there, so that no answer cached before the write is served after it.
    """
    bind = engine.execution_options(**{READS_ONLY: True}) if reads_only else engine
    if written is None:
        return async_sessionmaker(bind, expire_on_commit=False, autoflush=False)
    return async_sessionmaker(
        bind, expire_on_commit=False, autoflush=False, sync_session_class=_watched(written)
    )


UNVERSIONED_TABLES = frozenset(
    {"oauth_clients", "signing_keys", "audit_log", "audit_subjects", "audit_head",
     "exchange_messages", "exchange_cursors"}
)  # fmt: skip
"""The hub's own bookkeeping, written while it serves reads (the audit of each personal-data
read, signing keys, queued receipts): no published answer reads it, so writing it does not
move the data version. Every other table does — a table missing here costs cached answers,
never correctness."""

_WROTE = "hub_wrote"


def note_written(session: AsyncSession, table: str) -> None:
    """Count a write to ``table`` that went to the driver directly, past SQLAlchemy's events.

    The exchange's bulk statements (``hub.agency_records.bulk``) are sent to asyncpg as they
    are: a session watched for the data version would not see them otherwise.
    """
    if table not in UNVERSIONED_TABLES:
        session.info[_WROTE] = True


async def driver_connection(session: AsyncSession) -> Any:
    """The driver's own connection under ``session`` (asyncpg), inside the session's transaction.

    For statements whose rows are many and plain: sent as they are, their rows plain tuples,
    without SQLAlchemy's compilation and per-value result processing (on a batch of fixes,
    most of what a read of its vehicles' rows costs the hub). A write sent here is not seen by
    the session's events: note it (``note_written``).
    """
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    if raw is None or not raw.is_in_transaction():
        # SQLAlchemy begins its transaction with the first statement it sends: send one, so
        # what goes to the driver directly is in it (and a FOR UPDATE holds its locks).
        await session.execute(text("SELECT 1"))
        raw = (await connection.get_raw_connection()).driver_connection
    return raw


def _watched(written: Callable[[], Awaitable[None]]) -> type[Session]:
    class WatchedSession(Session):
        """A session that awaits ``written`` after each commit in which it wrote."""

    def note(session: Session, tables: Iterable[str]) -> None:
        if not session.info.get(_WROTE) and any(t not in UNVERSIONED_TABLES for t in tables):
            session.info[_WROTE] = True

    def flushed(session: Session, _context: Any) -> None:
        # Still the pre-flush state here: what was added, changed or deleted.
        changed = (*session.new, *session.dirty, *session.deleted)
        note(session, (inspect(row).mapper.persist_selectable.name for row in changed))

    def executed(state: ORMExecuteState) -> None:
        statement: Any = state.statement
        if state.is_insert or state.is_update or state.is_delete:
            note(state.session, [statement.table.name])
        elif isinstance(statement, TextClause) and not _reads(statement.text):
            # Raw SQL (a day partition of the positions created): which table it writes
            # is not known here, so it counts as a write of published data.
            state.session.info[_WROTE] = True

    def committed(session: Session) -> None:
        if session.info.pop(_WROTE, False):
            # Commits run in SQLAlchemy's greenlet, under the caller's await: this awaits
            # ``written`` there, before the caller's commit returns.
            await_only(written())

    def rolled_back(session: Session) -> None:
        session.info.pop(_WROTE, None)

    event.listen(WatchedSession, "after_flush", flushed)
    event.listen(WatchedSession, "do_orm_execute", executed)
    event.listen(WatchedSession, "after_commit", committed)
    event.listen(WatchedSession, "after_rollback", rolled_back)
    return WatchedSession


def _reads(sql: str) -> bool:
    return sql.lstrip().split(None, 1)[0].upper() in ("SELECT", "PRAGMA", "SHOW", "EXPLAIN")


async def check_connection(engine: AsyncEngine) -> None:
    """Open one connection, turning driver errors into a message that says where and why."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (OSError, OperationalError, DBAPIError) as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise ServiceUnavailable(
            f"cannot reach the database at {where}: {exc}", dependency=engine.dialect.name
        ) from exc


@asynccontextmanager
async def unit_of_work(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the block ends, rolled back whole if it raises."""
    async with sessions() as session, session.begin():
        yield session
