"""The per-request context: settings, one database session, the cache and the loaders.

Loaders live here and nowhere else, so their caches last exactly one request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader

from hub.access import rule_for
from hub.api.permissions import AuditTrail, Policy
from hub.audit.checkpoints import Checkpointer
from hub.auth.principal import ANONYMOUS, Principal
from hub.cache import Cache
from hub.config import Settings
from hub.credit.rules import RuleBook
from hub.dataversion import DataVersion
from hub.db import Base
from hub.paging import Page, Relation, Sort, Window, count_by, fetch_pages
from hub.pubsub import PubSub
from hub.ratelimit import RateLimiter

R = TypeVar("R", bound=Base)
K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
L = TypeVar("L", bound=DataLoader[Any, Any])


@dataclass
class Context:
    """What every resolver gets as ``info.context``."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    cache: Cache
    versions: DataVersion | None = None
    """The data version, under which totals are cached (none: counted every time)."""
    principal: Principal = ANONYMOUS
    read_sessions: async_sessionmaker[AsyncSession] | None = None
    """Sessions for the request's reads; ``sessions`` is for what it writes (the audit)."""
    request: Request | WebSocket | None = None
    response: Response | None = None
    audit: AuditTrail = field(default_factory=AuditTrail)
    policy: Policy = field(default_factory=lambda: Policy({}, {}))
    pubsub: PubSub | None = None
    checkpointer: Checkpointer | None = None
    """Writes the audit chain's head outside the database after each append (hub.audit)."""
    connection_params: dict[str, Any] | None = None
    """The payload of a websocket's connection_init (graphql-transport-ws)."""
    credit_rules: RuleBook | None = None
    """The credit rule files in force, checked at start-up (hub.credit.rules)."""
    limiter: RateLimiter | None = None
    """The app's rate limiter, for operations with a quota of their own (submitComplaint)."""
    cost: int = 0
    """The operation's estimated cost, once the tier limits measured it (counted in usage)."""
    _session: AsyncSession | None = None
    # One session per request, and sibling resolvers run concurrently: take turns on it.
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _loaders: dict[Hashable, DataLoader[Any, Any]] = field(default_factory=dict)

    @asynccontextmanager
    async def database(self) -> AsyncIterator[AsyncSession]:
        """The request's session, held by one caller at a time."""
        async with self._lock:
            if self._session is None:
                self._session = (self.read_sessions or self.sessions)()
            yield self._session

    async def close(self) -> None:
        """End the request's session (reads only: nothing to commit)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def rule(self, model: type[Any]) -> ColumnElement[bool]:
        """The row rule of ``model`` for this request's client (``hub.access``): every path
        that returns rows of a record type puts it in its statement."""
        return rule_for(model, self.principal.reader)

    def loader(self, key: Hashable, make: Callable[[], L]) -> L:
        """The request's loader under ``key``, made on first use."""
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = make()
        return loader  # type: ignore[return-value]

    def by_id(self, model: type[R]) -> DataLoader[int, R | None]:
        """Rows of ``model`` by primary key, as the client may see them."""
        return self.by_key(
            ("id", model),
            model,
            lambda session, ids, rule: _rows_where(session, model, model.id, ids, rule),  # type: ignore[attr-defined]
            lambda row: row.id,  # type: ignore[attr-defined]
        )

    def by_key(
        self,
        name: Hashable,
        model: type[Any],
        fetch: Callable[[AsyncSession, Sequence[K], ColumnElement[bool]], Awaitable[list[R]]],
        key_of: Callable[[R], K],
    ) -> DataLoader[K, R | None]:
        """Rows by a natural key, ``fetch`` loading many keys in one statement that holds the
        row rule of ``model``: a row the client may not see is not found."""

        async def load(keys: Sequence[K]) -> list[R | None]:
            async with self.database() as session:
                rows = await fetch(session, list(dict.fromkeys(keys)), self.rule(model))
            found = {key_of(row): row for row in rows}
            return [found.get(key) for key in keys]

        return self.loader(("key", name), lambda: DataLoader(load_fn=load))

    def all_by_key(
        self,
        name: Hashable,
        model: type[Any],
        fetch: Callable[[AsyncSession, Sequence[K], ColumnElement[bool]], Awaitable[list[T]]],
        key_of: Callable[[T], K],
    ) -> DataLoader[K, list[T]]:
        """Every row of each key (``fetch`` returns them in the order to show), one statement
        that holds the row rule of ``model``."""

        async def load(keys: Sequence[K]) -> list[list[T]]:
            async with self.database() as session:
                rows = await fetch(session, list(dict.fromkeys(keys)), self.rule(model))
            found: dict[K, list[T]] = {}
            for row in rows:
                found.setdefault(key_of(row), []).append(row)
            return [found.get(key, []) for key in keys]

        return self.loader(("all", name), lambda: DataLoader(load_fn=load))

    def pages(
        self, relation: Relation[R, Any]
    ) -> DataLoader[tuple[int, Any, Sort, Window], Page[R]]:
        """One page of each parent's list; keys sharing filter, sort and window share a query."""

        async def load(keys: Sequence[tuple[int, Any, Sort, Window]]) -> list[Page[R]]:
            groups: dict[tuple[Any, Sort, Window], list[int]] = {}
            for parent_id, filter_, sort, window in keys:
                groups.setdefault((filter_, sort, window), []).append(parent_id)
            found: dict[tuple[int, Any, Sort, Window], Page[R]] = {}
            async with self.database() as session:
                for (filter_, sort, window), parent_ids in groups.items():
                    by_parent = await fetch_pages(
                        session,
                        relation.select(filter_, self.rule(relation.listing.model)),
                        relation.listing.model,
                        sort,
                        window,
                        relation.parent,
                        parent_ids,
                    )
                    for parent_id, page in by_parent.items():
                        found[(parent_id, filter_, sort, window)] = page
            return [found[key] for key in keys]

        return self.loader(("pages", relation), lambda: DataLoader(load_fn=load))

    def counts(self, relation: Relation[R, Any]) -> DataLoader[tuple[int, Any], int]:
        """How many rows each parent's list has; one query per distinct filter."""

        async def load(keys: Sequence[tuple[int, Any]]) -> list[int]:
            groups: dict[Any, list[int]] = {}
            for parent_id, filter_ in keys:
                groups.setdefault(filter_, []).append(parent_id)
            found: dict[tuple[int, Any], int] = {}
            async with self.database() as session:
                for filter_, parent_ids in groups.items():
                    totals = await count_by(
                        session,
                        relation.select(filter_, self.rule(relation.listing.model)),
                        relation.parent,
                        parent_ids,
                    )
                    found.update({(pid, filter_): total for pid, total in totals.items()})
            return [found[key] for key in keys]

        return self.loader(("counts", relation), lambda: DataLoader(load_fn=load))


async def _rows_where(
    session: AsyncSession,
    model: type[R],
    column: InstrumentedAttribute[Any],
    keys: Sequence[Any],
    rule: ColumnElement[bool],
) -> list[R]:
    return list((await session.scalars(select(model).where(column.in_(keys), rule))).all())
