"""The personal-data access log as GraphQL sees it: written after each request, read by oversight.

One entry per request that touched personal data — released or refused — goes into the
hash-chained audit log (``hub.audit``) in a transaction of its own, so a request that fails
still leaves its entry and nothing of the request's own work is held up by the chain's lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from hub.api.bilingual import doc
from hub.api.context import Context
from hub.api.permissions import AuditTrail, RequiresScopes, personal_argument
from hub.api.relay import to_global_id
from hub.api.text import identifier_argument
from hub.audit.log import AuditRecord, append, reads_of
from hub.audit.models import TEXT_LENGTH
from hub.auth.scopes import AUDIT_READ
from hub.canonical import identifiers
from hub.metrics import AUDIT_APPENDS
from hub.practitioners.models import Practitioner as PractitionerRow


class RecordPersonalDataAccess(SchemaExtension):
    """Appends the request's audit entry once the operation is answered."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        execution = self.execution_context
        context = execution.context
        trail = getattr(context, "audit", None)
        if not isinstance(trail, AuditTrail) or not trail.touched:
            return
        result = execution.result
        if trail.denied or trail.refused:
            outcome = "denied"
        elif result is not None and result.errors:
            outcome = "error"
        else:
            outcome = "ok"
        await record_access(
            context,
            execution.operation_name,
            execution.query or "",
            dict(execution.variables or {}),
            trail.returned | trail.denied,
            outcome,
        )


async def record_access(
    context: Context,
    operation_name: str | None,
    document: str,
    variables: dict[str, Any],
    subjects: set[str],
    outcome: str,
) -> None:
    """Append one entry to the audit log, in a transaction of its own (also used by the
    subscriptions that follow a vehicle, which are audited as they start)."""
    principal = context.principal
    record = AuditRecord(
        client_id=principal.client_id or "anonymous",
        agency=principal.agency or "-",
        purpose=None if principal.purpose is None else principal.purpose.code,
        purpose_reference=None if principal.purpose is None else principal.purpose.reference,
        operation_name=(operation_name or "")[:TEXT_LENGTH] or None,
        document=document,
        variables=variables,
        subjects=tuple(sorted(subjects)),
        outcome=outcome,
        at=dt.datetime.now(dt.UTC),
    )
    async with context.sessions() as session, session.begin():
        await append(session, record)
    AUDIT_APPENDS.labels(outcome).inc()
    if context.checkpointer is not None:
        # Before the answer leaves: a cut of this entry is then named by `hub audit verify`.
        # A failed write fails the request, as a failed append does.
        await context.checkpointer.write_if_moved()


@strawberry.type(
    description=doc("个人信息访问记录中的一条。", "One entry of the personal-data access log.")
)
class AccessLogEntry:
    sequence: int = strawberry.field(description=doc("日志序号。", "Position in the log."))
    at: dt.datetime = strawberry.field(description=doc("访问时间。", "When."))
    client_id: str = strawberry.field(description=doc("访问的客户端。", "The client."))
    agency: str = strawberry.field(description=doc("客户端所属机构。", "The client's agency."))
    purpose: str | None = strawberry.field(
        description=doc(
            "声明的使用目的代码（standards/codes/purpose_of_use.csv）。",
            "The code of the purpose of use it stated (standards/codes/purpose_of_use.csv).",
        )
    )
    purpose_reference: str | None = strawberry.field(
        description=doc(
            "随使用目的声明的文号（如案件编号）。",
            "The reference stated with the purpose (a case or file number).",
        )
    )
    operation_name: str | None = strawberry.field(
        description=doc("操作名（GraphQL）。", "The GraphQL operation name.")
    )
    document_hash: str = strawberry.field(
        description=doc("查询文档的 SHA-256 摘要。", "SHA-256 of the GraphQL document.")
    )
    outcome: str = strawberry.field(
        description=doc("结果：ok、denied 或 error。", "Outcome: ok, denied or error.")
    )


@strawberry.type
class AccessLogQuery:
    @strawberry.field(
        description=doc(
            "谁在何时、为何读取了此人的个人信息（最新在前，至多 100 条）。",
            "Who read this person's data, when and why (newest first, at most 100).",
        ),
        directives=[RequiresScopes(any_of=[AUDIT_READ])],
    )
    async def access_log(
        self,
        info: Info[Context, None],
        # Asking whose reads were logged for an ID number confirms that person is known: a
        # personal-data read like any search by it (pii:read, a purpose, itself audited).
        subject_id_number: Annotated[
            str,
            personal_argument(
                "ID_NUMBER", "当事人的居民身份证号码。", "The person's resident ID number."
            ),
        ],
    ) -> list[AccessLogEntry]:
        number = identifier_argument(identifiers.resident_id, subject_id_number, "subjectIdNumber")
        async with info.context.database() as session:
            # Oversight looks across regions: this is not a read of the registry.
            pk = await session.scalar(
                select(PractitionerRow.id).where(PractitionerRow.id_number == number)
            )
            if pk is None:
                return []
            entries = await reads_of(session, to_global_id("Practitioner", pk))
        return [_entry(entry) for entry in entries]


def _entry(entry: Any) -> AccessLogEntry:
    return AccessLogEntry(
        sequence=entry.seq,
        at=entry.at,
        client_id=entry.client_id,
        agency=entry.agency,
        purpose=entry.purpose,
        purpose_reference=entry.purpose_reference,
        operation_name=entry.operation_name,
        document_hash=entry.document_hash,
        outcome=entry.outcome,
    )
