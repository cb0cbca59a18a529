"""The positioning platform's documents for the demo: tracks of the demo's own vehicles.

Each road leg of the demo's journeys is driven by the leg's vehicle: parked at the origin up
to the planned departure, straight across, parked at the destination from the planned arrival
— so the hub sees it leave and arrive on time. About twenty other vehicles of the demo fleet
drive between logistics parks away from the journeys' places, so the feed looks like a real
one without causing events of its own.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from itertools import takewhile

from adapters.positioning import simulator
from adapters.positioning.mapping import export_vehicle_position
from adapters.positioning.simulator import Vehicle
from hub.canonical.codes import PlateColor, TransportMode
from hub.canonical.geo import Point, distance_m
from hub.canonical.multimodal import Consignment, Leg
from hub.canonical.records import VehiclePosition
from hub.exchange.protocol import DemoSubjects, batches

MINUTE = dt.timedelta(minutes=1)
EN_ROUTE_EVERY = 10 * MINUTE
PARKED_RADIUS_M = 60.0  # fixes of a parked vehicle stay well inside 150 m of its place
CLEAR_OF_PLACES_M = 2_500.0  # en-route fixes stay more than 2 km from where they started
BACKGROUND_CLEAR_M = 5_000.0  # background fixes keep well away from every journey place
BACKGROUND_VEHICLES = 20
BACKGROUND_HOURS = 4
DOCUMENT_SIZE = 500


def documents(subjects: DemoSubjects) -> Mapping[str, Sequence[bytes]]:
    """Tracks of the journeys' road legs and of about twenty other demo vehicles."""
    legs = list(_road_legs(subjects.journeys, subjects.places))
    positions = [
        *(
            p
            for journey, leg, vehicle in legs
            for p in leg_track(journey, leg, vehicle, subjects.places, subjects.seed)
        ),
        *_background(subjects, busy={vehicle for _, _, vehicle in legs}),
    ]
    if not positions:
        return {}
    positions.sort(key=lambda p: (p.observed_at, p.source_record_id))
    sent_at = positions[-1].observed_at + 5 * MINUTE
    return {
        "vehicle-position": batches(
            positions,
            export_vehicle_position,
            sender=simulator.AGENCY,
            message_prefix="positioning-vehicle-position-demo",
            size=DOCUMENT_SIZE,
            sent_at=sent_at.isoformat(),
        )
    }


def _road_legs(
    journeys: Iterable[Consignment], places: Mapping[str, Point]
) -> Iterator[tuple[Consignment, Leg, Vehicle]]:
    """Road legs with a vehicle, between places whose coordinates the demo knows."""
    for journey in journeys:
        for leg in journey.legs:
            if (
                leg.mode is TransportMode.ROAD
                and leg.vehicle_plate
                and leg.vehicle_plate_color
                and leg.origin in places
                and leg.destination in places
            ):
                yield journey, leg, Vehicle(leg.vehicle_plate, leg.vehicle_plate_color)


def leg_track(
    journey: Consignment, leg: Leg, vehicle: Vehicle, places: Mapping[str, Point], seed: int
) -> list[VehiclePosition]:
    """``vehicle`` parked at the leg's origin until the planned departure, driven across, and
    parked at its destination from the planned arrival; ids ``<reference>-<leg>-<n>``."""
    origin, destination = places[leg.origin], places[leg.destination]
    rng = random.Random(f"{seed}:{journey.reference}:{leg.sequence}")
    heading = simulator.bearing(origin, destination)

    def every() -> dt.timedelta:
        return rng.randint(5, 10) * MINUTE

    before = [leg.planned_departure]
    for _ in range(rng.randint(3, 4) - 1):
        before.insert(0, before[0] - every())
    after = [leg.planned_arrival]
    for _ in range(rng.randint(3, 4) - 1):
        after.append(after[-1] + every())
    driven = simulator.driven(
        rng, vehicle, origin, destination, leg.planned_departure, leg.planned_arrival,
        EN_ROUTE_EVERY,
    )  # fmt: skip
    en_route = [p for p in driven if _clear_of(p, (origin, destination), CLEAR_OF_PLACES_M)]
    track = [
        *simulator.parked(rng, vehicle, origin, before, heading, PARKED_RADIUS_M),
        *en_route,
        *simulator.parked(rng, vehicle, destination, after, heading, PARKED_RADIUS_M),
    ]
    return [
        replace(p, source_record_id=f"{journey.reference}-{leg.sequence}-{n:04d}")
        for n, p in enumerate(track, 1)
    ]


def _background(subjects: DemoSubjects, busy: set[Vehicle]) -> list[VehiclePosition]:
    """About twenty demo vehicles driving between logistics parks for a few hours of the day
    before the demo's day, their fixes near any journey place left out. Trailers carry no
    terminal. The day before: whenever the demo is loaded, its fixes have happened (a fix in
    the future is not a position but a quality finding, ``hub.positions.plausibility``)."""
    fleet = (Vehicle(plate, PlateColor(colour)) for plate, colour, *_ in subjects.vehicles)
    candidates = [v for v in fleet if not v.plate.endswith("挂") and v not in busy]
    rng = random.Random(f"{subjects.seed}:positioning-demo")
    chosen = rng.sample(candidates, min(BACKGROUND_VEHICLES, len(candidates)))
    day = dt.date.fromisoformat(subjects.today) - dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(8, 0), tzinfo=simulator.CHINA)
    end = start + dt.timedelta(hours=BACKGROUND_HOURS)
    places = list(subjects.places.values())
    positions: list[VehiclePosition] = []
    for number, vehicle in enumerate(chosen, 1):
        fixes = takewhile(
            lambda p: p.observed_at < end, simulator.track(vehicle, subjects.seed, start)
        )
        clear = (p for p in fixes if _clear_of(p, places, BACKGROUND_CLEAR_M))
        positions.extend(
            replace(p, source_record_id=f"DEMO-BG{number:03d}-{n:04d}")
            for n, p in enumerate(clear, 1)
        )
    return positions


def _clear_of(fix: VehiclePosition, places: Iterable[Point], metres: float) -> bool:
    """Whether ``fix`` is more than ``metres`` from every one of ``places``."""
    return all(distance_m((fix.latitude, fix.longitude), place) > metres for place in places)
