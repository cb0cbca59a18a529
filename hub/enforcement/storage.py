"""Where evidence files are kept: content-addressed by SHA-256, behind a small interface.

An upload is written to a temporary file as it arrives, hashed on the way, and only then
moved to its address (``<root>/ab/cd/<sha256>``); a file already there is not written twice.
An upload that is refused (too large, not a photo or video) is discarded without a trace.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Protocol

from hub.config import Settings


class Upload(Protocol):
    """A file being received: written piece by piece, then kept or discarded."""

    size: int

    def write(self, chunk: bytes) -> None:
        """Append ``chunk``."""

    def keep(self) -> str:
        """Store the file at its address; returns its SHA-256 (hex)."""

    def discard(self) -> None:
        """Forget the file: nothing of it stays."""


class EvidenceStore(Protocol):
    """Content-addressed storage of evidence files."""

    def begin(self) -> Upload:
        """Start receiving a file."""

    def has(self, sha256: str) -> bool:
        """Whether a file with this hash is stored."""

    def path(self, sha256: str) -> Path:
        """Where a stored file can be read."""


class LocalUpload:
    """An upload into a directory of :class:`LocalStore`."""

    def __init__(self, store: LocalStore) -> None:
        self.store = store
        self.size = 0
        self._hash = hashlib.sha256()
        self._temporary = store.root / "incoming" / uuid.uuid4().hex
        self._temporary.parent.mkdir(parents=True, exist_ok=True)
        self._file = self._temporary.open("wb")

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def keep(self) -> str:
        self._file.close()
        digest = self._hash.hexdigest()
        target = self.store.path(digest)
        if target.exists():
            self._temporary.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._temporary, target)
        return digest

    def discard(self) -> None:
        self._file.close()
        self._temporary.unlink(missing_ok=True)


class LocalStore:
    """Evidence files in a local directory (by default ``<data dir>/evidence``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def begin(self) -> LocalUpload:
        return LocalUpload(self)

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"{sha256!r} is not a SHA-256 in hex")
        return self.root / sha256[:2] / sha256[2:4] / sha256


def local_store(settings: Settings) -> LocalStore:
    """The hub's evidence store: ``evidence/`` under the data directory."""
    return LocalStore(settings.data_dir / "evidence")


def put(store: EvidenceStore, content: bytes) -> str:
    """Store ``content`` whole (the demo's photo); returns its SHA-256."""
    upload = store.begin()
    upload.write(content)
    return upload.keep()
