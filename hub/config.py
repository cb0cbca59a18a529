"""Settings: read once from ``HUB_*`` environment variables into one frozen object."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from hub.errors import ConfigError

# Plain scheme names are accepted and mapped to the async drivers the hub runs on.
_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


LOG_FORMATS = ("auto", "json", "text")
LOG_LEVELS = ("debug", "info", "warning", "error")
KEK_VARIABLE = "HUB_KEY_ENCRYPTION_KEY"
KEK_FILE_VARIABLE = "HUB_KEY_ENCRYPTION_KEY_FILE"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the hub can be configured with. Build it with :meth:`from_env`."""

    database_url: str
    redis_url: str | None = None
    cache_prefix: str = "hub:"
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    default_page_size: int = 20
    max_page_size: int = 100
    max_query_depth: int = 12
    max_query_tokens: int = 4000
    max_query_bytes: int = 32_768
    max_request_bytes: int = 1_048_576
    max_aliases: int = 30
    count_cache_seconds: int = 30
    response_cache_seconds: int = 300
    """How long an open-data answer is kept in the response cache (0: no response cache).
    A write makes it unreachable at once (``hub.dataversion``); this only bounds memory."""
    open_data_max_age: int = 60
    """``Cache-Control: public, max-age`` of anonymous open-data answers over GET: how long a
    CDN or browser may reuse one without asking again (then ``If-None-Match`` → 304)."""
    graphiql: bool = True
    public_url: str = "http://127.0.0.1:8000"
    token_ttl: int = 3600
    rate_limits: bool = True
    exchange_worker: bool = True
    log_format: str = "auto"
    """``json`` lines, ``text`` for people, or ``auto``: text on a terminal, JSON otherwise."""
    log_level: str = "info"
    exchange_max_attempts: int = 5
    key_encryption_key: bytes | None = field(default=None, repr=False)
    """The KEK the signing keys are sealed with (see :mod:`hub.sealing`), if given inline."""
    key_encryption_key_file: Path | None = None
    """A file holding the KEK instead (base64), e.g. a mounted secret."""
    audit_checkpoint_path: Path | None = None
    """Where the audit chain's signed checkpoints go; default ``<data dir>/audit-checkpoints``."""
    audit_checkpoint_seconds: int = 10
    evidence_max_bytes: int = 104_857_600
    """The largest evidence file (photo, video) an upload may carry; larger ones are 413."""
    credit_rules_dir: Path | None = None
    """Where the credit rule files are; default ``standards/credit`` of the hub's sources."""

    @property
    def audit_checkpoints(self) -> Path:
        """The checkpoint file of the audit chain (outside the database, on purpose)."""
        return self.audit_checkpoint_path or self.data_dir / "audit-checkpoints.jsonl"

    redis_publish_connections: int = 20
    """Redis connections per worker for publishing events (a bounded pool that waits for a
    free one); subscribing takes one more per worker, whatever the number of subscribers."""
    subscriber_queue_events: int = 100
    subscriber_queue_bytes: int = 1_048_576
    """How far a websocket subscriber may fall behind (events, bytes) before it is closed."""
    max_subscriptions_per_connection: int = 100
    planner_connections: int = 4
    """PostgreSQL connections the read planner holds per worker; requests beyond them wait
    in the worker, in turn. Few, on purpose: with ten per worker, sixteen busy clients kept
    up to sixteen backends runnable beside the two workers on two cores, and requests waited
    in the scheduler instead (bench/read_tail.py: workload (c) p99 46 ms with four against
    70 ms with ten, medians of four rounds, at 23 % fewer requests a second)."""

    @property
    def issuer(self) -> str:
        """The OAuth issuer: the hub's public base URL (RFC 8414 and RFC 9068 ``iss``)."""
        return self.public_url

    @property
    def audience(self) -> str:
        """What access tokens are for: the GraphQL endpoint (RFC 9068 ``aud``)."""
        return f"{self.public_url}/graphql"

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``HUB_*`` variables; unset ones take the embedded defaults."""
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("HUB_DATA_DIR", "var"))
        raw_url = env.get("HUB_DATABASE_URL", "").strip()
        database_url = (
            database_url_from(raw_url, "HUB_DATABASE_URL")
            if raw_url
            else f"sqlite+aiosqlite:///{data_dir / 'hub.sqlite3'}"
        )
        redis_url = env.get("HUB_REDIS_URL", "").strip() or None
        if redis_url is not None and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(
                f"HUB_REDIS_URL: {redis_url!r} is not a Redis URL (redis://host:port/db)"
            )
        kek_raw = env.get(KEK_VARIABLE, "").strip()
        kek_file = env.get(KEK_FILE_VARIABLE, "").strip()
        if kek_raw and kek_file:
            raise ConfigError(f"{KEK_VARIABLE} and {KEK_FILE_VARIABLE}: set one, not both")
        checkpoints = env.get("HUB_AUDIT_CHECKPOINT_PATH", "").strip()
        return cls(
            database_url=database_url,
            redis_url=redis_url,
            cache_prefix=env.get("HUB_CACHE_PREFIX", "hub:"),
            data_dir=data_dir,
            host=env.get("HUB_HOST", "127.0.0.1"),
            port=_int(env, "HUB_PORT", 8000, 1, 65535),
            default_page_size=_int(env, "HUB_DEFAULT_PAGE_SIZE", 20, 1, 1000),
            max_page_size=_int(env, "HUB_MAX_PAGE_SIZE", 100, 1, 1000),
            max_query_depth=_int(env, "HUB_MAX_QUERY_DEPTH", 12, 2, 100),
            max_query_tokens=_int(env, "HUB_MAX_QUERY_TOKENS", 4000, 100, 100_000),
            max_query_bytes=_int(env, "HUB_MAX_QUERY_BYTES", 32_768, 1024, 10_485_760),
            max_request_bytes=_int(env, "HUB_MAX_REQUEST_BYTES", 1_048_576, 1024, 104_857_600),
            max_aliases=_int(env, "HUB_MAX_ALIASES", 30, 1, 1000),
            count_cache_seconds=_int(env, "HUB_COUNT_CACHE_SECONDS", 30, 0, 86_400),
            response_cache_seconds=_int(env, "HUB_RESPONSE_CACHE_SECONDS", 300, 0, 86_400),
            open_data_max_age=_int(env, "HUB_OPEN_DATA_MAX_AGE", 60, 0, 86_400),
            graphiql=_bool(env, "HUB_GRAPHIQL", True),
            public_url=_url(env, "HUB_PUBLIC_URL", "http://127.0.0.1:8000"),
            token_ttl=_int(env, "HUB_TOKEN_TTL", 3600, 60, 86_400),
            rate_limits=_bool(env, "HUB_RATE_LIMITS", True),
            exchange_worker=_bool(env, "HUB_EXCHANGE_WORKER", True),
            log_format=_choice(env, "HUB_LOG_FORMAT", "auto", LOG_FORMATS),
            log_level=_choice(env, "HUB_LOG_LEVEL", "info", LOG_LEVELS),
            exchange_max_attempts=_int(env, "HUB_EXCHANGE_MAX_ATTEMPTS", 5, 1, 100),
            key_encryption_key=decode_kek(kek_raw, KEK_VARIABLE) if kek_raw else None,
            key_encryption_key_file=Path(kek_file) if kek_file else None,
            audit_checkpoint_path=Path(checkpoints) if checkpoints else None,
            audit_checkpoint_seconds=_int(env, "HUB_AUDIT_CHECKPOINT_SECONDS", 10, 1, 3600),
            evidence_max_bytes=_int(
                env, "HUB_EVIDENCE_MAX_BYTES", 104_857_600, 1024, 2_147_483_647
            ),
            credit_rules_dir=Path(rules)
            if (rules := env.get("HUB_CREDIT_RULES_DIR", ""))
            else None,
            redis_publish_connections=_int(env, "HUB_REDIS_PUBLISH_CONNECTIONS", 20, 1, 1000),
            subscriber_queue_events=_int(env, "HUB_SUBSCRIBER_QUEUE_EVENTS", 100, 1, 100_000),
            subscriber_queue_bytes=_int(
                env, "HUB_SUBSCRIBER_QUEUE_BYTES", 1_048_576, 1024, 1_073_741_824
            ),
            max_subscriptions_per_connection=_int(
                env, "HUB_MAX_SUBSCRIPTIONS_PER_CONNECTION", 100, 1, 10_000
            ),
            planner_connections=_int(env, "HUB_PLANNER_CONNECTIONS", 4, 1, 1000),
        )


def decode_kek(raw: str, variable: str) -> bytes:
    """A key-encryption key: base64 (standard or URL-safe) of exactly 32 random bytes."""
    text = raw.strip()
    try:
        key = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"{variable}: not base64 (make a key with `hub keys new-kek`)") from None
    if len(key) != 32:
        raise ConfigError(
            f"{variable}: a key of {len(key)} bytes; AES-256 needs 32 (`hub keys new-kek`)"
        )
    return key


def database_url_from(raw: str, variable: str) -> str:
    """Normalise a database URL to its async driver, refusing anything the hub cannot run on."""
    try:
        url: URL = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(f"{variable}: {raw!r} is not a database URL ({exc})") from exc
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise ConfigError(
            f"{variable}: unsupported database {url.drivername!r}; use "
            "postgresql+asyncpg://user@host:port/db or sqlite+aiosqlite:///path/to/file"
        )
    if driver.startswith("postgresql") and not url.database:
        raise ConfigError(f"{variable}: the PostgreSQL URL names no database")
    return url.set(drivername=driver).render_as_string(hide_password=False)


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}: {value} is outside {low}..{high}")
    return value


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip().rstrip("/")
    if not raw:
        return default
    if not raw.startswith(("https://", "http://")) or "?" in raw or "#" in raw:
        raise ConfigError(f"{name}: {raw!r} is not an http(s) base URL")
    return raw


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}: {raw!r} is not true or false")


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        raise ConfigError(f"{name}: {raw!r} is not one of {', '.join(choices)}")
    return raw
