"""Pushing over HTTP: who may push, and what is refused at the door with nothing stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hub.agency_records.inbox import ExchangeMessage
from hub.config import Settings
from hub.exchange.registry import AdapterRegistry
from tests.conftest import fetch_token, register_client, running
from tests.exchange.adapter import ADAPTER, NS, document

VIN = "LZYTA0012N0000001"
ROOT = Path(__file__).resolve().parents[2]
PUSH = "/exchange/test_police/registration"
WRITE = "exchange:test_police:write"


def valid(message_id: str = "m-1") -> bytes:
    return document(message_id, [("R1", "苏A00001", "2", VIN, "A")])


REFUSED = {
    "message id over 64 characters": (
        PUSH,
        valid("m" * 65),
        f"Header/MessageId {'m' * 65!r} (65 characters) does not match the exchange header "
        r"standard's pattern [A-Za-z0-9._:\-]{1,64} (header-1.0.xsd)",
    ),
    "message id with a tab": (
        PUSH,
        valid("m\t1"),
        r"Header/MessageId 'm\t1' (3 characters) does not match",
    ),
    "message id with a line break": (
        PUSH,
        valid("m\n1"),
        r"Header/MessageId 'm\n1' (3 characters) does not match",
    ),
    "sender not the client's agency": (
        PUSH,
        valid().replace(b">test_police</h:Sender>", b">public_security</h:Sender>"),
        "Header/Sender 'public_security' is not 'test_police', the agency of the client pushing "
        "it: an agency sends only its own documents",
    ),
    "XInclude": (
        PUSH,
        valid().replace(
            b"<Registration>",
            b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"'
            b' parse="text"/><Registration>',
        ),
        "XInclude is refused: Registrations holds an {http://www.w3.org/2001/XInclude}include",
    ),
    "external entity": (
        PUSH,
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
        "Entities are forbidden",
    ),
    "not XML": (PUSH, b"hello world", "invalid XML syntax: syntax error: line 1, column 0"),
    "a document type the agency does not send": (
        PUSH,
        valid().replace(NS.encode(), b"urn:js-transport-hub:test_police:other:1.0"),
        "test_police sends no document {urn:js-transport-hub:test_police:other:1.0}Registrations",
    ),
    "sent as another document type": (
        "/exchange/test_police/violation",
        valid(),
        "this is a registration document, sent as violation",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
async def test_a_push_against_the_header_rules_is_refused_naming_the_rule(
    settings: Settings, case: str
) -> None:
    # Given a client of the test agency allowed to push its documents
    route, data, reason = REFUSED[case]
    async with running(settings, AdapterRegistry([ADAPTER])) as http:
        client_id, secret = await register_client(http, "", agency="test_police")
        await _grant(http, client_id, WRITE)
        token = await fetch_token(http, client_id, secret)

        # When it pushes a document breaking one rule
        answer = await http.post(route, content=data, headers={"Authorization": f"Bearer {token}"})
        stored = await _stored(http)

    # Then it is told which rule, with a 400, and nothing is stored
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_document"
    assert reason in answer.json()["message"]
    for server_path in (str(ROOT), os.getcwd(), "file:"):
        assert server_path not in answer.text, "an answer names no file of the server"
    assert stored == 0


async def test_a_client_pushes_only_documents_its_own_agency_sends(settings: Settings) -> None:
    # Given a public security client that was granted the test agency's scope
    async with running(settings, AdapterRegistry([ADAPTER])) as http:
        client_id, secret = await register_client(http, "", agency="public_security")
        await _grant(http, client_id, WRITE)
        token = await fetch_token(http, client_id, secret)

        # When it pushes a document whose header names the test agency as its sender
        answer = await http.post(
            PUSH, content=valid(), headers={"Authorization": f"Bearer {token}"}
        )
        stored = await _stored(http)

    # Then the sender is refused: it is not the pushing client's agency
    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "Header/Sender 'test_police' is not 'public_security', the agency of the client pushing "
        "it: an agency sends only its own documents"
    )
    assert stored == 0


async def test_an_anonymous_push_is_challenged_and_a_client_without_the_scope_forbidden(
    settings: Settings,
) -> None:
    async with running(settings, AdapterRegistry([ADAPTER])) as http:
        anonymous = await http.post(PUSH, content=valid())
        client_id, secret = await register_client(http, "registry:read", agency="test_police")
        token = await fetch_token(http, client_id, secret)
        unscoped = await http.post(
            PUSH, content=valid(), headers={"Authorization": f"Bearer {token}"}
        )
        stored = await _stored(http)

    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="hub"'
    assert anonymous.json() == {
        "error": "unauthenticated",
        "message": "this needs an access token (Authorization: Bearer)",
    }
    assert unscoped.status_code == 403
    assert "www-authenticate" not in unscoped.headers
    assert unscoped.json() == {
        "error": "insufficient_scope",
        "message": "this needs scope exchange:test_police:write",
    }
    assert stored == 0


async def _grant(http: object, client_id: str, scope: str) -> None:
    # The test agency is no agency of the hub's, so its scope is not granted by name.
    from hub.auth.models import OAuthClient
    from hub.db import session_factory

    sessions = session_factory(http.app.state.engine)  # type: ignore[attr-defined]
    async with sessions() as session, session.begin():
        row = await session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
        assert row is not None
        row.scopes = [*row.scopes, scope]


async def _stored(http: object) -> int:
    sessions = http.app.state.exchange.sessions  # type: ignore[attr-defined]
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ExchangeMessage)) or 0)
