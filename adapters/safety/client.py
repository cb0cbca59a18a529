"""The client of the work-safety supervision feed."""

from __future__ import annotations

from typing import Any

from adapters.safety.mapping import AGENCY
from hub.exchange.protocol import AgencyClient


def client(base_url: str, **options: Any) -> AgencyClient:
    """The feed client at ``base_url``; ``options`` go to AgencyClient (timeout, transport…)."""
    return AgencyClient(agency=AGENCY, base_url=base_url, **options)
