"""What every exchange route does with a request: who sent it, its body within a limit, errors."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.auth.gate import BadRequest, Gate, unauthorized
from hub.auth.principal import Principal
from hub.auth.tokens import InvalidToken


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it passes ``limit`` bytes (never read in whole)."""
    if int(request.headers.get("content-length") or 0) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


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
