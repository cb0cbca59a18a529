"""``hub alerts sweep`` and ``hub alerts check``: the time-based alerts from a shell (cron),
and the thresholds file checked."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from collections.abc import Sequence
from typing import Any

from hub.config import Settings
from hub.errors import HubError


async def on_fixes(
    session: Any, fixes: Sequence[Any], received_at: dt.datetime, drifted: Sequence[Any]
) -> Any:
    """The alert engine for ``hub positions import``, imported only when a file is taken."""
    from hub.alerts.hooks import on_fixes as evaluate

    return await evaluate(session, fixes, received_at, drifted)


def register(commands: Any) -> None:
    """Add ``hub alerts`` to the parser."""
    alerts = commands.add_parser("alerts", help="automatic alerts (运政通): sweep, check")
    actions = alerts.add_subparsers(required=True, metavar="ACTION")
    sweep = actions.add_parser(
        "sweep", help="raise the time-based alerts (offline terminals, overdue reviews, …)"
    )
    sweep.set_defaults(run=_sweep)
    check = actions.add_parser("check", help="check standards/codes/alert_threshold.csv")
    check.set_defaults(run=_check)


def _check(settings: Settings, args: argparse.Namespace) -> int:
    from hub.alerts.thresholds import ThresholdError, load

    try:
        limits = load()
    except ThresholdError as exc:
        raise HubError(str(exc)) from None
    count = sum(len(values) for values in limits.values.values())
    print(f"hub: {count} thresholds of {len(limits.values)} alert kinds, version {limits.version}")
    return 0


def _sweep(settings: Settings, args: argparse.Namespace) -> int:
    from hub.alerts.sweeper import sweep_once
    from hub.dataversion import writer
    from hub.migrate import ensure_ready

    async def run() -> int:
        await ensure_ready(settings)
        async with writer(settings) as sessions:
            return await sweep_once(sessions, None)

    raised = asyncio.run(run())
    print(f"hub: {raised} alert{'s' * (raised != 1)} raised")
    return 0
