"""Relay: the Node interface with opaque global IDs, and connections with page info.

Hand-written rather than strawberry.relay's, because the published types need the schema's
bilingual descriptions; the ID encoding is strawberry's own base64 helper.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, Self, TypeVar

import strawberry
from strawberry.relay.utils import from_base64, to_base64

from hub.api.bilingual import doc
from hub.errors import BadUserInput


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    """The opaque ID of a row: clients never see or build database keys."""
    return strawberry.ID(to_base64(type_name, pk))


MAX_PK = 2**31 - 1
"""The largest key an ID holds: node types are keyed by INTEGER columns (32 bits on PostgreSQL).
A larger one would reach the database and fail there (SQLite OverflowError, asyncpg DataError)."""

_PK = re.compile(r"[1-9][0-9]{0,9}")


def shown(value: str, limit: int = 60) -> str:
    """A client's value quoted in a message, cut short: an error never echoes a megabyte."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def from_global_id(value: str, argument: str = "id") -> tuple[str, int]:
    """(type name, primary key) of a global ID; a forged or damaged one is bad input."""

    def forged(problem: str) -> BadUserInput:
        message = f"{argument}: {shown(value)} is not an ID issued by the hub ({problem})"
        return BadUserInput(message, field=argument)

    try:
        type_name, raw_pk = from_base64(value)
    except ValueError:  # strawberry's helper turns every decoding failure into one
        raise forged("not base64 of type:key") from None
    if not _PK.fullmatch(raw_pk) or int(raw_pk) > MAX_PK:
        raise forged(f"its key is not a whole number from 1 to {MAX_PK}")
    return type_name, int(raw_pk)


@strawberry.interface(
    description=doc("节点：具有全局唯一标识的对象。", "An object with a globally unique ID.")
)
class Node:
    pk: strawberry.Private[int]

    @strawberry.field(
        description=doc(
            "全局唯一标识，不透明，可用于 node(id) 查询。",
            "Globally unique, opaque ID; fetch the object again with node(id).",
        )
    )
    def id(self) -> strawberry.ID:
        return to_global_id(type(self).__name__, self.pk)

    def subject_id(self) -> str:
        """The record's global ID, as the audit log names the records a request returned."""
        return to_global_id(type(self).__name__, self.pk)


@strawberry.type(description=doc("分页信息。", "Information to page through a connection."))
class PageInfo:
    has_next_page: bool = strawberry.field(
        description=doc("向后翻页时是否还有更多记录。", "Whether more items follow this page.")
    )
    has_previous_page: bool = strawberry.field(
        description=doc("向前翻页时是否还有更多记录。", "Whether more items precede this page.")
    )
    start_cursor: str | None = strawberry.field(
        description=doc("本页第一条记录的游标。", "Cursor of the first item of this page.")
    )
    end_cursor: str | None = strawberry.field(
        description=doc("本页最后一条记录的游标。", "Cursor of the last item of this page.")
    )


N = TypeVar("N")


@strawberry.type(
    description=doc("连接中的一条边：记录及其游标。", "An edge: an item and its cursor.")
)
class Edge(Generic[N]):
    cursor: str = strawberry.field(
        description=doc(
            "该记录的游标，用于 after / before。", "Cursor of this item, for after / before."
        )
    )
    node: N = strawberry.field(description=doc("记录本身。", "The item."))


@strawberry.type(description=doc("分页列表（Relay 连接）。", "A paged list (Relay connection)."))
class Connection(Generic[N]):
    edges: list[Edge[N]] = strawberry.field(
        description=doc("本页的边。", "The edges of this page.")
    )
    page_info: PageInfo = strawberry.field(description=doc("分页信息。", "Paging information."))
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(
        description=doc(
            "符合条件的记录总数（与分页无关）。", "How many items match in all, whatever the page."
        )
    )
    async def total_count(self) -> int:
        return await self.counter()

    @classmethod
    def of(
        cls,
        nodes: list[N],
        cursors: list[str],
        has_next: bool,
        has_previous: bool,
        counter: Callable[[], Awaitable[int]],
    ) -> Self:
        """A connection over one page of nodes."""
        return cls(
            edges=[Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)],
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=has_previous,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
            counter=counter,
        )


Arg = dict[str, Any]

First = Annotated[
    int | None,
    strawberry.argument(
        description=doc(
            "向后取前 N 条（不超过上限）。", "Take the first N items (at most the page cap)."
        )
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description=doc("从该游标之后开始。", "Start after this cursor.")),
]
Last = Annotated[
    int | None,
    strawberry.argument(description=doc("向前取最后 N 条。", "Take the last N items.")),
]
Before = Annotated[
    str | None,
    strawberry.argument(description=doc("到该游标之前为止。", "End before this cursor.")),
]


def page_args(first: int | None, after: str | None, last: int | None, before: str | None) -> Arg:
    """The Relay arguments of a connection field, as one value."""
    return {"first": first, "after": after, "last": last, "before": before}
