"""The demo grades every operator and driver and puts a few of each on each list."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select

from hub.credit.models import ComplaintRow, GradeRow, ListEntryRow
from hub.credit.rules import load as load_rules
from hub.demo import credit
from hub.demo.generator import DemoScale, generate
from hub.demo.loader import load
from hub.filters import today

SMALL = DemoScale(operators=60, vehicles=200, vessels=2, practitioners=120, stations=13)


async def test_the_demo_lists_a_few_of_each_kind_on_each_list(sessions: Any) -> None:
    day = today()
    await load(sessions, generate(SMALL, seed=7, today=day))

    _collected, summary = await credit.grade(sessions, load_rules(), day, seed=7)

    assert summary.graded == 60 + 120
    async with sessions() as session:
        entries = (await session.scalars(select(ListEntryRow))).all()
    on = Counter((e.subject_kind.value, e.list_kind.value) for e in entries)
    for kind in ("OPERATOR", "PRACTITIONER"):
        for list_kind in ("WATCH", "BLACK"):
            # The picked ones at least; a subject's own violations and accidents may add one.
            assert credit.LISTED <= on[kind, list_kind] <= credit.LISTED + 2, on
    assert summary.listed == len(entries)


async def test_nothing_the_demo_grades_is_stamped_in_the_future(sessions: Any) -> None:
    """China's date runs ahead of UTC's: loaded at 04:00 Beijing time, a grade stamped 02:00
    UTC of China's date would be six hours in the future."""
    day = today()
    await load(sessions, generate(SMALL, seed=7, today=day))

    await credit.grade(sessions, load_rules(), day, seed=7)

    now = dt.datetime.now(dt.UTC)
    async with sessions() as session:
        graded = (await session.scalars(select(GradeRow.graded_at))).all()
        accepted = (await session.scalars(select(ComplaintRow.accepted_at))).all()
    assert graded
    assert accepted
    stamps = [s if s.tzinfo else s.replace(tzinfo=dt.UTC) for s in [*graded, *accepted]]
    assert max(stamps) <= now
