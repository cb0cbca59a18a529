"""The hub's token signing keys: one active, retired ones published until their tokens expire.

Keys live in the database so every worker process and every instance signs and verifies with
the same set; the private half is stored only sealed with the key-encryption key
(:mod:`hub.sealing`) and only while the key is active. Every row is authenticated: its seal's
associated data is the row itself (kid, algorithm, public key, created, retired), and a retired
key keeps a seal of nothing for that alone. So someone who can write ``signing_keys`` but has
not the KEK can neither add a public key the hub verifies with, nor swap, revive or prolong
one: a row that does not match its seal is neither used nor published.

Each process keeps the keys in memory and, at most once every ``CHECK_SECONDS`` before it
signs or verifies, asks the database which key is active: one indexed single-row query. When
the answer differs (``hub keys rotate`` ran, in any process), it reloads, so a rotation reaches
every worker within about a second, without a restart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.auth.models import SigningKey
from hub.ratelimit import Clock
from hub.sealing import KeyEncryptionKey, SealError

log = logging.getLogger("hub.auth")

ALGORITHM = "RS256"
CHECK_SECONDS = 1.0
"""How stale a worker's idea of the active key may get: it signs with nothing older."""
LEEWAY = dt.timedelta(minutes=5)
"""Kept past a retired key's last possible token expiry: clock skew between hosts."""

WallClock = Callable[[], dt.datetime]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _legacy_context(kid: str) -> str:
    # Before rows were authenticated, a seal was bound to the kid alone.
    return f"signing key {kid}"


def _instant(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _context(row: SigningKey) -> str:
    """What a row's seal is bound to: the whole row but the seal, so an edit breaks the tag."""
    bound = {
        "kid": row.kid,
        "alg": ALGORITHM,
        "public_jwk": row.public_jwk,
        "created_at": _instant(row.created_at),
        "retired_at": _instant(row.retired_at),
    }
    return f"signing key {json.dumps(bound, sort_keys=True, separators=(',', ':'))}"


def _seal(row: SigningKey, kek: KeyEncryptionKey, private: bytes | None) -> None:
    """Seal ``private`` (nothing, for a retired key) to the row as it now is."""
    row.sealed_private = kek.seal(private or b"", _context(row))
    row.sealed_by = kek.fingerprint


def opened(row: SigningKey, kek: KeyEncryptionKey) -> bytes | None:
    """What the row's seal holds (the private JWK; ``b""`` once retired), or None when the row
    does not match its seal: unsealed, edited, or inserted by someone without the KEK.

    A row sealed under another KEK is a configuration error, raised (``SealError``).
    """
    if row.sealed_private is None:
        return None
    try:
        plain = kek.open(
            row.sealed_private, _context(row), row.sealed_by or "(none)", f"signing key {row.kid}"
        )
    except SealError:
        if row.sealed_by == kek.fingerprint:
            return None  # the tag: the row changed since it was sealed
        raise
    if row.retired_at is None and not plain:
        return None  # a retired key's seal of nothing cannot make it active again
    return plain


def new_key_row(kek: KeyEncryptionKey, now: dt.datetime) -> SigningKey:
    """A fresh 2048-bit RSA signing key with a random ``kid``, its private half sealed."""
    kid = f"hub-{now:%Y%m%d}-{secrets.token_hex(4)}"
    key = RSAKey.generate_key(
        2048, parameters={"kid": kid, "use": "sig", "alg": ALGORITHM}, private=True
    )
    row = SigningKey(kid=kid, public_jwk=key.as_dict(private=False), created_at=now)
    _seal(row, kek, json.dumps(key.as_dict(private=True), sort_keys=True).encode())
    return row


def _newest_active() -> Any:
    return (
        select(SigningKey.kid)
        .where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc(), SigningKey.kid.desc())
        .limit(1)
    )


async def rotate(
    session: AsyncSession, kek: KeyEncryptionKey, *, now: dt.datetime | None = None
) -> str:
    """Retire the active key(s) and make a new one active; returns the new ``kid``.

    A retired key loses its private half at once (nothing signs with it any more); its public
    half stays published until every token it signed has expired (:meth:`KeyStore.refresh`).
    """
    at = now or _now()
    for row in await session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
        authentic = opened(row, kek) is not None
        row.retired_at = at
        if authentic:
            _seal(row, kek, None)
        else:  # never vouch for a row nobody with the KEK wrote: it stays unpublished
            row.sealed_private = row.sealed_by = None
    row = new_key_row(kek, at)
    session.add(row)
    return row.kid


async def rewrap(session: AsyncSession, old: KeyEncryptionKey, new: KeyEncryptionKey) -> int:
    """Re-seal every stored key sealed by ``old`` under ``new``; returns how many.

    Keys already sealed by ``new`` are left alone, so running it twice is harmless; a row that
    does not match its seal is named, not re-sealed.
    """
    if (
        await session.scalar(
            select(SigningKey.kid).where(SigningKey.sealed_by == new.fingerprint).limit(1)
        )
        is None
    ):  # not rewrapped yet: the rows may still be sealed the way before authentication
        await authenticate_legacy_rows(session, old)
    moved = 0
    rows = await session.scalars(select(SigningKey).where(SigningKey.sealed_private.is_not(None)))
    for row in rows:
        if row.sealed_by == new.fingerprint:
            continue
        plain = opened(row, old)
        if plain is None:
            raise SealError(
                f"signing key {row.kid}: the row does not match its seal; not re-sealing"
            )
        _seal(row, new, plain or None)
        moved += 1
    return moved


async def authenticate_legacy_rows(session: AsyncSession, kek: KeyEncryptionKey) -> list[str]:
    """Bring the rows of a hub that sealed the private key alone under row authentication.

    Runs while no row is sealed the new way yet (the first start of this version), so it cannot
    be used later to vouch for an inserted row. A legacy active key is re-sealed after its old
    seal opened (it vouches for the kid and the private key; the public half is derived from the
    latter); a legacy retired key, stored with its public half only, is sealed as found, so the
    tokens it signed keep verifying until they expire. Returns the kids it sealed.
    """
    rows = list(await session.scalars(select(SigningKey)))
    if any(opened(row, kek) is not None for row in rows):
        return []
    sealed = []
    for row in rows:
        if row.sealed_private is None:
            if row.retired_at is None:
                continue  # an active key without its private half signs nothing anyway
            _seal(row, kek, None)
        else:
            try:
                plain = kek.open(
                    row.sealed_private, _legacy_context(row.kid), row.sealed_by or "(none)"
                )
            except SealError:
                if row.sealed_by != kek.fingerprint:
                    raise
                continue  # neither seal opens: left unused, named by KeyStore.refresh
            private = RSAKey.import_key(json.loads(plain))
            row.public_jwk = private.as_dict(private=False)
            _seal(row, kek, None if row.retired_at else plain)
        sealed.append(row.kid)
    return sealed


class KeyStore:
    """The keys of this process: the one to sign with, and the set to verify against.

    ``clock`` (monotonic seconds) paces the checks for a rotated key; ``now`` (wall time)
    decides when a retired key stops being published. Tests inject both.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        token_ttl: int,
        kek: KeyEncryptionKey,
        *,
        clock: Clock = time.monotonic,
        now: WallClock = _now,
    ) -> None:
        self._sessions = sessions
        # A worker may sign with a retired key for up to CHECK_SECONDS after the rotation, and
        # each such token lives token_ttl; LEEWAY covers clocks that disagree.
        self._published_for = dt.timedelta(seconds=CHECK_SECONDS + token_ttl) + LEEWAY
        self._kek = kek
        self._clock = clock
        self._now = now
        self._signing: KeySet | None = None
        self._public: KeySet = KeySet([])
        self._active_kid: str | None = None
        self._listed_kid: str | None = None
        """The newest active kid in the database at the last refresh, trusted or not."""
        self._checked_at = -float("inf")
        self._next_drop_at: dt.datetime | None = None

    async def ensure_active(self) -> None:
        """Create the first signing key if the hub has none, then load the keys."""
        async with self._sessions() as session, session.begin():
            for kid in await authenticate_legacy_rows(session, self._kek):
                log.warning("signing key %s: sealed to its row (upgrade from unbound seals)", kid)
            active = await session.scalars(
                select(SigningKey).where(SigningKey.retired_at.is_(None))
            )
            if not any(opened(row, self._kek) for row in active):
                session.add(new_key_row(self._kek, self._now()))
        await self.refresh()

    def published_until(self, retired_at: dt.datetime) -> dt.datetime:
        """When a key retired at ``retired_at`` leaves the JWKS: its last token has expired."""
        return retired_at + self._published_for

    async def refresh(self) -> None:
        """Re-read the keys: the active ones and the retired ones whose tokens may be valid."""
        cutoff = self._now() - self._published_for
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(SigningKey)
                    .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > cutoff))
                    .order_by(SigningKey.created_at.desc(), SigningKey.kid.desc())
                )
            ).all()
        # A row that fails its seal must not make every check reload: remember it was seen.
        self._listed_kid = next((row.kid for row in rows if row.retired_at is None), None)
        sealed: dict[str, bytes] = {}
        for row in rows:
            plain = opened(row, self._kek)
            if plain is None:
                log.error(
                    "signing key %s does not match its seal (edited or inserted in the "
                    "database): neither used nor published",
                    row.kid,
                )
            else:
                sealed[row.kid] = plain
        rows = [row for row in rows if row.kid in sealed]
        active = [row for row in rows if row.retired_at is None]
        # The newest active key signs; two actives only happen when processes raced at start.
        newest = active[0] if active else None
        if newest is None:
            self._signing = None
        elif newest.kid != self._active_kid or self._signing is None:
            # Loading an RSA private key checks it: a few hundred ms, kept off the event loop.
            private = sealed[newest.kid]
            self._signing = KeySet([await asyncio.to_thread(self._private_key, newest, private)])
        self._active_kid = newest.kid if newest else None
        self._public = KeySet([RSAKey.import_key(row.public_jwk) for row in rows])
        retired = [self.published_until(row.retired_at) for row in rows if row.retired_at]
        self._next_drop_at = min(retired, default=None)
        self._checked_at = self._clock()

    @staticmethod
    def _private_key(row: SigningKey, private: bytes) -> RSAKey:
        key = RSAKey.import_key(json.loads(private))
        if key.as_dict(private=False) != row.public_jwk:  # sealed together: only a bug differs
            raise RuntimeError(f"signing key {row.kid}: its public half is not its private's")
        return key

    async def current(self) -> None:
        """Pick up a rotation (checked at most every ``CHECK_SECONDS``) or an expired key."""
        if self._next_drop_at is not None and self._now() >= self._next_drop_at:
            await self.refresh()
        elif self._clock() - self._checked_at >= CHECK_SECONDS:
            await self.check()

    async def check(self) -> None:
        """Ask the database which key is active (one row); reload if another one is."""
        self._checked_at = self._clock()
        async with self._sessions() as session:
            active = await session.scalar(_newest_active())
        if active != self._listed_kid:
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
        """The JSON Web Key Set document for ``/.well-known/jwks.json``: newest key first."""
        return dict(self._public.as_dict(private=False))
