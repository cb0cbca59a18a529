"""Self-registration for the open tier: RFC 7591 dynamic client registration (authlib's
``ClientRegistrationEndpoint``), at ``POST /oauth/register``.

A startup posts its name, its contacts and that it accepts the open-data terms; it gets a
client id and secret at once, for the ``opendata`` scope and the open tier's limits — never
more. Each source address may register a few clients a day (429 past that), and every
registration is listed (``hub clients list --self-registered``) and can be revoked
(``hub clients disable``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import anyio
from anyio import from_thread
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749.requests import JsonPayload, JsonRequest
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint, InvalidClientMetadataError
from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.auth import clients
from hub.auth.client_secrets import new_secret
from hub.auth.scopes import OPEN_DATA
from hub.auth.tiers import TIERS
from hub.ratelimit import Quota, RateLimiter

REGISTRATION_PATH = "/oauth/register"
AGENCY = "startup"
"""The agency code of self-registered clients (their ids start with it)."""
TERMS = "jiangsu-open-data-terms-1.0"
"""The terms a registration accepts: the datasets' licence (attribution), the open tier's
limits, no attempt to re-identify de-identified people. Recorded with the client."""
REGISTRATIONS_PER_ADDRESS = Quota(rate=5 / 86_400, burst=5)
"""Five registrations from one address, then one more every 4.8 hours."""
MAX_BODY_BYTES = 16 * 1024
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[A-Za-z]{2,}$")
_KNOWN = {
    "client_name", "contacts", "terms_accepted", "scope", "grant_types",
    "token_endpoint_auth_method", "response_types", "client_uri", "software_id",
    "software_version",
}  # fmt: skip


class _Body(JsonPayload):  # type: ignore[misc]
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    @property
    def data(self) -> dict[str, Any]:
        return self._data


class RegistrationRequest(JsonRequest):  # type: ignore[misc]
    """A registration's JSON body as authlib reads it, and the address it came from."""

    def __init__(self, uri: str, headers: Any, data: dict[str, Any], address: str) -> None:
        super().__init__("POST", uri, headers)
        self.payload = _Body(data)
        self.address = address


def _metadata_error(field: str, problem: str) -> InvalidClientMetadataError:
    return InvalidClientMetadataError(f"{field}: {problem}")


def validated(data: dict[str, Any]) -> dict[str, Any]:
    """The client metadata of an open-tier registration, each field checked and named."""
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise _metadata_error(
            unknown[0], f"not a field this hub registers (known: {sorted(_KNOWN)})"
        )
    name = data.get("client_name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise _metadata_error("client_name", "required: the startup's name, 1 to 200 characters")
    contacts = data.get("contacts")
    if (
        not isinstance(contacts, list)
        or not 1 <= len(contacts) <= 5
        or not all(isinstance(c, str) and _EMAIL.match(c) for c in contacts)
    ):
        raise _metadata_error("contacts", "required: 1 to 5 e-mail addresses to reach you")
    if data.get("terms_accepted") is not True:
        raise _metadata_error("terms_accepted", f"required: true, accepting the terms {TERMS}")
    scope = data.get("scope", OPEN_DATA)
    if scope != OPEN_DATA:
        raise _metadata_error("scope", f"self-registered clients get {OPEN_DATA!r} only")
    grants = data.get("grant_types", ["client_credentials"])
    if grants != ["client_credentials"]:
        raise _metadata_error("grant_types", "only ['client_credentials']")
    if data.get("response_types", []) != []:
        raise _metadata_error("response_types", "none: there is no authorization endpoint")
    method = data.get("token_endpoint_auth_method", "client_secret_basic")
    if method not in clients.SECRET_METHODS:
        raise _metadata_error("token_endpoint_auth_method", f"one of {clients.SECRET_METHODS}")
    return {
        "client_name": name.strip(),
        "contacts": contacts,
        "scope": OPEN_DATA,
        "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": method,
        "terms_accepted": TERMS,
    }


class OpenRegistration(ClientRegistrationEndpoint):  # type: ignore[misc]
    """authlib's RFC 7591 endpoint, for the open tier: anyone may register, within limits."""

    def __init__(self, server: Any) -> None:
        super().__init__(server=server)
        self._server = server

    def authenticate_token(self, request: RegistrationRequest) -> str:
        return "open"  # open registration: no initial access token (RFC 7591 §3)

    def extract_client_metadata(self, request: RegistrationRequest) -> dict[str, Any]:
        return validated(request.payload.data)

    def generate_client_id(self, request: RegistrationRequest) -> str:
        return clients.new_client_id(AGENCY)

    def generate_client_secret(self, request: RegistrationRequest) -> str:
        return new_secret()

    def get_server_metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = self._server.metadata()
        return metadata

    def save_client(
        self, client_info: dict[str, Any], client_metadata: dict[str, Any], request: Any
    ) -> Any:
        return from_thread.run(self._save, client_info, client_metadata, request.address)

    async def _save(self, info: dict[str, Any], metadata: dict[str, Any], address: str) -> Any:
        async with self._server.sessions() as session, session.begin():
            made = await clients.add(
                session,
                name=metadata["client_name"],
                agency=AGENCY,
                scopes=OPEN_DATA,
                tier="open",
                client_id=info["client_id"],
                secret=info["client_secret"],
                registration=clients.Registration(
                    contacts=tuple(metadata["contacts"]), terms=TERMS, address=address
                ),
            )
        return made.row

    def generate_client_registration_info(self, client: Any, request: Any) -> dict[str, Any]:
        tier = TIERS["open"]
        return {
            "tier": tier.name,
            "limits": {
                "max_depth": tier.max_depth,
                "max_cost": tier.max_cost,
                "max_page_size": tier.max_page_size,
                "requests_per_second": tier.rate,
                "burst": tier.burst,
            },
        }


def _error(status: int, error: str, description: str, **headers: str) -> JSONResponse:
    body = {"error": error, "error_description": description}
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store", **headers})


async def register(request: Request, server: Any, limiter: RateLimiter) -> JSONResponse:
    """``POST /oauth/register``: rate-limited per source address, then authlib's endpoint."""
    address = (request.client.host if request.client else None) or "unknown"
    decision = await limiter.take(f"register:{address}", REGISTRATIONS_PER_ADDRESS)
    if not decision.allowed:
        return _error(
            429,
            "too_many_requests",
            f"too many registrations from this address: retry after {decision.retry_after} s",
            **decision.headers(),
        )
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "invalid_request", f"the body is over {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _error(400, InvalidRequestError.error, f"the body is not JSON ({exc.args[0]})")
    if not isinstance(data, dict):
        return _error(400, InvalidClientMetadataError.error, "the body must be a JSON object")
    oauth_request = RegistrationRequest(
        server.settings.issuer + REGISTRATION_PATH, request.headers, data, address
    )
    response: JSONResponse = await anyio.to_thread.run_sync(
        server.create_endpoint_response, OpenRegistration.ENDPOINT_NAME, oauth_request
    )
    response.headers["Cache-Control"] = "no-store"
    return response
