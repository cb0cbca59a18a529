"""A simulated 12328 hotline feed: deterministic complaint tickets about Jiangsu operators and
vehicles, and the documents that carry them.

The record generator is pure (same arguments, same records) and takes the vehicles and
operators to speak of, so the hub can feed it its demo data's plates and credit codes; without
them it makes up its own. Documents are built with the adapter's export function, so they are
valid by construction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from stdnum.cn import uscc

from adapters.hotline import mapping
from hub.canonical.codes import REGIONS, PlateColor
from hub.canonical.records import HotlineComplaint, Record
from hub.exchange.protocol import Header, feed_app

REFERENCE_DAY = dt.date(2026, 11, 25)
"""The simulated 'today' every generated date is relative to."""
CHINA = dt.timezone(dt.timedelta(hours=8))

Plate = tuple[str, str]
"""(plate, plate colour code): how a vehicle is identified."""

_COUNTIES = [code for code in REGIONS if not code.endswith("00")]
_CITIES = [
    name for code, (name, _en) in REGIONS.items() if code.endswith("00") and code != "320000"
]

CATEGORIES = {
    "服务质量": ("驾驶员态度恶劣，辱骂乘客", "车厢卫生脏乱，空调未开启", "未按规定出具票据"),
    "违规经营": ("客运车辆沿途甩客、倒客", "出租车拒载、绕路多收费", "货车超限超载运输"),
    "安全隐患": ("驾驶员行车途中使用手机", "车辆超速行驶，乘客多次提醒无效", "车辆灭火器缺失"),
    "价格收费": ("票价高于公示价格", "行李另行收费且无依据"),
}


def _rng(seed: int, purpose: str) -> random.Random:
    return random.Random(f"hotline:{purpose}:{seed}")


def _operator(rng: random.Random) -> str:
    """A company's USCC: registered in a Jiangsu county, both check characters right."""
    body = f"91{rng.choice(_COUNTIES)}{rng.randrange(10**8):08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(d) * w for d, w in zip(body[8:], weights, strict=True)) % 11
    code = body + ("X" if check == 10 else str(check % 11))
    return code + uscc.calc_check_digit(code)


def _plate(rng: random.Random) -> Plate:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"苏{rng.choice('ABCDEFGHJKLMN')}{rng.choice(letters)}{rng.randrange(10000):04d}", "2"


def complaints(
    vehicles: Sequence[Plate] | None = None,
    operators: Sequence[str] | None = None,
    *,
    operator_of: dict[Plate, str] | None = None,
    count: int = 20,
    seed: int = 7,
    today: dt.date = REFERENCE_DAY,
) -> list[HotlineComplaint]:
    """``count`` tickets in the year before ``today``, each about one of ``vehicles`` (with its
    operator, when ``operator_of`` knows it) or one of ``operators``. Tickets older than a week
    are closed, about two in three of them substantiated; newer ones are still open."""
    rng = _rng(seed, "complaint")
    if not vehicles:
        vehicles = [_plate(rng) for _ in range(max(count, 1))]
    if not operators:
        operators = [_operator(rng) for _ in range(max(1, count // 3))]
    midnight = dt.datetime.combine(today, dt.time(), CHINA)
    records = []
    for index in range(1, count + 1):
        filed_at = midnight - dt.timedelta(days=rng.randint(1, 365), minutes=rng.randrange(1440))
        plate: Plate | None = rng.choice(vehicles) if rng.random() < 0.7 else None
        operator = (operator_of or {}).get(plate) if plate is not None else rng.choice(operators)
        category = rng.choice(sorted(CATEGORIES))
        closed = filed_at.date() + dt.timedelta(days=rng.randint(2, 10))
        done = closed < today
        records.append(
            HotlineComplaint(
                source_record_id=f"12328{filed_at:%Y%m%d}{index:05d}",
                filed_at=filed_at,
                operator_uscc=operator,
                plate=None if plate is None else plate[0],
                plate_color=None if plate is None else PlateColor(plate[1]),
                category=category,
                content=f"来电人反映：{rng.choice(CATEGORIES[category])}。",
                handled_by=f"{rng.choice(_CITIES)}交通运输综合行政执法支队",
                substantiated=(rng.random() < 0.65) if done else None,
                closed_on=closed if done else None,
            )
        )
    return records


def documents(count: int = 20, seed: int = 7) -> dict[str, list[bytes]]:
    """``count`` documents of 1-5 tickets each, the same for a seed."""
    rng = _rng(seed, "documents")
    sizes = [rng.randint(1, 5) for _ in range(count)]
    records: Sequence[Record] = complaints(count=sum(sizes), seed=seed)
    sent_at = dt.datetime.combine(REFERENCE_DAY, dt.time(8), CHINA)
    built, start = [], 0
    for number, size in enumerate(sizes, 1):
        header = Header(
            message_id=f"{mapping.AGENCY}-complaint-{number:06d}",
            sender=mapping.AGENCY,
            sent_at=(sent_at + dt.timedelta(minutes=number)).isoformat(),
        )
        built.append(mapping.export_complaint(records[start : start + size], header))
        start += size
    return {"complaint": built}


def app(count: int = 20, fail_every: int = 0) -> Any:
    """The ASGI app of the simulated feed: ``count`` documents."""
    return feed_app(documents(count), fail_every=fail_every)
