"""What every exchange route does with a request: who sent it, its body within a limit, errors."""

from __future__ import annotations

from starlette.requests import Request

from hub.auth.http import authenticate, client_with, error

__all__ = ["authenticate", "client_with", "error", "read_limited"]


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
