"""Trusted documents: the operations committed in ``graphql/operations``, sent by hash.

A client may send ``{"documentId": "sha256:<hex>"}`` (GraphQL-over-HTTP trusted documents) or
Apollo's ``extensions.persistedQuery.sha256Hash`` instead of the document text. Clients
registered as ``trusted_documents_only`` (the portals) may send nothing else, so a stolen
portal token cannot run arbitrary queries.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from strawberry.http import GraphQLRequestData

from hub.auth.principal import ANONYMOUS, Principal

OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "graphql" / "operations"


def document_hash(text: str) -> str:
    """The SHA-256 hex digest a trusted document is sent by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class TrustedDocuments:
    """The registered operations by hash: hash → (name, text)."""

    by_hash: dict[str, tuple[str, str]]

    @classmethod
    def load(cls, directory: Path = OPERATIONS_DIR) -> TrustedDocuments:
        """Every ``*.graphql`` file under ``directory``, named ``client/Operation``."""
        documents = {}
        for path in sorted(directory.rglob("*.graphql")):
            text = path.read_text(encoding="utf-8")
            documents[document_hash(text)] = (str(path.relative_to(directory))[:-8], text)
        return cls(documents)

    def name_of(self, digest: str) -> str | None:
        """The name (``client/Operation``) of the registered document with this hash, if any."""
        entry = self.by_hash.get(digest)
        return entry[0] if entry is not None else None

    def text_of(self, document_id: str) -> str:
        """The text of the registered document ``sha256:<hex>``; HTTPException 400 if none."""
        digest = _digest_of(document_id)
        entry = self.by_hash.get(digest)
        if entry is None:
            raise HTTPException(400, f"documentId: no registered operation has hash {digest}")
        return entry[1]

    def resolve(
        self, data: GraphQLRequestData, body: bytes, state: Any, document_id: str | None = None
    ) -> GraphQLRequestData:
        """The request with its document looked up by hash; refuses what the client may not
        send. ``document_id``: the ``documentId`` query parameter of a GET."""
        wanted = _digest_of(document_id) if document_id is not None else _requested_hash(data, body)
        principal: Principal = getattr(state, "principal", ANONYMOUS)
        if wanted is None:
            if principal.trusted_documents_only:
                raise HTTPException(
                    403,
                    "this client may run registered operations only: send documentId "
                    "sha256:<hash> of a document in graphql/operations",
                )
            return data
        entry = self.by_hash.get(wanted)
        if entry is None:
            raise HTTPException(400, f"documentId: no registered operation has hash {wanted}")
        name, text = entry
        if data.query is not None and document_hash(data.query) != wanted:
            raise HTTPException(400, "documentId: the query sent does not match its hash")
        state.trusted_document = name
        return dataclasses.replace(data, query=text)


def _requested_hash(data: GraphQLRequestData, body: bytes) -> str | None:
    document_id: Any = None
    if body:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            document_id = parsed.get("documentId")
    persisted = (data.extensions or {}).get("persistedQuery")
    if document_id is None and isinstance(persisted, dict):
        document_id = persisted.get("sha256Hash")
    if document_id is None:
        return None
    return _digest_of(document_id)


def _digest_of(document_id: Any) -> str:
    if not isinstance(document_id, str):
        raise HTTPException(400, "documentId: must be a string 'sha256:<hex>'")
    digest = document_id.removeprefix("sha256:").lower()
    if len(digest) != 64 or any(char not in "0123456789abcdef" for char in digest):
        raise HTTPException(400, f"documentId: {document_id!r} is not sha256:<64 hex digits>")
    return digest
