"""The credit row rule: an operator's credit is public, a person's stays in their region."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from hub.access import rule_for
from hub.canonical.codes import CreditEventKind, CreditSubjectKind
from hub.credit.models import CreditEventRow
from hub.practitioners.models import Practitioner
from hub.readers import Reader
from tests.support import NOW, provenance

DAY = dt.date(2026, 3, 1)


def _event(kind: CreditSubjectKind, key: str, record: str) -> CreditEventRow:
    return CreditEventRow(
        subject_kind=kind,
        subject_key=key,
        kind=CreditEventKind.PENALTY,
        source_kind="penalties",
        source_record_id=record,
        agency="执法支队",
        summary="处罚",
        occurred_on=DAY,
        valid_from=DAY,
        valid_until=DAY + dt.timedelta(days=900),
        recorded_at=NOW,
    )


async def test_a_region_bound_reader_sees_every_operator_but_only_its_regions_people(
    sessions: Any,
) -> None:
    async with sessions() as session, session.begin():
        for number, region in ((1, "320102"), (2, "320311")):
            session.add(
                Practitioner(
                    id_number=f"3201021990030700{number}X",
                    name="王小明",
                    phone=None,
                    address=None,
                    region_code=region,
                    employer_id=None,
                    **provenance("PR"),
                )
            )
        session.add_all(
            [
                _event(CreditSubjectKind.OPERATOR, "91320311MA1P00003D", "a"),
                _event(CreditSubjectKind.PRACTITIONER, "32010219900307001X", "b"),
                _event(CreditSubjectKind.PRACTITIONER, "32010219900307002X", "c"),
            ]
        )
    nanjing = Reader(region="320100", registry=True)

    async with sessions() as session:
        seen = await session.scalars(
            select(CreditEventRow.source_record_id)
            .where(rule_for(CreditEventRow, nanjing))
            .order_by(CreditEventRow.source_record_id)
        )
        everything = await session.scalars(
            select(CreditEventRow.source_record_id).where(rule_for(CreditEventRow, Reader()))
        )

        assert list(seen) == ["a", "b"]
        assert sorted(everything) == ["a", "b", "c"]
