"""Complaints from the public (畅通群众网上投诉举报渠道) and their handling.

accepted → assigned → answered → closed, each step with its deadline; only a complaint
closed as substantiated becomes a credit event (see :mod:`hub.credit.derivation`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.canonical.codes import ComplaintStatus, CreditSubjectKind, PlateColor
from hub.credit.models import ComplaintRow
from hub.errors import BadUserInput, NotFound
from hub.operators.models import Operator
from hub.practitioners.models import Practitioner, QualificationCertificate
from hub.vehicles.models import Vehicle

MAX_CONTENT = 2000
"""Characters a complaint may hold."""
ASSIGN_DAYS = 1
ANSWER_DAYS = 7
"""Deadlines from acceptance: assigned to a handler within a day, answered within a week."""


@dataclass(frozen=True, slots=True)
class Against:
    """Whom a complaint is about: exactly one of an operator, a vehicle, a certificate."""

    operator_uscc: str | None = None
    plate: str | None = None
    plate_color: PlateColor | None = None
    certificate_number: str | None = None


def checked_text(value: str, field: str, limit: int) -> str:
    """Text that is given and not too long, stripped; else bad input naming the field."""
    text = value.strip()
    if not text:
        raise BadUserInput(f"{field}: must not be empty", field=field)
    if len(text) > limit:
        raise BadUserInput(
            f"{field}: {len(text)} characters, at most {limit} are accepted", field=field
        )
    return text


async def _subject(session: AsyncSession, against: Against) -> tuple[CreditSubjectKind, str]:
    given = [against.operator_uscc, against.plate, against.certificate_number]
    if sum(value is not None for value in given) != 1:
        raise BadUserInput(
            "against: name exactly one of operatorUscc, plate (with plateColor) or "
            "certificateNumber",
            field="against",
        )
    if against.operator_uscc is not None:
        found = await session.scalar(
            select(Operator.uscc).where(Operator.uscc == against.operator_uscc)
        )
        if found is None:
            raise BadUserInput(
                f"against.operatorUscc: no operator {against.operator_uscc}",
                field="against.operatorUscc",
            )
        return CreditSubjectKind.OPERATOR, found
    if against.plate is not None:
        if against.plate_color is None:
            raise BadUserInput(
                "against.plateColor: needed with a plate", field="against.plateColor"
            )
        found = await session.scalar(
            select(Operator.uscc)
            .join(Vehicle, Vehicle.operator_id == Operator.id)
            .where(Vehicle.plate == against.plate, Vehicle.plate_color == against.plate_color)
        )
        if found is None:
            raise BadUserInput(
                f"against.plate: no operating vehicle {against.plate}", field="against.plate"
            )
        return CreditSubjectKind.OPERATOR, found
    found = await session.scalar(
        select(Practitioner.id_number)
        .join(QualificationCertificate, QualificationCertificate.practitioner_id == Practitioner.id)
        .where(QualificationCertificate.number == against.certificate_number)
    )
    if found is None:
        raise BadUserInput(
            f"against.certificateNumber: no certificate {against.certificate_number}",
            field="against.certificateNumber",
        )
    return CreditSubjectKind.PRACTITIONER, found


async def submit(
    session: AsyncSession,
    against: Against,
    content: str,
    occurred_on: dt.date,
    contact_name: str | None,
    contact_phone: str | None,
    submitted_by: str,
    at: dt.datetime,
) -> ComplaintRow:
    """Accept a complaint: checked whole before anything is written."""
    text = checked_text(content, "content", MAX_CONTENT)
    if occurred_on > at.date():
        raise BadUserInput(f"occurredOn: {occurred_on} is in the future", field="occurredOn")
    name = None if contact_name is None else checked_text(contact_name, "contactName", 64)
    phone = None
    if contact_phone is not None:
        phone = contact_phone.strip().replace(" ", "").replace("-", "")
        if not (phone.isascii() and phone.isdigit() and 7 <= len(phone) <= 15):
            raise BadUserInput(
                "contactPhone: 7 to 15 digits (spaces and dashes allowed)", field="contactPhone"
            )
    kind, key = await _subject(session, against)
    today = at.date()
    row = ComplaintRow(
        reference=f"TS{today:%Y%m%d}{secrets.token_hex(4).upper()}",
        subject_kind=kind,
        subject_key=key,
        content=text,
        occurred_on=occurred_on,
        contact_name=name,
        contact_phone=phone,
        submitted_by=submitted_by[:128],
        status=ComplaintStatus.ACCEPTED,
        accepted_at=at,
        assign_due=today + dt.timedelta(days=ASSIGN_DAYS),
        answer_due=today + dt.timedelta(days=ANSWER_DAYS),
    )
    session.add(row)
    await session.flush()
    return row


async def find(session: AsyncSession, reference: str) -> ComplaintRow:
    """A complaint by its reference, else not found."""
    row = await session.scalar(select(ComplaintRow).where(ComplaintRow.reference == reference))
    if row is None:
        raise NotFound(f"reference: no complaint {reference[:40]!r}", field="reference")
    return row


def _step(row: ComplaintRow, expected: ComplaintStatus, to: ComplaintStatus) -> None:
    if row.status is not expected:
        raise BadUserInput(
            f"complaint {row.reference} is {row.status.value}: only a complaint "
            f"{expected.value} can become {to.value}",
            field="reference",
        )
    row.status = to


async def assign(session: AsyncSession, reference: str, handler: str) -> ComplaintRow:
    """Give an accepted complaint to the office that handles it."""
    row = await find(session, reference)
    name = checked_text(handler, "handler", 200)
    _step(row, ComplaintStatus.ACCEPTED, ComplaintStatus.ASSIGNED)
    row.handler = name
    return row


async def answer(
    session: AsyncSession, reference: str, text: str, substantiated: bool
) -> ComplaintRow:
    """Record the handler's answer and whether the complaint was found substantiated."""
    row = await find(session, reference)
    checked = checked_text(text, "answer", MAX_CONTENT)
    _step(row, ComplaintStatus.ASSIGNED, ComplaintStatus.ANSWERED)
    row.answer, row.substantiated = checked, substantiated
    return row


async def close(session: AsyncSession, reference: str, on: dt.date) -> ComplaintRow:
    """Close an answered complaint; a substantiated one then counts as a credit event."""
    row = await find(session, reference)
    _step(row, ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED)
    row.closed_on = on
    return row


def overdue(row: ComplaintRow, on: dt.date) -> bool:
    """Past the deadline of the step it waits for."""
    if row.status is ComplaintStatus.ACCEPTED:
        return on > row.assign_due
    if row.status is ComplaintStatus.ASSIGNED:
        return on > row.answer_due
    return False
