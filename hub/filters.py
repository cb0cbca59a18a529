"""Conditions shared by the lists of every domain: validity by date, region, text search."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import InstrumentedAttribute

from hub.readers import Reader

CHINA = ZoneInfo("Asia/Shanghai")
EXPIRING_DAYS = 30


class Validity(Enum):
    """Where a certificate or permit stands on a given day."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"


def today() -> dt.date:
    """Today in China: validity dates of the authority are local dates."""
    return dt.datetime.now(CHINA).date()


def validity_condition(
    valid_to: InstrumentedAttribute[dt.date], validity: Validity, on: dt.date
) -> ColumnElement[bool]:
    """Rows whose ``valid_to`` puts them in ``validity`` on day ``on``.

    A document is valid through its last day; "expiring" means valid for at most
    ``EXPIRING_DAYS`` more days.
    """
    if validity is Validity.EXPIRED:
        return valid_to < on
    if validity is Validity.EXPIRING:
        return valid_to.between(on, on + dt.timedelta(days=EXPIRING_DAYS))
    return valid_to >= on


def region_prefix(code: str) -> str:
    """The code prefix of a region: province 320000 → 32, city 320100 → 3201, county whole."""
    prefix = code.rstrip("0") if code.endswith("00") else code
    if len(prefix) % 2:  # 321000 → 321 → 3210; 320110 stays whole
        prefix += "0"
    return prefix


def region_condition(column: InstrumentedAttribute[str], code: str) -> ColumnElement[bool]:
    """Rows in a region: a province (32), a city (3201 / 320100) or a county (320102)."""
    return column.startswith(region_prefix(code), autoescape=True)


def within(column: InstrumentedAttribute[str], reader: Reader) -> ColumnElement[bool]:
    """Rows in the reader's region, when it is bound to one; every row when it is not."""
    return true() if reader.region is None else region_condition(column, reader.region)


def text_condition(column: InstrumentedAttribute[Any], text: str) -> ColumnElement[bool]:
    """Rows whose column contains ``text``, case-insensitive, wildcards taken literally."""
    return column.icontains(text.strip(), autoescape=True)


def validity_of(valid_to: dt.date, on: dt.date) -> Validity:
    """Where a document valid through ``valid_to`` stands on day ``on``."""
    if valid_to < on:
        return Validity.EXPIRED
    if valid_to <= on + dt.timedelta(days=EXPIRING_DAYS):
        return Validity.EXPIRING
    return Validity.VALID
