"""What the planner works out in Python for a consignment: where it is, when it should
arrive, and whether this client may read its dangerous-goods details.

The current leg and the ETA come from a fold over the timeline (``hub.multimodal.progress``)
that SQL would only repeat badly; the dangerous-goods rule depends on the current leg
(``hub.multimodal.access.dangerous_goods_withheld``). So the consignment's one statement also
returns the facts those two functions read — status, booker, parties, every leg and event —
and the answer is finished here by the very functions the resolvers call: the same rules, one
statement, no second read.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.sql import FromClause

from hub.api.plan.selection import Selected
from hub.api.plan.sqljson import SqlJson
from hub.auth.principal import Principal
from hub.auth.scopes import ENFORCEMENT_READ
from hub.canonical.codes import (
    ConsignmentEventKind,
    ConsignmentStatus,
    PlateColor,
    TransportMode,
)
from hub.multimodal.access import Writer, dangerous_goods_withheld
from hub.multimodal.models import ConsignmentEventRow, ConsignmentLegRow, ConsignmentRow
from hub.multimodal.progress import progress

DETAILS = ("unNumber", "hazardClass")
"""The dangerous-goods details of a line of goods."""


def facts(sql: SqlJson, row: FromClause) -> ColumnElement[Any]:
    """What ``progress`` and the dangerous-goods rule read of the consignment in ``row``."""
    legs = ConsignmentLegRow.__table__.alias()
    events = ConsignmentEventRow.__table__.alias()

    def leg(rows: FromClause) -> ColumnElement[Any]:
        c = rows.c
        return sql.list(
            [c.sequence, c.mode, c.carrier_uscc, c.origin, c.destination, c.handover_point,
             sql.stamp(c.planned_departure), sql.stamp(c.planned_arrival), c.vehicle_plate,
             c.vehicle_plate_color, c.vessel_mmsi]
        )  # fmt: skip

    def event(rows: FromClause) -> ColumnElement[Any]:
        c = rows.c
        return sql.list(
            [c.kind, sql.stamp(c.occurred_at), c.leg, c.location, c.vehicle_plate,
             c.vehicle_plate_color, c.vessel_mmsi, c.mode]
        )  # fmt: skip

    timeline = ("occurred_at", "source", "source_event_id")
    return sql.object(
        [
            ("reference", row.c.reference),
            ("status", row.c.status),
            ("booked_by", row.c.booked_by),
            ("parties", sql.embed(row.c.parties)),
            ("legs", sql.children(legs, "consignment_id", ("sequence",), row, leg)),
            ("events", sql.children(events, "consignment_id", timeline, row, event)),
        ]
    )


def _stamp(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def _colour(value: str | None) -> PlateColor | None:
    return None if value is None else PlateColor(value)


def _mode(value: str | None) -> TransportMode | None:
    return None if value is None else TransportMode(value)


def _leg(values: list[Any]) -> ConsignmentLegRow:
    sequence, mode, carrier, origin, destination, handover, departure, arrival = values[:8]
    plate, colour, mmsi = values[8:]
    return ConsignmentLegRow(
        sequence=sequence, mode=TransportMode(mode), carrier_uscc=carrier, origin=origin,
        destination=destination, handover_point=handover, planned_departure=_stamp(departure),
        planned_arrival=_stamp(arrival), vehicle_plate=plate, vehicle_plate_color=_colour(colour),
        vessel_mmsi=mmsi,
    )  # fmt: skip


def _event(values: list[Any]) -> ConsignmentEventRow:
    kind, occurred, leg, location, plate, colour, mmsi, mode = values
    return ConsignmentEventRow(
        kind=ConsignmentEventKind(kind), occurred_at=_stamp(occurred), leg=leg, location=location,
        vehicle_plate=plate, vehicle_plate_color=_colour(colour), vessel_mmsi=mmsi,
        mode=_mode(mode),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Journey:
    """How one selection of a consignment is finished: the response keys to fill in, and
    who reads it (as the dangerous-goods rule sees the client)."""

    current_leg: tuple[str, ...]
    eta: tuple[str, ...]
    details: tuple[tuple[str, tuple[str, ...]], ...]
    """Each selected ``goods`` key with the keys of its selected dangerous-goods details."""
    writer: Writer | None
    enforcement: bool

    def finish(self, text: str) -> str | None:
        """The answer from the statement's ``[answer, facts]``; None when a detail must be
        withheld — the resolvers then answer, with the FORBIDDEN errors at its paths."""
        answer, found = json.loads(text)
        legs = [_leg(values) for values in found["legs"]]
        state = progress(legs, [_event(values) for values in found["events"]])
        for key in self.current_leg:
            answer[key] = state.current_leg
        for key in self.eta:
            answer[key] = None if state.eta is None else state.eta.isoformat()
        if self.details:
            row = ConsignmentRow(
                reference=found["reference"],
                status=ConsignmentStatus(found["status"]),
                booked_by=found["booked_by"],
                parties=found["parties"],
            )
            withheld = dangerous_goods_withheld(
                row, legs, state.current_leg, self.writer, self.enforcement, dt.datetime.now(dt.UTC)
            )
            if withheld is not None and any(
                line[key] is not None
                for goods, keys in self.details
                for line in answer[goods]
                for key in keys
            ):
                return None
        return json.dumps(answer, ensure_ascii=False, separators=(",", ":"))


def journey_of(selected: Selected, principal: Principal) -> Journey | None:
    """What of the consignment ``selected`` is finished in Python; None when nothing is."""
    current_leg = tuple(item.key for item in selected.children if item.name == "currentLeg")
    eta = tuple(item.key for item in selected.children if item.name == "eta")
    details = tuple(
        (item.key, keys)
        for item in selected.children
        if item.name == "goods"
        and (keys := tuple(detail.key for detail in item.children if detail.name in DETAILS))
    )
    if not (current_leg or eta or details):
        return None
    reader = principal.reader
    writer = None if reader.client_id is None else Writer(reader.client_id, reader.uscc)
    return Journey(current_leg, eta, details, writer, principal.has(ENFORCEMENT_READ))
