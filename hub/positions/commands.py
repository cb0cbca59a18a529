"""``hub positions import`` and ``hub positions prune``: the position intake, from a shell."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from hub.config import Settings
from hub.errors import HubError

SUFFIXES = {".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson"}
_READ = 1 << 20


def register(commands: Any, observe: Any = None) -> None:
    """Add ``hub positions`` to the parser; ``observe`` sees each batch of fixes stored
    (``hub.positions.intake.Observer``: the alert engine, given by ``hub.cli``)."""
    positions = commands.add_parser("positions", help="road vehicle positions in bulk (JT/T 809)")
    actions = positions.add_subparsers(required=True, metavar="ACTION")
    take = actions.add_parser(
        "import", help="take a file of positions; bad lines are dead-lettered, the rest stored"
    )
    take.add_argument("file", type=Path, help="NDJSON (.ndjson, .jsonl) or CSV (.csv) lines")
    take.add_argument(
        "--format", choices=("ndjson", "csv"), help="how the lines are written (default: suffix)"
    )
    take.set_defaults(run=_import, observe=observe)
    prune = actions.add_parser("prune", help="remove the fixes of days long past")
    prune.add_argument(
        "--keep-days", type=int, required=True,
        help="keep today (UTC) and this many days before it; older days' fixes go",
    )  # fmt: skip
    prune.set_defaults(run=_prune)


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as file:
        while chunk := file.read(_READ):
            yield chunk


def _import(settings: Settings, args: argparse.Namespace) -> int:
    from hub.dataversion import writer
    from hub.migrate import ensure_ready
    from hub.positions.intake import BadHeader, Format, Intake

    path: Path = args.file
    form = args.format or SUFFIXES.get(path.suffix.lower())
    if form is None:
        raise HubError(f"{path}: say --format ndjson or csv (the suffix {path.suffix!r} does not)")
    if not path.is_file():
        raise HubError(f"{path}: no such file")

    async def run() -> Any:
        await ensure_ready(settings)
        try:
            async with writer(settings) as sessions:
                intake = Intake(sessions, path.name[:64], Format(form), observe=args.observe)
                # What start-up made lives until the command ends: frozen, as `hub serve`
                # freezes it, the collector's full passes do not walk it every few thousand
                # fixes (about 9 us of CPU a fix, measured on the intake).
                gc.collect()
                gc.freeze()
                return await intake.take(_chunks(path))
        except BadHeader as exc:
            raise HubError(f"{path}: {exc}") from None

    summary = asyncio.run(run())
    for rejection in summary.rejections:
        print(f"{path}:{rejection.line}: {rejection.reason}", file=sys.stderr)
    print(
        f"hub: {summary.accepted} accepted, {summary.duplicates} duplicates, "
        f"{summary.rejected} rejected (dead-lettered under intake {summary.intake}), "
        f"{summary.events} gate events"
    )
    return 0


def _prune(settings: Settings, args: argparse.Namespace) -> int:
    from hub.dataversion import writer
    from hub.migrate import ensure_ready
    from hub.positions.repository import prune

    if args.keep_days < 0:
        raise HubError(f"--keep-days: {args.keep_days} is not 0 or more")
    before = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=args.keep_days)

    async def run() -> int:
        await ensure_ready(settings)
        async with writer(settings) as sessions, sessions() as session, session.begin():
            return await prune(session, before)

    days = asyncio.run(run())
    print(f"hub: removed the positions of {days} day{'s' * (days != 1)} before {before}")
    return 0
