"""Multi-row statements by arrays on PostgreSQL: the rows SQLAlchemy would have written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from hub.agency_records import bulk
from hub.agency_records.models import BlacklistRow
from hub.canonical.codes import PlateColor
from hub.config import Settings

TABLE: Any = BlacklistRow.__table__
NAMES = (
    "source", "source_record_id", "plate", "plate_color", "reason", "listed_on", "lifted_on",
    "received_at", "verified_at",
)  # fmt: skip
FIRST = dt.datetime(2026, 11, 25, 8, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 26, 16, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def row(record_id: str, reason: str, at: dt.datetime) -> tuple[Any, ...]:
    return ("public_security", record_id, "苏A12345", PlateColor.BLUE, reason,
            dt.date(2026, 11, 1), None, at, at)  # fmt: skip


@pytest.fixture
def postgres(settings: Settings) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("bulk statements by arrays are PostgreSQL's; SQLite takes SQLAlchemy's")


@pytest.mark.usefixtures("postgres")
async def test_an_upsert_returns_what_it_wrote_and_keeps_when_a_row_was_first_received(
    sessions: Any,
) -> None:
    # Given a row stored once
    async with sessions() as session, session.begin():
        first = await bulk.insert(
            session, TABLE, NAMES, [row("B1", "套牌", FIRST)],
            conflict=("source", "source_record_id"), update=True, returning=("id",),
        )  # fmt: skip

    # When it comes again, changed, beside a new one, in one statement
    async with sessions() as session, session.begin():
        second = await bulk.insert(
            session, TABLE, NAMES, [row("B1", "逃费", LATER), row("B2", "套牌", LATER)],
            conflict=("source", "source_record_id"), update=True,
            returning=("id", "source_record_id"),
        )  # fmt: skip

    # Then both are returned, the first under its id; it took the new values but its
    # received_at, and code lists and time zones are stored as SQLAlchemy binds them
    returned = dict((record_id, row_id) for row_id, record_id in second)
    assert sorted(returned) == ["B1", "B2"]
    assert returned["B1"] == first[0][0]
    async with sessions() as session:
        stored = (
            await session.scalars(select(BlacklistRow).order_by(BlacklistRow.source_record_id))
        ).all()
    assert [(r.source_record_id, r.reason, r.plate_color) for r in stored] == [
        ("B1", "逃费", PlateColor.BLUE),
        ("B2", "套牌", PlateColor.BLUE),
    ]
    assert (stored[0].received_at, stored[0].verified_at) == (FIRST, LATER.astimezone(dt.UTC))


@pytest.mark.usefixtures("postgres")
async def test_do_nothing_returns_only_new_rows_and_updates_and_deletes_go_by_id(
    sessions: Any,
) -> None:
    async with sessions() as session, session.begin():
        await bulk.insert(session, TABLE, NAMES, [row("B1", "套牌", FIRST)])
        kept = await bulk.insert(
            session, TABLE, NAMES, [row("B1", "逃费", LATER), row("B2", "逃费", LATER)],
            conflict=("source", "source_record_id"), returning=("source_record_id",),
        )  # fmt: skip
        ids = dict(
            (await session.execute(select(BlacklistRow.source_record_id, BlacklistRow.id))).all()
        )
        await bulk.update_by_id(session, TABLE, ("reason",), [(ids["B2"], "肇事逃逸")])
        await bulk.delete_by(session, TABLE, "id", [ids["B1"]])

    assert kept == [("B2",)]
    async with sessions() as session:
        rows = (
            await session.execute(select(BlacklistRow.source_record_id, BlacklistRow.reason))
        ).all()
    assert [tuple(r) for r in rows] == [("B2", "肇事逃逸")]


@pytest.mark.usefixtures("postgres")
async def test_a_naive_time_is_refused_before_anything_is_written(sessions: Any) -> None:
    with pytest.raises(ValueError, match="naive datetimes are ambiguous"):
        async with sessions() as session, session.begin():
            await bulk.insert(
                session,
                TABLE,
                NAMES,
                [row("B1", "套牌", FIRST), row("B2", "套牌", FIRST.replace(tzinfo=None))],
            )
    async with sessions() as session:
        assert (await session.execute(select(BlacklistRow.id))).all() == []
