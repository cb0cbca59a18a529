"""``hub quality report``: the cross-source findings, printed."""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from typing import Any

from hub.config import Settings
from hub.errors import HubError
from hub.i18n import tr


def register(commands: Any) -> None:
    """Add ``hub quality`` to the parser."""
    quality = commands.add_parser("quality", help="data quality across sources")
    actions = quality.add_subparsers(required=True, metavar="ACTION")
    report = actions.add_parser(
        "report", help="list where the agencies and the data center disagree"
    )
    report.add_argument("--kind", action="append", help="only these kinds of finding")
    report.add_argument(
        "--limit", type=int, default=50, help="findings shown per kind (default 50)"
    )
    report.set_defaults(run=_report)


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from hub.db import create_engine, session_factory
    from hub.filters import today
    from hub.migrate import ensure_ready
    from hub.quality.checks import FindingKind, report
    from hub.readers import EVERYONE

    try:
        kinds = [FindingKind(kind) for kind in args.kind] if args.kind else None
    except ValueError:
        known = ", ".join(kind.value for kind in FindingKind)
        raise HubError(tr("--kind: one of {kinds}", kinds=known)) from None

    async def run() -> list[Any]:
        await ensure_ready(settings)
        engine = create_engine(settings)
        try:
            async with session_factory(engine)() as session:
                # The CLI is the authority's administrator: every region.
                return await report(session, today(), EVERYONE, kinds)
        finally:
            await engine.dispose()

    findings = asyncio.run(run())
    shown: Counter[str] = Counter()
    for finding in findings:
        shown[finding.kind.value] += 1
        if shown[finding.kind.value] <= args.limit:
            print(f"{finding.kind.value}\t{finding.subject}\t{finding.source}\t{finding.detail}")
    totals = Counter(finding.kind.value for finding in findings)
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(totals.items())) or tr("none")
    print(tr("hub: {count} findings: {summary}", count=len(findings), summary=summary))
    return 0
