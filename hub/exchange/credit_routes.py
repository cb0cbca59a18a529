"""Joint sanctions over HTTP: partner agencies pull the credit list changes with a cursor.

``GET /exchange/credit/list-changes?after=N&limit=M`` answers a ``CreditListChanges`` document
(``standards/credit/credit-list-change-1.0.xsd``) of the changes after cursor N, oldest first,
with ``X-Next-After`` naming the cursor to pass next. It needs scope registry:read. A person's
ID number never leaves: practitioners are named by their masked name and the entry number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.auth.scopes import REGISTRY_READ
from hub.canonical.codes import CreditSubjectKind
from hub.credit.models import ListChangeRow, ListEntryRow
from hub.credit.service import changes_after
from hub.exchange.http import client_with, error
from hub.exchange.protocol import STANDARDS_DIR, Header, namespace
from hub.exchange.record_xml import document, element, iso

NAMESPACE = namespace("credit", "list-change")
SCHEMA = STANDARDS_DIR / "credit" / "credit-list-change-1.0.xsd"
MAX_CHANGES = 1000


def _change(change: ListChangeRow, entry: ListEntryRow) -> Any:
    operator = entry.subject_kind is CreditSubjectKind.OPERATOR
    name = (
        entry.subject_name
        if operator
        else entry.subject_name[:1] + "*" * (len(entry.subject_name) - 1)
    )
    return element(
        NAMESPACE,
        "Change",
        ("Cursor", str(change.id)),
        ("Kind", change.change),
        ("ChangedAt", iso(change.changed_at)),
        ("EntryId", str(entry.id)),
        ("List", entry.list_kind.value),
        ("SubjectKind", entry.subject_kind.value),
        ("SubjectUscc", entry.subject_key if operator else None),
        ("SubjectName", name),
        ("Reason", entry.reason),
        ("Decision", entry.decision),
        ("ListedOn", iso(entry.listed_on)),
        ("ExitOn", iso(entry.exit_on)),
        ("RemovedOn", iso(entry.removed_on) if entry.removed_on else None),
    )


def credit_routes(state: dict[str, Any]) -> list[Route]:
    """The credit list-change route, on the app's backends in ``state``."""

    async def list_changes(request: Request) -> Response:
        principal = await client_with(state["gate"], request, REGISTRY_READ)
        if isinstance(principal, Response):
            return principal
        try:
            after = int(request.query_params.get("after", "0"))
            limit = int(request.query_params.get("limit", str(MAX_CHANGES)))
        except ValueError:
            return error(400, "bad_request", "after and limit must be whole numbers")
        if after < 0 or not 1 <= limit <= MAX_CHANGES:
            return error(400, "bad_request", f"after: 0 or more; limit: 1 to {MAX_CHANGES}")
        async with state["read_sessions"]() as session:
            rows = await changes_after(session, after, limit)
        header = Header(
            message_id=f"hub-credit-{uuid.uuid4().hex[:16]}",
            sender="hub",
            sent_at=dt.datetime.now(dt.UTC).isoformat(),
        )
        body = document(NAMESPACE, "CreditListChanges", header, [_change(*row) for row in rows])
        next_after = rows[-1][0].id if rows else after
        return Response(
            body, media_type="application/xml", headers={"X-Next-After": str(next_after)}
        )

    return [Route("/exchange/credit/list-changes", list_changes, methods=["GET"])]
