"""Rows of the alerts and of the little each vehicle's rules remember between its fixes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import AlertKind, AlertStatus, PlateColor
from hub.db import Base, Code, UTCDateTime

NOT_CLOSED = text("status <> 'CLOSED'")
"""The alerts still open (OPEN or ACKNOWLEDGED): one per vehicle and kind at most."""


class AlertRow(Base):
    """告警: a rule broken by a vehicle, with the evidence, its status and who handled it."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "uq_alerts_open_vehicle_kind", "plate", "plate_color", "kind", unique=True,
            postgresql_where=NOT_CLOSED, sqlite_where=NOT_CLOSED,
        ),
        Index("ix_alerts_started_at", "started_at"),
        Index("ix_alerts_region_status", "region_code", "status"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AlertKind] = mapped_column(Code(AlertKind))
    status: Mapped[AlertStatus] = mapped_column(Code(AlertStatus))
    plate: Mapped[str] = mapped_column(String(10))
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor))
    vehicle_id: Mapped[int | None] = mapped_column(comment="车辆 / registered vehicle, if any")
    operator_id: Mapped[int | None] = mapped_column(comment="业户 / its operator, if known")
    region_code: Mapped[str] = mapped_column(String(6), comment="行政区划 / responsible region")
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), comment="首次证据时间")
    ended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), comment="最近证据时间")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    evidence: Mapped[list[str]] = mapped_column(
        JSON, comment="证据 / ids of the fixes or records, the first ones"
    )
    evidence_count: Mapped[int] = mapped_column(comment="证据条数 / how many pieces in all")
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), comment="告警生成时间")
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(64))
    disposition: Mapped[str | None] = mapped_column(Text, comment="处置结果 / how it was closed")


class AlertVehicleState(Base):
    """What the rules remember of one vehicle between its fixes: one small row per vehicle."""

    __tablename__ = "alert_vehicle_states"

    plate: Mapped[str] = mapped_column(String(10), primary_key=True)
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor), primary_key=True)
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), comment="最近定位时间")
    latitude: Mapped[float]
    longitude: Mapped[float]
    driving_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), comment="连续驾驶起")
    stopped_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), comment="停车起")
    speeding_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), comment="超速起")
    in_jiangsu: Mapped[bool] = mapped_column(comment="最近定位在江苏境内")
