"""Rows of inspections, cases, on-site records, evidence files, officers and draws.

These are the hub's own records (written through its API by enforcement clients), not copies
of an agency's, so they carry who recorded them instead of a provenance. Each row carries the
region it belongs to (the operator's, or the case's), which the row rules read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import InspectionItemResult, InspectionKind, InspectionResult, PlateColor
from hub.db import Base, Code, UTCDateTime


class EnforcementOfficer(Base):
    """执法人员: an officer holding an enforcement certificate, the pool random draws pick from."""

    __tablename__ = "enforcement_officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_number: Mapped[str] = mapped_column(String(20), unique=True, comment="执法证号")
    name: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Business categories (standards/codes/business_category.csv) the officer inspects."""


class InspectionDrawRow(Base):
    """双随机: operators and officers drawn at random, reproducible from the recorded seed."""

    __tablename__ = "inspection_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    category: Mapped[str] = mapped_column(String(4))
    seed: Mapped[int] = mapped_column(BigInteger)
    operator_count: Mapped[int] = mapped_column(Integer)
    officers_per_operator: Mapped[int] = mapped_column(Integer)
    pool: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    """The candidates, sorted: {"operators": [USCC…], "officers": [badge number…]}."""
    drawn: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """[{"uscc": …, "officers": [badge number…]}…], in the order drawn."""
    drawn_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    drawn_by: Mapped[str] = mapped_column(String(64))


class CaseRow(Base):
    """执法案件: what on-site records, evidence and inspections are filed under."""

    __tablename__ = "enforcement_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True, comment="案号")
    title: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"), index=True)
    vehicle_plate: Mapped[str | None] = mapped_column(String(16))
    vehicle_plate_color: Mapped[PlateColor | None] = mapped_column(Code(PlateColor))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    opened_by: Mapped[str] = mapped_column(String(64))


class InspectionRow(Base):
    """入户检查: one enterprise safety inspection, a checklist with a result per item."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InspectionKind] = mapped_column(Code(InspectionKind))
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    inspected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    inspectors: Mapped[list[str]] = mapped_column(JSON)
    """Badge numbers of the officers who inspected."""
    result: Mapped[InspectionResult] = mapped_column(Code(InspectionResult), index=True)
    """PASSED when no item failed, HAZARDS_FOUND otherwise (for a follow-up: still failing)."""
    rectification_deadline: Mapped[dt.date | None] = mapped_column(Date)
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_draws.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_cases.id"), index=True)
    remarks: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class InspectionItemRow(Base):
    """One checklist item of an inspection: its result, and the hazard found, until closed."""

    __tablename__ = "inspection_items"
    __table_args__ = (UniqueConstraint("inspection_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    item_code: Mapped[str] = mapped_column(String(8))
    """A code of standards/codes/inspection_item.csv."""
    result: Mapped[InspectionItemResult] = mapped_column(Code(InspectionItemResult))
    hazard: Mapped[str | None] = mapped_column(Text)
    """The hazard found (failed items only)."""
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    """The follow-up inspection that found the hazard rectified."""
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class OnSiteRecordRow(Base):
    """现场笔录: what officers found on site, filed under a case."""

    __tablename__ = "onsite_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("enforcement_cases.id", ondelete="CASCADE"), index=True
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200))
    officers: Mapped[list[str]] = mapped_column(JSON)
    findings: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))


class EvidenceFileRow(Base):
    """A photo or video of an on-site record, stored by its SHA-256 (content-addressed)."""

    __tablename__ = "evidence_files"
    __table_args__ = (UniqueConstraint("record_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("onsite_records.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(64))
    """What the content is (sniffed from its bytes, not taken from the sender)."""
    size: Mapped[int] = mapped_column(BigInteger)
    file_name: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    uploaded_by: Mapped[str] = mapped_column(String(64))
