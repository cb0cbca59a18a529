"""Made-up but well-formed identities for the simulator: people, companies and vehicles.

Check characters are computed (GB 11643, GB 11714 and GB 32100 with python-stdnum, ISO 3779
with the hub's own VIN arithmetic), so that made-up values pass the pipeline's checks unless
``spoil`` breaks one on purpose.
"""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc

from adapters.public_security import pools
from hub.canonical.codes import PLATE_PREFIXES, REGIONS, PlateColor
from hub.canonical.identifiers import vin_check_digit

Vehicle = tuple[str, str, str]
"""(plate, plate colour code, VIN), as the hub's demo vehicles have them."""
Plate = tuple[str, str]
"""(plate, plate colour code): how a vehicle is identified."""
Person = tuple[str, str]
"""(resident ID number, name)."""

_COUNTIES = [code for code in REGIONS if not code.endswith("00")]
_CITY_OF_LETTER = {prefix[1]: city for prefix, (city, _) in PLATE_PREFIXES.items()}
_CITY_CODE = {name: code for code, (name, _) in REGIONS.items() if code.endswith("00")}
_KIND_WEIGHTS = [kind.weight for kind in pools.VEHICLE_KINDS]


def city_of(plate: str) -> str:
    """The Jiangsu city of a plate's issuing letter (苏E → 苏州市); Nanjing for other plates."""
    return _CITY_OF_LETTER.get(plate[1:2], "南京市") if plate.startswith("苏") else "南京市"


def spoil(value: str, rng: random.Random, position: int) -> str:
    """``value`` with a wrong check character at ``position``: a realistic clerical error."""
    wrong = rng.choice([c for c in "0123456789" if c != value[position]])
    return value[:position] + wrong + value[position + 1 :]


def person(rng: random.Random) -> Person:
    """GB 11643: a Jiangsu county, a birth date (1960-2004), a sequence odd for men, the check
    character; and a name that fits the sex."""
    male = rng.random() < 0.7
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(45 * 365))
    body = f"{rng.choice(_COUNTIES)}{born:%Y%m%d}{rng.randrange(1, 500) * 2 - male:03d}"
    given = pools.MALE_GIVEN if male else pools.FEMALE_GIVEN
    name = rng.choice(pools.SURNAMES) + "".join(rng.sample(given, rng.choice((1, 2, 2))))
    return body + ric.calc_check_digit(body + "0"), name


def company(rng: random.Random, city: str, trade: str) -> tuple[str, str]:
    """(USCC, name) of a company of ``city`` (a city's Chinese name, 苏州市) in ``trade``."""
    county = rng.choice([c for c in _COUNTIES if c[:4] == _CITY_CODE[city][:4]])
    body = f"91{county}{rng.randrange(10**8):08d}"
    # GB 11714 organisation code check character, then the GB 32100 one.
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(d) * w for d, w in zip(body[8:], weights, strict=True)) % 11
    code = body + ("X" if check == 10 else str(check % 11))
    name = f"{city[:-1]}{rng.choice(pools.TRADE_NAMES)}{trade}有限公司"
    return code + uscc.calc_check_digit(code), name


def vehicle(rng: random.Random, kind: pools.VehicleKind, year: int) -> Vehicle:
    """A Jiangsu plate of GA 36 shape for ``kind`` and a VIN of model ``year`` (ISO 3779)."""
    letter = rng.choice("ABCDEFGHJKLMN")
    if kind.code in pools.TRAILER_CODES:
        body = f"{rng.randrange(10000):04d}挂"
    elif kind.plate_color is PlateColor.GREEN:
        body = rng.choice("DF") + rng.choice(pools.PLATE_LETTERS) + f"{rng.randrange(10000):04d}"
    else:
        body = rng.choice(pools.PLATE_LETTERS) + f"{rng.randrange(10000):04d}"
    vin = (
        rng.choice(kind.makers)
        + "".join(rng.choices(pools.VIN_CHARS, k=5))
        + "0"  # the check digit's place
        + pools.MODEL_YEARS[(year - 2010) % 30]
        + rng.choice(pools.VIN_CHARS)
        + f"{rng.randrange(10**6):06d}"
    )
    return f"苏{letter}{body}", kind.plate_color.value, vin[:8] + vin_check_digit(vin) + vin[9:]


def any_kind(rng: random.Random) -> pools.VehicleKind:
    """A kind of vehicle, as often as it is registered."""
    return rng.choices(pools.VEHICLE_KINDS, _KIND_WEIGHTS)[0]


def kind_of(rng: random.Random, plate: str, colour: str) -> pools.VehicleKind:
    """A plausible kind for a vehicle known only by its plate: its colour, a trailer's 挂."""
    kinds = [
        kind
        for kind in pools.VEHICLE_KINDS
        if kind.plate_color.value == colour
        and (kind.code in pools.TRAILER_CODES) == plate.endswith("挂")
    ] or list(pools.VEHICLE_KINDS)
    return rng.choices(kinds, [kind.weight for kind in kinds])[0]


def plates(rng: random.Random, count: int) -> list[Plate]:
    """``count`` made-up (plate, colour) pairs."""
    made = [vehicle(rng, any_kind(rng), 2020) for _ in range(count)]
    return [(plate, colour) for plate, colour, _ in made]
