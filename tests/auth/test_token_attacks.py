"""The attacks on bearer tokens that an outside audit tries: each one is a 401 naming the reason.

The tokens are forged by hand (base64url and HMAC from the standard library) so that nothing in
the JOSE library we verify with can refuse to build them for us.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from hub.config import Settings
from tests.conftest import register_client


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def _claims(settings: Settings, client_id: str) -> dict[str, Any]:
    """Claims a real, enabled client could hold, so only the forgery can be the reason."""
    now = int(time.time())
    return {
        "iss": settings.issuer, "aud": settings.audience, "sub": client_id,
        "client_id": client_id, "jti": "forged", "iat": now, "exp": now + 600,
        "scope": "registry:read pii:read audit:read",
    }  # fmt: skip


async def test_forged_tokens_are_refused_with_401_naming_why(
    anonymous: Any, settings: Settings
) -> None:
    http = anonymous.http
    keys = http.app.state.keys
    client_id, _ = await register_client(http, "registry:read")
    claims = _claims(settings, client_id)
    kid = next(iter(keys.jwks()["keys"]))["kid"]  # type: ignore[call-overload]
    header = {"alg": "RS256", "typ": "at+jwt", "kid": kid}
    genuine = jwt.encode(header, claims, keys.signing_keys())
    head, _, signature = genuine.split(".")
    public_pem = keys.public_keys().keys[0].as_pem(private=False)
    unsigned_input = f"{_segment(header | {'alg': 'HS256'})}.{_segment(claims)}"
    confused = hmac.new(public_pem, unsigned_input.encode(), hashlib.sha256).digest()
    stranger = RSAKey.generate_key(2048, parameters={"kid": kid})

    forged = {
        # alg "none": no signature at all.
        "alg none": (
            f"{_segment({'alg': 'none', 'typ': 'at+jwt'})}.{_segment(claims)}.",
            "UnsupportedAlgorithmError",
        ),
        # Key confusion: HMAC keyed with the hub's public key, which anyone can read from JWKS.
        "HS256 with the public key": (
            f"{unsigned_input}.{_b64(confused)}",
            "UnsupportedAlgorithmError",
        ),
        # A genuine signature over other claims: the scope widened after signing.
        "tampered claims": (
            f"{head}.{_segment(claims | {'scope': 'internal'})}.{signature}",
            "BadSignatureError",
        ),
        # The right kid, but signed by a key the hub never issued.
        "another key under our kid": (jwt.encode(header, claims, stranger), "BadSignatureError"),
        "wrong issuer": (
            jwt.encode(header, claims | {"iss": "https://evil"}, keys.signing_keys()),
            "Invalid claim: 'iss'",
        ),
        "not an access token": (
            jwt.encode(header | {"typ": "JWT"}, claims, keys.signing_keys()),
            "typ must be at+jwt",
        ),
    }

    for name, (token, reason) in forged.items():
        response = await http.post(
            "/graphql",
            json={"query": "{ practitioners { totalCount } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 401, name
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="hub", error="invalid_token"'), name
        assert reason in challenge, (name, challenge)
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", name
        assert "data" not in response.json() or response.json()["data"] is None, name


async def test_the_genuine_token_of_the_forgeries_is_accepted(
    anonymous: Any, settings: Settings
) -> None:
    """The control for the test above: the same claims, properly signed, do get through."""
    http = anonymous.http
    keys = http.app.state.keys
    client_id, _ = await register_client(http, "registry:read")
    token = jwt.encode(
        {"alg": "RS256", "typ": "at+jwt"}, _claims(settings, client_id), keys.signing_keys()
    )

    response = await http.post(
        "/graphql",
        json={"query": "{ vehicles { totalCount } }"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"]["vehicles"]["totalCount"] == 0
