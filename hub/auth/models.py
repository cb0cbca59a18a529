"""Rows of registered OAuth clients and of the hub's token signing keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime


class OAuthClient(Base):
    """A registered client: a partner agency's system, a startup, a portal."""

    __tablename__ = "oauth_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    region_code: Mapped[str | None] = mapped_column(String(6))
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    """The organisation the client acts for (a carrier, terminal or forwarder), if one."""
    tier: Mapped[str] = mapped_column(String(16))
    # Exactly one way to authenticate: a hashed secret, or public keys for private_key_jwt.
    secret_hash: Mapped[str | None] = mapped_column(String(200))
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    trusted_documents_only: Mapped[bool] = mapped_column(default=False)
    purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The purposes of use it may state (codes of standards/codes/purpose_of_use.csv)."""
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    secret_rotated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Self-registered (RFC 7591) open-data clients: who to reach, which terms they accepted,
    # and the address they registered from.
    contacts: Mapped[list[str] | None] = mapped_column(JSON)
    terms_accepted: Mapped[str | None] = mapped_column(String(64))
    registered_from: Mapped[str | None] = mapped_column(String(64))


class SigningKey(Base):
    """A key the hub signs access tokens with; published in the JWKS while tokens may use it.

    The private key is stored only sealed with the key-encryption key (:mod:`hub.sealing`),
    and only while the key is active: a retired key needs nothing but its public half, and keeps
    in ``sealed_private`` a seal of nothing that authenticates its row (:mod:`hub.auth.keys`).
    """

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    sealed_private: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_by: Mapped[str | None] = mapped_column(String(16))
    """The fingerprint of the key-encryption key that sealed ``sealed_private``."""
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
