"""The freezer: survivors leave the collector's passes; cycles among them are reclaimed once
the frozen set has regrown."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from hub.collector import Freezer


class Node:
    """An object that can be part of a reference cycle, and weakly referenced."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> tuple[Node, weakref.ref[Node]]:
    """Two nodes referring to each other: only the cyclic collector can free them."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    return first, weakref.ref(second)


@pytest.fixture
def thawed() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (an app's lifespan thaws on its way
    out, and so does this)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_tick_frees_the_garbage_that_came_and_freezes_what_survived(thawed: None) -> None:
    # given a freezer started, then a cycle already garbage and one still held
    freezer = Freezer()
    freezer.start()
    held, held_ref = cycle()
    dropped, dropped_ref = cycle()
    del dropped
    # when the freezer ticks
    freezer.tick()
    # then the garbage is gone, the survivor frozen: no full pass walks it any more
    assert dropped_ref() is None, "a cycle that was garbage at the tick was not collected"
    assert held_ref() is not None
    assert gc.get_freeze_count() > 0
    assert not any(obj is held for obj in gc.get_objects()), (
        "a survivor of the tick is still in the generations the collector walks"
    )


def test_a_frozen_cycle_waits_until_the_frozen_set_has_regrown(thawed: None) -> None:
    # given a cycle frozen while it was held, then let go
    freezer = Freezer(regrowth=1.0)
    freezer.start()
    held, held_ref = cycle()
    freezer.tick()
    del held
    gc.collect()
    assert held_ref() is not None, "a frozen cycle was collected before any full pass"
    # when the frozen set has not grown by its regrowth: no full pass
    assert freezer.reclaim_if_grown() is False
    assert held_ref() is not None
    # when a tick freezes more new long-lived objects than were frozen before
    kept = [[index] for index in range(gc.get_freeze_count() + 1000)]
    freezer.tick()
    # then that tick made one full pass: the cycle reclaimed, what is held frozen again
    assert held_ref() is None, "the full pass left a dead frozen cycle uncollected"
    assert gc.get_freeze_count() >= len(kept)
    assert not any(obj is kept for obj in gc.get_objects())
    assert freezer.reclaim_if_grown() is False, "a second pass with nothing regrown"


async def test_run_ticks_until_stopped_and_stop_thaws(thawed: None) -> None:
    # given a freezer running every 10 ms and a cycle held while it runs
    freezer = Freezer()
    freezer.start()
    stop = asyncio.Event()
    running = asyncio.create_task(freezer.run(stop, every=0.01))
    held, held_ref = cycle()
    # when a few ticks have passed
    for _ in range(100):
        await asyncio.sleep(0.01)
        if not any(obj is held for obj in gc.get_objects()):
            break
    # then the held cycle was frozen by a tick
    assert not any(obj is held for obj in gc.get_objects()), "no tick froze the held cycle"
    # when stopped, the run ends; stopping the freezer thaws everything
    stop.set()
    await asyncio.wait_for(running, 1)
    freezer.stop()
    assert gc.get_freeze_count() == 0
    del held
    gc.collect()
    assert held_ref() is None
