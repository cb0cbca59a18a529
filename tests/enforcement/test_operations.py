"""The enforcement app's committed operations, sent as a trusted-documents-only client would:
by hash, never as text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.api.documents import OPERATIONS_DIR, document_hash
from tests.enforcement.arrange import SCOPES, XUZHOU, arrange, checklist


def _id(name: str) -> str:
    text = (OPERATIONS_DIR / "enforcement" / f"{name}.graphql").read_text(encoding="utf-8")
    return f"sha256:{document_hash(text)}"


async def test_record_an_inspection_and_its_follow_up_by_trusted_document(
    anonymous: Any, sessions: Any
) -> None:
    codes = await arrange(sessions)
    app = await anonymous.as_client(SCOPES, region=XUZHOU, trusted_documents_only=True)
    now = dt.datetime.now(dt.UTC)
    deadline = (now + dt.timedelta(days=15)).date().isoformat()

    async def send(name: str, variables: dict[str, Any]) -> Any:
        body = {"documentId": _id(name), "variables": variables}
        answer = await anonymous.http.post("/graphql", json=body, headers=app.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    recorded = await send(
        "RecordInspection",
        {"inspection": {"operatorUscc": codes["op1"],
                        "inspectedAt": (now - dt.timedelta(hours=3)).isoformat(),
                        "inspectors": ["JS0301", "JS0302"], "rectificationDeadline": deadline,
                        "items": checklist({"SI09": "隐患排查台账未建立"})}},
    )  # fmt: skip
    inspection = recorded["data"]["recordInspection"]
    assert inspection["result"] == "HAZARDS_FOUND"
    assert inspection["hazards"] == [
        {"code": "SI09", "name": "安全隐患排查治理", "hazard": "隐患排查台账未建立"}
    ]
    followed = await send(
        "RecordFollowUp",
        {"followUp": {"inspectionId": inspection["id"], "inspectedAt": now.isoformat(),
                      "inspectors": ["JS0302", "JS0303"],
                      "items": [{"code": "SI09", "result": "PASS"}]}},
    )  # fmt: skip
    follow_up = followed["data"]["recordFollowUp"]
    assert follow_up["result"] == "PASSED"
    assert follow_up["followUpOf"]["rectification"] == "RECTIFIED"
    assert follow_up["followUpOf"]["hazards"][0]["rectifiedBy"] == follow_up["id"]

    # the same client may not send a document of its own
    text = await anonymous.http.post(
        "/graphql", json={"query": "{ inspections { totalCount } }"}, headers=app.headers
    )
    assert text.status_code in (400, 403), text.text
