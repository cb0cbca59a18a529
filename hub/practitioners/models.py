"""Rows of practitioners and their qualification certificates. Holds personal data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import LicenceStatus, QualificationKind
from hub.db import Base, Code, Provenance


class Practitioner(Provenance, Base):
    """从业人员: a natural person working in the industry (ID number, name, phone: personal)."""

    __tablename__ = "practitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True, comment="居民身份证号码")
    name: Mapped[str] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"), index=True)


class QualificationCertificate(Provenance, Base):
    """从业资格证: what a practitioner is qualified for, and until when."""

    __tablename__ = "qualification_certificates"
    __constraints__ = (UniqueConstraint("kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)  # the holder's
    kind: Mapped[QualificationKind] = mapped_column(Code(QualificationKind))
    number: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[LicenceStatus] = mapped_column(Code(LicenceStatus))
