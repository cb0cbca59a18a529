"""The hub's token signing keys: one active, older ones published until their tokens expire.

Keys live in the database so every worker process and every instance signs and verifies with
the same set; each process keeps them in memory and re-reads them when it meets an unknown
``kid`` (a key rotated in by another process) or after ``REFRESH_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any

from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.auth.models import SigningKey

ALGORITHM = "RS256"
REFRESH_SECONDS = 60.0
LEEWAY = dt.timedelta(minutes=5)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_key_row() -> SigningKey:
    """A fresh 2048-bit RSA signing key with a random ``kid``."""
    kid = f"hub-{_now():%Y%m%d}-{secrets.token_hex(4)}"
    key = RSAKey.generate_key(
        2048, parameters={"kid": kid, "use": "sig", "alg": ALGORITHM}, private=True
    )
    return SigningKey(kid=kid, private_jwk=key.as_dict(private=True), created_at=_now())


async def rotate(session: AsyncSession) -> str:
    """Retire the active key(s) and make a new one active; returns the new ``kid``.

    Retired keys stay published for one token lifetime (see :meth:`KeyStore.refresh`), so
    tokens they signed keep working until they expire.
    """
    now = _now()
    for row in await session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
        row.retired_at = now
    row = new_key_row()
    session.add(row)
    return row.kid


class KeyStore:
    """The keys of this process: the one to sign with, and the set to verify against."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], token_ttl: int) -> None:
        self._sessions = sessions
        self._token_ttl = dt.timedelta(seconds=token_ttl)
        self._signing: KeySet | None = None
        self._public: KeySet = KeySet([])
        self._loaded_at = 0.0

    async def ensure_active(self) -> None:
        """Create the first signing key if the hub has none, then load the keys."""
        async with self._sessions() as session, session.begin():
            active = await session.scalar(
                select(SigningKey.kid).where(SigningKey.retired_at.is_(None)).limit(1)
            )
            if active is None:
                session.add(new_key_row())
        await self.refresh()

    async def refresh(self) -> None:
        """Re-read the published keys: the active ones and those retired within a token life."""
        cutoff = _now() - self._token_ttl - LEEWAY
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(SigningKey)
                    .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > cutoff))
                    .order_by(SigningKey.created_at)
                )
            ).all()
        keys: list[Any] = [RSAKey.import_key(row.private_jwk) for row in rows]
        active = [key for key, row in zip(keys, rows, strict=True) if row.retired_at is None]
        # The newest active key signs; two actives only happen when processes raced at start.
        self._signing = KeySet(active[-1:]) if active else None
        self._public = KeySet([RSAKey.import_key(key.as_dict(private=False)) for key in keys])
        self._loaded_at = time.monotonic()

    async def current(self) -> None:
        """Refresh when the keys are older than ``REFRESH_SECONDS``."""
        if time.monotonic() - self._loaded_at > REFRESH_SECONDS:
            await self.refresh()

    def signing_keys(self) -> KeySet:
        """The key set holding the one key new tokens are signed with."""
        if self._signing is None:
            raise RuntimeError("no active signing key: run `hub keys rotate`")
        return self._signing

    def public_keys(self) -> KeySet:
        """Every published public key (the JWKS)."""
        return self._public

    def knows(self, kid: str) -> bool:
        """Whether ``kid`` is among the published keys."""
        return any(key.kid == kid for key in self._public.keys)

    def jwks(self) -> dict[str, object]:
        """The JSON Web Key Set document for ``/.well-known/jwks.json``."""
        return dict(self._public.as_dict(private=False))
