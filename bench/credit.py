"""Credit grading benchmark: re-grade every operator and practitioner of a loaded database for a
period, then one subject's grade with its evidence, many times.

    HUB_DATA_DIR=var .venv/bin/python bench/credit.py [--period 2026] [--repeat 200]

Run it on a database loaded by ``hub demo --scale N``. Prints wall and CPU time
(``time.process_time`` of this process, which is the whole hub work here) per run and per
subject. Targets (issue 16): the whole re-grade < 60 s at scale 5; one subject < 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import time

from sqlalchemy import select

from hub.canonical.codes import CreditSubjectKind
from hub.config import Settings
from hub.credit.grading import Period
from hub.credit.models import GradeRow
from hub.credit.rules import load
from hub.credit.service import grade_all, grade_of
from hub.db import create_engine, session_factory


async def main(period: str, repeat: int) -> None:
    settings = Settings.from_env()
    engine = create_engine(settings)
    sessions = session_factory(engine)
    book, checked = load(settings.credit_rules_dir), Period.parse(period)
    at = dt.datetime.now(dt.UTC)
    wall, cpu = time.perf_counter(), time.process_time()
    async with sessions() as session, session.begin():
        summary, _changes = await grade_all(session, book, checked, at)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"re-grade: {summary.graded:,} subjects in {wall:.1f} s wall, {cpu:.1f} s CPU")
    async with sessions() as session:
        key = await session.scalar(
            select(GradeRow.subject_key)
            .where(GradeRow.subject_kind == CreditSubjectKind.OPERATOR)
            .order_by(GradeRow.score, GradeRow.subject_key)
            .limit(1)
        )
    assert key is not None, "load a demo first"
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        async with sessions() as session:
            evidence = await grade_of(session, book, CreditSubjectKind.OPERATOR, key, checked)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"one subject with evidence ({len(evidence.grade.deductions)} deductions): "
        f"{wall / repeat * 1000:.2f} ms wall, {cpu / repeat * 1000:.2f} ms CPU"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--period", default=str(dt.date.today().year))
    parser.add_argument("--repeat", type=int, default=200)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.period, arguments.repeat))
