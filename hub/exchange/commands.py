"""``hub ingest`` and ``hub exchange …``: the exchange from the command line."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from tqdm import tqdm

from hub.config import Settings
from hub.errors import HubError
from hub.i18n import tr


def register(commands: Any) -> None:
    """Add the exchange commands to the ``hub`` parser."""
    ingest = commands.add_parser("ingest", help="take in agency documents from files")
    ingest.add_argument("agency", help="agency code, e.g. public_security")
    ingest.add_argument("paths", nargs="+", type=Path, help="XML files or directories of them")
    _batch_option(ingest)
    ingest.set_defaults(run=_ingest)

    exchange = commands.add_parser("exchange", help="the exchange with the other agencies")
    actions = exchange.add_subparsers(required=True, metavar="ACTION")
    pull = actions.add_parser("pull", help="pull an agency's feeds from where they stopped")
    pull.add_argument("agency")
    pull.add_argument("--document", action="append", help="only these document types")
    where = pull.add_mutually_exclusive_group()
    where.add_argument("--url", help="the agency endpoint (default HUB_EXCHANGE_<AGENCY>_URL)")
    where.add_argument(
        "--simulate", action="store_true", help="pull from the agency's simulator, in-process"
    )
    _batch_option(pull)
    pull.set_defaults(run=_pull)
    work = actions.add_parser("work", help="process queued documents until interrupted")
    _batch_option(work)
    work.set_defaults(run=_work, server=True)
    failed = actions.add_parser("failed", help="list the dead letters with their reasons")
    failed.add_argument("--agency")
    failed.set_defaults(run=_failed)
    retry = actions.add_parser("retry", help="process dead letters again, after a fix")
    retry.add_argument("ids", nargs="*", type=int, help="receipt ids (default: all failed)")
    retry.set_defaults(run=_retry)
    agencies = actions.add_parser("agencies", help="the installed adapters and their documents")
    agencies.set_defaults(run=_agencies)


MAX_BATCH = 1000
"""The most documents one transaction takes (``--batch``)."""


def batch_size(text: str) -> int:
    """A ``--batch`` value: documents per transaction, 1 to ``MAX_BATCH``."""
    try:
        size = int(text)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_BATCH:
        raise argparse.ArgumentTypeError(
            tr("{value!r} is not a whole number from 1 to {most}", value=text, most=MAX_BATCH)
        )
    return size


def _batch_option(parser: Any) -> None:
    from hub.exchange.inbound import BATCH

    parser.add_argument(
        "--batch",
        type=batch_size,
        default=BATCH,
        metavar="N",
        help=f"documents per transaction (default {BATCH}, at most {MAX_BATCH})",
    )


@asynccontextmanager
async def _exchange(settings: Settings, with_queue: bool = False) -> AsyncIterator[Any]:
    from hub.dataversion import writer
    from hub.exchange.pipeline import Exchange
    from hub.exchange.registry import AdapterRegistry
    from hub.migrate import ensure_ready
    from hub.queue import create_queue

    await ensure_ready(settings)
    queue = create_queue(settings) if with_queue else None
    try:
        async with writer(settings) as sessions:
            yield Exchange(
                AdapterRegistry.discover(),
                sessions,
                queue,
                max_attempts=settings.exchange_max_attempts,
            )
    finally:
        if queue is not None:
            await queue.close()


def _bar(total: int | None, unit: str) -> Any:
    return tqdm(total=total, unit=unit, disable=not sys.stderr.isatty(), file=sys.stderr)


def _report(lines: list[str]) -> None:
    print("hub: " + lines[0])
    for line in lines[1:]:
        print(line)


def _ingest(settings: Settings, args: argparse.Namespace) -> int:
    from hub.exchange.inbound import document_files, ingest

    try:
        files = document_files(args.paths)
    except FileNotFoundError as exc:
        raise HubError(str(exc)) from None

    async def run() -> Any:
        async with _exchange(settings) as exchange:
            exchange.registry[args.agency]  # an unknown agency is refused before any file
            with _bar(len(files), "doc") as bar:
                return await ingest(exchange, args.agency, files, bar.update, batch=args.batch)

    summary = asyncio.run(run())
    _report(summary.lines())
    return 1 if summary.failed or summary.refused or summary.waiting else 0


def _client(settings: Settings, args: argparse.Namespace, exchange: Any) -> Any:
    adapter = exchange.registry[args.agency]
    if args.simulate:
        transport = httpx.ASGITransport(app=adapter.simulator())
        return adapter.client("http://simulator", transport=transport)
    variable = f"HUB_EXCHANGE_{args.agency.upper()}_URL"
    url = args.url or os.environ.get(variable)
    if not url:
        raise HubError(
            tr(
                "no endpoint for {agency}: give --url, set {variable} or --simulate",
                agency=args.agency,
                variable=variable,
            )
        )
    return adapter.client(url)


def _pull(settings: Settings, args: argparse.Namespace) -> int:
    from hub.exchange.inbound import pull

    async def run() -> Any:
        async with _exchange(settings) as exchange:
            adapter = exchange.registry[args.agency]
            documents = args.document or list(adapter.documents)
            unknown = sorted(set(documents) - set(adapter.documents))
            if unknown:
                raise HubError(
                    tr("{agency} has no feed {feeds}", agency=args.agency, feeds=", ".join(unknown))
                )
            client = _client(settings, args, exchange)
            with _bar(None, "doc") as bar:
                try:
                    return await pull(
                        exchange,
                        args.agency,
                        client,
                        documents,
                        progress=bar.update,
                        batch=args.batch,
                    )
                except httpx.HTTPError as exc:
                    message = tr(
                        "pulling from {agency} failed: {reason}", agency=args.agency, reason=exc
                    )
                    raise HubError(message) from None

    summary = asyncio.run(run())
    _report(summary.lines())
    return 1 if summary.failed or summary.refused or summary.waiting else 0


def _work(settings: Settings, args: argparse.Namespace) -> int:
    from hub.exchange.worker import work

    async def run() -> int:
        async with _exchange(settings, with_queue=True) as exchange:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            import signal

            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            print(tr("hub: processing queued documents (Ctrl-C stops)"), flush=True)
            return await work(exchange, exchange.queue, stop, batch=args.batch)

    print(tr("hub: processed {count} documents", count=asyncio.run(run())))
    return 0


def _failed(settings: Settings, args: argparse.Namespace) -> int:
    from hub.agency_records.inbox import FAILED, ExchangeMessage

    async def run() -> list[Any]:
        async with _exchange(settings) as exchange, exchange.sessions() as session:
            query = select(ExchangeMessage).where(ExchangeMessage.status == FAILED)
            if args.agency:
                query = query.where(ExchangeMessage.agency == args.agency)
            return list((await session.scalars(query.order_by(ExchangeMessage.id))).all())

    rows = asyncio.run(run())
    for row in rows:
        fields = (row.id, row.agency, row.document_type, row.message_id, row.error or "")
        print("\t".join(_one_field(str(value)) for value in fields))
    print(tr("hub: {count} dead letters", count=len(rows)), file=sys.stderr)
    return 0


def _retry(settings: Settings, args: argparse.Namespace) -> int:
    async def run() -> dict[str, int]:
        async with _exchange(settings) as exchange:
            outcome: dict[str, int] = await exchange.retry(args.ids or None)
            return outcome

    outcome = asyncio.run(run())
    retried = ", ".join(f"{n} {s}" for s, n in outcome.items()) or tr("nothing")
    print(tr("hub: retried: {outcome}", outcome=retried))
    return 1 if outcome.get("failed") else 0


def _agencies(settings: Settings, _args: argparse.Namespace) -> int:
    from hub.exchange.registry import AdapterRegistry

    for name, adapter in sorted(AdapterRegistry.discover().items()):
        print(f"{name}\t{adapter.title[0]} / {adapter.title[1]}")
        for document in adapter.documents.values():
            print(
                f"  {document.name}\t{document.title[0]} / {document.title[1]}"
                f"\t{document.namespace}"
            )
            for earlier in document.earlier:
                accepted = tr("accepted until {date}", date=earlier.accepted_until)
                print(f"    {earlier.namespace}\t{accepted}")
    return 0


_ESCAPES = {
    **{code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)]},
    **{ord(char): f"\\u{ord(char):04x}" for char in "\u2028\u2029"},
    ord("\\"): "\\\\",
    ord("\t"): "\\t",
    ord("\n"): "\\n",
    ord("\r"): "\\r",
}
"""Characters that would end a field or a line, as escapes that do not."""


def _one_field(text: str) -> str:
    """``text`` as one tab-separated field of one line (messages stored before the header
    rules, and reasons quoting a document, may hold tabs or line breaks)."""
    return text.translate(_ESCAPES)


Handler = Callable[[Settings, argparse.Namespace], int]
