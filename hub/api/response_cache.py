"""The open-data response cache: identical open-data requests answered from the cache.

Identical means the same request bytes (a POST body or a GET query string: the document, its
variables and the operation's name, as sent), the same policy class (tier and scopes), the
same reader as the row rules see it (a carrier reads its own consignments without registry
access) and the same day (validity filters read today's date). Only answers the read
planner gave are kept: they are read from the data center alone, with nothing of the caller
in them beyond its reader (``myUsage``, say, is resolved in Python, never planned).

An entry is stored with the data version read *before* the database was, and served only
while the version is still that one: a write commits, moves the version (``hub.dataversion``),
and from then on no answer read before it is served. A hit is one read of the cache (version
and entry together, one round trip on Redis) and the bytes as stored: no parse, no plan, no
database.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from dataclasses import dataclass

from hub.api.plan.planner import Answer
from hub.auth.principal import Principal
from hub.cache import Cache
from hub.dataversion import DataVersion
from hub.errors import ServiceUnavailable
from hub.filters import today


@dataclass(frozen=True, slots=True)
class Cached:
    """An answer as kept: its body, entity tag, estimated cost, the SHA-256 of its document
    and its operation's name (for usage and the request log)."""

    body: bytes
    etag: str
    cost: int
    document: str
    operation_name: str | None

    @classmethod
    def of(cls, answer: Answer) -> Cached:
        """A planner's answer, tagged."""
        return cls(
            answer.body,
            entity_tag(answer.body),
            answer.cost,
            answer.digest,
            answer.operation_name,
        )


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a look-up found: the answer (None: a miss), and the key and data version to store
    the answer under once it is read (version None: the cache is down, store nothing)."""

    hit: Cached | None
    key: str
    version: bytes | None


def cacheable(principal: Principal) -> bool:
    """Whether this caller's answers are open data, the same for its whole policy class."""
    return principal.open_data_only and not principal.may_read_personal_data


def entity_tag(body: bytes) -> str:
    """The strong ETag of an answer: a digest of its bytes, the same in every worker."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


class ResponseCache:
    """Open-data answers in the hub's cache (Redis when configured, else in-process)."""

    def __init__(self, cache: Cache, versions: DataVersion, seconds: int) -> None:
        self.cache = cache
        self.versions = versions
        self.seconds = seconds

    def key(self, principal: Principal, method: str, request: bytes) -> str:
        """The entry of a request — its POST body or GET query string, as sent — for callers
        of this principal's policy class, today.

        Keyed by the bytes, so that a hit parses nothing: the bytes hold the document (hence
        its hash), the variables and the operation's name. The same request spelt otherwise
        (keys reordered, spaces) is an entry of its own, read from the database once.
        """
        scopes = ",".join(sorted(principal.scopes))
        # And by what the row rules read of the caller: an open-data client may still be a
        # carrier that sees its own consignments (client and credit code), an agency its
        # own documents. Every anonymous caller has the same reader: they still share.
        head = (
            f"{principal.tier.name}|{scopes}|{principal.reader!r}|{today().isoformat()}|{method}|"
        )
        return "response:" + hashlib.sha256(head.encode() + request).hexdigest()

    async def lookup(self, key: str) -> Lookup:
        """The answer under ``key`` if it was stored at the current data version."""
        try:
            version, entry = await self.versions.beside(key)
        except ServiceUnavailable:
            # Redis down: answered from the database, as without a cache.
            return Lookup(None, key, None)
        if entry is not None:
            stored, etag, cost, document, name, body = entry.split(b"\n", 5)
            if stored == version:
                hit = Cached(
                    body, etag.decode(), int(cost), document.decode(), name.decode() or None
                )
                return Lookup(hit, key, version)
        return Lookup(None, key, version)

    async def store(self, lookup: Lookup, answer: Answer) -> Cached:
        """Keep ``answer`` under the key and version of its look-up; the answer as kept."""
        cached = Cached.of(answer)
        if lookup.version is not None:
            header = b"\n".join(
                [
                    lookup.version,
                    cached.etag.encode(),
                    str(cached.cost).encode(),
                    cached.document.encode(),
                    (cached.operation_name or "").encode(),
                ]
            )
            # Redis down: the next request reads the database again.
            with suppress(ServiceUnavailable):
                await self.cache.set(lookup.key, header + b"\n" + answer.body, ttl=self.seconds)
        return cached
