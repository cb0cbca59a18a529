"""Signed checkpoints of the audit chain's head, kept outside the database.

The hash chain shows an edited, removed or inserted entry, but not entries cut from the end
when the head row is moved back with them: the shorter chain is itself intact. So the head —
seq, hash, time — is written as one line of a file (``HUB_AUDIT_CHECKPOINT_PATH``), each line
signed with a key derived from the key-encryption key: by the request that appended, once its
entry is committed and before its answer leaves (so no personal data is released whose entry a
cut could hide), and besides every ``HUB_AUDIT_CHECKPOINT_SECONDS`` and when a worker stops, in
case a write failed. ``hub audit verify`` then holds the log to the newest
checkpoint: a log that ends before it, or differs at it, was cut or rewritten. Someone with the
database alone can neither remove the evidence nor write a checkpoint that matches a cut log.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.audit.log import HEAD_ID
from hub.audit.models import AuditHead
from hub.errors import HubError
from hub.sealing import KeyEncryptionKey

log = logging.getLogger("hub.audit")

PURPOSE = "audit checkpoint"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head as a worker saw it at ``at``: entry ``seq`` has hash ``hash``."""

    seq: int
    hash: str
    at: str


@dataclass(frozen=True, slots=True)
class Reading:
    """What a checkpoint file says: its newest sound checkpoint, and every unsound line."""

    newest: Checkpoint | None
    problems: list[str]


class Checkpoints:
    """The checkpoint file at ``path``, signed and checked with ``kek``."""

    def __init__(self, path: Path, kek: KeyEncryptionKey) -> None:
        self.path = path
        self._kek = kek

    def _mac(self, checkpoint: Checkpoint) -> str:
        fields = {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at}
        return self._kek.mac(PURPOSE, json.dumps(fields, sort_keys=True).encode())

    def _line(self, checkpoint: Checkpoint) -> str:
        signed = {
            "seq": checkpoint.seq,
            "hash": checkpoint.hash,
            "at": checkpoint.at,
            "kek": self._kek.fingerprint,
            "mac": self._mac(checkpoint),
        }
        return json.dumps(signed, sort_keys=True, separators=(",", ":")) + "\n"

    def write(self, checkpoint: Checkpoint) -> None:
        """Append one signed line (one ``write`` of an ``O_APPEND`` file: workers don't mix)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, self._line(checkpoint).encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def read(self) -> Reading:
        """The newest checkpoint whose signature holds; each other line is named as a problem."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return Reading(None, [])
        newest: Checkpoint | None = None
        problems = []
        for number, line in enumerate(lines, start=1):
            checkpoint, problem = self._parse(line)
            if problem is not None:
                problems.append(f"checkpoint {self.path}:{number}: {problem}")
            elif checkpoint is not None and (newest is None or checkpoint.seq > newest.seq):
                newest = checkpoint
        return Reading(newest, problems)

    def _parse(self, line: str) -> tuple[Checkpoint | None, str | None]:
        try:
            fields = json.loads(line)
            checkpoint = Checkpoint(int(fields["seq"]), str(fields["hash"]), str(fields["at"]))
            kek, mac = str(fields["kek"]), str(fields["mac"])
        except (ValueError, KeyError, TypeError):
            return None, "not a checkpoint line"
        if kek != self._kek.fingerprint:
            return None, (
                f"signed under key-encryption key {kek}, not the configured "
                f"{self._kek.fingerprint} (`hub keys rewrap` re-signs checkpoints)"
            )
        if not hmac.compare_digest(mac, self._mac(checkpoint)):
            return None, "signature does not match: the line was edited"
        return checkpoint, None

    def resign(self, old: KeyEncryptionKey) -> int:
        """Re-sign every line ``old`` signed under this KEK; returns how many lines."""
        previous = Checkpoints(self.path, old)
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return 0
        kept = []
        for line in lines:
            checkpoint, problem = previous._parse(line)
            if checkpoint is not None:
                kept.append(self._line(checkpoint))
            elif self._parse(line)[0] is not None:
                kept.append(line + "\n")
            else:
                raise HubError(f"checkpoint {self.path}: {problem}; not re-signing it")
        draft = self.path.with_name(self.path.name + ".rewrap")
        draft.write_text("".join(kept), encoding="utf-8")
        draft.chmod(0o600)
        draft.replace(self.path)
        return len(kept)


class Checkpointer:
    """Writes the head of the chain to the checkpoint file whenever it has moved."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], checkpoints: Checkpoints):
        self._sessions = sessions
        self._checkpoints = checkpoints
        self._written: int | None = None
        # Requests that appended at once take turns: the one behind reads the head after the
        # first one's write, so one line covers every append committed meanwhile.
        self._turn = asyncio.Lock()

    async def write_if_moved(self) -> Checkpoint | None:
        """Checkpoint the committed head unless this process already wrote that seq."""
        async with self._turn:
            return await self._write_if_moved()

    async def _write_if_moved(self) -> Checkpoint | None:
        async with self._sessions() as session:
            head = (
                await session.execute(
                    select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)
                )
            ).one_or_none()
        if head is None or head.seq == self._written:
            return None
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        checkpoint = Checkpoint(head.seq, head.hash, at)
        await asyncio.to_thread(self._checkpoints.write, checkpoint)
        self._written = head.seq
        return checkpoint

    async def run(self, stop: asyncio.Event, every: float) -> None:
        """Checkpoint every ``every`` seconds until ``stop``, and once more on the way out."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
            try:
                await self.write_if_moved()
            except Exception:  # an outage must not end checkpointing: try again next time
                log.exception("audit checkpoint not written")
            if stop.is_set():
                return
