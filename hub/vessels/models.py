"""Rows of vessels and their certificates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import LicenceStatus, VesselCertificateKind
from hub.db import Base, Code, Provenance


class Vessel(Provenance, Base):
    """船舶: an inland or coastal vessel run by an operator."""

    __tablename__ = "vessels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    mmsi: Mapped[str] = mapped_column(String(9), unique=True)
    imo: Mapped[str | None] = mapped_column(String(7), unique=True)
    port_of_registry: Mapped[str] = mapped_column(String(50))
    gross_tonnage: Mapped[int]
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)


class VesselCertificate(Provenance, Base):
    """A statutory certificate of a vessel (nationality, inspection, operating, manning)."""

    __tablename__ = "vessel_certificates"
    __constraints__ = (UniqueConstraint("kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_id: Mapped[int] = mapped_column(ForeignKey("vessels.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)  # the vessel's
    kind: Mapped[VesselCertificateKind] = mapped_column(Code(VesselCertificateKind))
    number: Mapped[str] = mapped_column(String(40))
    issuing_authority: Mapped[str] = mapped_column(String(100))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[LicenceStatus] = mapped_column(Code(LicenceStatus))
