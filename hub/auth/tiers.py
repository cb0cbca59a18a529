"""Client tiers: how much each kind of client may ask of the hub at once and over time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tier:
    """Limits that apply to every request of a client of this tier."""

    name: str
    max_depth: int
    max_cost: int
    max_page_size: int
    rate: float
    """Requests per second, sustained."""
    burst: int
    """Requests allowed at once before the rate applies."""


TIERS: dict[str, Tier] = {
    # Anonymous callers and startups on the open-data API.
    "open": Tier("open", max_depth=8, max_cost=2_000, max_page_size=50, rate=5, burst=20),
    # Partner agencies' systems.
    "partner": Tier(
        "partner", max_depth=12, max_cost=20_000, max_page_size=100, rate=20, burst=100
    ),
    # The authority's own portals and the mobile enforcement app.
    "internal": Tier(
        "internal", max_depth=12, max_cost=50_000, max_page_size=100, rate=50, burst=200
    ),
}
