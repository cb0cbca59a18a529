"""The client of the maritime feeds."""

from __future__ import annotations

from typing import Any

from hub.exchange.protocol import AgencyClient


def client(base_url: str, **options: Any) -> AgencyClient:
    """A client of the maritime feeds at ``base_url``; ``options`` go to AgencyClient."""
    return AgencyClient(agency="maritime", base_url=base_url, **options)
