"""The resource side: who a request comes from, turned away early when the token is bad.

A missing token means the anonymous open-data caller. A malformed, expired, revoked or
otherwise unacceptable token is refused with 401 and ``WWW-Authenticate: Bearer error=…``
(RFC 6750 §3) — it is never silently downgraded to anonymous.
"""

from __future__ import annotations

import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import Headers
from starlette.responses import JSONResponse

from hub.auth import clients
from hub.auth.clients import RegisteredClient
from hub.auth.keys import KeyStore
from hub.auth.principal import ANONYMOUS, PURPOSE_HEADER, Principal
from hub.auth.purposes import InvalidPurpose, Purpose, parse_purpose
from hub.auth.tiers import TIERS
from hub.auth.tokens import Claims, InvalidToken, Revocations, verify
from hub.config import Settings
from hub.request_log import note_client

VERIFIED_TOKENS = 10_000
"""Tokens whose signature a worker has checked, kept (until they expire) to skip the check."""
CLIENT_CACHE_SECONDS = 30.0
"""How long a worker trusts what it read about a client (disabled, trusted documents)."""


class BadRequest(Exception):
    """A request header that cannot be used; the message names it."""


class Gate:
    """Turns request headers into a Principal, or refuses them."""

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        keys: KeyStore,
        revocations: Revocations,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._keys = keys
        self._revocations = revocations
        self._clients: dict[str, tuple[float, RegisteredClient | None]] = {}
        self._verified: dict[str, Claims] = {}

    async def _client(self, client_id: str) -> RegisteredClient | None:
        cached = self._clients.get(client_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        async with self._sessions() as session:
            client = await clients.find(session, client_id)
        self._clients[client_id] = (time.monotonic() + CLIENT_CACHE_SECONDS, client)
        return client

    async def principal(self, headers: Headers) -> Principal:
        """The principal of a request; InvalidToken or BadRequest when it must be refused."""
        purpose = headers.get(PURPOSE_HEADER)
        authorization = headers.get("authorization")
        if authorization is None:
            if _stated(purpose) is not None:
                raise BadRequest(
                    f"{PURPOSE_HEADER}: anonymous callers state no purpose of use "
                    "(open data holds no personal data; register a client to read it)"
                )
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("the Authorization header must be 'Bearer <access token>'")
        return await self.principal_of_token(token.strip(), purpose)

    async def _claims(self, token: str) -> Claims:
        """A token's claims, its signature checked once per worker, then kept until it
        expires; whether it was revoked is asked every time."""
        claims = self._verified.get(token)
        if claims is None or claims.expires_at <= time.time():
            claims = await verify(token, self._keys, self._revocations, self._settings)
            if len(self._verified) >= VERIFIED_TOKENS:
                self._verified.clear()
            self._verified[token] = claims
        elif await self._revocations.is_revoked(claims.jti):
            raise InvalidToken("the token was revoked")
        return claims

    async def principal_of_token(self, token: str, purpose: str | None) -> Principal:
        """The principal of a bearer token and the purpose header's text (also used for
        websocket connection_init); BadRequest when the purpose cannot be used."""
        stated = _stated(purpose)  # a malformed purpose is refused before the token is read
        claims = await self._claims(token)
        client = await self._client(claims.client_id)
        if client is None:
            raise InvalidToken("the client of this token is disabled or unknown")
        if stated is not None and stated.code not in client.purposes:
            registered = ", ".join(client.purposes) or "none"
            raise BadRequest(
                f"{PURPOSE_HEADER}: this client is not registered for purpose {stated.code} "
                f"(registered: {registered})"
            )
        values = claims.values
        region = values.get("region")
        tier = TIERS.get(str(values.get("tier")), TIERS["partner"])
        principal = Principal(
            client_id=client.client_id,
            agency=str(values.get("agency") or client.agency),
            scopes=claims.scopes,
            region=region if isinstance(region, str) else None,
            tier=tier,
            purpose=stated,
            token_id=claims.jti,
            trusted_documents_only=client.trusted_documents_only,
            uscc=client.uscc,
        )
        note_client(principal.client_id, principal.agency, tier.name)
        return principal


def _stated(value: str | None) -> Purpose | None:
    """The purpose a header states; None when there is no header (or only blanks)."""
    if value is None or not value.strip():
        return None
    try:
        return parse_purpose(value)
    except InvalidPurpose as exc:
        raise BadRequest(str(exc)) from None


def unauthorized(description: str) -> JSONResponse:
    """The RFC 6750 §3.1 answer to a bad bearer token."""
    escaped = description.replace('"', "'")
    return JSONResponse(
        {"errors": [{"message": description, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={
            "WWW-Authenticate": (
                f'Bearer realm="hub", error="invalid_token", error_description="{escaped}"'
            )
        },
    )
