"""Rows of the credit domain.

Penalties (行政处罚决定) and commendations are decisions of the authority; complaints are the
public's, handled through a workflow. Credit events are derived from those and from agency
records and are never changed: a correction (an upheld objection) is a new event that retracts
the old one. Grades keep the rule version they were computed with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import (
    ComplaintStatus,
    CreditEventKind,
    CreditListKind,
    CreditSubjectKind,
    ObjectionStatus,
)
from hub.db import Base, Code, Provenance, UTCDateTime

KEY = 40
"""Width of a subject key: a credit code (18) or an ID number (18), kept with room."""


class PenaltyRow(Provenance, Base):
    """行政处罚决定: an administrative penalty decided against an operator or practitioner."""

    __tablename__ = "credit_penalties"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_number: Mapped[str] = mapped_column(String(64), unique=True)
    subject_kind: Mapped[CreditSubjectKind] = mapped_column(Code(CreditSubjectKind))
    subject_key: Mapped[str] = mapped_column(String(KEY), index=True)
    authority: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    provision: Mapped[str] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text)
    fine_yuan: Mapped[int]


class CommendationRow(Provenance, Base):
    """表彰奖励: a commendation of an operator or practitioner by an authority."""

    __tablename__ = "credit_commendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[CreditSubjectKind] = mapped_column(Code(CreditSubjectKind))
    subject_key: Mapped[str] = mapped_column(String(KEY), index=True)
    authority: Mapped[str] = mapped_column(String(200))
    awarded_on: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))


class ComplaintRow(Base):
    """投诉: a complaint from the public about an operator or practitioner, and its handling.

    Contact details are personal data; an anonymous complaint has none.
    """

    __tablename__ = "credit_complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    subject_kind: Mapped[CreditSubjectKind] = mapped_column(Code(CreditSubjectKind))
    subject_key: Mapped[str] = mapped_column(String(KEY), index=True)
    content: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    submitted_by: Mapped[str] = mapped_column(String(128), comment="client id or anonymous:ip")
    status: Mapped[ComplaintStatus] = mapped_column(Code(ComplaintStatus), index=True)
    accepted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    assign_due: Mapped[dt.date] = mapped_column(Date)
    answer_due: Mapped[dt.date] = mapped_column(Date)
    handler: Mapped[str | None] = mapped_column(String(200))
    answer: Mapped[str | None] = mapped_column(Text)
    substantiated: Mapped[bool | None]
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class CreditEventRow(Base):
    """信用事件: one fact that counts for or against a subject, pointing at its source record.

    Never updated. (source_kind, source_record_id, subject_kind, subject_key, kind) is unique,
    so deriving again adds nothing twice. ``retracts_id`` marks a correction.
    """

    __tablename__ = "credit_events"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_record_id", "subject_kind", "subject_key", "kind"),
        Index(None, "subject_kind", "subject_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[CreditSubjectKind] = mapped_column(Code(CreditSubjectKind))
    subject_key: Mapped[str] = mapped_column(String(KEY))
    kind: Mapped[CreditEventKind] = mapped_column(Code(CreditEventKind))
    source_kind: Mapped[str] = mapped_column(String(40), comment="derivation source")
    source_record_id: Mapped[str] = mapped_column(String(128), comment="row id at the source")
    agency: Mapped[str] = mapped_column(String(200), comment="agency or authority behind it")
    summary: Mapped[str] = mapped_column(String(400))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    retracts_id: Mapped[int | None] = mapped_column(ForeignKey("credit_events.id"))


class RuleVersionRow(Base):
    """A rule file as it was when first graded with: its text and digest, kept for good."""

    __tablename__ = "credit_rule_versions"
    __table_args__ = (UniqueConstraint("rule_set", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class GradeRow(Base):
    """A subject's grade for a period as computed by a grading run, with its deductions."""

    __tablename__ = "credit_grades"
    __table_args__ = (UniqueConstraint("subject_kind", "subject_key", "period", "rule_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[CreditSubjectKind] = mapped_column(Code(CreditSubjectKind))
    subject_key: Mapped[str] = mapped_column(String(KEY))
    period: Mapped[str] = mapped_column(String(8))
    rule_version_id: Mapped[int] = mapped_column(ForeignKey("credit_rule_versions.id"))
    score: Mapped[int]
    grade: Mapped[str] = mapped_column(String(8))
    deductions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    graded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ListEntryRow(Base):
    """名单: a subject on the watch (red) or black list, why, by which decision, until when."""

    __tablename__ = "credit_list_entries"
    __table_args__ = (Index(None, "subject_kind", "subject_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_kind: Mapped[CreditListKind] = mapped_column(Code(CreditListKind))
    subject_kind: Mapped[CreditSubjectKind] = mapped_column(Code(CreditSubjectKind))
    subject_key: Mapped[str] = mapped_column(String(KEY))
    subject_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(400))
    decision: Mapped[str] = mapped_column(String(200))
    listed_on: Mapped[dt.date] = mapped_column(Date)
    exit_on: Mapped[dt.date] = mapped_column(Date)
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(String(400))


class ListChangeRow(Base):
    """A change of the lists, in order: what partner agencies pull by cursor (its id)."""

    __tablename__ = "credit_list_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("credit_list_entries.id"), index=True)
    change: Mapped[str] = mapped_column(String(8), comment="LISTED or REMOVED")
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ObjectionRow(Base):
    """异议: a subject's objection to an event or list entry about it, and the review."""

    __tablename__ = "credit_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[CreditSubjectKind] = mapped_column(Code(CreditSubjectKind))
    subject_key: Mapped[str] = mapped_column(String(KEY), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("credit_events.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("credit_list_entries.id"))
    filed_by: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[ObjectionStatus] = mapped_column(Code(ObjectionStatus))
    reviewer: Mapped[str | None] = mapped_column(String(128))
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
