"""Rail's documents for the demo: waybills and the container events that follow them.

Besides the simulator's feed, the rail legs of the demo's journeys (一单到底): for each, the
rail waybill of its containers, and every container loaded, departed, arrived and unloaded
at the leg's planned times — the hub attaches them to the consignment by container number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from adapters.rail import simulator
from adapters.rail.mapping import export_container_event, export_rail_waybill
from hub.canonical.codes import ContainerEventKind, TransportMode
from hub.canonical.multimodal import Consignment, Leg
from hub.canonical.records import ContainerEvent, RailWaybill
from hub.exchange.protocol import DemoSubjects, Header

# When each container event happens against the leg's plan.
_STEPS = (
    (ContainerEventKind.LOADED, "origin", dt.timedelta(hours=-2)),
    (ContainerEventKind.DEPARTED, "origin", dt.timedelta(0)),
    (ContainerEventKind.ARRIVED, "destination", dt.timedelta(0)),
    (ContainerEventKind.UNLOADED, "destination", dt.timedelta(hours=1)),
)


def _party(journey: Consignment, role: str) -> str:
    return next(party.name for party in journey.parties if party.role == role)


def _leg_documents(journey: Consignment, leg: Leg) -> tuple[bytes, bytes]:
    number = leg.rail_waybill_number or f"{journey.reference}-{leg.sequence}"
    waybill = RailWaybill(
        source_record_id=f"RW-{number}", waybill_number=number,
        shipper=_party(journey, "shipper"), consignee=_party(journey, "consignee"),
        origin_station=leg.origin, destination_station=leg.destination,
        goods="、".join(goods.description for goods in journey.goods),
        weight_kg=round(sum(goods.gross_weight_kg for goods in journey.goods)),
        containers=journey.containers,
    )  # fmt: skip
    events = [
        ContainerEvent(
            source_record_id=f"CE-{number}-{box}-{kind.value}",
            container_number=box,
            waybill_number=number,
            kind=kind,
            station=leg.origin if at == "origin" else leg.destination,
            occurred_at=(leg.planned_departure if at == "origin" else leg.planned_arrival) + shift,
        )
        for kind, at, shift in _STEPS
        for box in journey.containers
    ]
    sent = leg.planned_arrival + dt.timedelta(hours=2)
    return (
        export_rail_waybill(
            [waybill], Header(f"rail-journey-{number}-waybill", "rail", sent.isoformat())
        ),
        export_container_event(
            events, Header(f"rail-journey-{number}-events", "rail", sent.isoformat())
        ),
    )


def documents(subjects: DemoSubjects) -> Mapping[str, Sequence[bytes]]:
    """The simulator's rail feed, and the rail legs of the demo's journeys."""
    feed = {name: list(items) for name, items in simulator.documents(20, subjects.seed).items()}
    for journey in subjects.journeys:
        for leg in journey.legs:
            if leg.mode is TransportMode.RAIL and journey.containers:
                waybill, events = _leg_documents(journey, leg)
                feed["rail-waybill"].append(waybill)
                feed["container-event"].append(events)
    return feed
