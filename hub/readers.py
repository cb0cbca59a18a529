"""Who reads, as the row rules of every record type see it: a leaf value, so the domains can
take it without knowing about tokens, scopes or GraphQL.

``hub.auth.principal.Principal.reader`` makes one per request; ``hub.access`` holds each record
type's rule, built from it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reader:
    """The facts the row rules depend on, and nothing else (so it keys cached counts)."""

    region: str | None = None
    """The division code a registry reader is bound to; None: every region."""
    agency: str | None = None
    """The agency the client belongs to."""
    every_agency: bool = True
    """Sees every agency's exchange documents (the authority's own unbound clients)."""
    registry: bool = False
    """Reads the data center beyond open data (registry:read)."""
    client_id: str | None = None
    uscc: str | None = None
    """The organisation (carrier, terminal, shipper) the client acts for, if one."""


EVERYONE = Reader(registry=True)
"""No row limit: the hub's own jobs (pipeline, quality checks) and open data."""
