"""The client registry: who may ask the hub for tokens, and how they prove who they are."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.client_secrets import check_secret, hash_secret, new_secret
from hub.auth.models import OAuthClient
from hub.auth.purposes import InvalidPurpose, parse_registration
from hub.auth.scopes import parse_scopes
from hub.auth.tiers import TIERS
from hub.canonical import identifiers
from hub.canonical.codes import REGIONS
from hub.errors import BadUserInput, NotFound

SECRET_METHODS = ("client_secret_basic", "client_secret_post")
KEY_METHOD = "private_key_jwt"
_AGENCY = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


@dataclass(frozen=True, slots=True)
class RegisteredClient(ClientMixin):  # type: ignore[misc]
    """A client as authlib needs it: the row's facts and the checks on them."""

    client_id: str
    name: str
    agency: str
    scopes: tuple[str, ...]
    region: str | None
    tier: str
    uscc: str | None
    secret_hash: str | None
    jwks: dict[str, Any] | None
    trusted_documents_only: bool
    purposes: tuple[str, ...] = ()
    """The purposes of use it may state (codes of standards/codes/purpose_of_use.csv)."""

    @classmethod
    def of(cls, row: OAuthClient) -> RegisteredClient:
        """The client of a registry row."""
        return cls(
            client_id=row.client_id,
            name=row.name,
            agency=row.agency,
            scopes=tuple(row.scopes),
            region=row.region_code,
            tier=row.tier,
            uscc=row.uscc,
            secret_hash=row.secret_hash,
            jwks=row.jwks,
            trusted_documents_only=row.trusted_documents_only,
            purposes=tuple(row.purposes or ()),
        )

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None  # client credentials only: nothing is redirected

    def get_allowed_scope(self, scope: str | None) -> str:
        # No scope asked for means every scope the client holds (RFC 6749 §3.3 default).
        if not scope:
            return " ".join(self.scopes)
        return " ".join(s for s in scope.split() if s in self.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret_hash is not None and check_secret(client_secret, self.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if method in SECRET_METHODS:
            return self.secret_hash is not None
        return method == KEY_METHOD and self.jwks is not None

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"

    def public_keys(self) -> KeySet:
        """The client's registered public keys, for private_key_jwt assertions."""
        return KeySet.import_key_set(self.jwks or {"keys": []})  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class NewClient:
    """What ``add`` made: the row, and the secret — shown once, never stored in clear."""

    row: OAuthClient
    secret: str | None


def new_client_id(agency: str) -> str:
    """A fresh client id: the agency code and 12 random hex digits."""
    return f"{agency}-{secrets.token_hex(6)}"


@dataclass(frozen=True, slots=True)
class Registration:
    """How a client registered itself (RFC 7591): contacts, the terms it accepted, from where."""

    contacts: tuple[str, ...]
    terms: str
    address: str


def _region(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in REGIONS:
        raise BadUserInput(f"region: {value!r} is not a Jiangsu division code", field="region")
    return value


def _uscc(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return identifiers.uscc(value, "uscc")
    except identifiers.InvalidIdentifier as exc:
        raise BadUserInput(str(exc), field="uscc") from None


def _jwks(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        key_set = KeySet.import_key_set(value)  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise BadUserInput(f"jwks: not a JSON Web Key Set ({exc})", field="jwks") from None
    if not key_set.keys:
        raise BadUserInput("jwks: the key set holds no key", field="jwks")
    if any(key.is_private for key in key_set.keys):
        raise BadUserInput("jwks: give public keys only, never the private key", field="jwks")
    return dict(key_set.as_dict(private=False))


async def add(
    session: AsyncSession,
    *,
    name: str,
    agency: str,
    scopes: str,
    region: str | None = None,
    tier: str = "partner",
    jwks: dict[str, Any] | None = None,
    trusted_documents_only: bool = False,
    uscc: str | None = None,
    purposes: str = "",
    client_id: str | None = None,
    secret: str | None = None,
    registration: Registration | None = None,
) -> NewClient:
    """Register a client; with ``jwks`` it authenticates by private_key_jwt, else by secret.

    ``purposes`` (``CODE,CODE``) are the purposes of use it may state when it reads personal
    data; a client registered with none reads no personal data. ``client_id`` and ``secret``
    are made here unless given (RFC 7591 registration makes them first); ``registration``
    records a self-registration.
    """
    if not _AGENCY.match(agency):
        raise BadUserInput(f"agency: {agency!r} must be a lower-case code like public_security")
    if not name.strip():
        raise BadUserInput("name: give the client a name", field="name")
    if tier not in TIERS:
        raise BadUserInput(f"tier: {tier!r} is not one of {sorted(TIERS)}", field="tier")
    try:
        granted = parse_scopes(scopes)
    except ValueError as exc:
        raise BadUserInput(f"scopes: {exc}", field="scopes") from None
    try:
        stated = parse_registration(purposes)
    except InvalidPurpose as exc:
        raise BadUserInput(str(exc), field="purposes") from None
    keys = _jwks(jwks)
    if keys is not None:
        secret = None
    elif secret is None:
        secret = new_secret()
    row = OAuthClient(
        client_id=client_id or new_client_id(agency),
        name=name.strip(),
        agency=agency,
        scopes=granted,
        region_code=_region(region),
        tier=tier,
        uscc=_uscc(uscc),
        secret_hash=None if secret is None else hash_secret(secret),
        jwks=keys,
        trusted_documents_only=trusted_documents_only,
        purposes=list(stated),
        disabled=False,
        created_at=dt.datetime.now(dt.UTC),
        contacts=None if registration is None else list(registration.contacts),
        terms_accepted=None if registration is None else registration.terms,
        registered_from=None if registration is None else registration.address,
    )
    session.add(row)
    await session.flush()
    return NewClient(row=row, secret=secret)


async def listed(session: AsyncSession, *, self_registered: bool = False) -> list[OAuthClient]:
    """Every registered client (or only the self-registered ones), oldest first."""
    statement = select(OAuthClient).order_by(OAuthClient.id)
    if self_registered:
        statement = statement.where(OAuthClient.terms_accepted.is_not(None))
    return list((await session.scalars(statement)).all())


async def _row(session: AsyncSession, client_id: str) -> OAuthClient:
    row = await session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    if row is None:
        raise NotFound(f"no client {client_id!r}")
    return row


async def disable(session: AsyncSession, client_id: str) -> None:
    """Stop a client from getting tokens (tokens it holds expire or can be revoked)."""
    (await _row(session, client_id)).disabled = True


async def rotate_secret(session: AsyncSession, client_id: str) -> str:
    """A new secret for a secret-authenticated client; the old one stops working at once."""
    row = await _row(session, client_id)
    if row.secret_hash is None:
        raise BadUserInput(f"{client_id} authenticates with private_key_jwt: it has no secret")
    secret = new_secret()
    row.secret_hash = hash_secret(secret)
    row.secret_rotated_at = dt.datetime.now(dt.UTC)
    return secret


async def find(session: AsyncSession, client_id: str) -> RegisteredClient | None:
    """The enabled client with this id, or None."""
    row = await session.scalar(
        select(OAuthClient).where(
            OAuthClient.client_id == client_id, OAuthClient.disabled.is_(False)
        )
    )
    return None if row is None else RegisteredClient.of(row)
