"""The exchange inbox in GraphQL: every document received, processed or a dead letter.

A client sees its own agency's documents; the authority's internal clients not bound to a
region see every agency's (``hub.agency_records.access.exchange_message_rule``).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry.types import Info

from hub.agency_records.inbox import INBOX, InboxFilter
from hub.agency_records.inbox import ExchangeMessage as MessageRow
from hub.api.bilingual import doc
from hub.api.common import (
    FILTER_DESCRIPTION,
    ORDER_DESCRIPTION,
    ORDER_DIRECTION_DESCRIPTION,
    order_of,
)
from hub.api.context import Context
from hub.api.enums import SortDirection
from hub.api.lists import top_connection
from hub.api.permissions import REGISTRY
from hub.api.relay import After, Before, Connection, First, Last, Node, page_args


def _value(code: str, zh: str, en: str) -> Any:
    return strawberry.enum_value(code, description=doc(zh, en))


@strawberry.enum(description=doc("交换报文处理状态。", "Where a received document stands."))
class ExchangeStatus(Enum):
    RECEIVED = strawberry.enum_value(
        "received", description=doc("已接收，待处理。", "Received, not yet processed.")
    )
    PROCESSED = strawberry.enum_value(
        "processed", description=doc("已处理入库。", "Processed and stored.")
    )
    FAILED = strawberry.enum_value(
        "failed",
        description=doc("处理失败（死信），附原因。", "Failed: a dead letter, with its reason."),
    )


@strawberry.type(
    description=doc("收到的一份交换报文。", "A document received from an agency."),
    directives=[REGISTRY],
)
class ExchangeMessage(Node):
    agency: str = strawberry.field(description=doc("发送机构。", "Sending agency."))
    document_type: str = strawberry.field(description=doc("报文类型。", "Document type."))
    message_id: str = strawberry.field(description=doc("报文标识。", "Message id."))
    received_via: str = strawberry.field(
        description=doc("接收方式：push、pull 或 file。", "How it came: push, pull or file.")
    )
    received_at: dt.datetime = strawberry.field(description=doc("接收时间。", "When received."))
    status: ExchangeStatus = strawberry.field(description=doc("处理状态。", "Status."))
    error: str | None = strawberry.field(
        description=doc(
            "失败原因（XSD 路径与行号，或违反的规则）。",
            "Why it failed: XSD path and line, or the rule.",
        )
    )
    attempts: int = strawberry.field(description=doc("处理次数。", "Processing attempts."))
    records: int = strawberry.field(description=doc("入库记录数。", "Records stored."))
    processed_at: dt.datetime | None = strawberry.field(
        description=doc("处理完成时间。", "When processed.")
    )

    @classmethod
    def from_row(cls, row: MessageRow) -> ExchangeMessage:
        """The published message of a stored one (its body is not published)."""
        return cls(
            pk=row.id, agency=row.agency, document_type=row.document_type,
            message_id=row.message_id, received_via=row.received_via,
            received_at=row.received_at, status=ExchangeStatus(row.status), error=row.error,
            attempts=row.attempts, records=row.records, processed_at=row.processed_at,
        )  # fmt: skip


@strawberry.type(description=doc("交换报文分页列表。", "A paged list of received documents."))
class ExchangeMessageConnection(Connection[ExchangeMessage]):
    pass


@strawberry.input(description=doc("交换报文筛选条件。", "Received-document filter."))
class ExchangeMessageFilter:
    agency: str | None = strawberry.field(default=None, description=doc("发送机构。", "Agency."))
    document_type: str | None = strawberry.field(
        default=None, description=doc("报文类型。", "Document type.")
    )
    status: ExchangeStatus | None = strawberry.field(
        default=None,
        description=doc("处理状态（FAILED 即死信）。", "Status (FAILED: dead letters)."),
    )

    def to_domain(self) -> InboxFilter:
        """The repository's filter."""
        return InboxFilter(
            agency=self.agency,
            document_type=self.document_type,
            status=None if self.status is None else cast(str, self.status.value),
        )


@strawberry.enum(
    description=doc("交换报文排序字段。", "What received documents can be ordered by.")
)
class ExchangeMessageOrderField(Enum):
    RECEIVED_AT = strawberry.enum_value(
        "RECEIVED_AT", description=doc("接收时间。", "When received.")
    )


@strawberry.input(description=doc("交换报文排序。", "Received-document ordering."))
class ExchangeMessageOrder:
    field: ExchangeMessageOrderField = strawberry.field(
        description=doc("排序字段。", "Field to order by.")
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.DESC, description=ORDER_DIRECTION_DESCRIPTION
    )


@strawberry.type
class InboxQuery:
    @strawberry.field(
        description=doc(
            "收到的交换报文（含死信及原因），合作机构只见本机构报文。",
            "Documents received, dead letters with their reasons; partners see their own.",
        )
    )
    async def exchange_messages(
        self,
        info: Info[Context, None],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter_: Annotated[
            ExchangeMessageFilter | None,
            strawberry.argument(name="filter", description=FILTER_DESCRIPTION),
        ] = None,
        order_by: Annotated[
            ExchangeMessageOrder | None, strawberry.argument(description=ORDER_DESCRIPTION)
        ] = None,
    ) -> ExchangeMessageConnection:
        # Whose documents the client sees is the rule of the record type
        # (hub.agency_records.access.exchange_message_rule), applied by the list itself.
        wanted = (filter_ or ExchangeMessageFilter()).to_domain()
        order = order_of(order_by) if order_by else ("RECEIVED_AT", True)
        return await top_connection(
            info, ExchangeMessageConnection, INBOX, ExchangeMessage.from_row, wanted, order,
            page_args(first, after, last, before),
        )  # fmt: skip
