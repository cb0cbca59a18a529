"""Rows of passenger lines and their ordered stops."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, Provenance


class PassengerLine(Provenance, Base):
    """客运班线: a scheduled road passenger service between two stations."""

    __tablename__ = "passenger_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)
    permit_id: Mapped[int | None] = mapped_column(ForeignKey("permits.id"), index=True)
    origin_station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    destination_station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    # The approved route as [longitude, latitude] pairs (GeoJSON order), WGS-84.
    route: Mapped[list[list[float]]] = mapped_column(JSON)
    distance_km: Mapped[float]
    daily_trips: Mapped[int]


class LineStop(Base):
    """One stop of a line, in order; origin and destination are stops too."""

    __tablename__ = "line_stops"

    line_id: Mapped[int] = mapped_column(ForeignKey("passenger_lines.id"), primary_key=True)
    sequence: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
