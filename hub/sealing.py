"""The key-encryption key (KEK): secrets the hub stores are sealed with it (AES-256-GCM).

The token signing keys are stored sealed, so a copy of the database (a dump, a backup) without
the KEK signs no token; the audit log's checkpoints are signed with a key derived from it, so
someone who can write the database but not the KEK cannot hide a cut audit log; and each
signing key's row is bound to its seal (:mod:`hub.auth.keys`), so it cannot add, swap or revive
a key the hub verifies with either. The KEK comes from ``HUB_KEY_ENCRYPTION_KEY`` (base64 of
32 bytes) or the file ``HUB_KEY_ENCRYPTION_KEY_FILE`` names; on the embedded SQLite default,
when neither is set, the hub generates one into ``<data dir>/key-encryption-key`` (mode 0600).
PostgreSQL deployments must set one: the database is then shared, the data dir is not.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.config import KEK_FILE_VARIABLE, KEK_VARIABLE, Settings, decode_kek
from hub.errors import ConfigError, HubError

GENERATED_NAME = "key-encryption-key"
NONCE_BYTES = 12


class SealError(HubError):
    """A sealed secret that this KEK cannot open: another KEK sealed it, or it was altered."""


@dataclass(frozen=True, slots=True)
class KeyEncryptionKey:
    """32 secret bytes and where they came from (named in every error about them)."""

    secret: bytes = field(repr=False)
    origin: str

    @property
    def fingerprint(self) -> str:
        """A public name of this KEK (16 hex digits), stored beside what it sealed."""
        return hashlib.sha256(b"hub kek id\0" + self.secret).hexdigest()[:16]

    def seal(self, plaintext: bytes, context: str) -> bytes:
        """``nonce || AES-GCM(plaintext)``, bound to ``context`` (e.g. the key's ``kid``)."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + AESGCM(self.secret).encrypt(nonce, plaintext, context.encode())

    def open(self, sealed: bytes, context: str, sealed_by: str, name: str | None = None) -> bytes:
        """The plaintext of :meth:`seal`; ``sealed_by`` is the fingerprint stored with it.

        Errors call the secret ``name`` (by default its ``context``).
        """
        name = name or context
        if sealed_by != self.fingerprint:
            raise SealError(
                f"{name} was sealed with key-encryption key {sealed_by}, but {self.origin} "
                f"holds key {self.fingerprint}: configure the KEK it was sealed with "
                "(or `hub keys rewrap --old-key-file` it under this one)"
            )
        try:
            return AESGCM(self.secret).decrypt(
                sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode()
            )
        except InvalidTag:
            raise SealError(f"{name}: the sealed bytes were altered (AES-GCM tag)") from None

    def mac(self, purpose: str, message: bytes) -> str:
        """HMAC-SHA256 (hex) of ``message`` under a key derived from this KEK for ``purpose``."""
        derived = hmac.digest(self.secret, b"hub derive\0" + purpose.encode(), "sha256")
        return hmac.new(derived, message, "sha256").hexdigest()


def new_secret() -> str:
    """A fresh KEK, base64 encoded, as ``HUB_KEY_ENCRYPTION_KEY`` or its file takes it."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def read_key_file(path: Path, variable: str) -> KeyEncryptionKey:
    """The KEK in ``path`` (base64 of 32 bytes); errors name ``variable`` and the file."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{variable}: cannot read a key from {path}: {exc}") from None
    return KeyEncryptionKey(decode_kek(text, f"{variable} ({path})"), f"{variable} ({path})")


def key_encryption_key(settings: Settings) -> KeyEncryptionKey:
    """The configured KEK; on SQLite without one, the generated file (made on first use)."""
    if settings.key_encryption_key is not None:
        return KeyEncryptionKey(settings.key_encryption_key, KEK_VARIABLE)
    if settings.key_encryption_key_file is not None:
        return read_key_file(settings.key_encryption_key_file, KEK_FILE_VARIABLE)
    if not settings.is_sqlite:
        raise ConfigError(
            f"{KEK_VARIABLE} (or {KEK_FILE_VARIABLE}) is required on PostgreSQL: the signing "
            "keys are stored encrypted with it; make one with `hub keys new-kek`"
        )
    path = settings.data_dir / GENERATED_NAME
    if not path.exists():
        _create_once(path, new_secret())
    return read_key_file(path, f"the generated key file (set {KEK_VARIABLE} to replace it)")


def _create_once(path: Path, content: str) -> None:
    """Write ``path`` unless it exists; several workers starting at once agree on one key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(content + "\n")
        # Atomic, and refused if another worker got there first: then its key is the one.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink()
