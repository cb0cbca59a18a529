"""The client of the 12328 hotline feed."""

from __future__ import annotations

from typing import Any

from adapters.hotline.mapping import AGENCY
from hub.exchange.protocol import AgencyClient


def client(base_url: str, **options: Any) -> AgencyClient:
    """The feed client at ``base_url``; ``options`` go to AgencyClient (timeout, transport…)."""
    return AgencyClient(agency=AGENCY, base_url=base_url, **options)
