"""Reading credit: the public one-stop search and, for credit staff, complaints."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.credit.types import (
    PERIOD_DESCRIPTION,
    Complaint,
    CreditEvent,
    CreditGrade,
    CreditListEntry,
    credit_grade,
)
from hub.api.permissions import RequiresScopes
from hub.api.relay import to_global_id
from hub.auth.scopes import CREDIT_REVIEW
from hub.canonical.codes import CreditSubjectKind
from hub.credit import complaints
from hub.credit.complaints import checked_text
from hub.credit.search import search
from hub.credit.service import active_entries, events_of
from hub.filters import today

REVIEWERS = RequiresScopes(any_of=[CREDIT_REVIEW])


@strawberry.type(description=doc("一站式信用查询结果。", "A subject found by the credit search."))
class CreditSearchResult:
    subject_kind: CreditSubjectKind = strawberry.field(description=doc("主体类别。", "Kind."))
    name: str = strawberry.field(
        description=doc("名称（从业人员姓名已脱敏）。", "Name (a person's name masked).")
    )
    credit_code: str | None = strawberry.field(
        description=doc("统一社会信用代码（业户）。", "Unified social credit code (operators).")
    )
    grade: CreditGrade = strawberry.field(
        description=doc("本期信用等级。", "Grade for the period.")
    )
    lists: list[CreditListEntry] = strawberry.field(
        description=doc("现行名单记录。", "List entries in force.")
    )
    evidence: list[CreditEvent] = strawberry.field(
        description=doc("公示的信用事件，最新在前。", "Published credit events, newest first.")
    )


@strawberry.type
class CreditQuery:
    @strawberry.field(
        description=doc(
            "一站式信用查询：按名称、统一社会信用代码、车牌号或从业资格证号查询信用等级、名单和"
            "公示事件。从业人员的记录仅向具备 pii:read 且声明使用目的的客户端提供（留痕）。",
            "One-stop credit search by name, credit code, plate or certificate number: grade, "
            "lists and the published evidence. Practitioners' records only for clients with "
            "pii:read and a stated purpose (audited).",
        )
    )
    async def credit_search(
        self,
        info: Info[Context, None],
        query: Annotated[
            str, strawberry.argument(description=doc("查询内容。", "What to search for."))
        ],
        period: Annotated[str | None, strawberry.argument(description=PERIOD_DESCRIPTION)] = None,
    ) -> list[CreditSearchResult]:
        text = checked_text(query, "query", 100)
        ctx = info.context
        people = ctx.principal.may_read_personal_data
        on = today()
        label = period or str(on.year)
        async with ctx.database() as session:
            found = await search(session, text, people)
        results = []
        for subject in found:
            grade = await credit_grade(info, subject.kind, subject.key, label)
            async with ctx.database() as session:
                reader = ctx.principal.reader
                entries = await active_entries(session, subject.kind, [subject.key], on, reader)
                rows = await events_of(session, subject.kind, subject.key, reader)
            retracted = {r.retracts_id for r in rows if r.retracts_id}
            operator = subject.kind is CreditSubjectKind.OPERATOR
            if not operator:
                ctx.audit.returned.add(to_global_id("Practitioner", subject.practitioner_id or 0))
            results.append(
                CreditSearchResult(
                    subject_kind=subject.kind,
                    name=subject.name
                    if operator
                    else subject.name[:1] + "*" * (len(subject.name) - 1),
                    credit_code=subject.key if operator else None,
                    grade=grade,
                    lists=[CreditListEntry.from_row(e) for e in entries],
                    evidence=[
                        CreditEvent.from_row(r, r.id in retracted)
                        for r in reversed(rows)
                        if r.retracts_id is None
                    ],
                )
            )
        return results

    @strawberry.field(
        description=doc("按编号查看投诉的办理情况。", "A complaint's handling, by reference."),
        directives=[REVIEWERS],
    )
    async def complaint(
        self,
        info: Info[Context, None],
        reference: Annotated[str, strawberry.argument(description=doc("投诉编号。", "Reference."))],
    ) -> Complaint:
        async with info.context.database() as session:
            row = await complaints.find(session, reference.strip())
        return Complaint.from_row(row, dt.datetime.now(dt.UTC).date())
