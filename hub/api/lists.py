"""Resolving connection fields: top-level lists and the lists under each parent."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import suppress
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from hub.api.context import Context
from hub.api.relay import Connection
from hub.db import Base
from hub.errors import ServiceUnavailable
from hub.paging import Listing, Relation, Window, count, fetch_page, window

R = TypeVar("R", bound=Base)
N = TypeVar("N")
C = TypeVar("C", bound=Connection[Any])


def _window(
    ctx: Context,
    listing: Listing[Any, Any],
    sort_name: str | None,
    descending: bool,
    args: dict[str, Any],
) -> tuple[Any, Window]:
    sort = listing.sort(sort_name, descending)
    return sort, window(
        sort,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        default_size=ctx.settings.default_page_size,
        max_size=min(ctx.settings.max_page_size, ctx.principal.tier.max_page_size),
    )


async def top_connection(
    info: Info[Context, None],
    connection: type[C],
    listing: Listing[R, Any],
    to_node: Callable[[R], Any],
    filter_: Any,
    order: tuple[str | None, bool],
    args: dict[str, Any],
) -> C:
    """A page of a whole list, with its total counted only when asked for."""
    ctx = info.context
    sort, slice_ = _window(ctx, listing, order[0], order[1], args)
    stmt = listing.select(filter_, ctx.rule(listing.model))
    async with ctx.database() as session:
        page = await fetch_page(session, stmt, listing.model, sort, slice_)

    async def counter() -> int:
        return await cached_count(ctx, listing, filter_)

    return connection.of(
        [to_node(row) for row in page.rows], page.cursors, page.has_next, page.has_previous, counter
    )


async def cached_count(ctx: Context, listing: Listing[Any, Any], filter_: Any) -> int:
    """The total of a list, from the cache while no write has happened since it was counted
    (the data version has not moved).

    Without the cache (Redis down) the total is counted every time: slower, still right.
    """
    rule = ctx.rule(listing.model)
    # Keyed by the rule's SQL, not by client: clients the rule treats alike share a total.
    seen = str(rule.compile(compile_kwargs={"literal_binds": True}))
    digest = hashlib.sha256(repr((listing.model.__tablename__, filter_, seen)).encode())
    key: str | None = None
    generation = b""
    if ctx.versions is not None:
        key = f"count:{digest.hexdigest()}"
        try:
            generation, stored = await ctx.versions.beside(key)
        except ServiceUnavailable:
            key = None
        else:
            # Kept with the data version it was counted at, and read only at that version.
            at, _, counted = (stored or b"").partition(b":")
            if stored is not None and at == generation:
                return int(counted)
    async with ctx.database() as session:
        total = await count(session, listing.select(filter_, rule))
    if key is not None and ctx.settings.count_cache_seconds:
        with suppress(ServiceUnavailable):
            value = generation + b":" + str(total).encode()
            await ctx.cache.set(key, value, ttl=ctx.settings.count_cache_seconds)
    return total


async def child_connection(
    info: Info[Context, None],
    connection: type[C],
    relation: Relation[R, Any],
    parent_id: int,
    to_node: Callable[[R], Any],
    filter_: Any,
    order: tuple[str | None, bool],
    args: dict[str, Any],
) -> C:
    """A page of one parent's list, batched with the same list of every other parent."""
    ctx = info.context
    sort, slice_ = _window(ctx, relation.listing, order[0], order[1], args)
    page = await ctx.pages(relation).load((parent_id, filter_, sort, slice_))

    async def counter() -> int:
        return await ctx.counts(relation).load((parent_id, filter_))

    return connection.of(
        [to_node(row) for row in page.rows], page.cursors, page.has_next, page.has_previous, counter
    )


def connection_field(
    connection: Any,
    source: Listing[Any, Any] | Relation[Any, Any],
    to_node: Callable[[Any], Any],
    filter_input: Any,
    order_input: Any,
    description: str,
    *,
    parent: Callable[[Any], int] = lambda root: int(root.pk),
    nullable: bool = False,
) -> Any:
    """A Relay connection field with the same arguments everywhere: paging, filter, orderBy.

    ``source`` is a Listing for a root list, or a Relation for the list under each parent
    (``parent`` gives the parent's key). Every list of the schema is declared through this, so
    each has exactly the same arguments, descriptions and batching.
    """
    from hub.api.common import FILTER_DESCRIPTION, ORDER_DESCRIPTION, filter_of, order_of
    from hub.api.relay import After, Before, First, Last, page_args

    async def resolve(
        root: Any,
        info: Any,
        first: Any = None,
        after: Any = None,
        last: Any = None,
        before: Any = None,
        filter_: Any = None,
        order_by: Any = None,
    ) -> Any:
        args = page_args(first, after, last, before)
        if isinstance(source, Relation):
            return await child_connection(
                info, connection, source, parent(root), to_node,
                filter_of(filter_), order_of(order_by), args,
            )  # fmt: skip
        return await top_connection(
            info, connection, source, to_node, filter_of(filter_), order_of(order_by), args
        )

    # Strawberry reads the arguments from the annotations; they are objects here, not strings.
    resolve.__annotations__ = {
        "info": Info[Context, None],
        "first": First,
        "after": After,
        "last": Last,
        "before": Before,
        "filter_": Annotated[
            filter_input | None,
            strawberry.argument(name="filter", description=FILTER_DESCRIPTION),
        ],
        "order_by": Annotated[
            order_input | None, strawberry.argument(description=ORDER_DESCRIPTION)
        ],
        "return": connection | None if nullable else connection,
    }
    return strawberry.field(resolver=resolve, description=description)
