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


def tiers_table() -> str:
    """The tiers as the README's Markdown table (a test holds the README to it)."""
    lines = [
        "| tier | who | depth | cost per request | page size | requests/s (burst) |",
        "|---|---|---|---|---|---|",
    ]
    who = {
        "open": "anonymous callers and self-registered startups (`opendata`)",
        "partner": "partner agencies' systems",
        "internal": "the authority's portals and apps",
    }
    for tier in TIERS.values():
        lines.append(
            f"| `{tier.name}` | {who[tier.name]} | {tier.max_depth} | {tier.max_cost:,} | "
            f"{tier.max_page_size} | {tier.rate:g} ({tier.burst}) |"
        )
    return "\n".join(lines) + "\n"
