"""Recording enterprise safety inspections and their follow-ups: the checklist rules.

A checklist has every item of ``standards/codes/inspection_item.csv`` exactly once. A failed
item is a hazard: it names what was found, and the inspection sets a rectification deadline.
A follow-up re-checks exactly the hazards still open on the original inspection: a passed
item closes its hazard, a failed one stays open under the follow-up's new deadline. Services
take the caller's session and never commit: a refused input leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import (
    INSPECTION_ITEMS,
    InspectionItemResult,
    InspectionKind,
    InspectionResult,
)
from hub.enforcement.access import inspection_rule
from hub.enforcement.models import (
    CaseRow,
    EnforcementOfficer,
    InspectionDrawRow,
    InspectionItemRow,
    InspectionRow,
)
from hub.errors import BadUserInput, NotFound
from hub.filters import CHINA, region_prefix
from hub.operators.access import operator_rule
from hub.operators.models import Operator
from hub.readers import Reader

MIN_INSPECTORS = 2
"""Enforcement inspections are made by at least two certified officers."""
MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class ItemEntry:
    """The result of one checklist item as an officer recorded it."""

    code: str
    result: InspectionItemResult
    hazard: str | None = None


@dataclass(frozen=True, slots=True)
class InspectionEntry:
    """An inspection as recorded on site."""

    operator_uscc: str
    inspected_at: dt.datetime
    inspectors: tuple[str, ...]
    items: tuple[ItemEntry, ...]
    rectification_deadline: dt.date | None = None
    remarks: str | None = None
    draw_id: int | None = None
    case_id: int | None = None


@dataclass(frozen=True, slots=True)
class FollowUpEntry:
    """A follow-up inspection of the hazards an inspection found."""

    inspection_id: int
    inspected_at: dt.datetime
    inspectors: tuple[str, ...]
    items: tuple[ItemEntry, ...]
    rectification_deadline: dt.date | None = None
    remarks: str | None = None


class Rectification(Enum):
    """Where the hazards of an inspection stand."""

    NONE_NEEDED = "NONE_NEEDED"
    OPEN = "OPEN"
    OVERDUE = "OVERDUE"
    RECTIFIED = "RECTIFIED"
    RECTIFIED_LATE = "RECTIFIED_LATE"


def rectification(
    row: InspectionRow,
    items: Sequence[InspectionItemRow],
    follow_ups: Sequence[InspectionRow],
    today: dt.date,
) -> Rectification:
    """The state of an inspection's hazards on ``today``: the deadline is the latest one set
    (by the inspection or a follow-up that found a hazard still there)."""
    hazards = [item for item in items if item.result is InspectionItemResult.FAIL]
    if row.kind is InspectionKind.FOLLOW_UP or not hazards:
        return Rectification.NONE_NEEDED
    deadlines = [r.rectification_deadline for r in (row, *follow_ups) if r.rectification_deadline]
    deadline = max(deadlines) if deadlines else None
    if any(item.closed_at is None for item in hazards):
        overdue = deadline is not None and today > deadline
        return Rectification.OVERDUE if overdue else Rectification.OPEN
    closed = max(item.closed_at for item in hazards if item.closed_at is not None)
    late = deadline is not None and closed.astimezone(CHINA).date() > deadline
    return Rectification.RECTIFIED_LATE if late else Rectification.RECTIFIED


def _text(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if len(text) > MAX_TEXT:
        raise BadUserInput(f"{field}: at most {MAX_TEXT} characters", field=field)
    return text


def checked_moment(value: dt.datetime, field: str, now: dt.datetime) -> dt.datetime:
    """A moment on site: with a time zone, not in the future."""
    if value.tzinfo is None:
        raise BadUserInput(f"{field}: give a time zone (e.g. +08:00)", field=field)
    if value > now + dt.timedelta(minutes=5):
        raise BadUserInput(f"{field}: {value.isoformat()} lies in the future", field=field)
    return value


async def officers(session: AsyncSession, badges: Sequence[str], field: str) -> list[str]:
    """The badge numbers, normalised, of at least two distinct known officers."""
    wanted = [badge.strip().upper() for badge in badges]
    if len(set(wanted)) != len(wanted):
        raise BadUserInput(f"{field}: an officer is named twice", field=field)
    if len(wanted) < MIN_INSPECTORS:
        raise BadUserInput(
            f"{field}: at least {MIN_INSPECTORS} officers inspect, {len(wanted)} named",
            field=field,
        )
    stmt = select(EnforcementOfficer.badge_number).where(
        EnforcementOfficer.badge_number.in_(wanted)
    )
    known = set((await session.scalars(stmt)).all())
    unknown = [badge for badge in wanted if badge not in known]
    if unknown:
        raise BadUserInput(f"{field}: no officer holds badge {', '.join(unknown)}", field=field)
    return wanted


def _items(
    entries: Sequence[ItemEntry], expected: Sequence[str], field: str, *, follow_up: bool
) -> list[ItemEntry]:
    """The checklist, each expected item once, failed ones with their hazard."""
    seen: set[str] = set()
    items: list[ItemEntry] = []
    for n, entry in enumerate(entries):
        where = f"{field}[{n}]"
        code = entry.code.strip().upper()
        if code not in INSPECTION_ITEMS:
            raise BadUserInput(
                f"{where}.code: {entry.code!r} is not an inspection item "
                "(standards/codes/inspection_item.csv)",
                field=f"{where}.code",
            )
        if code not in expected:
            raise BadUserInput(
                f"{where}.code: {code} is not an open hazard of the inspection followed up",
                field=f"{where}.code",
            )
        if code in seen:
            raise BadUserInput(f"{where}.code: {code} is given twice", field=f"{where}.code")
        seen.add(code)
        if follow_up and entry.result is InspectionItemResult.NOT_APPLICABLE:
            raise BadUserInput(
                f"{where}.result: a hazard is found rectified (PASS) or not (FAIL)",
                field=f"{where}.result",
            )
        hazard = _text(entry.hazard, f"{where}.hazard")
        if entry.result is InspectionItemResult.FAIL and hazard is None:
            raise BadUserInput(
                f"{where}.hazard: a failed item names the hazard found", field=f"{where}.hazard"
            )
        if entry.result is not InspectionItemResult.FAIL and hazard is not None:
            raise BadUserInput(
                f"{where}.hazard: only a failed item has a hazard ({code} is {entry.result.name})",
                field=f"{where}.hazard",
            )
        items.append(ItemEntry(code, entry.result, hazard))
    missing = [code for code in expected if code not in seen]
    if missing:
        raise BadUserInput(
            f"{field}: the checklist lacks {', '.join(missing)} (every item is answered)",
            field=field,
        )
    return items


def _deadline(
    items: Sequence[ItemEntry], deadline: dt.date | None, inspected_at: dt.datetime
) -> InspectionResult:
    failed = any(item.result is InspectionItemResult.FAIL for item in items)
    if failed and deadline is None:
        raise BadUserInput(
            "rectificationDeadline: hazards were found, so a rectification deadline is set",
            field="rectificationDeadline",
        )
    if not failed and deadline is not None:
        raise BadUserInput(
            "rectificationDeadline: no hazard was found, so there is nothing to rectify",
            field="rectificationDeadline",
        )
    if deadline is not None and deadline <= inspected_at.astimezone(CHINA).date():
        raise BadUserInput(
            f"rectificationDeadline: {deadline.isoformat()} is not after the inspection day",
            field="rectificationDeadline",
        )
    return InspectionResult.HAZARDS_FOUND if failed else InspectionResult.PASSED


async def record_inspection(
    session: AsyncSession, entry: InspectionEntry, reader: Reader, client_id: str, now: dt.datetime
) -> InspectionRow:
    """Record an inspection of an operator the client may see; refused whole on any error."""
    operator = await session.scalar(
        select(Operator).where(Operator.uscc == entry.operator_uscc, operator_rule(reader))
    )
    if operator is None:
        raise NotFound(f"operator with uscc {entry.operator_uscc} not found")
    inspected_at = checked_moment(entry.inspected_at, "inspectedAt", now)
    inspectors = await officers(session, entry.inspectors, "inspectors")
    items = _items(entry.items, list(INSPECTION_ITEMS), "items", follow_up=False)
    result = _deadline(items, entry.rectification_deadline, inspected_at)
    kind = InspectionKind.ROUTINE
    if entry.draw_id is not None:
        draw = await session.get(InspectionDrawRow, entry.draw_id)
        if draw is None or operator.uscc not in [d["uscc"] for d in draw.drawn]:
            raise BadUserInput(
                f"drawId: operator {operator.uscc} was not drawn by that draw", field="drawId"
            )
        kind = InspectionKind.RANDOM_DRAW
    if entry.case_id is not None:
        case = await session.get(CaseRow, entry.case_id)
        if case is None or not operator.region_code.startswith(region_prefix(case.region_code)):
            raise BadUserInput(
                "caseNumber: the case is not one of the operator's region", field="caseNumber"
            )
    row = InspectionRow(
        kind=kind,
        operator_id=operator.id,
        region_code=operator.region_code,
        inspected_at=inspected_at,
        inspectors=inspectors,
        result=result,
        rectification_deadline=entry.rectification_deadline,
        draw_id=entry.draw_id,
        case_id=entry.case_id,
        remarks=_text(entry.remarks, "remarks"),
        recorded_by=client_id,
        recorded_at=now,
    )
    session.add(row)
    await session.flush()
    session.add_all(
        InspectionItemRow(
            inspection_id=row.id, item_code=item.code, result=item.result, hazard=item.hazard
        )
        for item in items
    )
    await session.flush()
    return row


async def visible_inspection(session: AsyncSession, pk: int, reader: Reader) -> InspectionRow:
    """The inspection, if the reader may see it; else NOT_FOUND (as if there were none)."""
    row = await session.scalar(
        select(InspectionRow).where(InspectionRow.id == pk, inspection_rule(reader))
    )
    if row is None:
        raise NotFound(f"inspection {pk} not found")
    return row


async def items_of(session: AsyncSession, inspection_ids: Sequence[int]) -> list[InspectionItemRow]:
    """The checklist items of these inspections, in list order."""
    stmt = (
        select(InspectionItemRow)
        .where(InspectionItemRow.inspection_id.in_(inspection_ids))
        .order_by(InspectionItemRow.inspection_id, InspectionItemRow.item_code)
    )
    return list((await session.scalars(stmt)).all())


async def record_follow_up(
    session: AsyncSession, entry: FollowUpEntry, reader: Reader, client_id: str, now: dt.datetime
) -> InspectionRow:
    """Record a follow-up of an inspection's open hazards; passed items close them."""
    original = await visible_inspection(session, entry.inspection_id, reader)
    if original.kind is InspectionKind.FOLLOW_UP:
        raise BadUserInput(
            f"inspectionId: inspection {original.id} is itself a follow-up; follow up "
            f"inspection {original.follow_up_of_id}, which found the hazards",
            field="inspectionId",
        )
    open_items = [
        item
        for item in await items_of(session, [original.id])
        if item.result is InspectionItemResult.FAIL and item.closed_at is None
    ]
    if not open_items:
        raise BadUserInput(
            f"inspectionId: inspection {original.id} has no open hazard to follow up",
            field="inspectionId",
        )
    inspected_at = checked_moment(entry.inspected_at, "inspectedAt", now)
    if inspected_at <= original.inspected_at:
        raise BadUserInput(
            "inspectedAt: a follow-up comes after the inspection it follows up "
            f"({original.inspected_at.isoformat()})",
            field="inspectedAt",
        )
    inspectors = await officers(session, entry.inspectors, "inspectors")
    codes = [item.item_code for item in open_items]
    items = _items(entry.items, codes, "items", follow_up=True)
    result = _deadline(items, entry.rectification_deadline, inspected_at)
    row = InspectionRow(
        kind=InspectionKind.FOLLOW_UP,
        operator_id=original.operator_id,
        region_code=original.region_code,
        inspected_at=inspected_at,
        inspectors=inspectors,
        result=result,
        rectification_deadline=entry.rectification_deadline,
        follow_up_of_id=original.id,
        case_id=original.case_id,
        remarks=_text(entry.remarks, "remarks"),
        recorded_by=client_id,
        recorded_at=now,
    )
    session.add(row)
    await session.flush()
    by_code = {item.item_code: item for item in open_items}
    for item in items:
        session.add(
            InspectionItemRow(
                inspection_id=row.id, item_code=item.code, result=item.result, hazard=item.hazard
            )
        )
        if item.result is InspectionItemResult.PASS:
            by_code[item.code].closed_by_id = row.id
            by_code[item.code].closed_at = inspected_at
    await session.flush()
    return row
