"""Rows of operators and their operating permits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import LicenceStatus, OperatorStatus, PermitKind
from hub.db import Base, Code, Provenance


class Operator(Provenance, Base):
    """业户: a business licensed by the transport authority."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True, comment="统一社会信用代码")
    name: Mapped[str] = mapped_column(String(200), index=True)
    legal_representative: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    business_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[OperatorStatus] = mapped_column(Code(OperatorStatus), index=True)


class Permit(Provenance, Base):
    """经营许可证: what an operator is allowed to run, and until when."""

    __tablename__ = "permits"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[PermitKind] = mapped_column(Code(PermitKind), index=True)
    scope: Mapped[str] = mapped_column(Text)
    issuing_authority: Mapped[str] = mapped_column(String(100))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[LicenceStatus] = mapped_column(Code(LicenceStatus))
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)
    # The holder's region, kept on the permit so region-bound clients are filtered in SQL.
    region_code: Mapped[str] = mapped_column(String(6), index=True)
