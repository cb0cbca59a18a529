"""A simulated public security feed: deterministic, realistic Jiangsu records and documents.

The record generators are pure (same arguments, same records) and take the vehicles or people
to describe, so that the hub can feed them the plates and ID numbers of its demo data and the
cross-source quality checks find something to compare; without them they make up their own.
Documents are built with the adapter's export functions, so they are valid by construction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Collection, Sequence
from typing import Any

from adapters.public_security import identities, mapping, pools
from adapters.public_security.identities import Person, Plate, Vehicle
from hub.canonical.codes import DrivingLicenceStatus, PlateColor, RegistrationStatus
from hub.canonical.records import (
    BlacklistEntry,
    DrivingLicence,
    Record,
    TrafficViolation,
    VehicleRegistration,
)
from hub.exchange.protocol import Header, feed_app

REFERENCE_DAY = dt.date(2026, 11, 25)
"""The simulated 'today' every generated date is relative to."""
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")

_STATUS_WEIGHTS = {
    RegistrationStatus.NORMAL: 88,
    RegistrationStatus.TRANSFERRED_OUT: 2,
    RegistrationStatus.STOLEN: 3,
    RegistrationStatus.CANCELLED: 1,
    RegistrationStatus.SEIZED: 2,
    RegistrationStatus.SCRAPPED: 4,
}


def _rng(seed: int, purpose: str) -> random.Random:
    # One stream per generator, so adding records of one kind never shifts another kind's.
    return random.Random(f"public_security:{purpose}:{seed}")


def vehicle_registrations(
    plates: Sequence[Vehicle] | None = None,
    *,
    count: int = 60,
    owners: Sequence[tuple[str, str]] | None = None,
    seed: int = 7,
    today: dt.date = REFERENCE_DAY,
    flawed: int = 0,
) -> list[VehicleRegistration]:
    """One registration per (plate, plate colour code, VIN) of ``plates``, or of ``count``
    made-up vehicles.

    ``owners`` are (USCC, name) pairs that own the company vehicles, else companies and people
    are made up; ``flawed`` records get a wrong VIN check digit. From ten vehicles on, at least
    one is stolen (C) and one scrapped (M).
    """
    rng = _rng(seed, "registration")
    total = count if plates is None else len(plates)
    statuses = rng.choices(list(_STATUS_WEIGHTS), list(_STATUS_WEIGHTS.values()), k=total)
    for status in (RegistrationStatus.STOLEN, RegistrationStatus.SCRAPPED):
        if total >= 10 and status not in statuses:
            statuses[rng.randrange(total)] = status
    spoiled = set(rng.sample(range(total), min(flawed, total)))
    records, used = [], set()
    for index, status in enumerate(statuses):
        # Scrapped vehicles are old; the others were first registered in the last 15 years.
        scrapped = status is RegistrationStatus.SCRAPPED
        age = rng.randint(12 * 365, 20 * 365) if scrapped else rng.randint(30, 15 * 365)
        registered_on = today - dt.timedelta(days=age)
        if plates is None:
            kind = identities.any_kind(rng)
            plate, colour, vin = identities.vehicle(rng, kind, registered_on.year)
            while (plate, colour) in used:  # a plate is issued once
                plate, colour, vin = identities.vehicle(rng, kind, registered_on.year)
            used.add((plate, colour))
        else:
            plate, colour, vin = plates[index]
            kind = identities.kind_of(rng, plate, colour)
        if not kind.company_owned:
            owner_id, owner = identities.person(rng)
        elif owners:
            owner_id, owner = rng.choice(owners)
        else:
            owner_id, owner = identities.company(rng, identities.city_of(plate), kind.trade)
        records.append(
            VehicleRegistration(
                source_record_id=f"VR{index + 1:08d}",
                plate=plate,
                plate_color=PlateColor(colour),
                vin=identities.spoil(vin, rng, 8) if index in spoiled else vin,
                vehicle_type=kind.code,
                owner_name=owner,
                owner_id=owner_id,
                registered_on=registered_on,
                status=status,
            )
        )
    return records


def driving_licences(
    people: Sequence[Person] | None = None,
    *,
    count: int = 60,
    seed: int = 7,
    today: dt.date = REFERENCE_DAY,
    flawed: int = 0,
) -> list[DrivingLicence]:
    """One licence per (ID number, name) of ``people`` (or ``count`` made-up people)."""
    rng = _rng(seed, "licence")
    if people is None:
        people = [identities.person(rng) for _ in range(count)]
    classes, weights = zip(*pools.LICENCE_CLASSES, strict=True)
    spoiled = set(rng.sample(range(len(people)), min(flawed, len(people))))
    records = []
    for index, (given_id, name) in enumerate(people, 1):
        id_number = identities.spoil(given_id, rng, 17) if index - 1 in spoiled else given_id
        status = rng.choices(list(DrivingLicenceStatus), (88, 4, 3, 2, 3))[0]
        exceeded = status is DrivingLicenceStatus.POINTS_EXCEEDED
        points = rng.randint(12, 24) if exceeded else rng.choice((0, 0, 0, 1, 2, 3, 6, 9))
        records.append(
            DrivingLicence(
                source_record_id=f"DL{index:08d}",
                id_number=id_number,
                name=name,
                licence_class=rng.choices(classes, weights)[0],
                status=status,
                points=points,
                # Licences run 6 or 10 years; a few have lapsed without renewal.
                valid_to=today + dt.timedelta(days=rng.randint(-200, 10 * 365)),
            )
        )
    return records


def _place(rng: random.Random, plate: str) -> str:
    """Where a violation was recorded: mostly a junction of the plate's city, else a motorway."""
    city = identities.city_of(plate)
    if rng.random() < 0.3:
        km, metres = rng.randint(20, 1200), rng.randrange(0, 1000, 100)
        return f"{rng.choice(pools.EXPRESSWAYS)}K{km}+{metres:03d}（{city}段）"
    first, second = rng.sample(pools.ROADS, 2)
    return f"{city}{first}与{second}交叉口"


def traffic_violations(
    plates: Sequence[Plate] | None = None,
    *,
    count: int = 60,
    seed: int = 7,
    today: dt.date = REFERENCE_DAY,
) -> list[TrafficViolation]:
    """``count`` violations in the year before ``today`` by vehicles of ``plates``."""
    rng = _rng(seed, "violation")
    if not plates:
        plates = identities.plates(rng, count)
    midnight = dt.datetime.combine(today, dt.time(), CHINA)
    weights = [v.weight for v in pools.VIOLATIONS]
    records = []
    for index in range(1, count + 1):
        plate, colour = rng.choice(plates)
        violation = rng.choices(pools.VIOLATIONS, weights)[0]
        days = rng.randint(1, 365)
        occurred_at = midnight - dt.timedelta(days=days, seconds=rng.randint(0, 18 * 3600))
        records.append(
            TrafficViolation(
                source_record_id=f"TV{index:08d}",
                plate=plate,
                plate_color=PlateColor(colour),
                occurred_at=occurred_at,
                place=_place(rng, plate),
                code=violation.code,
                description=violation.description,
                fine_yuan=violation.fine_yuan,
                points=violation.points,
                # Most older violations have been dealt with; recent ones are often open.
                processed=rng.random() < (0.9 if days > 30 else 0.4),
            )
        )
    return records


def vehicle_blacklist(
    plates: Sequence[Plate] | None = None,
    *,
    count: int = 20,
    stolen: Collection[Plate] = (),
    seed: int = 7,
    today: dt.date = REFERENCE_DAY,
) -> list[BlacklistEntry]:
    """Every ``stolen`` vehicle, still listed, then others of ``plates`` up to ``count``."""
    rng = _rng(seed, "blacklist")
    wanted = max(0, count - len(stolen))
    others = [p for p in plates or () if p not in stolen]
    # Too few vehicles given: the blacklist also holds vehicles registered elsewhere.
    others += identities.plates(rng, max(0, wanted - len(others)))
    listed = [*stolen, *rng.sample(others, wanted)]
    records = []
    for index, (plate, colour) in enumerate(listed, 1):
        listed_on = today - dt.timedelta(days=rng.randint(1, 3 * 365))
        lifted = (plate, colour) not in stolen and rng.random() < 0.2
        records.append(
            BlacklistEntry(
                source_record_id=f"BL{index:08d}",
                plate=plate,
                plate_color=PlateColor(colour),
                reason=pools.STOLEN_REASON
                if (plate, colour) in stolen
                else rng.choice(pools.BLACKLIST_REASONS),
                listed_on=listed_on,
                lifted_on=listed_on + dt.timedelta(days=rng.randint(1, 180)) if lifted else None,
            )
        )
    return records


def _batches(
    name: str,
    export: Callable[[Sequence[Record], Header], bytes],
    records: Sequence[Record],
    sizes: Sequence[int],
) -> list[bytes]:
    """``records`` cut into documents of ``sizes`` records, each with its own header."""
    if not sizes:
        return []
    # The last document takes whatever is left, should the records outnumber the sizes.
    sizes = [*sizes[:-1], len(records) - sum(sizes[:-1])]
    sent_at = dt.datetime.combine(REFERENCE_DAY, dt.time(8), CHINA)
    documents, start = [], 0
    for number, size in enumerate(sizes, 1):
        header = Header(
            # The header's message id may not hold "_", hence public-security.
            message_id=f"public-security-{name}-{number:06d}",
            sender=mapping.AGENCY,
            sent_at=(sent_at + dt.timedelta(minutes=number)).isoformat(),
        )
        documents.append(export(records[start : start + size], header))
        start += size
    return documents


_EXPORTS: dict[str, Callable[[Sequence[Record], Header], bytes]] = {
    "vehicle-registration": mapping.export_vehicle_registration,
    "driving-licence": mapping.export_driving_licence,
    "traffic-violation": mapping.export_traffic_violation,
    "vehicle-blacklist": mapping.export_vehicle_blacklist,
}


def documents(count: int = 20, seed: int = 7) -> dict[str, list[bytes]]:
    """``count`` documents of each document type, 1-5 records each, the same for a seed.

    The violations and blacklist are about the registered vehicles, and every stolen one is
    on the blacklist, as at the real authority.
    """
    rng = _rng(seed, "documents")
    sizes = {name: [rng.randint(1, 5) for _ in range(count)] for name in _EXPORTS}
    registrations = vehicle_registrations(
        count=sum(sizes["vehicle-registration"]), seed=seed, flawed=1
    )
    plates = [(r.plate, r.plate_color.value) for r in registrations]
    stolen = [
        (r.plate, r.plate_color.value)
        for r in registrations
        if r.status is RegistrationStatus.STOLEN
    ]
    records: dict[str, Sequence[Record]] = {
        "vehicle-registration": registrations,
        "driving-licence": driving_licences(
            count=sum(sizes["driving-licence"]), seed=seed, flawed=1
        ),
        "traffic-violation": traffic_violations(
            plates, count=sum(sizes["traffic-violation"]), seed=seed
        ),
        "vehicle-blacklist": vehicle_blacklist(
            plates, count=sum(sizes["vehicle-blacklist"]), stolen=stolen, seed=seed
        ),
    }
    return {
        name: _batches(name, export, records[name], sizes[name])
        for name, export in _EXPORTS.items()
    }


def app(count: int = 20, fail_every: int = 0) -> Any:
    """The ASGI app of the simulated feed: ``count`` documents per document type."""
    return feed_app(documents(count), fail_every=fail_every)
