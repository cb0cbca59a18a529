"""Keeping long-lived objects out of the garbage collector's full passes.

CPython's cyclic collector walks every tracked object of the old generation in a full pass,
and makes one whenever a quarter as many objects again have survived into it. A worker's
live subscriptions are such objects, about 180 each (the operation's task, its generators,
Strawberry's execution context and extensions): measured, a worker holding 5,000 of them
walked ~900,000 objects in 0.5 s of CPU, every delivery waiting meanwhile, and what events
leave in caches survives into the old generation and sets off such passes again and again.

So what lives on is frozen (:func:`gc.freeze`): once a second the worker collects what is
not frozen — only what came since the last second, cheap — and freezes what survived, which
the collector's passes then leave alone. Objects frozen are still freed by reference
counting when their last reference goes; only cycles among them (an ended subscription's,
say) wait. They are reclaimed when the frozen objects have doubled since the last full pass
(:data:`REGROWTH`): then everything is thawed, collected once, and frozen again. Counted
on objects still held rather than, as CPython counts, on every object that ever survived
into the old generation, a worker whose subscriptions stay makes no full pass while events
flow; one that gains subscribers makes one each time their number doubles, as they come,
each pass walking no more objects than were added since the last.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time

log = logging.getLogger("hub.collector")

EVERY_SECONDS = 1.0
"""How often what survived is frozen."""

REGROWTH = 1.0
"""By how much the frozen objects grow (a share of what was frozen after the last full
pass) before a full pass reclaims the cycles among them: garbage waiting in them is at most
that share of a worker's long-lived objects."""


class Freezer:
    """Freezes what survives, and thaws for a full pass when the frozen set has regrown."""

    def __init__(self, regrowth: float = REGROWTH) -> None:
        self._regrowth = regrowth
        self._after_full_pass = 0
        self._added = 0

    def start(self) -> None:
        """Freeze what start-up made (modules, schema, plans, code lists): the baseline the
        frozen set's growth is measured from."""
        gc.freeze()
        self._after_full_pass = gc.get_freeze_count()
        self._added = 0

    def tick(self) -> None:
        """Collect what is not frozen (only what came since the last tick), freeze what
        survived, and check for a full pass once enough has been frozen since the last that
        the frozen set may have regrown.

        Counting the frozen objects walks them all (the permanent generation is a linked
        list; 1.2 million took tens of ms of cache misses, and counted every second slowed
        the whole worker by a third, measured), so what each tick freezes is counted instead
        — only the survivors, a short walk — and the frozen set is counted when they add up
        to a regrowth's worth: at most one count per that many objects frozen. Many of them
        die soon (in-flight requests, cache entries replaced): that count, not their sum,
        decides the full pass.
        """
        gc.collect()
        self._added += len(gc.get_objects())
        gc.freeze()
        if self._added > self._after_full_pass * self._regrowth:
            self.reclaim_if_grown()

    def reclaim_if_grown(self) -> bool:
        """A full pass — everything thawed, collected, frozen again — if the frozen objects
        have grown by :data:`REGROWTH` since the last; whether one was made."""
        frozen = gc.get_freeze_count()
        if frozen <= self._after_full_pass * (1 + self._regrowth):
            self._added = 0
            return False
        started = time.process_time()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._after_full_pass = gc.get_freeze_count()
        self._added = 0
        log.info(
            "full collection: %d frozen objects, %d after, %.0f ms of CPU",
            frozen,
            self._after_full_pass,
            (time.process_time() - started) * 1000,
        )
        return True

    def stop(self) -> None:
        """Thaw everything: what the app made can be collected once it has stopped."""
        gc.unfreeze()

    async def run(self, stop: asyncio.Event, every: float = EVERY_SECONDS) -> None:
        """:meth:`tick` every ``every`` seconds until ``stop``."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
            if stop.is_set():
                return
            self.tick()
