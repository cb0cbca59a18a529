"""Waiting for the hub to get somewhere, by a deadline rather than by a guess at its speed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], bool],
    *,
    within: float = 60.0,
    what: str = "the condition",
) -> tuple[T, float]:
    """Call ``probe`` until its result passes ``until``; returns it and the seconds it took.

    ``within`` is a deadline far beyond what is expected, only so a hub that never gets
    there fails the test instead of hanging it; how fast it gets there is not asserted.
    """
    started = time.monotonic()
    while True:
        result = await probe()
        if until(result):
            return result, time.monotonic() - started
        if time.monotonic() - started > within:
            raise AssertionError(f"{what} did not happen within {within} s; last: {result!r}")
        await asyncio.sleep(0.05)
