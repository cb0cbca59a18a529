"""How an HTTP route outside GraphQL answers: who sent a request, and errors as JSON.

Shared by the exchange routes (``hub.exchange``) and the evidence upload and case-file routes
(``hub.api.enforcement``): a client authenticates there exactly as at ``/graphql``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.auth.gate import BadRequest, Gate, unauthorized
from hub.auth.principal import Principal
from hub.auth.tokens import InvalidToken


def error(status: int, code: str, message: str) -> JSONResponse:
    """A JSON error: a code a program can branch on and a message a person can act on."""
    return JSONResponse({"error": code, "message": message}, status_code=status)


async def authenticate(gate: Gate, request: Request) -> Principal | Response:
    """The request's principal (anonymous without a token), or the answer refusing its token."""
    try:
        return await gate.principal(request.headers)
    except InvalidToken as exc:
        return unauthorized(exc.description)
    except BadRequest as exc:
        return error(400, "bad_request", str(exc))


async def client_with(gate: Gate, request: Request, scope: str | None) -> Principal | Response:
    """The authenticated client of a request holding ``scope``, or the answer refusing it.

    No token: 401 with a ``WWW-Authenticate: Bearer`` challenge, without an error code (RFC
    6750 §3.1: the request carried no credentials to be wrong). A client without the scope: 403.
    """
    principal = await authenticate(gate, request)
    if isinstance(principal, Response):
        return principal
    if principal.is_anonymous:
        answer = error(401, "unauthenticated", "this needs an access token (Authorization: Bearer)")
        answer.headers["WWW-Authenticate"] = 'Bearer realm="hub"'
        return answer
    if scope is not None and not principal.has(scope):
        return error(403, "insufficient_scope", f"this needs scope {scope}")
    return principal
