"""RFC 7591 self-registration for the open tier: a startup registers, gets open-data
credentials and nothing more; bad bodies get RFC 7591 errors; floods get 429; registrations
are listed and revocable."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from hub.auth import clients
from hub.auth.registration import TERMS
from hub.config import Settings
from hub.db import session_factory
from tests.clock import ManualClock
from tests.conftest import running

STARTUP = {
    "client_name": "苏州行迹科技有限公司",
    "contacts": ["dev@xingji.example.cn"],
    "terms_accepted": True,
}


@pytest.fixture
def shared(settings: Settings, cache_settings: Settings) -> Settings:
    """A database backend together with a cache backend (in-process or Redis)."""
    return replace(
        settings, redis_url=cache_settings.redis_url, cache_prefix=cache_settings.cache_prefix
    )


async def test_a_startup_registers_and_reads_open_data_only(shared: Settings) -> None:
    async with running(shared, clock=ManualClock()) as http:
        answer = await http.post("/oauth/register", json=STARTUP)
        registered = answer.json()
        token = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(registered["client_id"], registered["client_secret"]),
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        opened = await http.post(
            "/graphql", json={"query": "{ operators(first: 1) { totalCount } }"}, headers=headers
        )
        withheld = await http.post(
            "/graphql",
            json={"query": "{ practitioners(first: 1) { totalCount } }"},
            headers=headers,
        )
        async with session_factory(http.app.state.engine)() as session:
            listed = await clients.listed(session, self_registered=True)

    assert answer.status_code == 201
    assert answer.headers["Cache-Control"] == "no-store"
    assert registered["client_id"].startswith("startup-")
    assert registered["scope"] == "opendata"
    assert registered["grant_types"] == ["client_credentials"]
    assert registered["client_secret_expires_at"] == 0
    assert registered["tier"] == "open"
    assert registered["limits"]["max_page_size"] == 50
    assert token.status_code == 200
    assert token.json()["scope"] == "opendata"
    assert opened.status_code == 200
    assert "errors" not in opened.json()
    assert withheld.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [(c.client_id, c.tier, c.contacts, c.terms_accepted) for c in listed] == [
        (registered["client_id"], "open", ["dev@xingji.example.cn"], TERMS)
    ]
    assert listed[0].registered_from == "127.0.0.1"


async def test_a_revoked_registration_gets_no_more_tokens(settings: Settings) -> None:
    async with running(settings) as http:
        registered = (await http.post("/oauth/register", json=STARTUP)).json()
        async with session_factory(http.app.state.engine)() as session, session.begin():
            await clients.disable(session, registered["client_id"])
        token = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(registered["client_id"], registered["client_secret"]),
        )

    assert token.status_code == 401
    assert token.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("body", "status", "error", "named"),
    [
        ({**STARTUP, "terms_accepted": False}, 400, "invalid_client_metadata", "terms_accepted"),
        ({k: v for k, v in STARTUP.items() if k != "client_name"}, 400,
         "invalid_client_metadata", "client_name"),
        ({**STARTUP, "contacts": ["not an address"]}, 400, "invalid_client_metadata", "contacts"),
        ({**STARTUP, "scope": "registry:read"}, 400, "invalid_client_metadata", "scope"),
        ({**STARTUP, "grant_types": ["authorization_code"]}, 400, "invalid_client_metadata",
         "grant_types"),
        ({**STARTUP, "tier": "internal"}, 400, "invalid_client_metadata", "tier"),
        (["a list"], 400, "invalid_client_metadata", "JSON object"),
        (b"{not json", 400, "invalid_request", "not JSON"),
    ],
)  # fmt: skip
async def test_bad_registrations_get_rfc7591_errors_naming_the_field(
    settings: Settings, body: Any, status: int, error: str, named: str
) -> None:
    async with running(settings) as http:
        if isinstance(body, bytes):
            answer = await http.post(
                "/oauth/register", content=body, headers={"Content-Type": "application/json"}
            )
        else:
            answer = await http.post("/oauth/register", json=body)
        async with session_factory(http.app.state.engine)() as session:
            listed = await clients.listed(session, self_registered=True)

    assert answer.status_code == status
    assert answer.json()["error"] == error
    assert named in answer.json()["error_description"]
    assert listed == []


async def test_a_flood_of_registrations_from_one_address_gets_429(shared: Settings) -> None:
    async with running(shared, clock=ManualClock()) as http:
        answers = [await http.post("/oauth/register", json=STARTUP) for _ in range(6)]

    assert [a.status_code for a in answers] == [201] * 5 + [429]
    assert answers[-1].json()["error"] == "too_many_requests"
    assert int(answers[-1].headers["Retry-After"]) > 0


async def test_the_registration_endpoint_is_in_the_server_metadata(settings: Settings) -> None:
    async with running(settings) as http:
        metadata = (await http.get("/.well-known/oauth-authorization-server")).json()

    assert metadata["registration_endpoint"] == f"{settings.public_url}/oauth/register"
