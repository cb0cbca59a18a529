"""A simulated commerce registry feed: deterministic, realistic Jiangsu business registrations.

``business_registrations`` is pure (same arguments, same records) and takes the companies to
describe, so that the hub can feed it the credit codes and names of its demo operators and the
cross-source quality checks find revoked or deregistered operators; without them it makes up
its own. Documents are built with the adapter's export function: valid by construction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any, Final

from stdnum.cn import uscc

from adapters.commerce import mapping
from hub.canonical.codes import REGIONS, BusinessStatus
from hub.canonical.records import BusinessRegistration
from hub.exchange.protocol import Header, feed_app

REFERENCE_DAY = dt.date(2026, 11, 25)
"""The simulated 'today' every generated date is relative to."""
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")

Company = tuple[str, str]
"""(unified social credit code, name), as the hub's demo operators have them."""

_COUNTIES = [code for code in REGIONS if not code.endswith("00")]
_STATUS_WEIGHTS: Final = {
    BusinessStatus.ACTIVE: 90,
    BusinessStatus.REVOKED: 5,
    BusinessStatus.DEREGISTERED: 5,
}
_CAPITALS: Final = (10, 50, 100, 200, 300, 500, 500, 800, 1000, 1000, 2000, 5000)

# What transport firms do, and what their registered scope says (as registries word it).
_TRADES: Final[tuple[tuple[str, str], ...]] = (
    ("物流", "道路货物运输（不含危险货物）；国内货物运输代理；普通货物仓储服务"),
    ("运输", "道路货物运输（不含危险货物）；装卸搬运；机动车修理和维护"),
    ("客运", "道路旅客运输经营；旅游业务；小微型客车租赁经营服务"),
    ("危险品运输", "道路危险货物运输；货物进出口"),
    ("汽车服务", "机动车维修；汽车零配件零售；二手车经纪"),
    ("驾驶员培训", "机动车驾驶员培训"),
    ("航运", "国内水路旅客运输；国内船舶管理业务；水路普通货物运输"),
    ("港务", "港口经营；港口货物装卸搬运活动；普通货物仓储服务"),
)
_TRADE_NAMES: Final = (
    "通达", "顺畅", "安运", "恒泰", "宏远", "鑫盛", "华通", "汇丰", "畅捷", "远航",
    "昌隆", "嘉祥", "德信", "诚达", "金港", "天宇", "江海", "苏运", "永安", "长兴",
)  # fmt: skip
_FORMS: Final = ("有限公司", "有限公司", "有限公司", "股份有限公司")
_SURNAMES: Final = (
    "王王李李张张刘陈陈杨黄赵吴周徐徐孙朱胡郭何高林郑梁谢唐许韩曹蒋沈陆顾钱丁姚汪金季"
)
_MALE_GIVEN: Final = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊峰建国志文海林东"
_FEMALE_GIVEN: Final = "芳娜敏静丽艳娟霞燕玲婷雪慧红梅兰琳颖"


def _rng(seed: int, purpose: str) -> random.Random:
    # One stream per purpose, so that changing one never shifts another's values.
    return random.Random(f"commerce:{purpose}:{seed}")


def _short(name: str) -> str:
    """江阴市 → 江阴, 江宁区 → 江宁, but 丰县 stays: a one-character place keeps its suffix."""
    return name[:-1] if len(name) > 2 and name[-1] in "市区县" else name


def _authority(division: str) -> str:
    """The market regulation bureau that registers businesses of a GB/T 2260 division."""
    if division not in REGIONS:
        return "江苏省市场监督管理局"
    name = REGIONS[division][0]
    city = division[:4] + "00"
    # City districts' bureaus carry the city's name (南京市玄武区…); county-level ones do not.
    if division != city and division[4:] < "20":
        name = REGIONS[city][0] + name
    return f"{name}市场监督管理局"


def _uscc(rng: random.Random, county: str) -> str:
    """GB 32100: market regulation (9), enterprise (1), the county, a GB 11714 organisation
    code with its check character, then the GB 32100 check character."""
    body = f"{rng.randrange(10**8):08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    code = f"91{county}{body}{'X' if check == 10 else check % 11}"
    return code + uscc.calc_check_digit(code)


def _spoil(code: str, rng: random.Random) -> str:
    """``code`` with a wrong check character: a realistic clerical error."""
    return code[:-1] + rng.choice([c for c in "0123456789ABCDEFGH" if c != code[-1]])


def _company(rng: random.Random, trade: str) -> Company:
    county = rng.choice(_COUNTIES)
    city = county[:4] + "00"
    # Firms of county-level places often carry the county's name (昆山…), else the city's.
    own = county[4:] >= "20" and rng.random() < 0.6
    place = _short(REGIONS[county if own else city][0])
    name = f"{place}{rng.choice(_TRADE_NAMES)}{trade}{rng.choice(_FORMS)}"
    return _uscc(rng, county), name


def business_registrations(
    companies: Sequence[Company] | None = None,
    *,
    count: int = 60,
    seed: int = 7,
    today: dt.date = REFERENCE_DAY,
    flawed: int = 0,
) -> list[BusinessRegistration]:
    """One registration per (USCC, name) of ``companies`` (or of ``count`` made-up ones).

    Most are active; from ten companies on, at least one is revoked (2) and one deregistered
    (3). ``flawed`` records get a wrong check character in their credit code.
    """
    rng = _rng(seed, "registration")
    total = count if companies is None else len(companies)
    statuses = rng.choices(list(_STATUS_WEIGHTS), list(_STATUS_WEIGHTS.values()), k=total)
    for status in (BusinessStatus.REVOKED, BusinessStatus.DEREGISTERED):
        if total >= 10 and status not in statuses:
            statuses[rng.randrange(total)] = status
    spoiled = set(rng.sample(range(total), min(flawed, total)))
    records, used = [], set()
    for index, status in enumerate(statuses):
        trade, scope = rng.choice(_TRADES)
        if companies is None:
            code, name = _company(rng, trade)
            while code in used:  # a credit code is issued once
                code, name = _company(rng, trade)
            used.add(code)
        else:
            code, name = companies[index]
        capital: float = rng.choice(_CAPITALS)
        if rng.random() < 0.15:  # some registered capital is not a round sum
            capital = round(capital * rng.uniform(0.5, 1.5), 4)
        # Most legal representatives of transport firms are men.
        given = _MALE_GIVEN if rng.random() < 0.8 else _FEMALE_GIVEN
        person = rng.choice(_SURNAMES) + "".join(rng.sample(given, rng.choice((1, 2, 2))))
        records.append(
            BusinessRegistration(
                source_record_id=f"BR{index + 1:08d}",
                uscc=_spoil(code, rng) if index in spoiled else code,
                name=name,
                status=status,
                legal_representative=person,
                registered_capital_wan_yuan=capital,
                scope=scope,
                registered_on=today - dt.timedelta(days=rng.randint(180, 30 * 365)),
                # Positions 3-8 of a credit code name the division that registered it.
                authority=_authority(code[2:8]),
            )
        )
    return records


def documents(count: int = 20, seed: int = 7) -> dict[str, list[bytes]]:
    """``count`` business registration documents of 1-5 records each, the same for a seed."""
    rng = _rng(seed, "documents")
    sizes = [rng.randint(1, 5) for _ in range(count)]
    records = business_registrations(count=sum(sizes), seed=seed, flawed=1)
    sent_at = dt.datetime.combine(REFERENCE_DAY, dt.time(8), CHINA)
    batches, start = [], 0
    for number, size in enumerate(sizes, 1):
        header = Header(
            message_id=f"commerce-business-registration-{number:06d}",
            sender=mapping.AGENCY,
            sent_at=(sent_at + dt.timedelta(minutes=number)).isoformat(),
        )
        batches.append(mapping.export_business_registration(records[start : start + size], header))
        start += size
    return {"business-registration": batches}


def app(count: int = 20, fail_every: int = 0) -> Any:
    """The ASGI app of the simulated feed: ``count`` documents."""
    return feed_app(documents(count), fail_every=fail_every)
