"""The client of the satellite positioning platform's feed."""

from __future__ import annotations

from typing import Any

from hub.exchange.protocol import AgencyClient


def client(base_url: str, **options: Any) -> AgencyClient:
    """A client of the positioning feed at ``base_url``; ``options`` go to AgencyClient."""
    return AgencyClient(agency="positioning", base_url=base_url, **options)
