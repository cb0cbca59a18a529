"""The authorization server, driven by a standard OAuth client library (authlib's client).

Tokens are then checked the way a partner would: against the published JWKS, with joserfc,
not with the hub's own code.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import httpx
import httpx2
import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from hub.config import Settings
from tests.conftest import register_client, running

ISSUER = "http://127.0.0.1:8000"
TOKEN_URL = f"{ISSUER}/oauth/token"


def oauth_client(http: httpx.AsyncClient, **kwargs: Any) -> AsyncOAuth2Client:
    transport = httpx2.ASGITransport(app=http.app)  # type: ignore[attr-defined]
    return AsyncOAuth2Client(transport=transport, **kwargs)


async def published_keys(http: httpx.AsyncClient) -> KeySet:
    response = await http.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert all("d" not in key for key in response.json()["keys"]), "private parts published"
    return KeySet.import_key_set(response.json())


def check_rfc9068(token: str, keys: KeySet, client_id: str) -> dict[str, Any]:
    decoded = jwt.decode(token, keys, algorithms=["RS256"])
    assert decoded.header["typ"] == "at+jwt"
    assert decoded.header["kid"] in {key.kid for key in keys.keys}
    claims = dict(decoded.claims)
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": ISSUER},
        aud={"essential": True, "value": f"{ISSUER}/graphql"},
        exp={"essential": True},
        iat={"essential": True},
        jti={"essential": True},
        sub={"essential": True, "value": client_id},
        client_id={"essential": True, "value": client_id},
    ).validate(claims)
    return claims


@pytest.fixture
async def http(settings: Settings) -> Any:
    async with running(settings) as client:
        yield client


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_a_client_gets_a_token_with_its_secret(http: Any, method: str) -> None:
    client_id, secret = await register_client(http, "registry:read pii:read", region="320500")

    async with oauth_client(
        http, client_id=client_id, client_secret=secret, token_endpoint_auth_method=method
    ) as client:
        token = await client.fetch_token(TOKEN_URL, grant_type="client_credentials")

    assert token["token_type"].lower() == "bearer"
    assert token["expires_in"] == 3600
    claims = check_rfc9068(token["access_token"], await published_keys(http), client_id)
    assert set(claims["scope"].split()) == {"registry:read", "pii:read"}
    assert claims["agency"] == "test_agency"
    assert claims["region"] == "320500"


async def test_a_client_gets_a_token_with_private_key_jwt(http: Any) -> None:
    key = RSAKey.generate_key(2048, parameters={"kid": "partner-1"}, private=True)
    public = KeySet([RSAKey.import_key(key.as_dict(private=False))]).as_dict(private=False)
    client_id, secret = await register_client(http, "registry:read", jwks=public)
    assert secret is None

    async with oauth_client(
        http, client_id=client_id, client_secret=key, token_endpoint_auth_method="private_key_jwt"
    ) as client:
        client.register_client_auth_method(PrivateKeyJWT(TOKEN_URL))
        token = await client.fetch_token(TOKEN_URL, grant_type="client_credentials")

    check_rfc9068(token["access_token"], await published_keys(http), client_id)


async def test_a_replayed_assertion_is_refused(http: Any) -> None:
    key = RSAKey.generate_key(2048, parameters={"kid": "partner-2"}, private=True)
    public = KeySet([RSAKey.import_key(key.as_dict(private=False))]).as_dict(private=False)
    client_id, _ = await register_client(http, "registry:read", jwks=public)
    now = int(time.time())
    assertion = jwt.encode(
        {"alg": "RS256", "kid": "partner-2"},
        {"iss": client_id, "sub": client_id, "aud": TOKEN_URL, "exp": now + 60, "jti": "once"},
        key,
    )
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
    }

    first = await http.post("/oauth/token", data=form)
    again = await http.post("/oauth/token", data=form)

    assert first.status_code == 200, first.text
    # RFC 6749 §5.2: 401 is for clients that tried the Authorization header; a form is 400.
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_client"
    assert "used before" in again.json()["error_description"]


async def test_an_assertion_signed_by_another_key_is_refused(http: Any) -> None:
    registered = RSAKey.generate_key(2048, private=True)
    other = RSAKey.generate_key(2048, private=True)
    public = KeySet([RSAKey.import_key(registered.as_dict(private=False))]).as_dict(private=False)
    client_id, _ = await register_client(http, "registry:read", jwks=public)
    now = int(time.time())
    assertion = jwt.encode(
        {"alg": "RS256"},
        {"iss": client_id, "sub": client_id, "aud": TOKEN_URL, "exp": now + 60, "jti": "x"},
        other,
    )

    response = await http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def test_errors_answer_as_rfc_6749_says(http: Any) -> None:
    client_id, secret = await register_client(http, "registry:read")
    assert secret is not None
    grant = {"grant_type": "client_credentials"}

    wrong_secret = await http.post("/oauth/token", data=grant, headers=basic(client_id, "nope"))
    unknown = await http.post("/oauth/token", data=grant, headers=basic("nobody", "x"))
    no_auth = await http.post("/oauth/token", data=grant)
    bad_grant = await http.post(
        "/oauth/token", data={"grant_type": "password"}, headers=basic(client_id, secret)
    )
    bad_scope = await http.post(
        "/oauth/token",
        data={**grant, "scope": "registry:read pii:read"},
        headers=basic(client_id, secret),
    )
    unknown_scope = await http.post(
        "/oauth/token", data={**grant, "scope": "root"}, headers=basic(client_id, secret)
    )

    for response in (wrong_secret, unknown, no_auth):
        assert response.status_code == 401, response.text
        assert response.json()["error"] == "invalid_client"
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert response.headers["Cache-Control"] == "no-store"
    assert (bad_grant.status_code, bad_grant.json()["error"]) == (400, "unsupported_grant_type")
    assert (bad_scope.status_code, bad_scope.json()["error"]) == (400, "invalid_scope")
    assert "pii:read" in bad_scope.json()["error_description"]
    assert (unknown_scope.status_code, unknown_scope.json()["error"]) == (400, "invalid_scope")


async def test_a_disabled_client_gets_no_token(http: Any) -> None:
    from hub.auth import clients
    from hub.db import session_factory

    client_id, secret = await register_client(http, "registry:read")
    async with session_factory(http.app.state.engine)() as session, session.begin():
        await clients.disable(session, client_id)

    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret or ""),
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_metadata_describes_the_server(http: Any) -> None:
    response = await http.get("/.well-known/oauth-authorization-server")

    metadata = response.json()
    assert metadata["issuer"] == ISSUER
    assert metadata["token_endpoint"] == TOKEN_URL
    assert metadata["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert set(metadata["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
    }
    assert metadata["grant_types_supported"] == ["client_credentials"]
    assert "pii:read" in metadata["scopes_supported"]


async def token_of(http: Any, client_id: str, secret: str | None) -> str:
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret or ""),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def test_introspection_and_revocation(http: Any) -> None:
    client_id, secret = await register_client(http, "registry:read")
    token = await token_of(http, client_id, secret)
    auth = basic(client_id, secret or "")
    graphql = {"Authorization": f"Bearer {token}"}
    query = {"query": "{ vehicles(first: 1) { totalCount } }"}

    active = await http.post("/oauth/introspect", data={"token": token}, headers=auth)
    before = await http.post("/graphql", json=query, headers=graphql)
    revoked = await http.post("/oauth/revoke", data={"token": token}, headers=auth)
    inactive = await http.post("/oauth/introspect", data={"token": token}, headers=auth)
    after = await http.post("/graphql", json=query, headers=graphql)
    garbage = await http.post("/oauth/introspect", data={"token": "garbage"}, headers=auth)

    assert active.json()["active"] is True
    assert active.json()["client_id"] == client_id
    assert before.status_code == 200
    assert revoked.status_code == 200
    assert inactive.json() == {"active": False}
    assert after.status_code == 401
    assert 'error="invalid_token"' in after.headers["WWW-Authenticate"]
    assert "revoked" in after.headers["WWW-Authenticate"]
    assert garbage.json() == {"active": False}


async def test_a_client_cannot_revoke_another_clients_token(http: Any) -> None:
    owner, owner_secret = await register_client(http, "registry:read")
    other, other_secret = await register_client(http, "registry:read")
    token = await token_of(http, owner, owner_secret)

    response = await http.post(
        "/oauth/revoke", data={"token": token}, headers=basic(other, other_secret or "")
    )
    still = await http.post(
        "/graphql",
        json={"query": "{ vehicles { totalCount } }"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert still.status_code == 200


async def test_key_rotation_keeps_live_tokens_working(http: Any, settings: Settings) -> None:
    from hub.auth.keys import rotate
    from hub.db import session_factory
    from hub.sealing import key_encryption_key

    client_id, secret = await register_client(http, "registry:read")
    old_token = await token_of(http, client_id, secret)
    async with session_factory(http.app.state.engine)() as session, session.begin():
        new_kid = await rotate(session, key_encryption_key(settings))
    await http.app.state.keys.refresh()

    new_token = await token_of(http, client_id, secret)
    keys = await published_keys(http)
    query = {"query": "{ vehicles { totalCount } }"}
    old = await http.post("/graphql", json=query, headers={"Authorization": f"Bearer {old_token}"})

    assert jwt.decode(new_token, keys).header["kid"] == new_kid
    assert jwt.decode(old_token, keys).header["kid"] != new_kid
    assert len(keys.keys) == 2
    assert old.status_code == 200, old.text
