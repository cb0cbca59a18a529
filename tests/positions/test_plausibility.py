"""Fixes that cannot be true — in the future, before 2000, outside China, impossibly fast — are
kept as quality findings and never stored as positions, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select

from hub.canonical.codes import PlateColor
from hub.positions import repository
from hub.positions.intake import Format, Intake
from hub.positions.lines import Fix
from hub.positions.models import LatestPosition, PositionFinding, PositionFix
from hub.positions.plausibility import Implausible, screen
from hub.quality.checks import FindingKind, report
from hub.readers import EVERYONE, Reader
from tests.positions.test_intake import fix, ndjson

NOW = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing, after test_intake's T0


def _fix(minute: int, lat: float = 32.04, lon: float = 118.78, speed: float = 60) -> Fix:
    at = dt.datetime(2026, 11, 25, 0, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=minute)
    return Fix("苏A00001", PlateColor.YELLOW, at, lat, lon, speed, 0, 0, 0)


def test_each_kind_of_impossible_fix_is_named_and_the_good_ones_pass() -> None:
    good = _fix(0)
    fixes = [
        good,
        _fix(60 * 24 * 2),  # two days after the clock
        Fix("苏A00001", PlateColor.YELLOW, dt.datetime(1999, 12, 31, tzinfo=dt.UTC),
            32.04, 118.78, 0, 0, 0, 0),
        _fix(1, lat=51.5, lon=-0.12),  # London
        _fix(2, speed=250),
        _fix(3, lat=33.04),  # 111 km in 3 minutes
        _fix(4, lat=32.045),  # 560 m in 4 minutes from the good one: fine
    ]  # fmt: skip

    accepted, flagged = screen(fixes, {}, NOW)

    assert accepted == [good, fixes[-1]]
    assert [(f.fix, f.reason) for f in flagged] == [
        (fixes[2], Implausible.BEFORE_2000),
        (fixes[3], Implausible.OUTSIDE_CHINA),
        (fixes[4], Implausible.IMPOSSIBLE_SPEED),
        (fixes[5], Implausible.IMPOSSIBLE_JUMP),
        (fixes[1], Implausible.FUTURE),
    ]
    assert flagged[3].detail == (
        "111.2 km from the fix of 2026-11-25T00:00:00+00:00 in 180 s (2224 km/h, over 200)"
    )
    assert flagged[2].detail == "reported speed 250 km/h is over 200"


def test_a_jump_is_judged_against_the_stored_latest_position() -> None:
    previous = {("苏A00001", PlateColor.YELLOW): (_fix(0).observed_at, 31.0, 118.78)}

    accepted, flagged = screen([_fix(10)], previous, NOW)

    assert accepted == []
    assert [f.reason for f in flagged] == [Implausible.IMPOSSIBLE_JUMP]


async def test_impossible_fixes_are_findings_never_positions(sessions: Any) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield ndjson(
            fix(minute=0),
            fix(minute=1, time="2031-01-01T00:00:00+08:00"),
            fix(minute=2, time="1999-06-01T00:00:00+08:00"),
            fix(minute=3, lat=35.0, lon=139.7),  # Tokyo
            fix(minute=4, speed=260),
            fix(minute=5, lat=33.0),  # 107 km in 5 minutes
            fix(minute=6),
        )

    summary = await Intake(sessions, "platform-a", Format.NDJSON, clock=lambda: NOW).take(body())

    assert (summary.accepted, summary.implausible, summary.rejected) == (2, 5, 0)
    async with sessions() as session:
        stored = (await session.scalars(select(PositionFix.observed_at))).all()
        latest = (await session.scalars(select(LatestPosition))).one()
        kept = (
            await session.scalars(select(PositionFinding).order_by(PositionFinding.reason))
        ).all()
        found = await report(session, NOW.date(), EVERYONE, [FindingKind.IMPLAUSIBLE_POSITION])
        elsewhere = await report(
            session, NOW.date(), Reader(region="320500", registry=True),
            [FindingKind.IMPLAUSIBLE_POSITION],
        )  # fmt: skip
    minutes = sorted(int((at - min(stored)).total_seconds() // 60) for at in stored)
    assert minutes == [0, 6]
    assert latest.latitude == 32.04
    assert latest.observed_at == max(stored)
    assert [(k.reason, k.source) for k in kept] == [
        ("before_2000", "platform-a"), ("future", "platform-a"),
        ("impossible_jump", "platform-a"), ("impossible_speed", "platform-a"),
        ("outside_china", "platform-a"),
    ]  # fmt: skip
    assert len(found) == 5
    assert {f.subject for f in found} == {"苏A00001 (yellow)"}
    assert any("not stored: outside_china" in f.detail for f in found)
    assert elsewhere == []  # a Suzhou reader: the vehicle is not registered there


async def test_fixes_from_documents_are_screened_the_same_way(sessions: Any) -> None:
    good, wild = _fix(0), _fix(1, lat=40.0)  # 885 km in a minute
    async with sessions() as session:
        await repository.ensure_partitions(session, {good.observed_at.date()})
        await session.commit()
        taken = await repository.store_plausible(session, "positioning", [(good, NOW), (wild, NOW)])
        await session.commit()
        stored = (await session.scalars(select(PositionFix.latitude))).all()
        kept = (await session.scalars(select(PositionFinding))).all()

    assert taken == ([(good, NOW)], [wild])  # what the alert rules are given
    assert stored == [good.latitude]
    assert [(k.latitude, k.reason, k.source) for k in kept] == [
        (40.0, "impossible_jump", "positioning")
    ]
