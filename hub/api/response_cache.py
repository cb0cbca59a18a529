"""The open-data response cache: identical open-data requests answered from the cache.

Identical means the same document (by hash), the same variables as sent, the same policy
class (tier and scopes; open data is the same for everyone of one class) and the same day
(validity filters read today's date). Only answers the read planner gave are kept: they are
read from the data center alone, with nothing of the caller in them (``myUsage``, say, is
resolved in Python and never planned).

An entry is stored with the data version read *before* the database was, and served only
while the version is still that one: a write commits, moves the version (``hub.dataversion``),
and from then on no answer read before it is served. A hit is one read of the cache (version
and entry together, one round trip on Redis) and the bytes as stored: no parse, no plan, no
database.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import suppress
from dataclasses import dataclass

from hub.api.documents import document_hash
from hub.api.plan.planner import Answer, Operation
from hub.auth.principal import Principal
from hub.cache import GENERATION_KEY, Cache
from hub.dataversion import DataVersion
from hub.errors import ServiceUnavailable
from hub.filters import today


@dataclass(frozen=True, slots=True)
class Cached:
    """An answer as kept: its body, entity tag, estimated cost and operation name."""

    body: bytes
    etag: str
    cost: int
    operation_name: str | None


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

    def __init__(self, cache: Cache, seconds: int) -> None:
        self.cache = cache
        self.seconds = seconds
        self.versions = DataVersion(cache)

    def key(self, principal: Principal, request: Operation) -> str:
        """The entry of this request for callers of this principal's policy class."""
        material = json.dumps(
            [
                principal.tier.name,
                sorted(principal.scopes),
                document_hash(request.query),
                request.name,
                request.variables,
                today().isoformat(),
            ],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return "response:" + hashlib.sha256(material.encode()).hexdigest()

    async def lookup(self, key: str) -> Lookup:
        """The answer under ``key`` if it was stored at the current data version."""
        try:
            version, entry = await self.cache.get_many([GENERATION_KEY, key])
            if version is None:
                version = await self.versions.current()
        except ServiceUnavailable:
            # Redis down: answered from the database, as without a cache.
            return Lookup(None, key, None)
        if entry is not None:
            stored, etag, cost, name, body = entry.split(b"\n", 4)
            if stored == version:
                return Lookup(
                    Cached(body, etag.decode(), int(cost), name.decode() or None), key, version
                )
        return Lookup(None, key, version)

    async def store(self, lookup: Lookup, answer: Answer) -> Cached:
        """Keep ``answer`` under the key and version of its look-up; the answer as kept."""
        cached = Cached(answer.body, entity_tag(answer.body), answer.cost, answer.operation_name)
        if lookup.version is not None:
            header = b"\n".join(
                [
                    lookup.version,
                    cached.etag.encode(),
                    str(cached.cost).encode(),
                    (cached.operation_name or "").encode(),
                ]
            )
            # Redis down: the next request reads the database again.
            with suppress(ServiceUnavailable):
                await self.cache.set(lookup.key, header + b"\n" + answer.body, ttl=self.seconds)
        return cached
