"""The inbox of the exchange: every agency document received, kept raw, and the feed cursors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime
from hub.paging import Listing

RECEIVED = "received"
PROCESSED = "processed"
FAILED = "failed"


class ExchangeMessage(Base):
    """A document as it arrived, stored before anything is done with it.

    (agency, message id) is unique: a document delivered twice is recognised and not applied
    again. A failed document stays here, with its reason, until it is processed after a fix.
    """

    __tablename__ = "exchange_messages"
    __table_args__ = (UniqueConstraint("agency", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency: Mapped[str] = mapped_column(String(32))
    document_type: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    received_via: Mapped[str] = mapped_column(String(8))  # push, pull or file
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    records: Mapped[int] = mapped_column(default=0)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class FeedCursor(Base):
    """Where pulling an agency's feed resumes."""

    __tablename__ = "exchange_cursors"

    agency: Mapped[str] = mapped_column(String(32), primary_key=True)
    document_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """Which received documents a list shows."""

    agency: str | None = None
    document_type: str | None = None
    status: str | None = None


def inbox_conditions(f: InboxFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.agency:
        conditions.append(ExchangeMessage.agency == f.agency)
    if f.document_type:
        conditions.append(ExchangeMessage.document_type == f.document_type)
    if f.status:
        conditions.append(ExchangeMessage.status == f.status)
    return conditions


INBOX: Listing[ExchangeMessage, InboxFilter] = Listing(
    model=ExchangeMessage,
    sorts={"RECEIVED_AT": ExchangeMessage.received_at},
    default_sort="RECEIVED_AT",
    conditions=inbox_conditions,
)
