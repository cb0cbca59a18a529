"""The client of the rail exchange's feed."""

from __future__ import annotations

from typing import Any

from hub.exchange.protocol import AgencyClient


def client(base_url: str, **options: Any) -> AgencyClient:
    """A client of the rail feed at ``base_url``; ``options`` go to AgencyClient (transport…)."""
    return AgencyClient(agency="rail", base_url=base_url, **options)
