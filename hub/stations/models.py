"""Rows of stations: passenger stations, freight stations and port terminals."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import StationKind, StationLevel
from hub.db import Base, Code, Provenance


class Station(Provenance, Base):
    """场站, located in WGS-84 / CGCS2000 degrees (never GCJ-02)."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[StationKind] = mapped_column(Code(StationKind), index=True)
    level: Mapped[StationLevel | None] = mapped_column(Code(StationLevel))
    latitude: Mapped[float]
    longitude: Mapped[float]
    address: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"), index=True)
