"""Access tokens on the resource side: checking a bearer token, and revoking one.

Tokens are RFC 9068 JWTs signed by the hub's keys. Revocation puts the token's ``jti`` into
the cache until the token would have expired anyway — Redis when configured, so a revoked
token stops working at once in every worker process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.util import to_bytes

from hub.auth.keys import ALGORITHM, KeyStore
from hub.cache import Cache
from hub.config import Settings

LEEWAY_SECONDS = 30


class InvalidToken(Exception):
    """A bearer token that cannot be accepted; ``description`` says why (RFC 6750 §3.1)."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True, slots=True)
class Claims:
    """The checked claims of an access token."""

    values: dict[str, Any]

    @property
    def jti(self) -> str:
        return str(self.values["jti"])

    @property
    def client_id(self) -> str:
        return str(self.values["client_id"])

    @property
    def expires_at(self) -> int:
        return int(self.values["exp"])

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(str(self.values.get("scope") or "").split())


class Revocations:
    """Revoked token ids, kept until the tokens expire."""

    def __init__(self, cache: Cache) -> None:
        self._cache = cache

    async def revoke(self, claims: Claims) -> None:
        """Refuse this token from now on, everywhere the cache is shared."""
        ttl = max(1.0, claims.expires_at - time.time() + LEEWAY_SECONDS)
        await self._cache.set(f"revoked:{claims.jti}", b"1", ttl=ttl)

    async def is_revoked(self, jti: str) -> bool:
        """Whether the token with this ``jti`` was revoked."""
        return await self._cache.get(f"revoked:{jti}") is not None


def key_id(token: str) -> str | None:
    """The ``kid`` in a token's header, read before its signature is checked."""
    try:
        header = jws.extract_compact(to_bytes(token)).headers()
    except (JoseError, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken("the token is not a signed JWT") from exc
    kid = header.get("kid")
    return kid if isinstance(kid, str) else None


def decode(token: str, keys: KeyStore, settings: Settings) -> Claims:
    """Check signature, type, issuer, audience and lifetime; no revocation check."""
    try:
        decoded = jwt.decode(token, keys.public_keys(), algorithms=[ALGORITHM])
    except ExpiredTokenError as exc:
        raise InvalidToken("the token has expired") from exc
    except (JoseError, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken(f"the token cannot be verified ({exc.__class__.__name__})") from exc
    if decoded.header.get("typ") != "at+jwt":
        raise InvalidToken("the token is not an access token (typ must be at+jwt)")
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": settings.issuer},
        aud={"essential": True, "value": settings.audience},
        exp={"essential": True},
        jti={"essential": True},
        client_id={"essential": True},
    )
    try:
        registry.validate(decoded.claims)
    except ExpiredTokenError as exc:
        raise InvalidToken("the token has expired") from exc
    except JoseError as exc:
        raise InvalidToken(f"the token's claims are not accepted: {exc.description}") from exc
    return Claims(dict(decoded.claims))


async def verify(
    token: str, keys: KeyStore, revocations: Revocations, settings: Settings
) -> Claims:
    """A bearer token's claims, or InvalidToken saying why it is refused."""
    await keys.current()
    kid = key_id(token)
    if kid is not None and not keys.knows(kid):
        await keys.check()  # a key rotated in by another process since we last looked
    claims = decode(token, keys, settings)
    if await revocations.is_revoked(claims.jti):
        raise InvalidToken("the token was revoked")
    return claims
