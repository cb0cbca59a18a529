"""A simulated work-safety supervision feed: deterministic, realistic Jiangsu accidents and
inspections, and the documents that carry them.

The record generators are pure (same arguments, same records) and take the vehicles and
operators to describe, so that the hub can feed them the plates and credit codes of its demo
data and the cross-source views have something to join; without them they make up their own.
Documents are built with the adapter's export functions, so they are valid by construction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from stdnum.cn import uscc

from adapters.safety import mapping, pools
from hub.canonical.codes import PLATE_PREFIXES, REGIONS, PlateColor
from hub.canonical.records import Accident, AccidentVehicle, Record, SafetyInspection
from hub.exchange.protocol import Header, feed_app

REFERENCE_DAY = dt.date(2026, 11, 25)
"""The simulated 'today' every generated date is relative to."""
CHINA = dt.timezone(dt.timedelta(hours=8))

Plate = tuple[str, str]
"""(plate, plate colour code): how a vehicle is identified."""

_COUNTIES = [code for code in REGIONS if not code.endswith("00")]
_CITY_CODE = {name: code for code, (name, _) in REGIONS.items() if code[4:] == "00"}
_CITY_OF_LETTER = {prefix[1]: _CITY_CODE[city] for prefix, (city, _) in PLATE_PREFIXES.items()}


def _rng(seed: int, purpose: str) -> random.Random:
    # One stream per generator, so adding records of one kind never shifts another kind's.
    return random.Random(f"safety:{purpose}:{seed}")


def _operator(rng: random.Random) -> str:
    """A company's USCC: registered in a Jiangsu county, both check characters right."""
    body = f"91{rng.choice(_COUNTIES)}{rng.randrange(10**8):08d}"
    # GB 11714 organisation code check character, then the GB 32100 one.
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(d) * w for d, w in zip(body[8:], weights, strict=True)) % 11
    code = body + ("X" if check == 10 else str(check % 11))
    return code + uscc.calc_check_digit(code)


def _plate(rng: random.Random, colour: PlateColor) -> str:
    """A Jiangsu plate of GA 36 shape; green (new-energy) plates have six characters."""
    letter = rng.choice("ABCDEFGHJKLMN")
    if colour is PlateColor.GREEN:
        body = f"{rng.choice('DF')}{rng.choice(pools.PLATE_LETTERS)}{rng.randrange(10000):04d}"
    else:
        body = f"{rng.choice(pools.PLATE_LETTERS)}{rng.randrange(10000):04d}"
    return f"苏{letter}{body}"


def _other_party(rng: random.Random, vehicles: Sequence[Plate], taken: set[Plate]) -> Plate:
    """Another vehicle in the accident: one of ``vehicles`` or, as often, a private car."""
    free = [v for v in vehicles if v not in taken]
    if free and rng.random() < 0.5:
        return rng.choice(free)
    colour = PlateColor.GREEN if rng.random() < 0.25 else PlateColor.BLUE
    return _plate(rng, colour), colour.value


_KIND_OF_COLOUR = {
    PlateColor.BLUE.value: "小型普通客车",
    PlateColor.GREEN.value: "新能源小型客车",
    PlateColor.YELLOW_GREEN.value: "新能源大型客车",
}


def _describe(vehicle: Plate) -> str:
    """How a report names a vehicle: its plate and, as the plate colour suggests, its kind."""
    plate, colour = vehicle
    if colour == PlateColor.YELLOW.value:
        # Drawn from the plate, so a vehicle is the same kind in every accident it has.
        kinds = pools.TRANSPORT_VEHICLES
        return f"{plate}号{kinds[sum(map(ord, plate)) % len(kinds)]}"
    return f"{plate}号{_KIND_OF_COLOUR.get(colour, '机动车')}"


def _place(rng: random.Random, county: str) -> str:
    city, name = REGIONS[county[:4] + "00"][0], REGIONS[county][0]
    roll = rng.random()
    km, metres = rng.randint(20, 1200), rng.randrange(0, 1000, 100)
    if roll < 0.35:
        return f"{rng.choice(pools.EXPRESSWAYS)}K{km}+{metres:03d}（{city}{name}段）"
    if roll < 0.55:
        return f"{rng.choice(pools.NATIONAL_ROADS)}K{km}+{metres:03d}（{city}{name}段）"
    first, second = rng.sample(pools.ROADS, 2)
    return f"{city}{name}{first}与{second}交叉口"


def _casualties(deaths: int, injuries: int) -> str:
    if deaths and injuries:
        return f"造成{deaths}人死亡、{injuries}人受伤"
    if deaths or injuries:
        return f"造成{deaths}人死亡" if deaths else f"造成{injuries}人受伤"
    return "未造成人员伤亡，车辆不同程度受损"


def _summary(
    rng: random.Random, at: dt.datetime, place: str, involved: Sequence[Plate], harm: str
) -> str:
    when = f"{at.month}月{at.day}日{at.hour}时{at.minute:02d}分许"
    first, *others = (_describe(v) for v in involved)
    if not others:
        what = f"{first}行经{place}时{rng.choice(pools.SINGLE_VEHICLE)}"
    elif len(others) == 1:
        what = f"{first}与{others[0]}在{place}发生{rng.choice(pools.TWO_VEHICLES)}"
    else:
        what = f"{first}在{place}与{'、'.join(others)}发生连环追尾"
    return f"{when}，{what}，{harm}。{rng.choice(pools.CAUSES)}"


def accidents(
    vehicles: Sequence[Plate] | None = None,
    operators: Sequence[str] | None = None,
    *,
    operator_of: Mapping[Plate, str] | None = None,
    count: int = 20,
    seed: int = 7,
    today: dt.date = REFERENCE_DAY,
) -> list[Accident]:
    """``count`` accidents in the year before ``today``, each involving one of ``vehicles``.

    ``operators`` are USCCs; an accident names one of them (or, when ``operator_of`` maps
    vehicles to their operators, the first vehicle's) and now and then none, not yet known.
    Other vehicles involved are more of ``vehicles`` or made-up private cars. Accidents
    happen mostly in the city of the first vehicle's plate, at a county's position.
    """
    rng = _rng(seed, "accident")
    if not vehicles:
        vehicles = [(_plate(rng, PlateColor.YELLOW), "2") for _ in range(max(count, 1))]
    if operators is None:
        operators = [_operator(rng) for _ in range(max(1, count // 3))]
    midnight = dt.datetime.combine(today, dt.time(), CHINA)
    records = []
    for index in range(1, count + 1):
        involved = [rng.choice(vehicles)]
        for _ in range(rng.choices((0, 1, 2), (35, 50, 15))[0]):
            involved.append(_other_party(rng, vehicles, set(involved)))
        options = pools.RESPONSIBILITY_SHARES[len(involved)]
        shares = rng.choices([s for s, _ in options], [w for _, w in options])[0]
        home = _CITY_OF_LETTER.get(involved[0][0][1:2]) if involved[0][0][0] == "苏" else None
        nearby = [c for c in _COUNTIES if home and c[:4] == home[:4]]
        county = rng.choice(nearby if nearby and rng.random() < 0.7 else _COUNTIES)
        latitude, longitude = pools.COUNTY_CENTRES[county]
        # About one report in ten gives no position; the rest are within a few km of the centre.
        located = rng.random() >= 0.1
        occurred_at = midnight - dt.timedelta(days=rng.randint(1, 365), minutes=rng.randrange(1440))
        deaths = rng.choices((0, 1, 2, 3, 5), (55, 30, 9, 4, 2))[0]
        injuries = rng.choices((0, 1, 2, 3, 4, 6, 9), (25, 25, 20, 12, 8, 6, 4))[0]
        if operator_of is not None:
            operator = operator_of.get(involved[0])
        else:
            operator = rng.choice(operators) if operators and rng.random() >= 0.15 else None
        place = _place(rng, county)
        records.append(
            Accident(
                source_record_id=f"SG{occurred_at.year}{index:06d}",
                occurred_at=occurred_at,
                place=place,
                region_code=county,
                latitude=round(latitude + rng.uniform(-0.04, 0.04), 6) if located else None,
                longitude=round(longitude + rng.uniform(-0.04, 0.04), 6) if located else None,
                deaths=deaths,
                injuries=injuries,
                operator_uscc=operator,
                summary=_summary(rng, occurred_at, place, involved, _casualties(deaths, injuries)),
                vehicles=tuple(
                    AccidentVehicle(plate, PlateColor(colour), share)
                    for (plate, colour), share in zip(involved, shares, strict=True)
                ),
            )
        )
    return records


def _authority(rng: random.Random, operator: str) -> str:
    """The emergency management bureau where the operator is registered (USCC digits 3-8)."""
    division = operator[2:8]
    city = REGIONS.get(division[:4] + "00")
    county = None if division.endswith("00") else REGIONS.get(division)
    roll = rng.random()
    if city is None or division.startswith("3200") or roll < 0.1:
        return "江苏省应急管理厅"
    if county is None or roll < 0.55:
        return f"{city[0]}应急管理局"
    # A district's bureau carries the city's name; a county's or county-level city's does not.
    return f"{city[0] if county[0].endswith('区') else ''}{county[0]}应急管理局"


def _result(rng: random.Random, hazards: int) -> str:
    if not hazards:
        return rng.choice(("未发现安全隐患，检查合格。", "安全生产主体责任落实到位，未发现隐患。"))
    if rng.random() < 0.1:
        major = rng.choice(pools.MAJOR_HAZARDS)
        rest = f"、一般隐患{hazards - 1}项" if hazards > 1 else ""
        return f"发现重大事故隐患1项（{major}）{rest}，责令停业整顿、限期整改。"
    examples = "、".join(rng.sample(pools.HAZARDS, min(hazards, 2)))
    return f"发现一般安全隐患{hazards}项（{examples}等），责令限期整改。"


def safety_inspections(
    operators: Sequence[str] | None = None,
    *,
    count: int = 40,
    seed: int = 7,
    today: dt.date = REFERENCE_DAY,
    flawed: int = 0,
) -> list[SafetyInspection]:
    """``count`` inspections in the 18 months before ``today`` of ``operators`` (USCCs).

    Every operator is inspected once before any is inspected again; ``flawed`` records carry
    a credit code with a wrong check character, as a clerk might type it.
    """
    rng = _rng(seed, "inspection")
    if not operators:
        operators = [_operator(rng) for _ in range(max(1, count * 2 // 3))]
    order = rng.sample(list(operators), len(operators))
    spoiled = set(rng.sample(range(count), min(flawed, count)))
    records = []
    for index in range(count):
        operator = order[index % len(order)]
        if index in spoiled:
            operator = operator[:-1] + rng.choice([c for c in "0123456789" if c != operator[-1]])
        inspected_on = today - dt.timedelta(days=rng.randint(1, 540))
        hazards = rng.choices((0, 1, 2, 3, 4, 6, 8, 12), (30, 18, 15, 12, 8, 8, 5, 4))[0]
        due = inspected_on + dt.timedelta(days=rng.choice((7, 15, 30, 60))) if hazards else None
        # Most hazards past their deadline have been put right; fewer of those still open.
        rectified = due is None or rng.random() < (0.9 if due < today else 0.35)
        records.append(
            SafetyInspection(
                source_record_id=f"AQJC{inspected_on:%Y}{index + 1:06d}",
                operator_uscc=operator,
                inspected_on=inspected_on,
                authority=_authority(rng, operator),
                hazards_found=hazards,
                rectification_due=due,
                rectified=rectified,
                result=_result(rng, hazards),
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
    documents, start = [], 0
    sent_at = dt.datetime.combine(REFERENCE_DAY, dt.time(8), CHINA)
    for number, size in enumerate(sizes, 1):
        header = Header(
            message_id=f"{mapping.AGENCY}-{name}-{number:06d}",
            sender=mapping.AGENCY,
            sent_at=(sent_at + dt.timedelta(minutes=number)).isoformat(),
        )
        documents.append(export(records[start : start + size], header))
        start += size
    return documents


_EXPORTS: dict[str, Callable[[Sequence[Record], Header], bytes]] = {
    "accident": mapping.export_accident,
    "safety-inspection": mapping.export_safety_inspection,
}


def documents(count: int = 20, seed: int = 7) -> dict[str, list[bytes]]:
    """``count`` documents of each document type, 1-5 records each, the same for a seed.

    Accidents and inspections concern the same made-up operators, and one inspection carries
    a credit code with a wrong check character, for the pipeline to find.
    """
    rng = _rng(seed, "documents")
    sizes = {name: [rng.randint(1, 5) for _ in range(count)] for name in _EXPORTS}
    operators = [_operator(rng) for _ in range(max(1, count // 2))]
    records: dict[str, Sequence[Record]] = {
        "accident": accidents(operators=operators, count=sum(sizes["accident"]), seed=seed),
        "safety-inspection": safety_inspections(
            operators, count=sum(sizes["safety-inspection"]), seed=seed, flawed=1
        ),
    }
    return {
        name: _batches(name, export, records[name], sizes[name])
        for name, export in _EXPORTS.items()
    }


def app(count: int = 20, fail_every: int = 0) -> Any:
    """The ASGI app of the simulated feed: ``count`` documents per document type."""
    return feed_app(documents(count), fail_every=fail_every)
