"""Realistic values the insurers' simulator draws from: the property insurers writing motor
and carrier business in Jiangsu, their product codes and the limits they usually sell.

Plain data, kept apart from the generator so that the generator reads as rules.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from hub.canonical.codes import InsuranceKind


class Insurer(NamedTuple):
    """A property insurer's Jiangsu branch: its name, the prefix of its numbers, its share."""

    name: str
    prefix: str
    weight: int


INSURERS: Final[tuple[Insurer, ...]] = (
    Insurer("中国人民财产保险股份有限公司江苏省分公司", "RB", 30),
    Insurer("中国平安财产保险股份有限公司江苏分公司", "PA", 20),
    Insurer("中国太平洋财产保险股份有限公司江苏分公司", "TB", 15),
    Insurer("中国人寿财产保险股份有限公司江苏省分公司", "GS", 10),
    Insurer("中华联合财产保险股份有限公司江苏分公司", "ZH", 8),
    Insurer("紫金财产保险股份有限公司", "ZJ", 7),
    Insurer("阳光财产保险股份有限公司江苏省分公司", "YG", 5),
    Insurer("天安财产保险股份有限公司江苏省分公司", "TA", 5),
)

PRODUCTS: Final[dict[InsuranceKind, str]] = {
    InsuranceKind.COMPULSORY_TRAFFIC_LIABILITY: "DZA",
    InsuranceKind.CARRIER_LIABILITY: "ECY",
    InsuranceKind.DANGEROUS_GOODS_LIABILITY: "EWX",
}
"""Product code in a policy number, after the insurer's prefix."""

CTPL_COVER_YUAN: Final[int] = 200_000
"""交强险 total limit since 2020-09-19: 180,000 death and disability, 18,000 medical, 2,000
property."""
CARRIER_COVERS_YUAN: Final[tuple[int, ...]] = (5_000_000, 10_000_000, 20_000_000, 30_000_000)
DANGEROUS_GOODS_COVERS_YUAN: Final[tuple[int, ...]] = (1_000_000, 2_000_000, 5_000_000, 10_000_000)

PLATE_LETTERS: Final[str] = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # never I or O
