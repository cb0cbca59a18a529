"""Deterministic generation of a realistic Jiangsu data center, as plain rows (no database).

The same scale, seed and ``today`` always give the same rows: one ``random.Random`` drives
everything and nothing iterates a set. Check characters are computed here directly, which is
fast; the tests run every identifier through ``hub.canonical.identifiers``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise
from typing import Any, NamedTuple, TypeVar

from stdnum.cn import ric, uscc

from hub.canonical.codes import (
    PLATE_PREFIXES,
    REGIONS,
    BusinessCategory,
    DangerousGoodsClass,
    LicenceStatus,
    OperatorStatus,
    PackingGroup,
    PermitKind,
    PlateColor,
    StationKind,
    StationLevel,
    VehicleType,
    VesselCertificateKind,
)
from hub.canonical.identifiers import vin_check_digit
from hub.demo import enforcement, names

Row = dict[str, Any]
T = TypeVar("T")

INDUSTRY_SOURCE = "运政在线"
DANGEROUS_GOODS_SOURCE = "JT/T 617 品名表"
TABLES = (
    *("operators", "permits", "stations", "passenger_lines", "line_stops", "vehicles"),
    *("vessels", "vessel_certificates", "practitioners", "qualification_certificates"),
    "dangerous_goods",
    *enforcement.TABLES,
)
"""Table names in foreign-key order: a table only refers to tables before it (or itself)."""


@dataclass(frozen=True, slots=True)
class DemoScale:
    """How many rows of the main entities to generate; lines and certificates follow."""

    operators: int
    vehicles: int
    vessels: int
    practitioners: int
    stations: int

    @classmethod
    def times(cls, factor: float) -> DemoScale:
        """``factor`` × (2000 operators, 20000 vehicles, 300 vessels, 30000 practitioners,
        400 stations), with at least one of each and 13 operators and stations (one a city)."""
        if not factor > 0:
            raise ValueError(f"the scale factor must be positive, got {factor!r}")

        def n(base: int, minimum: int = 1) -> int:
            return max(minimum, round(base * factor))

        return cls(n(2000, 13), n(20000), n(300), n(30000), n(400, 13))


@dataclass(frozen=True, slots=True)
class DemoData:
    """Rows as plain dicts per table, keyed by table name, in foreign-key order, with explicit
    integer primary keys."""

    tables: dict[str, list[dict[str, Any]]]


def city_area(city: str, half: float = 0.5) -> list[list[float]]:
    """A square ring (GeoJSON order) of ±``half`` degrees around a city's centre."""
    centre = names.CITIES[city]
    west, east = centre.longitude - half, centre.longitude + half
    south, north = centre.latitude - half, centre.latitude + half
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def generate(scale: DemoScale, *, seed: int = 2026, today: dt.date) -> DemoData:
    """The demo data center at ``scale``; every date is relative to ``today``."""
    return _Generator(scale, seed, today).run()


# Road passenger transport is licensed as lines and/or charter; the rest map one to one.
_PERMIT_OF = {
    BusinessCategory.ROAD_GENERAL_FREIGHT_TRANSPORT: PermitKind.GENERAL_FREIGHT,
    BusinessCategory.ROAD_DANGEROUS_GOODS_TRANSPORT: PermitKind.DANGEROUS_GOODS,
    BusinessCategory.DRIVER_TRAINING: PermitKind.DRIVING_TRAINING,
    BusinessCategory.MOTOR_VEHICLE_REPAIR: PermitKind.REPAIR,
    BusinessCategory.WATERWAY_PASSENGER_TRANSPORT: PermitKind.WATERWAY_PASSENGER,
    BusinessCategory.WATERWAY_FREIGHT_TRANSPORT: PermitKind.WATERWAY_FREIGHT,
}
_LICENCE_OF = {
    OperatorStatus.ACTIVE: LicenceStatus.VALID,
    OperatorStatus.SUSPENDED: LicenceStatus.SUSPENDED,
    OperatorStatus.CLOSED: LicenceStatus.SUSPENDED,
    OperatorStatus.CANCELLED: LicenceStatus.CANCELLED,
    OperatorStatus.REVOKED: LicenceStatus.REVOKED,
}
_V = VehicleType
_TRAILERS = (_V.HEAVY_SEMI_TRAILER, _V.HEAVY_TANK_SEMI_TRAILER)
_LINE_BUSES = (_V.LARGE_BUS, _V.LARGE_SLEEPER_BUS, _V.MEDIUM_BUS)
# Small buses and light trucks (under 4.5 t) carry the small blue plate, the rest yellow.
_BLUE_PLATED = (_V.SMALL_BUS, _V.LIGHT_TRUCK)
_PLATE_LETTER = {
    city: prefix[1]
    for prefix, (city_name, _) in PLATE_PREFIXES.items()
    for city in names.CITIES
    if REGIONS[city][0] == city_name
}
# Who runs a station: operators of the station's city with this business category.
_RUN_BY = {
    StationKind.PASSENGER_STATION: BusinessCategory.PASSENGER_STATION_OPERATION.value,
    StationKind.FREIGHT_STATION: BusinessCategory.FREIGHT_STATION_OPERATION.value,
    StationKind.PORT_TERMINAL: BusinessCategory.PORT_OPERATION.value,
}
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # plates never use I or O
_VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # ISO 3779: no I, O, Q
_MODEL_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789"  # VIN position 10: 2010 is A, a 30-year cycle


class _Operator(NamedTuple):
    id: int
    county: str
    city: str
    kind: str
    categories: list[str]
    status: OperatorStatus
    permits: dict[PermitKind, int]  # kind → permit id


class _Stop(NamedTuple):
    """A passenger station, as the line builder needs it."""

    id: int
    county: str
    city: str
    latitude: float
    longitude: float


def _city(county: str) -> str:
    return county[:4] + "00"


def _is_county(code: str) -> bool:
    """A county or county-level city (江阴市, 丰县), not a city district (玄武区)."""
    return code[4:] >= "20"


def _short(name: str) -> str:
    """江阴市 → 江阴, 江宁区 → 江宁, but 丰县 stays 丰县: a one-character name keeps its suffix."""
    return name[:-1] if len(name) > 2 and name[-1] in "市区县" else name


def _km(a: Sequence[float], b: Sequence[float]) -> float:
    """Great-circle distance between two [longitude, latitude] points (haversine)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


class _Generator:
    """One generation run: the random source, the rows so far, what later tables refer to."""

    def __init__(self, scale: DemoScale, seed: int, today: dt.date) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.midnight = dt.datetime.combine(today, dt.time(), dt.UTC)
        self.tables: dict[str, list[Row]] = {name: [] for name in TABLES}
        self.counties: dict[str, list[str]] = {city: [] for city in names.CITIES}
        for code in REGIONS:
            if not code.endswith("00"):
                self.counties[_city(code)].append(code)
        # A city's weight is spread evenly over its counties.
        self.all_counties = [c for counties in self.counties.values() for c in counties]
        self.county_weights = list(
            accumulate(
                names.CITIES[_city(c)].weight / len(self.counties[_city(c)])
                for c in self.all_counties
            )
        )
        self.operators: list[_Operator] = []
        self.stops: dict[str, list[_Stop]] = {city: [] for city in names.CITIES}
        self.lines_of: dict[int, list[int]] = {}
        self.towns: dict[str, list[str]] = {}
        self.runners: dict[tuple[str, str], list[int]] = {}  # (city, category) → operator ids
        self.fleet: Counter[int] = Counter()
        self.serials: Counter[str] = Counter()

    def run(self) -> DemoData:
        self._operators()
        self._stations()
        self._lines()
        self._vehicles()
        self._vessels()
        self._practitioners()
        for goods_id, entry in enumerate(names.DANGEROUS_GOODS, 1):
            group = entry.packing_group
            row = {
                "id": goods_id,
                "un_number": entry.un_number,
                "name": entry.name,
                "name_en": entry.name_en,
                "hazard_class": DangerousGoodsClass(entry.hazard_class),
                "packing_group": None if group is None else PackingGroup(group),
            }
            self._add("dangerous_goods", "DG", row, DANGEROUS_GOODS_SOURCE)
        self.tables.update(enforcement.generate(self.tables, self.seed, self.today, self._person))
        return DemoData(self.tables)

    # -- shared pieces ------------------------------------------------------------------------

    def _add(self, table: str, prefix: str, row: Row, source: str = INDUSTRY_SOURCE) -> None:
        """Append ``row`` with its provenance: received in the last year, mostly verified."""
        rng = self.rng
        received = self.midnight - dt.timedelta(seconds=rng.randint(3600, 365 * 86400))
        verified = None
        if rng.random() < 0.9:
            span = int((self.midnight - received).total_seconds())
            verified = received + dt.timedelta(seconds=rng.randint(1, span))
        row["source"] = source
        row["source_record_id"] = f"{prefix}{row['id']:07d}"
        row["received_at"] = received
        row["verified_at"] = verified
        self.tables[table].append(row)

    def _next_id(self, table: str) -> int:
        return len(self.tables[table]) + 1

    def _serial(self, key: str, gap: int = 1) -> int:
        self.serials[key] += self.rng.randint(1, gap)
        return self.serials[key]

    def _county(self) -> str:
        return self.rng.choices(self.all_counties, cum_weights=self.county_weights)[0]

    def _validity(self, years: int) -> tuple[dt.date, dt.date]:
        """About 5% expired, 5% expiring within 30 days, the rest valid for longer."""
        r, days = self.rng.random(), self.rng.randint
        offset = -days(1, 365) if r < 0.05 else days(0, 30) if r < 0.1 else days(31, years * 365)
        valid_to = self.today + dt.timedelta(days=offset)
        return valid_to - dt.timedelta(days=years * 365), valid_to

    def _licence(self, status: OperatorStatus = OperatorStatus.ACTIVE) -> LicenceStatus:
        if status is OperatorStatus.ACTIVE and self.rng.random() < 0.02:
            return LicenceStatus.SUSPENDED
        return _LICENCE_OF[status]

    def _person(self, male: bool) -> str:
        given = names.MALE_GIVEN if male else names.FEMALE_GIVEN
        length = self.rng.choice((1, 2, 2))
        return self.rng.choice(names.SURNAMES) + "".join(self.rng.choices(given, k=length))

    def _address(self, county: str) -> str:
        road, number = self.rng.choice(names.ROADS), self.rng.randint(1, 399)
        return f"江苏省{REGIONS[_city(county)][0]}{REGIONS[county][0]}{road}{number}号"

    def _unique(self, used: set[T], make: Callable[..., T], *args: Any) -> T:
        for _ in range(1000):
            value = make(*args)
            if value not in used:
                used.add(value)
                return value
        raise RuntimeError("demo value pool exhausted: the scale is too large for its pools")

    # -- operators, permits, stations, lines --------------------------------------------------

    def _operators(self) -> None:
        rng, n = self.rng, self.scale.operators
        counts = [max(1, round(kind.share * n)) for kind in names.OPERATOR_KINDS]
        counts[1] += n - sum(counts)
        kinds = [
            k for k, count in zip(names.OPERATOR_KINDS, counts, strict=True) for _ in range(count)
        ]
        rng.shuffle(kinds)
        cities = list(names.CITIES)
        used_names: set[str] = set()
        used_codes: set[str] = set()
        lines_granted = False
        for op_id, kind in enumerate(kinds, 1):
            # The first thirteen cover every city once; the rest follow the cities' weights.
            county = rng.choice(self.counties[cities[op_id - 1]]) if op_id <= 13 else self._county()
            categories = list(kind.categories)
            if kind.extra is not None and rng.random() < kind.extra_share:
                categories.append(kind.extra)
            status = rng.choices(list(OperatorStatus), weights=(92, 3, 2, 2, 1))[0]
            permits = [_PERMIT_OF[c] for c in categories if c in _PERMIT_OF]
            if kind.name == "passenger":
                # Somebody must run the lines, even at the smallest scale.
                line = not lines_granted or rng.random() < 0.85
                lines_granted = True
                charter = not line or rng.random() < 0.5
                permits[:0] = [PermitKind.PASSENGER_LINE] * line + [PermitKind.CHARTER] * charter
            codes = [c.value for c in categories]
            op = _Operator(op_id, county, _city(county), kind.name, codes, status, {})
            self.operators.append(op)
            row = {
                "id": op_id,
                "uscc": self._unique(used_codes, self._uscc, county),
                "name": self._unique(used_names, self._company, county, kind.name),
                "legal_representative": self._person(rng.random() < 0.8),
                "region_code": county,
                "business_categories": codes,
                "status": status,
            }
            self._add("operators", "OP", row)
            for permit in permits:
                self._permit(op, permit)

    def _uscc(self, county: str) -> str:
        """GB 32100: authority 9 (market regulation), type 1 (enterprise), the county, a
        GB 11714 organisation code with its own check character, then the GB 32100 check."""
        body = [self.rng.randrange(10) for _ in range(8)]
        check = 11 - sum(d * w for d, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
        code = f"91{county}{''.join(map(str, body))}{'X' if check == 10 else check % 11}"
        return code + uscc.calc_check_digit(code)

    def _company(self, county: str, kind: str) -> str:
        rng = self.rng
        # Firms of a county or county-level city often carry its name (昆山市…), else the city's.
        own = _is_county(county) and rng.random() < 0.6
        place = REGIONS[county][0] if own else _short(REGIONS[_city(county)][0])
        first = rng.choice(names.TRADE_NAME_FIRST)
        trade = first + rng.choice(names.TRADE_NAME_SECOND.replace(first, ""))  # never 顺顺
        form = rng.choice(names.COMPANY_FORMS)
        return f"{place}{trade}{rng.choice(names.TRADE_WORDS[kind])}{form}"

    def _permit(self, op: _Operator, kind: PermitKind) -> None:
        permit_id = self._next_id("permits")
        op.permits[kind] = permit_id
        valid_from, valid_to = self._validity(4)
        row = {
            "id": permit_id,
            "number": f"{op.county}{self._serial(op.county, 9):06d}",
            "kind": kind,
            "scope": names.PERMIT_SCOPES[kind],
            "issuing_authority": f"{REGIONS[op.city][0]}交通运输局",
            "valid_from": valid_from,
            "valid_to": valid_to,
            "status": self._licence(op.status),
            "operator_id": op.id,
            "region_code": op.county,
        }
        self._add("permits", "PM", row)

    def _stations(self) -> None:
        rng, n = self.rng, self.scale.stations
        passenger = max(13, n * 55 // 100)
        ports = min(len(names.PORTS) * 3, n // 10, n - passenger)
        for op in self.operators:
            for category in op.categories:
                self.runners.setdefault((op.city, category), []).append(op.id)
        # Every city's centre first, then every county once, then by weight.
        counties = [city.central_county for city in names.CITIES.values()] + self.all_counties
        counties = counties[:passenger] + [self._county() for _ in range(passenger - len(counties))]
        seen: Counter[str] = Counter()
        for county in counties:
            city, is_county = _city(county), _is_county(county)
            stem = _short(REGIONS[county if is_county else city][0])
            k, words = seen[stem], names.PASSENGER_STATION_WORDS
            seen[stem] += 1
            if k < len(words):  # 南京汽车客运站 (一级), 南京汽车客运南站, 江阴汽车客运站 …
                name, level = stem + words[k], 1 if k == 0 and not is_county else 2
                level += k > 0 and is_county
            else:  # small town stations
                name = f"{_short(REGIONS[county][0])}{self._town(county)}汽车站"
                level = rng.choice((4, 5))
            point = self._near(names.CITIES[city], 0.15)
            self._station(county, StationKind.PASSENGER_STATION, name, str(level), point)
        for _ in range(n - passenger - ports):
            county = self._county()
            place, words = _short(REGIONS[county][0]), names.FREIGHT_STATION_WORDS
            town = self._town(county) if seen[place] >= len(words) else ""
            name = f"{place}{town}{words[seen[place] % len(words)]}"
            seen[place] += 1
            point = self._near(names.CITIES[_city(county)], 0.15)
            self._station(county, StationKind.FREIGHT_STATION, name, None, point)
        for i in range(ports):  # at the real port areas, not the city centres
            port = names.PORTS[i % len(names.PORTS)]
            name = f"{port.name}{i // len(names.PORTS) + 1}号码头"
            point = self._near(port, 0.02)
            self._station(port.county, StationKind.PORT_TERMINAL, name, None, point)

    def _town(self, county: str) -> str:
        """The county's towns in a random order, so that names repeat only when they run out."""
        towns = self.towns.setdefault(county, self.rng.sample(names.TOWNS, len(names.TOWNS)))
        self.serials["town" + county] += 1
        return towns[self.serials["town" + county] % len(towns)]

    def _near(self, place: names.City | names.Port, jitter: float) -> tuple[float, float]:
        uniform = self.rng.uniform
        latitude = round(place.latitude + uniform(-jitter, jitter), 6)
        return latitude, round(place.longitude + uniform(-jitter, jitter), 6)

    def _station(
        self,
        county: str,
        kind: StationKind,
        name: str,
        level: str | None,
        point: tuple[float, float],
    ) -> None:
        station_id, rng = self._next_id("stations"), self.rng
        runners = self.runners.get((_city(county), _RUN_BY[kind]))
        row = {
            "id": station_id,
            "code": f"{county}{kind.value}{self._serial(county + kind.value):03d}",
            "name": name,
            "kind": kind,
            "level": None if level is None else StationLevel(level),
            "latitude": point[0],
            "longitude": point[1],
            "address": self._address(county),
            "region_code": county,
            # Some stations are run by public bodies rather than a licensed operator.
            "operator_id": rng.choice(runners) if runners and rng.random() < 0.85 else None,
        }
        self._add("stations", "ST", row)
        if kind is StationKind.PASSENGER_STATION:
            self.stops[_city(county)].append(_Stop(station_id, county, _city(county), *point))

    def _lines(self) -> None:
        rng = self.rng
        runners = [op for op in self.operators if PermitKind.PASSENGER_LINE in op.permits]
        weights = list(accumulate(rng.paretovariate(1.5) for _ in runners))
        extra = max(0, round(self.scale.operators * 0.4) - len(runners))
        picks = [*runners, *rng.choices(runners, cum_weights=weights, k=extra)]
        for op in picks:
            stops = self.stops[op.city]
            origin = stops[0] if rng.random() < 0.4 else rng.choice(stops)  # [0]: the main one
            others = [c for c in names.CITIES if c != op.city]
            city = rng.choices(others, weights=[names.CITIES[c].weight for c in others])[0]
            stops = self.stops[city]
            destination = stops[0] if rng.random() < 0.5 else rng.choice(stops)
            self._line(op, [origin, *self._between(origin, destination), destination])

    def _between(self, origin: _Stop, destination: _Stop) -> list[_Stop]:
        """0-3 passenger stations roughly on the way, in the order they are passed."""
        rng = self.rng
        ox, oy = origin.longitude, origin.latitude
        dx, dy = destination.longitude - ox, destination.latitude - oy
        length = math.hypot(dx, dy)

        def along(stop: _Stop | names.City) -> tuple[float, float]:
            """How far along the way (0-1) and how far off it (degrees) a point is."""
            x, y = stop.longitude - ox, stop.latitude - oy
            return (x * dx + y * dy) / length**2, abs(x * dy - y * dx) / length

        wanted = rng.choice((0, 0, 1, 1, 2, 3))
        cities = [origin.city, destination.city]
        cities += [c for c, centre in names.CITIES.items() if 0.1 < along(centre)[0] < 0.9]
        found: dict[int, tuple[float, _Stop]] = {}
        for _ in range(12 * wanted):  # sample rather than scan: thousands of stations at scale
            if len(found) == wanted:
                break
            stop = rng.choice(self.stops[rng.choice(cities)])
            t, off = along(stop)
            if 0.05 < t < 0.95 and off < 0.3 and stop.id not in (origin.id, destination.id):
                found[stop.id] = (t, stop)
        return [stop for _, stop in sorted(found.values())]

    def _line(self, op: _Operator, stops: list[_Stop]) -> None:
        line_id = self._next_id("passenger_lines")
        self.lines_of.setdefault(op.id, []).append(line_id)
        origin, destination = stops[0], stops[-1]
        route = [
            [
                round(a.longitude + f * (b.longitude - a.longitude), 6),
                round(a.latitude + f * (b.latitude - a.latitude), 6),
            ]
            for a, b in pairwise(stops)
            for f in (0.0, 0.25, 0.5, 0.75)  # straight segments, a few points on each
        ] + [[destination.longitude, destination.latitude]]

        def place(stop: _Stop) -> str:
            return _short(REGIONS[stop.county if _is_county(stop.county) else stop.city][0])

        row = {
            "id": line_id,
            "code": f"L{origin.city}{self._serial('L' + origin.city):04d}",
            "name": f"{place(origin)}—{place(destination)}",
            "region_code": origin.county,
            "operator_id": op.id,
            "permit_id": op.permits[PermitKind.PASSENGER_LINE],
            "origin_station_id": origin.id,
            "destination_station_id": destination.id,
            "route": route,
            "distance_km": round(sum(map(_km, route, route[1:])) * 1.2, 1),
            "daily_trips": self.rng.randint(1, 12),
        }
        self._add("passenger_lines", "LN", row)
        self.tables["line_stops"].extend(
            {"line_id": line_id, "sequence": i, "station_id": stop.id}
            for i, stop in enumerate(stops, 1)
        )

    # -- vehicles, vessels, people ------------------------------------------------------------

    def _vehicles(self) -> None:
        rng, today = self.rng, self.today
        owners = [op for op in self.operators if op.kind in names.FLEETS]
        weights = list(accumulate(rng.paretovariate(2) for _ in owners))  # a few big fleets
        picks = Counter(rng.choices(range(len(owners)), cum_weights=weights, k=self.scale.vehicles))
        used_plates: set[tuple[str, PlateColor]] = set()
        used_vins: set[str] = set()
        for index, op in enumerate(owners):
            types, mix = names.FLEETS[op.kind]
            mix = tuple(accumulate(mix))
            lines = self.lines_of.get(op.id, [])
            self.fleet[op.id] = picks[index]
            for _ in range(picks[index]):
                kind = rng.choices(types, cum_weights=mix)[0]
                plate, colour = self._unique(used_plates, self._plate, _PLATE_LETTER[op.city], kind)
                on_line = lines and rng.random() < (0.85 if kind in _LINE_BUSES else 0.2)
                valid_from, valid_to = self._validity(4)
                r = rng.random()  # about 8% are overdue for the annual review
                review = -rng.randint(1, 120) if r < 0.08 else rng.randint(0, 364)
                r = rng.random()  # secondary maintenance is mostly due within four months
                upkeep = (
                    -rng.randint(1, 30) if r < 0.05 else rng.randint(0, 120 if r < 0.9 else 180)
                )
                tonnage = names.TONNAGE.get(kind)
                row = {
                    "id": self._next_id("vehicles"),
                    "plate": plate,
                    "plate_color": colour,
                    "vin": self._unique(used_vins, self._vin, kind),
                    "vehicle_type": kind,
                    "seats": rng.choice(names.SEATS[kind]) if kind in names.SEATS else None,
                    "tonnage": None if tonnage is None else round(rng.uniform(*tonnage), 1),
                    "dangerous_goods": op.kind == "dangerous",
                    "region_code": op.county,
                    "operator_id": op.id,
                    "line_id": rng.choice(lines) if on_line else None,
                    # Road transport certificates count on after the permits of the county.
                    "certificate_number": f"{op.county}{100000 + self._serial('C' + op.county, 3)}",
                    "certificate_valid_from": valid_from,
                    "certificate_valid_to": valid_to,
                    "certificate_status": self._licence(op.status),
                    "next_annual_review": today + dt.timedelta(days=review),
                    "next_secondary_maintenance": today + dt.timedelta(days=upkeep),
                    **self._business(op, kind, on_line=bool(on_line)),
                }
                self._add("vehicles", "VH", row)

    def _business(self, op: _Operator, kind: VehicleType, *, on_line: bool) -> dict[str, Any]:
        """What a vehicle is licensed for and, for a charter bus, the area it may run in (its
        city and around: ±0.5°). Drawn from nothing random, so the rest of the demo stays as
        it was."""
        if kind.name.endswith("BUS"):
            if on_line:
                return {"business_kind": PermitKind.PASSENGER_LINE, "permitted_area": None}
            return {"business_kind": PermitKind.CHARTER, "permitted_area": city_area(op.city)}
        kind_of = (
            PermitKind.DANGEROUS_GOODS if op.kind == "dangerous" else PermitKind.GENERAL_FREIGHT
        )
        return {"business_kind": kind_of, "permitted_area": None}

    def _plate(self, letter: str, kind: VehicleType) -> tuple[str, PlateColor]:
        """GA 36: 苏, the city's letter, 5 characters; trailers 4 and 挂; new energy D/F and 5."""
        rng = self.rng
        if kind in _TRAILERS:
            return f"苏{letter}{self._plate_body(4)}挂", PlateColor.YELLOW
        if kind is _V.SMALL_BUS and rng.random() < 0.3:
            energy, second = rng.choice("DF"), rng.choice(_LETTERS + "0123456789")
            return f"苏{letter}{energy}{second}{rng.randrange(10000):04d}", PlateColor.GREEN
        colour = PlateColor.BLUE if kind in _BLUE_PLATED else PlateColor.YELLOW
        return f"苏{letter}{self._plate_body(5)}", colour

    def _plate_body(self, length: int) -> str:
        rng = self.rng
        chars = [str(rng.randrange(10)) for _ in range(length)]
        r = rng.random()  # mostly digits, a letter first or two anywhere (GA 36 allows two)
        for position in (0,) if r < 0.4 else rng.sample(range(length), 2) if r < 0.5 else ():
            chars[position] = rng.choice(_LETTERS)
        return "".join(chars)

    def _vin(self, kind: VehicleType) -> str:
        rng = self.rng
        year = rng.randint(self.today.year - 8, self.today.year)
        body = (
            rng.choice(names.MAKERS[kind]).wmi
            + "".join(rng.choices(_VIN_CHARS, k=5))
            + "0"  # the check digit's place
            + _MODEL_YEARS[(year - 2010) % 30]
            + rng.choice(_VIN_CHARS)
            + f"{rng.randrange(1_000_000):06d}"
        )
        return body[:8] + vin_check_digit(body) + body[9:]

    def _vessels(self) -> None:
        rng = self.rng
        owners = [op for op in self.operators if op.kind in ("waterway", "ferry", "port")]
        weights = list(accumulate(rng.paretovariate(1.5) for _ in owners))
        used_names: set[str] = set()
        used_mmsi: set[str] = set()
        used_imo: set[str] = set()
        for vessel_id in range(1, self.scale.vessels + 1):
            op = rng.choices(owners, cum_weights=weights)[0]
            home = [p for p, code in names.PORTS_OF_REGISTRY.items() if code[:4] == op.city[:4]]
            port = rng.choice(home or list(names.PORTS_OF_REGISTRY))
            # Sea-going ships (江海直达) carry an IMO number; ferries never go to sea.
            seagoing = op.kind != "ferry" and rng.random() < 1 / 3
            word = "渡" if op.kind == "ferry" else rng.choice(names.VESSEL_CARGO_WORDS)
            prefix = "江海" if seagoing else f"苏{names.REGISTRY_ABBREVIATIONS[port]}"
            row = {
                "id": vessel_id,
                "name": self._unique(used_names, self._numbered, prefix + word),
                "mmsi": self._unique(used_mmsi, self._mmsi),
                "imo": self._unique(used_imo, self._imo) if seagoing else None,
                "port_of_registry": port,
                "gross_tonnage": rng.randint(2000, 20000) if seagoing else rng.randint(300, 5000),
                "region_code": op.county,
                "operator_id": op.id,
            }
            self._add("vessels", "VS", row)
            # Nationality and inspection certificates always, operating and manning mostly.
            kinds = list(VesselCertificateKind)
            for kind in kinds[:2] + [k for k in kinds[2:] if rng.random() < 0.7]:
                self._vessel_certificate(vessel_id, kind, port, op.county)

    def _numbered(self, stem: str) -> str:
        return f"{stem}{self.rng.randint(1, 9999)}"

    def _mmsi(self) -> str:
        return f"{self.rng.choice(('412', '413', '414'))}{self.rng.randrange(10**6):06d}"

    def _imo(self) -> str:
        digits = f"{self.rng.choice('89')}{self.rng.randrange(100_000):05d}"
        return digits + str(
            sum(int(d) * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
        )

    def _vessel_certificate(
        self, vessel_id: int, kind: VesselCertificateKind, port: str, region: str
    ) -> None:
        valid_from, valid_to = self._validity(5)
        authority = {
            VesselCertificateKind.INSPECTION_CERTIFICATE: "中国船级社江苏分社",
            VesselCertificateKind.OPERATING_CERTIFICATE: f"{port}市交通运输局",
        }.get(kind, f"{port}海事局")
        division = names.PORTS_OF_REGISTRY[port]
        row = {
            "id": self._next_id("vessel_certificates"),
            "vessel_id": vessel_id,
            "kind": kind,
            "number": f"{kind.value}{division}{valid_from.year}{self._serial(kind.value):05d}",
            "issuing_authority": authority,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "status": self._licence(),
            "region_code": region,
        }
        self._add("vessel_certificates", "VC", row)

    def _practitioners(self) -> None:
        rng = self.rng
        employers = [op for op in self.operators if op.kind in names.QUALIFICATIONS]
        weights = list(accumulate(self.fleet[op.id] + 3 for op in employers))  # staff per fleet
        picks = rng.choices(employers, cum_weights=weights, k=self.scale.practitioners)
        used: set[str] = set()
        for person_id, employer in enumerate(picks, 1):
            op = employer if rng.random() < 0.85 else None
            region = op.county if op is not None and rng.random() < 0.8 else self._county()
            male = rng.random() < (0.8 if op is None or op.kind == "training" else 0.93)
            born = rng.choice((region, region, self._county()))  # most work where they were born
            id_number = self._unique(used, self._resident_id, born, male)
            flat = f"{rng.randint(1, 30)}幢{rng.randint(1, 28)}0{rng.randint(1, 6)}室"
            row = {
                "id": person_id,
                "id_number": id_number,
                "name": self._person(male),
                "phone": f"{rng.choice(names.PHONE_PREFIXES)}{rng.randrange(10**8):08d}",
                "address": self._address(region) + flat,
                "region_code": region,
                "employer_id": None if op is None else op.id,
            }
            self._add("practitioners", "PR", row)
            sets, mix = names.QUALIFICATIONS["" if op is None else op.kind]
            for kind in rng.choices(sets, weights=mix)[0]:
                valid_from, valid_to = self._validity(6)
                row = {
                    "id": self._next_id("qualification_certificates"),
                    "practitioner_id": person_id,
                    "kind": kind,
                    "number": id_number,  # qualification certificates are numbered by the ID
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "status": self._licence(),
                    "region_code": region,
                }
                self._add("qualification_certificates", "QC", row)

    def _resident_id(self, county: str, male: bool) -> str:
        """GB 11643: birth county, birth date (1960-2003, mostly middle-aged), a sequence that
        is odd for men, then the check character."""
        start, end = dt.date(1960, 1, 1).toordinal(), dt.date(2003, 12, 31).toordinal()
        birth = dt.date.fromordinal(
            round(self.rng.triangular(start, end, start + 0.45 * (end - start)))
        )
        sequence = self.rng.randrange(1, 500) * 2 - male
        body = f"{county}{birth:%Y%m%d}{sequence:03d}"
        return body + ric.calc_check_digit(body + "0")


def subjects(data: DemoData) -> dict[str, Any]:
    """The demo's vehicles, operators and vessels by their natural keys, for agency documents.

    vehicles: (plate, plate colour code, VIN, dangerous goods, operator USCC);
    operators: (USCC, name); vessels: (MMSI, IMO or None, name).
    """
    uscc_of = {row["id"]: row["uscc"] for row in data.tables["operators"]}
    return {
        "vehicles": [
            (row["plate"], row["plate_color"].value, row["vin"], row["dangerous_goods"],
             uscc_of[row["operator_id"]])
            for row in data.tables["vehicles"]
        ],
        "operators": [(row["uscc"], row["name"]) for row in data.tables["operators"]],
        "vessels": [(row["mmsi"], row["imo"], row["name"]) for row in data.tables["vessels"]],
    }  # fmt: skip
