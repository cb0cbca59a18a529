"""The three ways documents come in — push, pull and files — all ending in the same pipeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.agency_records.inbox import FAILED, PROCESSED, RECEIVED, FeedCursor
from hub.exchange.pipeline import Exchange, Receipt
from hub.exchange.protocol import AgencyClient, DemoSubjects
from hub.exchange.validation import InvalidDocument


@dataclass
class Summary:
    """What a batch of documents came to."""

    accepted: int = 0
    duplicates: int = 0
    processed: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(where, reason) of documents refused at the door: nothing of them was stored."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(where, reason) of documents stored but failed: they are in the dead letters."""
    waiting: list[tuple[str, str]] = field(default_factory=list)
    """(where, reason) of documents stored whose processing broke: to be tried again."""

    def lines(self) -> list[str]:
        """The summary as the CLI prints it."""
        lines = [
            f"accepted {self.accepted}, duplicates {self.duplicates}, processed {self.processed}, "
            f"failed {len(self.failed)} (dead letters), refused {len(self.refused)} (not stored)"
            + (f", waiting {len(self.waiting)} (to be tried again)" if self.waiting else "")
        ]
        lines += [f"  refused {where}: {reason}" for where, reason in self.refused]
        lines += [f"  failed  {where}: {reason}" for where, reason in self.failed]
        lines += [f"  waiting {where}: {reason}" for where, reason in self.waiting]
        return lines


BATCH = 200
"""Documents taken in per transaction by files and pulls."""


async def take_in(
    exchange: Exchange, agency: str, data: bytes, via: str, where: str, summary: Summary
) -> None:
    """Receive one document and process it at once (files and pulls need no queue)."""
    await take_in_many(exchange, [(agency, data, via, where)], summary)


async def take_in_many(
    exchange: Exchange, documents: Sequence[tuple[str, bytes, str, str]], summary: Summary
) -> None:
    """Receive and process (agency, data, via, where) documents, a batch at a time."""
    outcomes = await exchange.receive_and_process_many(
        [(agency, data, via) for agency, data, via, _where in documents]
    )
    for (_agency, _data, _via, where), outcome in zip(documents, outcomes, strict=True):
        await _summarise(exchange, where, outcome, summary)


async def _summarise(
    exchange: Exchange, where: str, outcome: Receipt | InvalidDocument, summary: Summary
) -> None:
    if isinstance(outcome, InvalidDocument):
        summary.refused.append((where, outcome.reason))
        return
    receipt = outcome
    summary.duplicates += receipt.duplicate
    summary.accepted += not receipt.duplicate
    if receipt.duplicate and receipt.status == PROCESSED:
        return
    if receipt.status == PROCESSED:
        summary.processed += 1
    elif receipt.status == FAILED:
        summary.failed.append((where, await _reason(exchange, receipt.id)))
    elif receipt.status == RECEIVED:
        summary.waiting.append((where, await _reason(exchange, receipt.id)))


async def _reason(exchange: Exchange, message: int) -> str:
    from hub.agency_records.inbox import ExchangeMessage

    async with exchange.sessions() as session:
        row = await session.get(ExchangeMessage, message)
        return (row.error or "") if row else ""


def document_files(paths: Iterable[Path]) -> list[Path]:
    """Every ``*.xml`` file named or under a named directory, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.xml") if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")
    return files


async def ingest(
    exchange: Exchange,
    agency: str,
    files: list[Path],
    progress: Callable[[int], None] = lambda done: None,
    *,
    batch: int = BATCH,
) -> Summary:
    """``hub ingest``: every file through the pipeline; one refused is reported, not fatal.

    ``batch`` files are taken in per transaction.
    """
    summary = Summary()
    for start in range(0, len(files), batch):
        documents: list[tuple[str, bytes, str, str]] = []
        for file in files[start : start + batch]:
            try:
                data = file.read_bytes()
            except OSError as exc:
                summary.refused.append((str(file), f"cannot be read: {exc.strerror or exc}"))
            else:
                documents.append((agency, data, "file", str(file)))
        await take_in_many(exchange, documents, summary)
        progress(len(files[start : start + batch]))
    return summary


async def _cursor(
    sessions: async_sessionmaker[AsyncSession], agency: str, document: str
) -> str | None:
    async with sessions() as session:
        row = await session.get(FeedCursor, (agency, document))
        return None if row is None else row.cursor


async def _save_cursor(
    sessions: async_sessionmaker[AsyncSession], agency: str, document: str, cursor: str
) -> None:
    async with sessions() as session, session.begin():
        row = await session.get(FeedCursor, (agency, document))
        now = dt.datetime.now(dt.UTC)
        if row is None:
            session.add(
                FeedCursor(agency=agency, document_type=document, cursor=cursor, updated_at=now)
            )
        else:
            row.cursor, row.updated_at = cursor, now


async def pull(
    exchange: Exchange,
    agency: str,
    client: AgencyClient,
    documents: Iterable[str],
    page_size: int = 100,
    progress: Callable[[int], None] = lambda done: None,
    *,
    batch: int = BATCH,
) -> Summary:
    """``hub exchange pull``: each feed from its saved cursor to its end.

    The cursor moves only after a page is processed: a crash re-pulls that page, and the
    message ids make the repeat harmless. ``batch`` documents are taken in per transaction.
    """
    summary = Summary()
    for document in documents:
        cursor = await _cursor(exchange.sessions, agency, document)
        while True:
            page = await client.pull(document, cursor, page_size)
            received = [
                (agency, data, "pull", f"{document} after {cursor or 'start'} #{number + 1}")
                for number, data in enumerate(page.documents)
            ]
            for start in range(0, len(received), batch):
                await take_in_many(exchange, received[start : start + batch], summary)
            progress(len(received))
            if page.cursor is not None and page.cursor != cursor:
                cursor = page.cursor
                await _save_cursor(exchange.sessions, agency, document, cursor)
            if not page.more or not page.documents:
                break
    return summary


async def feed_demo(exchange: Exchange, subjects: DemoSubjects) -> Summary:
    """Every adapter's demo documents about the demo's subjects, through the pipeline."""
    summary = Summary()
    for name, adapter in sorted(exchange.registry.items()):
        if adapter.demo is None:
            continue
        for document, items in adapter.demo(subjects).items():
            for number, data in enumerate(items, 1):
                await take_in(exchange, name, data, "file", f"{name}/{document} #{number}", summary)
    return summary
