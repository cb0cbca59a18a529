"""Running planned statements: on PostgreSQL through asyncpg directly, elsewhere through
SQLAlchemy.

A planned statement is built with SQLAlchemy Core once per request shape and then runs for
every repeat of that request. Through the ORM's engine each run would cost a pool checkout
with its ping, BEGIN, the statement and ROLLBACK — four round trips and SQLAlchemy's
per-execution bookkeeping for one read. On PostgreSQL the statement is therefore compiled
once into its SQL text and its parameter values (in ``$n`` order, already converted by the
columns' bind processors), and runs on a connection the planner holds as one prepared
statement (asyncpg keeps it prepared per connection): one round trip. SQLite (in-process, no
round trips) keeps SQLAlchemy, with its functions for base64 and cursors.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.cache_key import CacheKey
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter

from hub.db import CONNECT_TIMEOUT_SECONDS, READS_ONLY
from hub.request_log import count_statement

APPLICATION_NAME = "hub-read-planner"
"""How the planner's connections show in ``pg_stat_activity``."""

SESSION = {
    "application_name": APPLICATION_NAME,
    "plan_cache_mode": "force_generic_plan",
    "jit": "off",
}
"""Settings of the planner's connections. A planned statement is prepared once and run with
new values thousands of times; left to choose, PostgreSQL plans it afresh on every run (its
generic plan with a parameter as LIMIT looks dearer than the custom ones), and planning
these wide JSON statements cost more than running them — measured on workload (a), 1.8 ms a
statement with custom plans against 0.66 ms with the generic one. JIT compiling never pays
back on statements of a few milliseconds."""


class StatementFailed(Exception):
    """A planned statement could not run: the database is unreachable or refused it."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """A statement as PostgreSQL runs it: its text and its parameters in ``$n`` order."""

    sql: str
    parameters: tuple[Any, ...]
    fresh: tuple[tuple[int, Callable[[], Any]], ...] = ()
    """Parameters read anew on every run (now, for a position's ``online``): their place
    among ``parameters`` and what gives their value, already through the bind processor."""

    def values(self) -> tuple[Any, ...]:
        """The parameters of this run."""
        if not self.fresh:
            return self.parameters
        values = list(self.parameters)
        for place, read in self.fresh:
            values[place] = read()
        return tuple(values)


@dataclass(frozen=True, slots=True)
class _Shape:
    """A statement compiled once for every request of its shape (its values apart)."""

    compiled: SQLCompiler
    key: CacheKey | None
    order: tuple[str, ...]
    processors: dict[str, Callable[[Any], Any]]
    fresh_binds: tuple[tuple[int, str, BindParameter[Any]], ...]
    """The binds read anew on every run (now, for ``online``): their place and name."""


SHAPES = 4096
"""Compiled shapes kept per worker (a handful per document the clients send); past it the
runner starts afresh rather than keep every shape a hostile client could make."""


Prepared = Select[Any] | Compiled
"""What a runner runs again and again: a statement it was given by :meth:`Runner.prepare`."""


class Runner:
    """Runs the statements of planned requests (SQLAlchemy: any dialect)."""

    def __init__(self, engine: AsyncEngine) -> None:
        # Reads only: SQLite keeps the transaction deferred (no write lock).
        self.engine = engine.execution_options(**{READS_ONLY: True})

    def prepare(self, statement: Select[Any]) -> Prepared:
        """``statement`` in the form :meth:`run` takes, made once per request shape."""
        return statement

    async def run(self, statements: Sequence[Prepared]) -> list[str | None]:
        """The first column of the first row of each statement (None: no row), read in one
        transaction so the root fields see one snapshot; StatementFailed when one failed."""
        found: list[str | None] = []
        try:
            async with self.engine.connect() as connection:
                for statement in statements:
                    assert not isinstance(statement, Compiled)
                    row = (await connection.execute(statement)).first()
                    found.append(None if row is None else row[0])
        except (SQLAlchemyError, OSError) as exc:
            raise StatementFailed(str(exc)) from exc
        return found

    async def close(self) -> None:
        """Give back what the runner holds (the engine is its owner's to dispose)."""


class PostgresRunner(Runner):
    """Runs compiled statements on asyncpg connections of its own, one round trip each."""

    def __init__(self, engine: AsyncEngine, size: int) -> None:
        super().__init__(engine)
        self.dialect = engine.dialect
        # Connected as the engine connects (host, user, database, ssl… from the URL, read by
        # SQLAlchemy's own dialect), less its adapter's options that asyncpg does not take.
        _, options = engine.dialect.create_connect_args(engine.url)
        accepted = inspect.signature(asyncpg.connect).parameters
        self._options = {name: value for name, value in options.items() if name in accepted}
        self._settings = {**self._options.pop("server_settings", {}), **SESSION}
        self._size = size
        self._idle: list[asyncpg.Connection] = []
        self._opened = 0
        self._waiting: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._closed = False
        self._shapes: dict[Any, _Shape] = {}

    def prepare(self, statement: Select[Any]) -> Prepared:
        # A request with new variables is a new statement of a shape seen before (the same
        # page from another plate, the same search from another point): its SQL text is the
        # shape's, compiled once; only its values are new. SQLAlchemy's cache key tells the
        # shape (values apart) and extracts the values, as its own compiled cache does.
        # Expanded IN lists change the text with their length: those compile each time.
        key = statement._generate_cache_key()
        if key is None or any(bind.expanding for bind in key.bindparams):
            shape = self._shape(statement, None)
            values = shape.compiled.params
        else:
            found = self._shapes.get(key.key)
            if found is None:
                if len(self._shapes) >= SHAPES:
                    self._shapes.clear()
                found = self._shapes[key.key] = self._shape(statement, key)
            shape = found
            values = shape.compiled.construct_params(extracted_parameters=key.bindparams)
        processors = shape.processors
        parameters = tuple(
            processors[name](values[name]) if name in processors else values[name]
            for name in shape.order
        )
        own: dict[BindParameter[Any], BindParameter[Any]] = {}
        if shape.fresh_binds and shape.key is not None and key is not None:
            # Read anew by this statement's own binds, not the first one's: the shape's
            # binds line up with this statement's, one for one, as the values do.
            own = dict(zip(shape.key.bindparams, key.bindparams, strict=True))
        fresh = tuple(
            (place, _processed(own.get(bind, bind).callable, processors.get(name)))  # type: ignore[arg-type]
            for place, name, bind in shape.fresh_binds
        )
        return Compiled(shape.compiled.string, parameters, fresh)

    def _shape(self, statement: Select[Any], key: CacheKey | None) -> _Shape:
        # What SQLAlchemy does for every execution (DefaultExecutionContext._init_compiled),
        # done here once: IN lists expanded, values through their columns' bind processors
        # (a code-list member becomes its stored code), in the order of $1, $2, ….
        compiled = self.dialect.statement_compiler(
            self.dialect, statement, cache_key=key, compile_kwargs={"render_postcompile": True}
        )
        processors: dict[str, Callable[[Any], Any]] = dict(compiled._bind_processors)  # type: ignore[arg-type]
        # The values of an expanded IN list (codes of a filter's list) are bound under names
        # of their own, with processors of their own.
        expanded = compiled._post_compile_expanded_state
        if expanded is not None:
            processors.update(expanded.processors)
        order = tuple(compiled.positiontup or ())
        # Expanded IN lists are named apart from their binds: none of them is read anew.
        fresh_binds = tuple(
            (place, name, bind)
            for place, name in enumerate(order)
            if (bind := compiled.binds.get(name)) is not None and bind.callable is not None
        )
        return _Shape(compiled, key, order, processors, fresh_binds)

    async def run(self, statements: Sequence[Prepared]) -> list[str | None]:
        try:
            connection = await self._acquire()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            raise StatementFailed(str(exc)) from exc
        broken = True
        try:
            if len(statements) == 1:
                found = [await self._fetch(connection, statements[0])]
            else:
                # Several root fields read one snapshot, as the resolvers' session does.
                async with connection.transaction(isolation="repeatable_read", readonly=True):
                    found = [await self._fetch(connection, s) for s in statements]
            broken = False
        except asyncpg.PostgresError as exc:
            broken = connection.is_closed()
            raise StatementFailed(str(exc)) from exc
        except (OSError, asyncpg.InterfaceError, TimeoutError) as exc:
            raise StatementFailed(str(exc)) from exc
        finally:
            self._release(connection, broken)
        return found

    async def _fetch(self, connection: asyncpg.Connection, statement: Prepared) -> str | None:
        assert isinstance(statement, Compiled)
        count_statement()
        value: str | None = await connection.fetchval(statement.sql, *statement.values())
        return value

    async def _acquire(self) -> asyncpg.Connection:
        while True:
            if self._closed:
                raise asyncpg.InterfaceError("the read planner's connections are closed")
            if self._idle:
                return self._idle.pop()
            if self._opened < self._size:
                self._opened += 1
                try:
                    connection: asyncpg.Connection = await asyncpg.connect(
                        **self._options,
                        timeout=CONNECT_TIMEOUT_SECONDS,
                        server_settings=self._settings,
                    )
                except BaseException:
                    self._opened -= 1
                    self._wake(None)
                    raise
                return connection
            waiter: asyncio.Future[asyncpg.Connection | None] = (
                asyncio.get_running_loop().create_future()
            )
            self._waiting.append(waiter)
            try:
                given = await waiter
            except asyncio.CancelledError:
                # Handed a connection just as the request was abandoned: pass it on.
                if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                    self._release(waiter.result(), broken=False)
                raise
            if given is not None:
                return given
            # A connection was dropped: the loop opens a new one in its place.

    def _release(self, connection: asyncpg.Connection, broken: bool) -> None:
        if broken or self._closed:
            self._opened -= 1
            connection.terminate()
            self._wake(None)
            return
        if not self._wake(connection):
            self._idle.append(connection)

    def _wake(self, connection: asyncpg.Connection | None) -> bool:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return True
        return False

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            self._opened -= 1
            await connection.close(timeout=CONNECT_TIMEOUT_SECONDS)
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)


def _processed(
    read: Callable[[], Any], processor: Callable[[Any], Any] | None
) -> Callable[[], Any]:
    return read if processor is None else lambda: processor(read())


def runner_for(engine: AsyncEngine, connections: int) -> Runner:
    """The runner of ``engine``'s dialect: asyncpg directly on PostgreSQL, holding at most
    ``connections`` (``HUB_PLANNER_CONNECTIONS``), else SQLAlchemy."""
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "asyncpg":
        return PostgresRunner(engine, connections)
    return Runner(engine)
