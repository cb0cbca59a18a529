"""Writing credit: the public's complaints, their handling, objections and their review.

``submitComplaint`` is open to anyone, anonymous callers included, with a quota per source of
its own; bad input is answered 400 and a flood 429, each with the reason. Each mutation is one
unit of work: refused, it leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.credit.types import Complaint, CreditObjection
from hub.api.enums import PlateColor
from hub.api.permissions import PersonalData, RequiresScopes
from hub.api.text import identifier_argument
from hub.auth.scopes import CREDIT_OBJECT, CREDIT_REVIEW
from hub.canonical import identifiers
from hub.credit import complaints, objections
from hub.credit.service import publish_changes
from hub.errors import BadUserInput, RateLimited
from hub.ratelimit import Quota

REVIEWERS = RequiresScopes(any_of=[CREDIT_REVIEW])
OBJECTORS = RequiresScopes(any_of=[CREDIT_OBJECT])

COMPLAINT_QUOTA = Quota(rate=1 / 60, burst=5)
"""Complaints one source may submit: 5 at once, then one a minute."""


@strawberry.input(description=doc("被投诉对象（三选一）。", "Whom it is about: exactly one."))
class ComplaintAgainstInput:
    operator_uscc: str | None = strawberry.field(
        default=None, description=doc("业户统一社会信用代码。", "The operator's credit code.")
    )
    plate: str | None = strawberry.field(
        default=None, description=doc("营运车辆号牌。", "An operating vehicle's plate.")
    )
    plate_color: PlateColor | None = strawberry.field(
        default=None, description=doc("号牌颜色（与号牌同填）。", "Plate colour, with the plate.")
    )
    certificate_number: str | None = strawberry.field(
        default=None, description=doc("驾驶员从业资格证号。", "A driver's certificate number.")
    )

    def to_domain(self) -> complaints.Against:
        """The service's value, identifiers checked by their rules."""
        return complaints.Against(
            operator_uscc=None
            if self.operator_uscc is None
            else identifier_argument(identifiers.uscc, self.operator_uscc, "against.operatorUscc"),
            plate=None
            if self.plate is None
            else identifier_argument(identifiers.plate, self.plate, "against.plate"),
            plate_color=self.plate_color,
            certificate_number=None
            if self.certificate_number is None
            else identifiers.normalize(self.certificate_number),
        )


@strawberry.input(description=doc("一件投诉。", "A complaint."))
class ComplaintInput:
    against: ComplaintAgainstInput = strawberry.field(
        description=doc("被投诉对象。", "Whom it is about.")
    )
    content: str = strawberry.field(
        description=doc("投诉内容（1 至 2000 字）。", "What happened, 1 to 2000 characters.")
    )
    occurred_on: dt.date = strawberry.field(description=doc("事发日期。", "When it happened."))
    contact_name: str | None = strawberry.field(
        default=None,
        description=doc("联系人姓名（可匿名）。", "Contact name; may be left out (anonymous)."),
        directives=[PersonalData(kind="NAME")],
    )
    contact_phone: str | None = strawberry.field(
        default=None,
        description=doc("联系电话（可匿名）。", "Contact phone; may be left out (anonymous)."),
        directives=[PersonalData(kind="PHONE")],
    )


def _source(info: Info[Context, None]) -> str:
    ctx = info.context
    if ctx.principal.client_id is not None:
        return ctx.principal.client_id
    client = getattr(ctx.request, "client", None)
    return f"anonymous:{client.host if client else 'unknown'}"


Reference = Annotated[str, strawberry.argument(description=doc("投诉编号。", "Reference."))]


@strawberry.type
class CreditMutation:
    @strawberry.mutation(
        description=doc(
            "提交投诉（可匿名）：受理后按期分派、答复、办结，查实的计入被投诉方信用。"
            "内容为空或过长答 400，同一来源过于频繁答 429，均附原因。",
            "Submit a complaint (anonymous allowed): it is assigned, answered and closed within "
            "deadlines, and counts against its subject only if substantiated. Empty or over-long "
            "content is answered 400, a flood from one source 429, each with the reason.",
        )
    )
    async def submit_complaint(
        self,
        info: Info[Context, None],
        complaint: Annotated[
            ComplaintInput, strawberry.argument(description=doc("投诉。", "The complaint."))
        ],
    ) -> Complaint:
        ctx = info.context
        source = _source(info)
        if ctx.limiter is not None and ctx.settings.rate_limits:
            decision = await ctx.limiter.take(f"complaint:{source}", COMPLAINT_QUOTA)
            if not decision.allowed:
                if ctx.response is not None:
                    ctx.response.status_code = 429
                    ctx.response.headers.update(decision.headers())
                raise RateLimited(
                    f"too many complaints from one source: retry after {decision.retry_after} s",
                    retry_after=decision.retry_after,
                )
        at = dt.datetime.now(dt.UTC)
        try:
            async with ctx.sessions() as session, session.begin():
                row = await complaints.submit(
                    session,
                    complaint.against.to_domain(),
                    complaint.content,
                    complaint.occurred_on,
                    complaint.contact_name,
                    complaint.contact_phone,
                    source,
                    at,
                )
                return Complaint.from_row(row, at.date())
        except BadUserInput:
            if ctx.response is not None:
                ctx.response.status_code = 400
            raise

    @strawberry.mutation(
        description=doc("分派投诉给承办单位。", "Assign a complaint to a handling office."),
        directives=[REVIEWERS],
    )
    async def assign_complaint(
        self,
        info: Info[Context, None],
        reference: Reference,
        handler: Annotated[str, strawberry.argument(description=doc("承办单位。", "Office."))],
    ) -> Complaint:
        async with info.context.sessions() as session, session.begin():
            row = await complaints.assign(session, reference.strip(), handler)
            return Complaint.from_row(row, dt.datetime.now(dt.UTC).date())

    @strawberry.mutation(
        description=doc("答复投诉并认定是否属实。", "Answer a complaint; say if substantiated."),
        directives=[REVIEWERS],
    )
    async def answer_complaint(
        self,
        info: Info[Context, None],
        reference: Reference,
        answer: Annotated[str, strawberry.argument(description=doc("答复。", "The answer."))],
        substantiated: Annotated[
            bool, strawberry.argument(description=doc("是否属实。", "Substantiated."))
        ],
    ) -> Complaint:
        async with info.context.sessions() as session, session.begin():
            row = await complaints.answer(session, reference.strip(), answer, substantiated)
            return Complaint.from_row(row, dt.datetime.now(dt.UTC).date())

    @strawberry.mutation(
        description=doc(
            "办结投诉；属实的随即计入信用事件。",
            "Close a complaint; a substantiated one becomes a credit event at once.",
        ),
        directives=[REVIEWERS],
    )
    async def close_complaint(self, info: Info[Context, None], reference: Reference) -> Complaint:
        from hub.credit.derivation import collect

        at = dt.datetime.now(dt.UTC)
        async with info.context.sessions() as session, session.begin():
            row = await complaints.close(session, reference.strip(), at.date())
            await collect(session, at, ["complaints"])
            return Complaint.from_row(row, at.date())

    @strawberry.mutation(
        description=doc(
            "对本单位的信用事件或名单记录提出异议（须代表该业户的客户端）；"
            "他人的记录答 NOT_FOUND。",
            "Object to one's own credit event or list entry (a client acting for the operator); "
            "someone else's record is NOT_FOUND.",
        ),
        directives=[OBJECTORS],
    )
    async def file_credit_objection(
        self,
        info: Info[Context, None],
        reason: Annotated[str, strawberry.argument(description=doc("理由。", "Reason."))],
        event_id: Annotated[
            int | None, strawberry.argument(description=doc("信用事件编号。", "Event number."))
        ] = None,
        list_entry_id: Annotated[
            int | None, strawberry.argument(description=doc("名单记录编号。", "Entry number."))
        ] = None,
    ) -> CreditObjection:
        principal = info.context.principal
        async with info.context.sessions() as session, session.begin():
            row = await objections.file(
                session,
                principal.uscc,
                principal.client_id or "",
                event_id,
                list_entry_id,
                reason,
                dt.datetime.now(dt.UTC),
            )
            return CreditObjection.from_row(row)

    @strawberry.mutation(
        description=doc(
            "复核异议：成立则撤销事件（以新事件撤销）或提前移出名单（信用修复），记录保留。",
            "Decide an objection: upheld, the event is retracted (by a new event) or the entry "
            "removed early (credit repair); the history stays.",
        ),
        directives=[REVIEWERS],
    )
    async def decide_credit_objection(
        self,
        info: Info[Context, None],
        id: Annotated[int, strawberry.argument(description=doc("异议编号。", "Objection."))],
        upheld: Annotated[bool, strawberry.argument(description=doc("是否成立。", "Upheld."))],
        note: Annotated[str, strawberry.argument(description=doc("复核意见。", "Review note."))],
    ) -> CreditObjection:
        ctx = info.context
        async with ctx.sessions() as session, session.begin():
            row, changes = await objections.decide(
                session, id, upheld, note, ctx.principal.client_id or "", dt.datetime.now(dt.UTC)
            )
            objection = CreditObjection.from_row(row)
        await publish_changes(ctx.pubsub, changes)
        return objection
