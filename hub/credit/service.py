"""Credit rules applied to rows: grading runs, a subject's grade with evidence, and the lists.

Services take the session and never commit: the caller's unit of work does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import CreditListKind, CreditSubjectKind
from hub.credit.access import credit_event_rule, grade_rule, list_entry_rule
from hub.credit.grading import Deduction, Fact, Grade, Period, grade
from hub.credit.models import (
    CreditEventRow,
    GradeRow,
    ListChangeRow,
    ListEntryRow,
    RuleVersionRow,
)
from hub.credit.rules import RuleBook, RuleSet, parse
from hub.operators.models import Operator
from hub.practitioners.models import Practitioner
from hub.pubsub import PubSub
from hub.readers import EVERYONE, Reader

LIST_CHANNEL = "credit:lists"
"""The pub/sub channel list changes are published on (``creditListChanges``)."""


async def rule_version(session: AsyncSession, rules: RuleSet, at: dt.datetime) -> int:
    """The id of this rule file's version, registered the first time it is graded with: a
    changed file (another digest) is a new version; the old one stays for its grades."""
    found = await session.scalar(
        select(RuleVersionRow.id).where(
            RuleVersionRow.rule_set == rules.rule_set, RuleVersionRow.digest == rules.digest
        )
    )
    if found is not None:
        return found
    row = RuleVersionRow(
        rule_set=rules.rule_set,
        version=rules.version,
        digest=rules.digest,
        text=rules.text,
        registered_at=at,
    )
    session.add(row)
    await session.flush()
    return row.id


@lru_cache(maxsize=64)
def _rules_of_text(rule_set: str, text: str) -> RuleSet:
    return parse(Path(f"credit_rule_versions/{rule_set}"), text)


def _fact(row: CreditEventRow) -> Fact:
    return Fact(row.id, row.kind, row.valid_from, row.valid_until)


def _unretracted(rows: Sequence[CreditEventRow]) -> list[CreditEventRow]:
    """Events that count: not retractions themselves, and not retracted by one."""
    retracted = {row.retracts_id for row in rows if row.retracts_id is not None}
    return [row for row in rows if row.retracts_id is None and row.id not in retracted]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A grade with the events behind its deductions (by id), for explaining it."""

    grade: Grade
    events: dict[int, CreditEventRow]
    graded_at: dt.datetime | None
    """When a grading run stored it; None: computed now, under the rules in force."""


async def events_of(
    session: AsyncSession, kind: CreditSubjectKind, key: str, reader: Reader = EVERYONE
) -> list[CreditEventRow]:
    """Every event of a subject the reader may see, retractions included, oldest first."""
    rows = await session.scalars(
        select(CreditEventRow)
        .where(
            CreditEventRow.subject_kind == kind,
            CreditEventRow.subject_key == key,
            credit_event_rule(reader),
        )
        .order_by(CreditEventRow.valid_from, CreditEventRow.id)
    )
    return list(rows)


async def grade_of(
    session: AsyncSession,
    book: RuleBook,
    kind: CreditSubjectKind,
    key: str,
    period: Period,
    reader: Reader = EVERYONE,
) -> Evidence:
    """A subject's grade for a period: as the latest grading run stored it (under the rule
    version of that run), else computed now from its events under the rules in force."""
    stored = await session.execute(
        select(GradeRow, RuleVersionRow)
        .join(RuleVersionRow, RuleVersionRow.id == GradeRow.rule_version_id)
        .where(
            GradeRow.subject_kind == kind,
            GradeRow.subject_key == key,
            GradeRow.period == period.label,
            grade_rule(reader),
        )
        .order_by(GradeRow.graded_at.desc(), GradeRow.id.desc())
        .limit(1)
    )
    found = stored.first()
    rows = await events_of(session, kind, key, reader)
    by_id = {row.id: row for row in rows}
    if found is not None:
        row, version = found
        rules = _rules_of_text(version.rule_set, version.text)
        deductions = tuple(
            Deduction(d["event"], by_id[d["event"]].kind, d["points"], d["capped"])
            for d in row.deductions
            if d["event"] in by_id
        )
        result = Grade(period, rules, row.score, rules.band_of(row.score), deductions)
        return Evidence(result, by_id, row.graded_at)
    computed = grade(book.of(kind), [_fact(r) for r in _unretracted(rows)], period)
    return Evidence(computed, by_id, None)


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a grading run did."""

    graded: int
    listed: int
    by_grade: dict[str, int]


async def _subjects(session: AsyncSession, kind: CreditSubjectKind) -> dict[str, str]:
    """Every subject of a kind: key → name."""
    if kind is CreditSubjectKind.OPERATOR:
        rows = await session.execute(select(Operator.uscc, Operator.name))
    else:
        rows = await session.execute(select(Practitioner.id_number, Practitioner.name))
    return dict(rows.all())


async def grade_all(
    session: AsyncSession, book: RuleBook, period: Period, at: dt.datetime
) -> tuple[RunSummary, list[int]]:
    """Grade every operator and practitioner for ``period`` from their events, store the grades
    under the rule versions used, and put those below the thresholds on the lists. Returns the
    summary and the ids of the list changes made (to publish once committed)."""
    graded = listed = 0
    by_grade: dict[str, int] = {}
    changes: list[int] = []
    for kind in CreditSubjectKind:
        rules = book.of(kind)
        version = await rule_version(session, rules, at)
        subjects = await _subjects(session, kind)
        events = await session.scalars(
            select(CreditEventRow).where(
                CreditEventRow.subject_kind == kind,
                CreditEventRow.valid_from <= period.end,
                CreditEventRow.valid_until >= period.start,
            )
        )
        facts: dict[str, list[CreditEventRow]] = {}
        for row in events:
            facts.setdefault(row.subject_key, []).append(row)
        await session.execute(
            delete(GradeRow).where(
                GradeRow.subject_kind == kind,
                GradeRow.period == period.label,
                GradeRow.rule_version_id == version,
            )
        )
        grades: list[dict[str, object]] = []
        low: list[tuple[str, Grade]] = []
        for key in sorted(subjects):
            result = grade(rules, [_fact(r) for r in _unretracted(facts.get(key, []))], period)
            by_grade[result.band.grade] = by_grade.get(result.band.grade, 0) + 1
            grades.append(
                {
                    "subject_kind": kind,
                    "subject_key": key,
                    "period": period.label,
                    "rule_version_id": version,
                    "score": result.score,
                    "grade": result.band.grade,
                    "graded_at": at,
                    "deductions": [
                        {"event": d.event_id, "points": d.points, "capped": d.capped}
                        for d in result.deductions
                    ],
                }
            )
            if result.score < rules.watch_below:
                low.append((key, result))
        for start in range(0, len(grades), 1000):
            await session.execute(insert(GradeRow), grades[start : start + 1000])
        graded += len(grades)
        for key, result in low:
            list_kind = (
                CreditListKind.BLACK if result.score < rules.black_below else CreditListKind.WATCH
            )
            reason = (
                f"{period.label} 年度考核 {result.band.grade}（{result.score} 分）/ graded "
                f"{result.band.grade} ({result.score}) for {period.label}"
            )
            decision = f"{rules.rule_set} {rules.version} ({rules.digest[:12]})"
            change = await put_on_list(
                session,
                list_kind,
                kind,
                key,
                subjects[key],
                reason,
                decision,
                at,
                months=rules.list_months,
            )
            if change is not None:
                listed += 1
                changes.append(change)
    return RunSummary(graded, listed, by_grade), changes


async def active_entries(
    session: AsyncSession,
    kind: CreditSubjectKind,
    keys: Sequence[str],
    on: dt.date,
    reader: Reader = EVERYONE,
) -> list[ListEntryRow]:
    """The list entries in force on ``on`` for these subjects, as the reader may see them."""
    rows = await session.scalars(
        select(ListEntryRow)
        .where(
            ListEntryRow.subject_kind == kind,
            ListEntryRow.subject_key.in_(list(keys)),
            ListEntryRow.listed_on <= on,
            ListEntryRow.exit_on >= on,
            ListEntryRow.removed_on.is_(None),
            list_entry_rule(reader),
        )
        .order_by(ListEntryRow.listed_on, ListEntryRow.id)
    )
    return list(rows)


async def put_on_list(
    session: AsyncSession,
    list_kind: CreditListKind,
    kind: CreditSubjectKind,
    key: str,
    name: str,
    reason: str,
    decision: str,
    at: dt.datetime,
    *,
    months: int,
) -> int | None:
    """List a subject (unless it is on that list already); the id of the change, or None."""
    today = at.date()
    current = await session.scalar(
        select(ListEntryRow.id).where(
            and_(
                ListEntryRow.list_kind == list_kind,
                ListEntryRow.subject_kind == kind,
                ListEntryRow.subject_key == key,
                ListEntryRow.exit_on >= today,
                ListEntryRow.removed_on.is_(None),
            )
        )
    )
    if current is not None:
        return None
    entry = ListEntryRow(
        list_kind=list_kind,
        subject_kind=kind,
        subject_key=key,
        subject_name=name,
        reason=reason,
        decision=decision,
        listed_on=today,
        exit_on=today + dt.timedelta(days=months * 30),
    )
    session.add(entry)
    await session.flush()
    change = ListChangeRow(entry_id=entry.id, change="LISTED", changed_at=at)
    session.add(change)
    await session.flush()
    return change.id


async def remove_from_list(
    session: AsyncSession, entry: ListEntryRow, reason: str, at: dt.datetime
) -> int:
    """Credit repair: the entry ends today, its history kept; the id of the change."""
    entry.removed_on = at.date()
    entry.removal_reason = reason
    change = ListChangeRow(entry_id=entry.id, change="REMOVED", changed_at=at)
    session.add(change)
    await session.flush()
    return change.id


async def changes_after(
    session: AsyncSession, after: int, limit: int
) -> list[tuple[ListChangeRow, ListEntryRow]]:
    """List changes after a cursor (a change id), oldest first."""
    rows = await session.execute(
        select(ListChangeRow, ListEntryRow)
        .join(ListEntryRow, ListEntryRow.id == ListChangeRow.entry_id)
        .where(ListChangeRow.id > after)
        .order_by(ListChangeRow.id)
        .limit(limit)
    )
    return [(change, entry) for change, entry in rows]


async def publish_changes(pubsub: PubSub | None, changes: Sequence[int]) -> None:
    """Tell subscribers, once committed, that list changes were made: the newest cursor is
    enough, as a subscription reads every change after its own from the database."""
    if pubsub is not None and changes:
        await pubsub.publish(LIST_CHANNEL, str(max(changes)).encode())


def change_message(change: ListChangeRow, entry: ListEntryRow) -> bytes:
    """A list change as published (JSON): operators by name and credit code; a practitioner's
    ID number is never published, only the entry's id."""
    operator = entry.subject_kind is CreditSubjectKind.OPERATOR
    return json.dumps(
        {
            "cursor": str(change.id),
            "change": change.change,
            "entry": entry.id,
            "list": entry.list_kind.value,
            "subjectKind": entry.subject_kind.value,
            "subjectKey": entry.subject_key if operator else None,
            "subjectName": entry.subject_name if operator else None,
            "reason": entry.reason,
            "decision": entry.decision,
            "listedOn": entry.listed_on.isoformat(),
            "exitOn": entry.exit_on.isoformat(),
            "removedOn": entry.removed_on.isoformat() if entry.removed_on else None,
            "changedAt": change.changed_at.isoformat(),
        },
        ensure_ascii=False,
    ).encode("utf-8")
