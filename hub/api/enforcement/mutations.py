"""Writing enforcement records: inspections and follow-ups, cases, on-site records, draws.

Every mutation needs scope enforcement:write and stays within the client's region (the row
rules of ``hub.access``). Each is one unit of work: refused, it leaves nothing behind.
Evidence files are uploaded over HTTP (``hub.api.enforcement.uploads``), not through GraphQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from graphql import print_ast
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.enforcement.draws import InspectionDraw
from hub.api.enforcement.inputs import (
    EnforcementCaseInput,
    FollowUpInput,
    InspectionDrawInput,
    InspectionInput,
    OnSiteRecordInput,
)
from hub.api.enforcement.types import EnforcementCase, Inspection, OnSiteRecord, on_site_record
from hub.api.permissions import RequiresScopes
from hub.audit.log import AuditRecord, append
from hub.auth.principal import Principal
from hub.auth.scopes import ENFORCEMENT_WRITE
from hub.enforcement import cases, draws, inspections
from hub.errors import Forbidden

WRITERS = RequiresScopes(any_of=[ENFORCEMENT_WRITE])


def _client(principal: Principal) -> str:
    if principal.client_id is None:  # the scope check ran first: never anonymous here
        raise Forbidden(f"this needs scope {ENFORCEMENT_WRITE}")
    return principal.client_id


def _arg(zh: str, en: str) -> object:
    return strawberry.argument(description=doc(zh, en))


@strawberry.type
class EnforcementMutation:
    @strawberry.mutation(
        description=doc(
            "记录一次企业安全检查（入户检查）。", "Record an enterprise safety inspection."
        ),
        directives=[WRITERS],
    )
    async def record_inspection(
        self,
        info: Info[Context, None],
        inspection: Annotated[InspectionInput, _arg("检查。", "The inspection.")],
    ) -> Inspection:
        ctx = info.context
        reader = ctx.principal.reader
        now = dt.datetime.now(dt.UTC)
        async with ctx.sessions() as session, session.begin():
            case_id = None
            if inspection.case_number is not None:
                case = await cases.visible_case(session, reader, number=inspection.case_number)
                case_id = case.id
            row = await inspections.record_inspection(
                session, inspection.entry(case_id), reader, _client(ctx.principal), now
            )
        return Inspection.from_row(row)

    @strawberry.mutation(
        description=doc(
            "记录对一次检查所发现隐患的复查：符合的项目确认整改完成。",
            "Record a follow-up of an inspection's hazards: passed items close them.",
        ),
        directives=[WRITERS],
    )
    async def record_follow_up(
        self,
        info: Info[Context, None],
        follow_up: Annotated[FollowUpInput, _arg("复查。", "The follow-up.")],
    ) -> Inspection:
        ctx = info.context
        entry = follow_up.entry()
        now = dt.datetime.now(dt.UTC)
        async with ctx.sessions() as session, session.begin():
            row = await inspections.record_follow_up(
                session, entry, ctx.principal.reader, _client(ctx.principal), now
            )
        return Inspection.from_row(row)

    @strawberry.mutation(
        description=doc("立案：开立一个执法案件。", "Open an enforcement case."),
        directives=[WRITERS],
    )
    async def open_enforcement_case(
        self,
        info: Info[Context, None],
        case: Annotated[EnforcementCaseInput, _arg("案件。", "The case.")],
    ) -> EnforcementCase:
        ctx = info.context
        entry = case.entry()
        now = dt.datetime.now(dt.UTC)
        async with ctx.sessions() as session, session.begin():
            row = await cases.open_case(
                session, entry, ctx.principal.reader, _client(ctx.principal), now
            )
        return EnforcementCase.from_row(row)

    @strawberry.mutation(
        description=doc(
            "记录现场笔录；其证据文件随后以 multipart 上传至 "
            "/enforcement/records/{recordId}/evidence。",
            "Record an on-site record; upload its evidence files afterwards, multipart, to "
            "/enforcement/records/{recordId}/evidence.",
        ),
        directives=[WRITERS],
    )
    async def record_on_site(
        self,
        info: Info[Context, None],
        record: Annotated[OnSiteRecordInput, _arg("现场笔录。", "The on-site record.")],
    ) -> OnSiteRecord:
        ctx = info.context
        now = dt.datetime.now(dt.UTC)
        async with ctx.sessions() as session, session.begin():
            row = await cases.record_on_site(
                session, record.entry(), ctx.principal.reader, _client(ctx.principal), now
            )
        return on_site_record(row, [])

    @strawberry.mutation(
        description=doc(
            "双随机抽取：按区划和经营类别随机抽取业户及检查人员；种子由系统产生并记录，抽取记入审计日志。",
            "Draw operators and officers at random by region and category; the hub makes and "
            "records the seed, and the draw is written to the audit log.",
        ),
        directives=[WRITERS],
    )
    async def draw_inspections(
        self,
        info: Info[Context, None],
        draw: Annotated[InspectionDrawInput, _arg("抽取条件。", "What to draw.")],
    ) -> InspectionDraw:
        ctx = info.context
        principal = ctx.principal
        request = draw.request()
        if principal.region is not None and not request.region_code.startswith(
            principal.region.rstrip("0")[:4]
            if principal.region.endswith("00")
            else principal.region
        ):
            raise Forbidden(
                f"draw.region: {request.region_code} is outside your region {principal.region}"
            )
        now = dt.datetime.now(dt.UTC)
        async with ctx.sessions() as session, session.begin():
            row = await draws.make_draw(session, request, principal.reader, _client(principal), now)
            await append(
                session,
                AuditRecord(
                    client_id=_client(principal),
                    agency=principal.agency or "-",
                    purpose=None if principal.purpose is None else principal.purpose.code,
                    purpose_reference=(
                        None if principal.purpose is None else principal.purpose.reference
                    ),
                    operation_name="drawInspections",
                    document=print_ast(info._raw_info.operation),
                    variables={
                        "region": row.region_code,
                        "category": row.category,
                        "operatorCount": row.operator_count,
                        "officersPerOperator": row.officers_per_operator,
                        "seed": str(row.seed),
                    },
                    subjects=(f"InspectionDraw:{row.id}",),
                    outcome="ok",
                    at=now,
                ),
            )
        if ctx.checkpointer is not None:
            await ctx.checkpointer.write_if_moved()
        return InspectionDraw.from_row(row)
