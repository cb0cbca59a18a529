"""The app's periodic sweep for the time-based alerts, published once committed."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alerts.sweep import SWEEP_SECONDS, sweep
from hub.alerts.thresholds import standard
from hub.cache import Cache
from hub.multimodal.service import publish
from hub.pubsub import PubSub

log = logging.getLogger(__name__)

TURN_KEY = "alerts:sweep-turn"
"""The cache key that gives one worker the turn to sweep in each interval."""


async def sweep_once(
    sessions: async_sessionmaker[AsyncSession],
    pubsub: PubSub | None,
    now: dt.datetime | None = None,
) -> int:
    """One sweep in one transaction; returns how many alerts it raised."""
    async with sessions() as session, session.begin():
        messages = await sweep(session, standard(), now or dt.datetime.now(dt.UTC))
    await publish(pubsub, messages)
    return len(messages)


async def run(
    sessions: async_sessionmaker[AsyncSession],
    pubsub: PubSub | None,
    stop: asyncio.Event,
    every: float = SWEEP_SECONDS,
    turns: Cache | None = None,
) -> None:
    """Sweep every ``every`` seconds until ``stop`` is set. A sweep that fails (the database
    restarting) is logged and tried again next time: the alerts it missed are still true.

    With ``turns`` (the shared cache), only the first worker to claim an interval sweeps in
    it: each sweep reads every vehicle's reviews and violations, and the workers would
    otherwise repeat the same statements and find nothing new. With an in-process cache every
    process claims its own turns, so a lone process still sweeps.
    """
    while not stop.is_set():
        # The interval first: a worker starting up (and what loads data into it) has the
        # database to itself for a while; what the sweep finds is as true a minute later.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        if stop.is_set():
            return
        try:
            # The turn lapses a little before the next interval, so the worker whose timer
            # fires first then can always claim it.
            if turns is not None and not await turns.add(TURN_KEY, b"1", every * 0.9):
                continue
            await sweep_once(sessions, pubsub)
        except Exception:
            log.exception("the alert sweep failed; trying again in %s s", every)
