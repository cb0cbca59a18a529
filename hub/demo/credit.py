"""Demo credit: penalties, commendations and complaints for some demo operators and drivers,
then every credit event collected and every operator and driver graded for this year.

Chosen by a seeded random generator so a demo is the same every time. Most subjects get at
most one penalty, which no rule file lists anyone for; ``LISTED`` operators and ``LISTED``
drivers are picked to get enough to end up on each list (the watch list and the black list), so
a demo shows a few on each, as a province's lists do, rather than a tenth of the industry.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.canonical.codes import ComplaintStatus, CreditSubjectKind
from hub.credit.derivation import collect
from hub.credit.grading import Period
from hub.credit.models import CommendationRow, ComplaintRow, PenaltyRow
from hub.credit.rules import RuleBook
from hub.credit.service import RunSummary, grade_all
from hub.operators.models import Operator
from hub.practitioners.models import Practitioner

AUTHORITY = "江苏省交通运输综合行政执法监督局"
LISTED = 3
"""Subjects of each kind picked for each list."""

# (penalties, substantiated complaints) that put a subject on a list under the rule files in
# standards/credit/: an operator under 75 is watched (3 x -10: 70) and under 60 blacklisted
# (4 x -10 and 5 x -2: 50); a driver under 11 is watched (2 x -6: 8) and under 1 blacklisted
# (4 x -6, capped at -20: 0). They get no commendation, which could lift them off.
HEAVY = {
    CreditSubjectKind.OPERATOR: {"watch": (3, 0), "black": (4, 5)},
    CreditSubjectKind.PRACTITIONER: {"watch": (2, 0), "black": (4, 0)},
}


async def seed_decisions(session: AsyncSession, today: dt.date, seed: int) -> None:
    """Penalties, commendations and closed complaints for some of the subjects."""
    rng = random.Random(seed)
    start = today.replace(month=1, day=1)
    span = max((today - start).days, 1)
    operators = list((await session.scalars(select(Operator.uscc).order_by(Operator.id))).all())
    drivers = list(
        (await session.scalars(select(Practitioner.id_number).order_by(Practitioner.id))).all()
    )
    received = _moment(today, 1)
    serial = 0
    subjects = [(CreditSubjectKind.OPERATOR, key) for key in operators]
    subjects += [(CreditSubjectKind.PRACTITIONER, key) for key in drivers]
    heavy: dict[str, tuple[int, int]] = {}
    for kind, keys in (
        (CreditSubjectKind.OPERATOR, operators),
        (CreditSubjectKind.PRACTITIONER, drivers),
    ):
        picked = rng.sample(keys, min(2 * LISTED, len(keys)))
        for key in picked[:LISTED]:
            heavy[key] = HEAVY[kind]["watch"]
        for key in picked[LISTED:]:
            heavy[key] = HEAVY[kind]["black"]
    for kind, key in subjects:
        penalties, forced = heavy.get(key, (1 if rng.random() < 0.04 else 0, 0))
        for _ in range(penalties):
            serial += 1
            day = start + dt.timedelta(days=rng.randrange(span))
            session.add(
                PenaltyRow(
                    decision_number=f"苏交执罚〔{today.year}〕{serial:05d}号",
                    subject_kind=kind,
                    subject_key=key,
                    authority=AUTHORITY,
                    decided_on=day,
                    provision="《中华人民共和国道路运输条例》",
                    facts="超限超载运输",
                    fine_yuan=rng.choice([2000, 5000, 10000]),
                    source="demo",
                    source_record_id=f"penalty-{serial}",
                    received_at=received,
                )
            )
        if key not in heavy and rng.random() < 0.05:
            serial += 1
            session.add(
                CommendationRow(
                    subject_kind=kind,
                    subject_key=key,
                    authority="江苏省交通运输厅",
                    awarded_on=start + dt.timedelta(days=rng.randrange(span)),
                    title="诚信经营示范单位",
                    source="demo",
                    source_record_id=f"commendation-{serial}",
                    received_at=received,
                )
            )
        complaints = [rng.random() < 0.7] if rng.random() < 0.08 else []
        for substantiated in [*complaints, *[True] * forced]:
            serial += 1
            day = start + dt.timedelta(days=rng.randrange(span))
            session.add(_complaint(f"TS{day:%Y%m%d}{serial:08X}", kind, key, day, substantiated))


def _complaint(
    reference: str, kind: CreditSubjectKind, key: str, day: dt.date, substantiated: bool
) -> ComplaintRow:
    """A 12328 complaint about ``key``, handled and closed the day it came in."""
    return ComplaintRow(
        reference=reference,
        subject_kind=kind,
        subject_key=key,
        content="服务态度恶劣",
        occurred_on=day,
        contact_name=None,
        contact_phone=None,
        submitted_by="12328",
        status=ComplaintStatus.CLOSED,
        accepted_at=_moment(day, 2),
        assign_due=day + dt.timedelta(days=1),
        answer_due=day + dt.timedelta(days=7),
        handler="12328 交通运输服务监督热线",
        answer="已处理",
        substantiated=substantiated,
        closed_on=day,
    )


def _moment(day: dt.date, hour: int) -> dt.datetime:
    """That hour (UTC) of the demo's day, but never later than now: the demo's "today" is
    China's date, which runs up to eight hours ahead of UTC's, and a record stamped in the
    future (graded at 10:00 Beijing time while it is 04:00) is a record nobody can trust."""
    return min(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC), dt.datetime.now(dt.UTC))


async def grade(
    sessions: async_sessionmaker[AsyncSession], book: RuleBook, today: dt.date, seed: int
) -> tuple[int, RunSummary]:
    """Seed, collect and grade this year; (events collected, run summary)."""
    at = _moment(today, 2)
    async with sessions() as session, session.begin():
        await seed_decisions(session, today, seed)
        collected = await collect(session, at)
        summary, _changes = await grade_all(session, book, Period.parse(str(today.year)), at)
    return collected, summary
