"""Rows of the audit log: the hash-chained entries, their subjects, and the head of the chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime

ID_LENGTH = 64
"""Longest client id, agency code or subject id the log stores."""
TEXT_LENGTH = 200
"""Longest stated purpose or operation name the log stores."""


class AuditEntry(Base):
    """One request that read personal data or wrote anything; never updated, never deleted."""

    __tablename__ = "audit_log"

    # Assigned by the appender (1, 2, 3, … without gaps), never by the database, so that a gap
    # means a removed entry. 64 bits: one entry per request outgrows 2**31 within a few years.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    client_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    agency: Mapped[str] = mapped_column(String(ID_LENGTH))
    purpose: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))
    """The code of the stated purpose of use (standards/codes/purpose_of_use.csv)."""
    purpose_reference: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))
    """The reference stated with it (a case or file number), if any."""
    operation_name: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))
    document_hash: Mapped[str] = mapped_column(String(64))
    variables: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(16))
    subjects: Mapped[list[str]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditSubject(Base):
    """A personal record an entry returned, one row each, so "who read X" is an indexed query."""

    __tablename__ = "audit_subjects"

    seq: Mapped[int] = mapped_column(BigInteger, ForeignKey("audit_log.seq"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, index=True)


class AuditHead(Base):
    """The newest entry's seq and hash: the one row appenders lock, so they form one chain."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
