"""Rows of consignments, their legs, containers and events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.codes import (
    ConsignmentEventKind,
    ConsignmentStatus,
    PlateColor,
    TransportMode,
)
from hub.db import Base, Code, UTCDateTime


class ConsignmentRow(Base):
    """一单到底: one consignment from the shipper's gate to the consignee."""

    __tablename__ = "consignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[ConsignmentStatus] = mapped_column(Code(ConsignmentStatus), index=True)
    shipper_name: Mapped[str] = mapped_column(String(200), index=True)
    parties: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    goods: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    dangerous_goods: Mapped[bool] = mapped_column(default=False)
    booked_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_event_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    """The sequence of its newest event (0: none yet); see ConsignmentEventRow.sequence."""


class ConsignmentPartyRow(Base):
    """A party of a consignment named by its credit code: it may follow the consignment."""

    __tablename__ = "consignment_parties"

    consignment_id: Mapped[int] = mapped_column(
        ForeignKey("consignments.id", ondelete="CASCADE"), primary_key=True
    )
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True, index=True)


class ConsignmentContainerRow(Base):
    """A container of a consignment: events about it attach to the consignment."""

    __tablename__ = "consignment_containers"

    consignment_id: Mapped[int] = mapped_column(
        ForeignKey("consignments.id", ondelete="CASCADE"), primary_key=True
    )
    container_number: Mapped[str] = mapped_column(String(11), primary_key=True, index=True)


class ConsignmentLegRow(Base):
    """A leg of a consignment, by one mode and one carrier."""

    __tablename__ = "consignment_legs"

    consignment_id: Mapped[int] = mapped_column(
        ForeignKey("consignments.id", ondelete="CASCADE"), primary_key=True
    )
    sequence: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[TransportMode] = mapped_column(Code(TransportMode))
    carrier_uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    carrier_name: Mapped[str] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(200))
    destination: Mapped[str] = mapped_column(String(200))
    handover_point: Mapped[str | None] = mapped_column(String(200))
    planned_departure: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    planned_arrival: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    vehicle_plate: Mapped[str | None] = mapped_column(String(10), index=True)
    vehicle_plate_color: Mapped[PlateColor | None] = mapped_column(Code(PlateColor))
    vessel_mmsi: Mapped[str | None] = mapped_column(String(9), index=True)
    rail_waybill_number: Mapped[str | None] = mapped_column(String(64), index=True)


class ConsignmentEventRow(Base):
    """An event of a consignment; (source, source event id) is one event however often sent."""

    __tablename__ = "consignment_events"
    __table_args__ = (
        UniqueConstraint("consignment_id", "source", "source_event_id"),
        UniqueConstraint("consignment_id", "sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consignment_id: Mapped[int] = mapped_column(
        ForeignKey("consignments.id", ondelete="CASCADE"), index=True
    )
    # A client's document names its own systems under the client's id: "<client>/<system>".
    source: Mapped[str] = mapped_column(String(160))
    source_event_id: Mapped[str] = mapped_column(String(128))
    sequence: Mapped[int]
    """1, 2, 3… within the consignment, in the order its events were recorded (committed):
    the cursor a subscriber resumes from. Not the order they happened in (``occurred_at``)."""
    kind: Mapped[ConsignmentEventKind] = mapped_column(Code(ConsignmentEventKind))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    location: Mapped[str] = mapped_column(String(200))
    leg: Mapped[int | None]
    container_number: Mapped[str | None] = mapped_column(String(11))
    vehicle_plate: Mapped[str | None] = mapped_column(String(10))
    vehicle_plate_color: Mapped[PlateColor | None] = mapped_column(Code(PlateColor))
    vessel_mmsi: Mapped[str | None] = mapped_column(String(9))
    mode: Mapped[TransportMode | None] = mapped_column(Code(TransportMode))
    remarks: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reported_by: Mapped[str | None] = mapped_column(String(64))
    """Who delivered it to the hub: the agency of a feed, or the client that reported or
    imported it (null for events stored before this was recorded)."""
