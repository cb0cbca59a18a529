"""Rows of the bulk position intake: every fix, the latest fix per vehicle, the lines refused.

On PostgreSQL ``position_fixes`` is partitioned by UTC day (declarative range partitioning on
``observed_at``): a day's partition is created when its first fix arrives and dropped whole by
``hub positions prune``. On SQLite it is one plain table.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import PlateColor
from hub.db import Base, Code, UTCDateTime


class _Location:
    """The JT/T 809 real-time location fields of one fix."""

    latitude: Mapped[float]
    longitude: Mapped[float]
    speed_kmh: Mapped[float]
    direction: Mapped[int] = mapped_column(comment="方向 / degrees clockwise from north")
    altitude_m: Mapped[int] = mapped_column(comment="海拔 / metres")
    alarm_flags: Mapped[int] = mapped_column(BigInteger, comment="报警标志 / JT/T 809 alarm bits")
    received_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), comment="接收时间 / when the hub received it"
    )


class PositionFix(_Location, Base):
    """车辆定位 from the bulk intake: one per vehicle (plate and colour) and instant."""

    __tablename__ = "position_fixes"
    __table_args__ = ({"postgresql_partition_by": "RANGE (observed_at)"},)

    plate: Mapped[str] = mapped_column(String(10), primary_key=True)
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor), primary_key=True)
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), primary_key=True)


class LatestPosition(_Location, Base):
    """车辆最新位置: each vehicle's newest fix, kept current by every batch of the intake.

    Indexed by latitude then longitude: a search around a point or inside a polygon reads the
    band of latitudes its bounding box spans, checking longitudes in the index.
    """

    __tablename__ = "position_latest"
    __table_args__ = (Index("ix_position_latest_latitude", "latitude", "longitude"),)

    plate: Mapped[str] = mapped_column(String(10), primary_key=True)
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor), primary_key=True)
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PositionDeadLetter(Base):
    """A line of a position stream or file that was refused, with where it was and why."""

    __tablename__ = "position_dead_letters"
    __table_args__ = (Index("ix_position_dead_letters_intake", "intake", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    intake: Mapped[str] = mapped_column(String(40), comment="导入批次 / the stream or file import")
    source: Mapped[str] = mapped_column(String(64), comment="来源 / client agency or file name")
    line: Mapped[int] = mapped_column(comment="行号 / line number, from 1")
    reason: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(String(600), comment="该行（截断）/ the line, cut short")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PositionFinding(Base):
    """A well-formed fix that cannot be true (``hub.positions.plausibility``), kept as received
    for the data-quality report instead of being stored as a position."""

    __tablename__ = "position_findings"
    __table_args__ = (
        Index("ix_position_findings_vehicle", "plate", "plate_color"),
        Index("ix_position_findings_received_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(10))
    plate_color: Mapped[PlateColor] = mapped_column(Code(PlateColor))
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    latitude: Mapped[float]
    longitude: Mapped[float]
    speed_kmh: Mapped[float]
    reason: Mapped[str] = mapped_column(String(20), comment="原因 / future, before_2000, …")
    detail: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(64), comment="来源 / client agency or file name")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
