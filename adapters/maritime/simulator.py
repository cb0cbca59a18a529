"""A simulator of the maritime administration's and the shipping exchange's feeds.

Everything here is a pure function of its arguments: the same call gives the same documents,
byte for byte. A caller may name the vessels (MMSI, IMO, name) the feeds speak of — the demo,
say, those of its data center — or let ``fleet`` make some up. Each vessel sails from
port to port along the Yangtze (sea-going ones also round the coast to 连云港港); its port calls
and AIS positions come from the same voyages, so they agree. Documents are built with the
adapter's export functions, so they are valid by construction.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import cycle, islice
from typing import Any

from stdnum import imo as stdnum_imo
from stdnum.cn import uscc as stdnum_uscc

from adapters.maritime import mapping, waterway
from adapters.maritime.listings import shipping_listings
from hub.canonical.codes import PortCallKind, VesselCertificateKind
from hub.canonical.records import (
    AisPosition,
    PortCall,
    Record,
    VesselCertificateRecord,
    VesselRegistration,
)
from hub.exchange.protocol import Header, feed_app

AGENCY = "maritime"
CHINA = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 1, 0, 0, tzinfo=CHINA)

# Port of registry → (one-character abbreviation used in vessel names, its division code).
REGISTRIES = {
    "南京": ("宁", "320100"),
    "镇江": ("镇", "321100"),
    "南通": ("通", "320600"),
    "张家港": ("张", "320582"),
    "太仓": ("太", "320585"),
    "连云港": ("连", "320700"),
}
CARGO_WORDS = ("货", "货", "货", "油", "化", "集", "砂")


@dataclass(frozen=True, slots=True)
class Vessel:
    """What a caller may fix of a vessel; the rest (tonnage, owner, voyages) is made up."""

    mmsi: str
    imo: str | None
    name: str

    @property
    def seagoing(self) -> bool:
        """Only ships with an IMO number go to sea (江海直达); the rest stay on the river."""
        return self.imo is not None


def imo_number(six_digits: str) -> str:
    """A 7-digit IMO number: ``six_digits`` and their check digit."""
    return six_digits + str(stdnum_imo.calc_check_digit(six_digits))


def fleet(size: int = 30, seed: int = 7) -> tuple[Vessel, ...]:
    """``size`` made-up vessels with unique MMSIs (412/413/414…), names and valid IMO numbers."""
    rng = random.Random(f"{seed}:fleet")
    vessels: dict[str, Vessel] = {}
    names: set[str] = set()
    while len(vessels) < size:
        mmsi = f"{rng.choice(('412', '413', '414'))}{rng.randrange(10**6):06d}"
        seagoing = rng.random() < 1 / 3  # 江海直达 ships carry an IMO number
        abbreviation = rng.choice([a for a, _ in REGISTRIES.values()])
        name = f"{'江海' if seagoing else '苏' + abbreviation}{rng.choice(CARGO_WORDS)}"
        name += str(rng.randint(1, 9999))
        if mmsi in vessels or name in names:
            continue
        imo = imo_number(f"{rng.choice('89')}{rng.randrange(10**5):05d}") if seagoing else None
        vessels[mmsi] = Vessel(mmsi=mmsi, imo=imo, name=name)
        names.add(name)
    return tuple(vessels.values())


# -- vessel registrations -------------------------------------------------------------------


def _uscc(rng: random.Random, division: str) -> str:
    body = f"91{division}{rng.randrange(10**8):08d}{rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY')}"
    return body + stdnum_uscc.calc_check_digit(body)


def registration(vessel: Vessel, serial: int, on: dt.date, seed: int = 7) -> VesselRegistration:
    """The register's record of ``vessel`` as it stands ``on`` a day.

    The same vessel always gets the same registry, tonnage and owner; its certificates are
    those valid that day, renewed every five years since it was first registered.
    """
    rng = random.Random(f"{seed}:{vessel.mmsi}")
    port = next((p for p, (a, _) in REGISTRIES.items() if vessel.name.startswith(f"苏{a}")), None)
    port = port or rng.choice(list(REGISTRIES))
    division = REGISTRIES[port][1]
    tonnage = rng.randint(2000, 20000) if vessel.seagoing else rng.randint(300, 5000)
    owner = _uscc(rng, division) if rng.random() < 0.85 else None  # else a private owner
    first = dt.date(2012 + rng.randrange(5), rng.randint(1, 12), rng.randint(1, 28))
    years = on.year - first.year - ((on.month, on.day) < (first.month, first.day))
    issued = first.replace(year=first.year + years // 5 * 5)
    kinds = list(VesselCertificateKind)
    # Nationality and inspection certificates always; operating and manning mostly.
    kinds = kinds[:2] + [k for k in kinds[2:] if rng.random() < 0.7]
    authorities = {
        VesselCertificateKind.INSPECTION_CERTIFICATE: "中国船级社江苏分社",
        VesselCertificateKind.OPERATING_CERTIFICATE: f"{port}市交通运输局",
    }
    certificates = tuple(
        VesselCertificateRecord(
            kind=kind,
            number=f"{kind.value}{division}{issued.year}{rng.randrange(10**5):05d}",
            valid_from=issued,
            valid_to=issued.replace(year=issued.year + 5) - dt.timedelta(days=1),
            issuing_authority=authorities.get(kind, f"{port}海事局"),
        )
        for kind in kinds
    )
    return VesselRegistration(
        source_record_id=f"VR{serial:010d}",
        mmsi=vessel.mmsi,
        imo=vessel.imo,
        name=vessel.name,
        port_of_registry=port,
        gross_tonnage=tonnage,
        owner_uscc=owner,
        certificates=certificates,
    )


# -- voyages: port calls and AIS positions ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leg:
    """One passage of a vessel from a port to the next."""

    vessel: Vessel
    port_from: str
    port_to: str
    departed_at: dt.datetime
    arrived_at: dt.datetime
    speed_knots: float


def voyages(vessel: Vessel, seed: int = 7, start: dt.datetime = START) -> Iterator[Leg]:
    """A vessel's passages without end: a stay of 8-48 hours in port, then on to another port."""
    rng = random.Random(f"{seed}:voyages:{vessel.mmsi}")
    ports = list(waterway.PORT_WAYPOINTS) if vessel.seagoing else list(waterway.RIVER_PORTS)
    port = rng.choice(ports)
    at = start + dt.timedelta(minutes=rng.randrange(24 * 60))
    while True:
        departed = at + dt.timedelta(minutes=rng.randint(8 * 60, 48 * 60))
        to = rng.choice([p for p in ports if p != port])
        speed = round(rng.uniform(10.0, 14.0) if vessel.seagoing else rng.uniform(6.5, 11.0), 1)
        hours = waterway.distance(port, to) / speed
        arrived = departed + dt.timedelta(minutes=round(hours * 60))
        yield Leg(vessel, port, to, departed, arrived, speed)
        port, at = to, arrived


def _calls(vessel: Vessel, seed: int) -> Iterator[PortCall]:
    for leg in voyages(vessel, seed):
        for port, kind, at in (
            (leg.port_from, PortCallKind.DEPARTURE, leg.departed_at),
            (leg.port_to, PortCallKind.ARRIVAL, leg.arrived_at),
        ):
            # Numbered in feed order by port_calls, once the vessels' calls are merged.
            yield PortCall(
                source_record_id="", mmsi=vessel.mmsi, port=port, kind=kind, occurred_at=at
            )


def _positions(vessel: Vessel, seed: int) -> Iterator[AisPosition]:
    rng = random.Random(f"{seed}:ais:{vessel.mmsi}")
    for leg in voyages(vessel, seed):
        start, end = waterway.mile_of(leg.port_from), waterway.mile_of(leg.port_to)
        at = leg.departed_at + dt.timedelta(minutes=rng.randint(5, 30))
        while at < leg.arrived_at:
            hours = (at - leg.departed_at) / dt.timedelta(hours=1)
            mile = start + (hours * leg.speed_knots if end > start else -hours * leg.speed_knots)
            fix = waterway.fix_at(mile, downstream=end > start)
            utc = at.astimezone(dt.UTC)
            yield AisPosition(
                source_record_id=f"{vessel.mmsi}-{utc:%Y%m%dT%H%M%SZ}",
                mmsi=vessel.mmsi,
                observed_at=at,
                # AIS gives 1/10 000 minute, about 6 decimals of a degree.
                latitude=round(fix.latitude + rng.uniform(-0.002, 0.002), 6),
                longitude=round(fix.longitude + rng.uniform(-0.002, 0.002), 6),
                speed_knots=round(leg.speed_knots + rng.uniform(-0.8, 0.8), 1),
                course_degrees=round(fix.course_degrees + rng.uniform(-4, 4), 1) % 360,
            )
            at += dt.timedelta(minutes=rng.randint(20, 90))


def port_calls(count: int, vessels: Sequence[Vessel], seed: int = 7) -> list[PortCall]:
    """The first ``count`` arrivals and departures of ``vessels``, in time order."""
    merged = heapq.merge(*(_calls(v, seed) for v in vessels), key=lambda c: c.occurred_at)
    return [
        replace(c, source_record_id=f"PC{n:010d}") for n, c in enumerate(islice(merged, count), 1)
    ]


def ais_positions(count: int, vessels: Sequence[Vessel], seed: int = 7) -> list[AisPosition]:
    """The first ``count`` AIS positions of ``vessels`` under way, in time order."""
    merged = heapq.merge(*(_positions(v, seed) for v in vessels), key=lambda p: p.observed_at)
    return list(islice(merged, count))


# -- documents and the feed -----------------------------------------------------------------

EXPORTS: dict[str, Callable[[Sequence[Record], Header], bytes]] = {
    "vessel-registration": mapping.export_vessel_registration,
    "port-call": mapping.export_port_call,
    "ais-position": mapping.export_ais_position,
    "shipping-listing": mapping.export_shipping_listing,
}


def _documents(
    document: str,
    records: Sequence[tuple[Record, dt.datetime]],
    sizes: Sequence[int],
    export: Callable[[Sequence[Record], Header], bytes],
) -> list[bytes]:
    """Records, each with when it was known, cut into documents of ``sizes`` records."""
    result, start = [], 0
    for number, size in enumerate(sizes, 1):
        batch = records[start : start + size]
        start += size
        header = Header(
            message_id=f"{AGENCY}-{document}-{number:06d}",
            sender=AGENCY,
            sent_at=(max(at for _, at in batch) + dt.timedelta(minutes=5)).isoformat(),
        )
        result.append(export([record for record, _ in batch], header))
    return result


def documents(
    count: int = 20, seed: int = 7, vessels: Sequence[Vessel] | None = None
) -> dict[str, list[bytes]]:
    """``count`` documents of each maritime document type, 1-5 records each, in feed order.

    ``vessels`` are the ships registered, calling at ports and sending AIS positions; when
    None, ``fleet(seed=seed)``. The register goes round them again when there are fewer
    vessels than registrations to send.
    """
    ships = tuple(vessels) if vessels is not None else fleet(seed=seed)
    if not ships:
        raise ValueError("the maritime simulator needs at least one vessel")
    rng = random.Random(f"{seed}:maritime-batches")
    sizes = {name: [rng.randint(1, 5) for _ in range(count)] for name in EXPORTS}
    # The register sends a vessel's record as it stands, one an hour, round the fleet.
    sent = [START + dt.timedelta(hours=n) for n in range(sum(sizes["vessel-registration"]))]
    registrations = [
        (registration(vessel, n, at.date(), seed), at)
        for n, (vessel, at) in enumerate(zip(cycle(ships), sent), 1)
    ]
    calls = [(c, c.occurred_at) for c in port_calls(sum(sizes["port-call"]), ships, seed)]
    positions = [(p, p.observed_at) for p in ais_positions(sum(sizes["ais-position"]), ships, seed)]
    feeds: dict[str, Sequence[tuple[Record, dt.datetime]]] = {
        "vessel-registration": registrations,
        "port-call": calls,
        "ais-position": positions,
        "shipping-listing": shipping_listings(sum(sizes["shipping-listing"]), START, seed),
    }
    return {
        name: _documents(name, records, sizes[name], EXPORTS[name])
        for name, records in feeds.items()
    }


def app(count: int = 20, fail_every: int = 0, *, vessels: Sequence[Vessel] | None = None) -> Any:
    """The maritime feeds as an ASGI app, serving ``documents(count, vessels=vessels)``."""
    return feed_app(documents(count, vessels=vessels), fail_every=fail_every)
