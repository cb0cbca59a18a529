"""A simulated insurers' platform feed: deterministic, realistic Jiangsu policies and claims,
and the documents that carry them.

The record generators are pure (same arguments, same records) and take the vehicles and
operators to cover, so that the hub can feed them the plates and credit codes of its demo
data and find which are insured; without them they make up their own. Documents are built
with the adapter's export functions, so they are valid by construction.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Collection, Sequence
from typing import Any

from stdnum.cn import uscc

from adapters.insurance import mapping, pools
from hub.canonical.codes import PLATE_PREFIXES, REGIONS, InsuranceKind, PlateColor
from hub.canonical.records import InsuranceClaim, InsurancePolicy, Record
from hub.exchange.protocol import Header, feed_app

REFERENCE_DAY = dt.date(2026, 11, 25)
"""The simulated 'today' every generated date is relative to."""
CHINA = dt.timezone(dt.timedelta(hours=8))

Plate = tuple[str, str]
"""(plate, plate colour code): how a vehicle is identified."""

_COUNTIES = [code for code in REGIONS if not code.endswith("00")]
_CITY_CODE = {name: code for code, (name, _) in REGIONS.items() if code[4:] == "00"}
_CITY_OF_LETTER = {prefix[1]: _CITY_CODE[city] for prefix, (city, _) in PLATE_PREFIXES.items()}
_PREFIX_OF = {insurer.name: insurer.prefix for insurer in pools.INSURERS}
_CTPL = InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY
_DG = InsuranceKind.DANGEROUS_GOODS_LIABILITY


def _rng(seed: int, purpose: str) -> random.Random:
    # One stream per generator, so adding records of one kind never shifts another kind's.
    return random.Random(f"insurance:{purpose}:{seed}")


def _operator(rng: random.Random) -> str:
    """A company's USCC: registered in a Jiangsu county, both check characters right."""
    body = f"91{rng.choice(_COUNTIES)}{rng.randrange(10**8):08d}"
    # GB 11714 organisation code check character, then the GB 32100 one.
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(d) * w for d, w in zip(body[8:], weights, strict=True)) % 11
    code = body + ("X" if check == 10 else str(check % 11))
    return code + uscc.calc_check_digit(code)


def _vehicle(rng: random.Random) -> Plate:
    """A Jiangsu vehicle of GA 36 shape: mostly commercial (yellow), some cars (blue, green)."""
    colour = rng.choices((PlateColor.YELLOW, PlateColor.BLUE, PlateColor.GREEN), (50, 35, 15))[0]
    letter, serial = rng.choice("ABCDEFGHJKLMN"), f"{rng.randrange(10000):04d}"
    if colour is PlateColor.GREEN:
        return f"苏{letter}{rng.choice('DF')}{rng.choice(pools.PLATE_LETTERS)}{serial}", "5"
    return f"苏{letter}{rng.choice(pools.PLATE_LETTERS)}{serial}", colour.value


def _year_from(start: dt.date) -> dt.date:
    """The last day of a one-year term starting on ``start`` (28 Feb after a 29 Feb start)."""
    try:
        return start.replace(year=start.year + 1) - dt.timedelta(days=1)
    except ValueError:
        return dt.date(start.year + 1, 2, 28)


def _terms(
    rng: random.Random, subject: Plate | str, dangerous_goods: Collection[str] | None
) -> tuple[InsuranceKind, int, str]:
    """The kind, the limit and the division a policy number carries, for a vehicle's policy
    or an operator's (by its USCC)."""
    if not isinstance(subject, str):
        plate = subject[0]
        home = _CITY_OF_LETTER.get(plate[1:2]) if plate.startswith("苏") else None
        return _CTPL, pools.CTPL_COVER_YUAN, home or "320000"
    if dangerous_goods is not None:
        carries_dangerous_goods = subject in dangerous_goods
    else:
        carries_dangerous_goods = rng.random() < 0.25
    if carries_dangerous_goods:
        kind, covers = _DG, pools.DANGEROUS_GOODS_COVERS_YUAN
    else:
        kind, covers = InsuranceKind.CARRIER_LIABILITY, pools.CARRIER_COVERS_YUAN
    # Numbered in the city where the operator is registered (USCC digits 3-6).
    city = subject[2:6] + "00"
    return kind, rng.choice(covers), city if city in REGIONS else "320000"


def insurance_policies(
    vehicles: Sequence[Plate] | None = None,
    operators: Sequence[str] | None = None,
    *,
    dangerous_goods: Collection[str] | None = None,
    count: int = 40,
    seed: int = 7,
    today: dt.date = REFERENCE_DAY,
    flawed: int = 0,
) -> list[InsurancePolicy]:
    """A 交强险 (CTPL) policy for each of ``vehicles`` and a liability policy for each of
    ``operators`` (USCCs), in an order the insurers would send them.

    Operators in ``dangerous_goods`` get dangerous goods carrier liability (DG), the others
    carrier liability (CARRIER); without ``dangerous_goods`` about one in four is taken to
    carry dangerous goods. Without ``vehicles`` there are ``count`` made-up ones, without
    ``operators`` a quarter as many. Every term is a year that began in the 13 months before
    ``today``, so about one policy in thirteen has lapsed: the gap the hub looks for.
    ``flawed`` operator policies carry a credit code with a wrong check character.
    """
    rng = _rng(seed, "policy")
    if vehicles is None:
        vehicles = [_vehicle(rng) for _ in range(count)]
    if operators is None:
        operators = [_operator(rng) for _ in range(count // 4)]
    subjects: list[Plate | str] = [*vehicles, *operators]
    subjects = rng.sample(subjects, len(subjects))
    spoiled = set(rng.sample(list(operators), min(flawed, len(operators))))
    weights = [insurer.weight for insurer in pools.INSURERS]
    records = []
    for index, subject in enumerate(subjects, 1):
        insurer = rng.choices(pools.INSURERS, weights)[0]
        valid_from = today - dt.timedelta(days=rng.randint(0, 395))
        kind, cover, division = _terms(rng, subject, dangerous_goods)
        plate = None if isinstance(subject, str) else subject
        operator = subject if isinstance(subject, str) else None
        if operator is not None and operator in spoiled:
            wrong = [c for c in "0123456789" if c != operator[-1]]
            operator = operator[:-1] + rng.choice(wrong)
        number = f"{insurer.prefix}{pools.PRODUCTS[kind]}{valid_from:%Y}{division}{index:06d}"
        records.append(
            InsurancePolicy(
                source_record_id=f"BD{index:08d}",
                policy_number=number,
                kind=kind,
                insurer=insurer.name,
                insured_uscc=operator,
                plate=plate[0] if plate else None,
                plate_color=PlateColor(plate[1]) if plate else None,
                cover_yuan=cover,
                valid_from=valid_from,
                valid_to=_year_from(valid_from),
            )
        )
    return records


def insurance_claims(
    policies: Sequence[InsurancePolicy] | None = None,
    *,
    count: int = 20,
    seed: int = 7,
    today: dt.date = REFERENCE_DAY,
) -> list[InsuranceClaim]:
    """``count`` claims on ``policies`` (or on made-up ones), each for a loss within its
    policy's term and no later than ``today``, and never above the policy's limit.

    Compulsory (CTPL) claims are mostly small property and medical losses; liability claims
    are larger. Older claims are mostly settled, recent ones mostly open.
    """
    rng = _rng(seed, "claim")
    if policies is None:
        policies = insurance_policies(count=max(count, 1), seed=seed, today=today)
    in_force = [p for p in policies if p.valid_from <= today]
    if count and not in_force:
        raise ValueError("no policy began on or before today, so none can have a claim")
    records = []
    for index in range(1, count + 1):
        policy = rng.choice(in_force)
        last = min(policy.valid_to, today)
        occurred_on = policy.valid_from + dt.timedelta(
            days=rng.randint(0, (last - policy.valid_from).days)
        )
        # Losses are long-tailed: a median of about 5,000 yuan under CTPL, 60,000 otherwise.
        median = 5_000 if policy.kind is _CTPL else 60_000
        amount = min(policy.cover_yuan, round(rng.lognormvariate(math.log(median), 1.2)))
        age = (today - occurred_on).days
        prefix = _PREFIX_OF.get(policy.insurer, "LP")
        records.append(
            InsuranceClaim(
                source_record_id=f"LP{index:08d}",
                claim_number=f"{prefix}LP{occurred_on:%Y%m%d}{index:06d}",
                policy_number=policy.policy_number,
                occurred_on=occurred_on,
                amount_yuan=amount,
                settled=rng.random() < (0.95 if age > 180 else 0.7 if age > 60 else 0.3),
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
    "insurance-policy": mapping.export_insurance_policy,
    "insurance-claim": mapping.export_insurance_claim,
}


def documents(count: int = 20, seed: int = 7) -> dict[str, list[bytes]]:
    """``count`` documents of each document type, 1-5 records each, the same for a seed.

    Three policies in four insure vehicles, the rest operators; the claims are on these
    policies, and one operator's credit code has a wrong check character.
    """
    rng = _rng(seed, "documents")
    sizes = {name: [rng.randint(1, 5) for _ in range(count)] for name in _EXPORTS}
    total = sum(sizes["insurance-policy"])
    vehicles = [_vehicle(rng) for _ in range(round(total * 0.75))]
    operators = [_operator(rng) for _ in range(total - len(vehicles))]
    policies = insurance_policies(vehicles, operators, seed=seed, flawed=1)
    records: dict[str, Sequence[Record]] = {
        "insurance-policy": policies,
        "insurance-claim": insurance_claims(
            policies, count=sum(sizes["insurance-claim"]), seed=seed
        ),
    }
    return {
        name: _batches(name, export, records[name], sizes[name])
        for name, export in _EXPORTS.items()
    }


def app(count: int = 20, fail_every: int = 0) -> Any:
    """The ASGI app of the simulated feed: ``count`` documents per document type."""
    return feed_app(documents(count), fail_every=fail_every)
