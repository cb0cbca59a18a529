"""A clock that moves only when a test moves it, so no test depends on how fast the machine is."""

from __future__ import annotations


class ManualClock:
    """Seconds that stand still until ``advance``; callable like ``time.monotonic``."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
