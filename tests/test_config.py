"""Settings from HUB_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.config import Settings
from hub.errors import ConfigError


def test_no_configuration_means_embedded_sqlite_and_in_process_cache() -> None:
    settings = Settings.from_env({})

    assert settings.database_url == f"sqlite+aiosqlite:///{Path('var') / 'hub.sqlite3'}"
    assert settings.is_sqlite
    assert settings.redis_url is None


def test_data_dir_moves_the_sqlite_file() -> None:
    settings = Settings.from_env({"HUB_DATA_DIR": "/srv/hub"})

    assert settings.database_url == "sqlite+aiosqlite:////srv/hub/hub.sqlite3"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://hub@db:5432/hub", "postgresql+asyncpg://hub@db:5432/hub"),
        ("postgres://hub:secret@db/hub", "postgresql+asyncpg://hub:secret@db/hub"),
        ("postgresql+asyncpg://hub@db/hub", "postgresql+asyncpg://hub@db/hub"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_urls_are_mapped_to_async_drivers(given: str, expected: str) -> None:
    assert Settings.from_env({"HUB_DATABASE_URL": given}).database_url == expected


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"HUB_DATABASE_URL": "mysql://root@db/hub"}, "HUB_DATABASE_URL: unsupported database"),
        ({"HUB_DATABASE_URL": "not a url"}, "HUB_DATABASE_URL: 'not a url' is not a database URL"),
        ({"HUB_DATABASE_URL": "postgresql://db"}, "names no database"),
        ({"HUB_REDIS_URL": "http://cache"}, "HUB_REDIS_URL: 'http://cache' is not a Redis URL"),
        ({"HUB_PORT": "eighty"}, "HUB_PORT: 'eighty' is not a whole number"),
        ({"HUB_MAX_PAGE_SIZE": "0"}, "HUB_MAX_PAGE_SIZE: 0 is outside 1..1000"),
        ({"HUB_GRAPHIQL": "maybe"}, "HUB_GRAPHIQL: 'maybe' is not true or false"),
        ({"HUB_LOG_FORMAT": "xml"}, "HUB_LOG_FORMAT: 'xml' is not one of auto, json, text"),
        ({"HUB_LOG_LEVEL": "loud"}, "HUB_LOG_LEVEL: 'loud' is not one of debug, info, warning"),
        ({"HUB_EXCHANGE_MAX_ATTEMPTS": "0"}, "HUB_EXCHANGE_MAX_ATTEMPTS: 0 is outside 1..100"),
        ({"HUB_MAX_REQUEST_BYTES": "10"}, "HUB_MAX_REQUEST_BYTES: 10 is outside 1024..104857600"),
        ({"HUB_MAX_QUERY_BYTES": "big"}, "HUB_MAX_QUERY_BYTES: 'big' is not a whole number"),
        ({"HUB_KEY_ENCRYPTION_KEY": "not base64!"}, "HUB_KEY_ENCRYPTION_KEY: not base64"),
        ({"HUB_KEY_ENCRYPTION_KEY": "c2hvcnQ="}, "HUB_KEY_ENCRYPTION_KEY: a key of 5 bytes"),
        (
            {"HUB_KEY_ENCRYPTION_KEY": "x", "HUB_KEY_ENCRYPTION_KEY_FILE": "/k"},
            "HUB_KEY_ENCRYPTION_KEY and HUB_KEY_ENCRYPTION_KEY_FILE: set one, not both",
        ),
        ({"HUB_AUDIT_CHECKPOINT_SECONDS": "0"}, "HUB_AUDIT_CHECKPOINT_SECONDS: 0 is outside"),
        ({"HUB_PLANNER_CONNECTIONS": "0"}, "HUB_PLANNER_CONNECTIONS: 0 is outside"),
    ],
)
def test_bad_settings_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(environ)

    assert message in caught.value.message


def test_exchange_attempts_are_five_unless_set() -> None:
    assert Settings.from_env({}).exchange_max_attempts == 5
    assert Settings.from_env({"HUB_EXCHANGE_MAX_ATTEMPTS": "3"}).exchange_max_attempts == 3


def test_settings_are_frozen() -> None:
    settings = Settings.from_env({})

    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


def test_request_and_document_sizes_are_settings() -> None:
    settings = Settings.from_env({"HUB_MAX_REQUEST_BYTES": "65536", "HUB_MAX_QUERY_BYTES": "4096"})

    assert (settings.max_request_bytes, settings.max_query_bytes) == (65_536, 4096)
    assert (Settings.from_env({}).max_request_bytes, Settings.from_env({}).max_query_bytes) == (
        1_048_576,
        32_768,
    )


def test_the_key_encryption_key_is_read_but_never_shown() -> None:
    secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    settings = Settings.from_env({"HUB_KEY_ENCRYPTION_KEY": secret})

    assert settings.key_encryption_key == bytes(range(32))
    assert secret not in repr(settings)
    assert "key_encryption_key=" not in repr(settings)


def test_audit_checkpoints_go_to_the_data_dir_unless_set() -> None:
    default = Settings.from_env({"HUB_DATA_DIR": "/srv/hub"})
    moved = Settings.from_env({"HUB_AUDIT_CHECKPOINT_PATH": "/mnt/worm/hub.jsonl"})

    assert default.audit_checkpoints == Path("/srv/hub/audit-checkpoints.jsonl")
    assert moved.audit_checkpoints == Path("/mnt/worm/hub.jsonl")
