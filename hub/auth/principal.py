"""Who is asking: the client behind a request, what it may see, and why it says it asks."""

from __future__ import annotations

from dataclasses import dataclass

from hub.auth.purposes import PURPOSE_HEADER, Purpose
from hub.auth.scopes import (
    ENFORCEMENT_READ,
    ENFORCEMENT_WRITE,
    OPEN_DATA,
    PII_READ,
    REGISTRY_READ,
)
from hub.auth.tiers import TIERS, Tier
from hub.readers import Reader

__all__ = ["ANONYMOUS", "PURPOSE_HEADER", "Principal", "Purpose"]

ENFORCEMENT_SCOPES = frozenset({ENFORCEMENT_READ, ENFORCEMENT_WRITE})


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated client of one request, or the anonymous open-data caller."""

    client_id: str | None
    agency: str | None
    scopes: frozenset[str]
    region: str | None
    tier: Tier
    purpose: Purpose | None = None
    """The purpose of use it stated, one it was registered for (checked by the gate)."""
    token_id: str | None = None
    trusted_documents_only: bool = False
    uscc: str | None = None
    """The organisation the client acts for (a carrier, terminal or forwarder), if one."""

    @property
    def is_anonymous(self) -> bool:
        """No token was presented."""
        return self.client_id is None

    @property
    def reads_registry(self) -> bool:
        """May read the data center beyond open data."""
        return REGISTRY_READ in self.scopes

    @property
    def open_data_only(self) -> bool:
        """Sees de-identified open data only."""
        return not self.reads_registry

    @property
    def may_read_personal_data(self) -> bool:
        """Holds ``pii:read`` and stated a purpose: both are needed, every time."""
        return PII_READ in self.scopes and self.purpose is not None

    @property
    def row_region(self) -> str | None:
        """The region a registry client is bound to; open data is the same for everyone."""
        # Enforcement records are never open data: a client that reads or writes them is bound
        # to its region whether or not it also reads the registry.
        bound = self.reads_registry or bool(self.scopes & ENFORCEMENT_SCOPES)
        return self.region if bound else None

    @property
    def reader(self) -> Reader:
        """What the row rules of the record types (``hub.access``) know of this client."""
        return Reader(
            region=self.row_region,
            agency=self.agency,
            every_agency=self.tier.name == "internal" and self.row_region is None,
            registry=self.reads_registry,
            client_id=self.client_id,
            uscc=self.uscc,
        )

    def has(self, scope: str) -> bool:
        """Whether the client was granted ``scope``."""
        return scope in self.scopes


ANONYMOUS = Principal(
    client_id=None, agency=None, scopes=frozenset({OPEN_DATA}), region=None, tier=TIERS["open"]
)
