"""Simulated listings of the shipping exchange (航运交易所): cargo looking for a vessel and
vessels looking for cargo, on the lanes of the Yangtze and the Jiangsu coast.

A pure function of its arguments, like the rest of the simulator.
"""

from __future__ import annotations

import datetime as dt
import random

from adapters.maritime.waterway import RIVER_PORTS
from hub.canonical.codes import ListingKind
from hub.canonical.records import ShippingListing

CARGO_LANES = (
    ("连云港港", "南京港", "铁矿石", 20_000, 50_000),
    ("连云港港", "张家港港", "玉米", 10_000, 30_000),
    ("太仓港", "镇江港", "煤炭", 5_000, 20_000),
    ("南通港", "武汉港", "钢材", 3_000, 8_000),
    ("张家港港", "芜湖港", "钢材", 2_000, 6_000),
    ("南京港", "宁波舟山港", "化肥", 2_000, 5_000),
    ("镇江港", "太仓港", "黄沙", 2_000, 6_000),
    ("江阴港", "上海港", "木材", 3_000, 10_000),
)
"""(from, to, cargo, fewest tonnes, most tonnes) of cargo offers."""

VESSEL_OFFERS = ("干散货", "煤炭、矿石", "钢材、件杂货", "黄沙、石子", "集装箱")
WANTED_PORTS = ("南京港", "镇江港", "江阴港", "张家港港", "南通港", "太仓港", "连云港港", "武汉港")


def shipping_listings(
    count: int, start: dt.datetime, seed: int = 7
) -> list[tuple[ShippingListing, dt.datetime]]:
    """``count`` listings from the day of ``start``, each with when it was put up: in business
    hours, about 8 a day."""
    rng = random.Random(f"{seed}:shipping-listing")
    listings: list[tuple[ShippingListing, dt.datetime]] = []
    listed_at = start.replace(hour=9, minute=0, second=0, microsecond=0)
    for serial in range(1, count + 1):
        listed_at += dt.timedelta(minutes=rng.randint(20, 100))
        if listed_at.hour >= 17:  # the exchange trades 09:00-17:00
            listed_at = listed_at.replace(hour=9) + dt.timedelta(days=1)
        if rng.random() < 0.65:
            port_from, port_to, cargo, fewest, most = rng.choice(CARGO_LANES)
            kind, tonnage = ListingKind.CARGO_OFFER, rng.randint(fewest, most) // 100 * 100
        else:
            port_from = rng.choice(RIVER_PORTS)
            port_to = rng.choice([p for p in WANTED_PORTS if p != port_from])
            cargo, kind = rng.choice(VESSEL_OFFERS), ListingKind.VESSEL_OFFER
            tonnage = rng.randint(10, 200) * 100  # deadweight the vessel offers
        listing = ShippingListing(
            source_record_id=f"SL{listed_at:%Y%m%d}{serial:05d}",
            kind=kind,
            port_from=port_from,
            port_to=port_to,
            cargo=cargo,
            tonnage=tonnage,
            valid_until=listed_at.date() + dt.timedelta(days=rng.randint(3, 15)),
        )
        listings.append((listing, listed_at))
    return listings
