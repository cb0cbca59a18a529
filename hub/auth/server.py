"""The authorization server: authlib's OAuth 2.0 machinery adapted to Starlette.

authlib is synchronous and the hub's storage is async, so each OAuth request runs authlib in a
worker thread and authlib's callbacks (find the client, check a JWT id was not used, revoke)
hop back to the event loop with ``anyio.from_thread``. Starlette reads the form first, so
authlib never touches the network.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import anyio
from anyio import from_thread
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    InvalidScopeError,
    OAuth2Payload,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc.jwk import KeySet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.auth import clients
from hub.auth.clients import KEY_METHOD, SECRET_METHODS, RegisteredClient
from hub.auth.keys import ALGORITHM, KeyStore
from hub.auth.registration import REGISTRATION_PATH, OpenRegistration
from hub.auth.scopes import SCOPES
from hub.auth.tokens import Claims, InvalidToken, Revocations, decode
from hub.cache import Cache
from hub.config import Settings
from hub.metrics import TOKENS, oauth_error_label
from hub.request_log import note_client

TOKEN_PATH = "/oauth/token"
INTROSPECTION_PATH = "/oauth/introspect"
REVOCATION_PATH = "/oauth/revoke"
MAX_FORM_BYTES = 64 * 1024


class FormPayload(OAuth2Payload):  # type: ignore[misc]
    """The already-read form of a Starlette request, as authlib reads parameters."""

    def __init__(self, form: FormData) -> None:
        self._data = {key: str(value) for key, value in form.items()}
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in form.multi_items():
            self._datalist[key].append(str(value))

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class FormRequest(OAuth2Request):  # type: ignore[misc]
    """An OAuth request built from a Starlette request whose form has been read."""

    def __init__(self, uri: str, headers: Mapping[str, str], form: FormData) -> None:
        super().__init__(method="POST", uri=uri, headers=headers)
        self.payload = FormPayload(form)

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return dict(self.payload.data)


class IssuedToken:
    """A hub access token as authlib's introspection and revocation endpoints see it."""

    def __init__(self, claims: Claims, revoked: bool) -> None:
        self.claims = claims
        self.revoked = revoked

    def check_client(self, client: RegisteredClient) -> bool:
        return self.claims.client_id == client.client_id

    def is_expired(self) -> bool:
        return self.claims.expires_at <= time.time()

    def is_revoked(self) -> bool:
        return self.revoked


class PrivateKeyJWT(JWTBearerClientAssertion):  # type: ignore[misc]
    """RFC 7523 client authentication: a JWT signed with the client's registered key."""

    CLIENT_AUTH_METHOD = KEY_METHOD

    def __init__(self, audiences: list[str], cache: Cache) -> None:
        super().__init__(validate_jti=True, leeway=60)
        self._audiences = audiences
        self._cache = cache

    def get_audiences(self) -> list[str]:
        return self._audiences

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        # One use per assertion: remembered for its lifetime, across workers on Redis.
        ttl = max(60.0, float(claims.get("exp", 0)) - time.time() + 60)
        key = f"assertion-jti:{claims['sub']}:{jti}"
        return bool(from_thread.run(self._cache.add, key, b"1", ttl))

    def resolve_client_public_key(self, client: RegisteredClient) -> KeySet:
        return client.public_keys()


class HubClientCredentialsGrant(ClientCredentialsGrant):  # type: ignore[misc]
    """Client credentials, refusing scopes the client was not granted (RFC 6749 §5.2)."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [*SECRET_METHODS, KEY_METHOD]

    def validate_requested_scope(self) -> None:
        super().validate_requested_scope()
        requested = set((self.request.payload.scope or "").split())
        client: RegisteredClient = self.request.client
        refused = sorted(requested - set(client.scopes))
        if refused:
            raise InvalidScopeError(f"the client was not granted {', '.join(refused)}")


class HubTokenGenerator(JWTBearerTokenGenerator):  # type: ignore[misc]
    """RFC 9068 access tokens with the hub's claims: agency, region, tier."""

    def __init__(self, settings: Settings, keys: KeyStore) -> None:
        super().__init__(
            issuer=settings.issuer,
            alg=ALGORITHM,
            expires_generator=lambda client, grant_type: settings.token_ttl,
        )
        self._settings = settings
        self._keys = keys

    def get_jwks(self) -> KeySet:
        return self._keys.signing_keys()

    def get_audiences(self, client: RegisteredClient, user: Any, scope: str) -> str:
        return self._settings.audience

    def get_jti(self, client: RegisteredClient, grant_type: str, user: Any, scope: str) -> str:
        return secrets.token_urlsafe(16)

    def get_extra_claims(
        self, client: RegisteredClient, grant_type: str, user: Any, scope: str
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {"agency": client.agency, "tier": client.tier}
        if client.region:
            extra["region"] = client.region
        return extra

    def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # An empty scope request is granted the client's scopes (see get_allowed_scope).
        kwargs["scope"] = kwargs["client"].get_allowed_scope(kwargs.get("scope"))
        token: dict[str, Any] = super().__call__(*args, **kwargs)
        return token


class HubIntrospection(IntrospectionEndpoint):  # type: ignore[misc]
    """RFC 7662: a client may introspect its own tokens; internal clients any token."""

    def __init__(self, auth: OAuthServer) -> None:
        super().__init__(server=auth)
        self._auth = auth

    def query_token(self, token_string: str, token_type_hint: str | None) -> IssuedToken | None:
        return self._auth.issued_token(token_string)

    def check_permission(self, token: IssuedToken, client: RegisteredClient, request: Any) -> bool:
        return token.check_client(client) or client.tier == "internal"

    def introspect_token(self, token: IssuedToken) -> dict[str, Any]:
        values = token.claims.values
        fields = ("scope", "client_id", "sub", "aud", "iss", "exp", "iat", "jti")
        payload = {key: values[key] for key in fields if key in values}
        payload.update({key: values[key] for key in ("agency", "region", "tier") if key in values})
        return {"active": True, "token_type": "Bearer", **payload}


class HubRevocation(RevocationEndpoint):  # type: ignore[misc]
    """RFC 7009: a client revokes its own tokens; unknown tokens are answered 200 as well."""

    def __init__(self, auth: OAuthServer) -> None:
        super().__init__(server=auth)
        self._auth = auth

    def query_token(self, token_string: str, token_type_hint: str | None) -> IssuedToken | None:
        return self._auth.issued_token(token_string)

    def revoke_token(self, token: IssuedToken, request: Any) -> None:
        from_thread.run(self._auth.revocations.revoke, token.claims)


class OAuthServer(AuthorizationServer):  # type: ignore[misc]
    """The hub's authorization server: client credentials, introspection, revocation."""

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        keys: KeyStore,
        revocations: Revocations,
        cache: Cache,
    ) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.settings = settings
        self.sessions = sessions
        self.keys = keys
        self.revocations = revocations
        self.register_token_generator("client_credentials", HubTokenGenerator(settings, keys))
        self.register_grant(HubClientCredentialsGrant)
        audiences = [settings.issuer + TOKEN_PATH, settings.issuer]
        self.register_client_auth_method(KEY_METHOD, PrivateKeyJWT(audiences, cache))
        self.register_endpoint(HubIntrospection(self))
        self.register_endpoint(HubRevocation(self))
        self.register_endpoint(OpenRegistration(self))

    # -- authlib's hooks, called in the worker thread --------------------------------------

    def query_client(self, client_id: str) -> RegisteredClient | None:
        return from_thread.run(self._find_client, client_id)

    async def _find_client(self, client_id: str) -> RegisteredClient | None:
        async with self.sessions() as session:
            return await clients.find(session, client_id)

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        return None  # self-contained JWTs: nothing to store

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def handle_response(self, status: int, body: Any, headers: Any) -> JSONResponse:
        response = JSONResponse(body, status_code=status)
        for name, value in headers:
            if name.lower() != "content-type":
                response.headers[name] = value
        if status == 401 and "www-authenticate" not in response.headers:
            # RFC 6749 §5.2: a failed client authentication names the scheme to use.
            response.headers["WWW-Authenticate"] = 'Basic realm="hub"'
        return response

    def create_oauth2_request(self, request: FormRequest) -> FormRequest:
        return request

    def create_json_request(self, request: FormRequest) -> FormRequest:
        return request

    def issued_token(self, token_string: str) -> IssuedToken | None:
        """A token this hub issued and can verify, or None (unknown tokens are inactive)."""
        try:
            claims = decode(token_string, self.keys, self.settings)
        except InvalidToken:
            return None
        revoked = from_thread.run(self.revocations.is_revoked, claims.jti)
        return IssuedToken(claims, revoked)

    # -- Starlette endpoints ------------------------------------------------------------------

    async def _run(self, request: Request, path: str, call: Callable[[Any], Any]) -> JSONResponse:
        if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
            return JSONResponse(
                {"error": "invalid_request", "error_description": "the form is too large"}, 413
            )
        form = await request.form()
        await self.keys.current()
        # Starlette's Headers: authlib looks headers up as "Authorization", case matters not.
        oauth_request = FormRequest(self.settings.issuer + path, request.headers, form)
        response: JSONResponse = await anyio.to_thread.run_sync(call, oauth_request)
        response.headers["Cache-Control"] = "no-store"
        client = getattr(oauth_request, "client", None)  # set once authlib authenticated it
        if isinstance(client, RegisteredClient):
            note_client(client.client_id, client.agency, client.tier)
        return response

    async def token(self, request: Request) -> JSONResponse:
        """``POST /oauth/token`` (RFC 6749 §4.4 client credentials)."""
        response = await self._run(request, TOKEN_PATH, self.create_token_response)
        if response.status_code == 200:
            TOKENS.labels("issued", "").inc()
        else:
            error = json.loads(bytes(response.body)).get("error") if response.body else None
            TOKENS.labels("refused", oauth_error_label(error)).inc()
        return response

    async def introspect(self, request: Request) -> JSONResponse:
        """``POST /oauth/introspect`` (RFC 7662)."""
        return await self._run(
            request,
            INTROSPECTION_PATH,
            lambda r: self.create_endpoint_response(HubIntrospection.ENDPOINT_NAME, r),
        )

    async def revoke(self, request: Request) -> JSONResponse:
        """``POST /oauth/revoke`` (RFC 7009)."""
        return await self._run(
            request,
            REVOCATION_PATH,
            lambda r: self.create_endpoint_response(HubRevocation.ENDPOINT_NAME, r),
        )

    def metadata(self) -> dict[str, Any]:
        """RFC 8414 authorization server metadata."""
        issuer = self.settings.issuer
        methods = [*SECRET_METHODS, KEY_METHOD]
        return {
            "issuer": issuer,
            "token_endpoint": issuer + TOKEN_PATH,
            "jwks_uri": issuer + "/.well-known/jwks.json",
            "introspection_endpoint": issuer + INTROSPECTION_PATH,
            "revocation_endpoint": issuer + REVOCATION_PATH,
            "registration_endpoint": issuer + REGISTRATION_PATH,
            "grant_types_supported": ["client_credentials"],
            "response_types_supported": [],
            "scopes_supported": list(SCOPES),
            "token_endpoint_auth_methods_supported": methods,
            "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256", "PS256"],
            "introspection_endpoint_auth_methods_supported": methods,
            "revocation_endpoint_auth_methods_supported": methods,
            "service_documentation": issuer + "/graphql",
        }
