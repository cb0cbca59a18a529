"""The app's periodic sweep for the time-based alerts, published once committed."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alerts.sweep import SWEEP_SECONDS, sweep
from hub.alerts.thresholds import standard
from hub.multimodal.service import publish
from hub.pubsub import PubSub

log = logging.getLogger(__name__)


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
) -> None:
    """Sweep every ``every`` seconds until ``stop`` is set. A sweep that fails (the database
    restarting) is logged and tried again next time: the alerts it missed are still true."""
    while not stop.is_set():
        # The interval first: a worker starting up (and what loads data into it) has the
        # database to itself for a while; what the sweep finds is as true a minute later.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        if stop.is_set():
            return
        try:
            await sweep_once(sessions, pubsub)
        except Exception:
            log.exception("the alert sweep failed; trying again in %s s", every)
